"""Wake-ups between the processes of one host: a Unix datagram socket per waiting process.

Who waits: the web process (``Prefer: wait`` and SSE streams wait for a job to change) and the
worker (waits for a new task). Each such process binds ONE socket in ``JOB_NOTIFY_DIR``; a
writer, after its transaction commits, sends a few bytes to every socket in that directory.

Datagrams are hints, never the truth: whoever is woken re-reads the database. One poller thread
per process covers lost datagrams and writers on another host: it reads every watched job in
ONE query each ``JOB_NOTIFY_POLL_SECONDS`` and wakes the watchers of jobs that changed, so 200
open streams cost one query a second, not 200 threads polling.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger("algoagent.jobs")

Wake = Callable[[], None]
_TASK = b"t"
_JOB = b"j:"
_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux, including the terminating NUL

_sender_lock = threading.Lock()
_sender: socket.socket | None = None


def _notify_dir() -> Path:
    return Path(settings.JOB_NOTIFY_DIR)


def _send(message: bytes) -> None:
    """Send ``message`` to every listening process; drop sockets whose process is gone."""
    global _sender
    try:
        entries = [e.path for e in os.scandir(_notify_dir()) if e.name.endswith(".sock")]
    except FileNotFoundError:
        return
    with _sender_lock:
        if _sender is None:
            _sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            _sender.setblocking(False)
        sender = _sender
    for path in entries:
        try:
            sender.sendto(message, path)
        except ConnectionRefusedError:  # nobody bound: its process died without cleaning up
            with contextlib.suppress(OSError):
                os.unlink(path)
        except OSError:  # full buffer (the listener is awake anyway) or a vanished file
            pass


def task_enqueued() -> None:
    """Wake idle workers: a task was committed to the queue."""
    _send(_TASK)


def job_changed(job_id) -> None:
    """Wake whoever waits on this job: it has a new event (progress, outcome)."""
    _send(_JOB + str(job_id).encode())


class _Listener(threading.Thread):
    """The process's one receiver and poller; started on first use (and again after a fork)."""

    def __init__(self) -> None:
        super().__init__(daemon=True, name="job-notify")
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.job_waiters: dict[str, set[Wake]] = {}
        self.task_waiters: set[Wake] = set()
        self.seen: dict[str, int] = {}
        self.poll_s = float(settings.JOB_NOTIFY_POLL_SECONDS)
        self.path: Path | None = None
        self.sock: socket.socket | None = None
        directory = _notify_dir()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{self.pid}-{secrets.token_hex(4)}.sock"
        if len(str(path)) > _MAX_SOCKET_PATH:
            logger.warning("JOB_NOTIFY_DIR path too long for a socket; polling only: %s", path)
            return
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(self.poll_s)
        self.path = path

    def close(self) -> None:
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()

    def run(self) -> None:
        next_poll = time.monotonic() + self.poll_s
        while True:
            data = self._receive(max(0.0, next_poll - time.monotonic()))
            if data == _TASK:
                self._wake(self.task_waiters)
            elif data and data.startswith(_JOB):
                job_id = data[len(_JOB) :].decode(errors="replace")
                self._wake(self.job_waiters.get(job_id, ()))
            if time.monotonic() >= next_poll:
                next_poll = time.monotonic() + self.poll_s
                self._poll()

    def _receive(self, timeout: float) -> bytes | None:
        if self.sock is None:
            time.sleep(timeout)
            return None
        try:
            self.sock.settimeout(max(timeout, 0.001))
            return self.sock.recv(256)
        except (TimeoutError, BlockingIOError):
            return None

    def _wake(self, waiters) -> None:
        with self.lock:
            callbacks = list(waiters)
        for wake in callbacks:
            wake()

    def _poll(self) -> None:
        """One query for every watched job; wake those whose event count moved."""
        with self.lock:
            ids = list(self.job_waiters)
        if not ids:
            return
        from jobs.models import Job, JobStatus

        try:
            rows = list(Job.objects.filter(pk__in=ids).values_list("pk", "last_seq", "status"))
            running = any(status == JobStatus.RUNNING for _, _, status in rows)
            if running and _stale_check is not None:  # a dead worker's job ends its streams too
                _stale_check()
            for pk, last_seq, _ in rows:
                key = str(pk)
                if self.seen.get(key) != last_seq:
                    self.seen[key] = last_seq
                    self._wake(self.job_waiters.get(key, ()))
        except Exception:  # the poller must outlive a database hiccup
            logger.exception("Job notifier poll failed")
        finally:
            close_old_connections()

    def add_job_waiter(self, job_id: str, wake: Wake) -> None:
        with self.lock:
            self.job_waiters.setdefault(job_id, set()).add(wake)

    def remove_job_waiter(self, job_id: str, wake: Wake) -> None:
        with self.lock:
            waiters = self.job_waiters.get(job_id)
            if waiters is not None:
                waiters.discard(wake)
                if not waiters:
                    del self.job_waiters[job_id]
                    self.seen.pop(job_id, None)


_listener_lock = threading.Lock()
_listener: _Listener | None = None


_stale_check: Callable[[], object] | None = None


def set_stale_check(check: Callable[[], object]) -> None:
    """What the poller runs while a watched job is running: ``jobs.apps`` installs
    ``lifecycle.job_mark_stale_failed`` (this module must not import the lifecycle, which
    notifies through it)."""
    global _stale_check
    _stale_check = check


def listener() -> _Listener:
    """The process's listener, started lazily (a forked child gets its own)."""
    global _listener
    with _listener_lock:
        if _listener is None or _listener.pid != os.getpid():
            _listener = _Listener()
            _listener.start()
        return _listener


@contextlib.contextmanager
def watching_job(job_id, wake: Wake) -> Iterator[None]:
    """Call ``wake`` (from the listener thread) whenever the job may have changed."""
    key = str(job_id)
    current = listener()
    current.add_job_waiter(key, wake)
    try:
        yield
    finally:
        current.remove_job_waiter(key, wake)


def task_waiter() -> threading.Event:
    """An event set whenever a task is enqueued anywhere on this host (the worker waits on it)."""
    event = threading.Event()
    current = listener()
    with current.lock:
        current.task_waiters.add(event.set)
    return event
