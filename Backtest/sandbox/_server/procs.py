"""Strategy processes as the server sees them: asking the zygote for one, handing it its job,
keeping one pre-warmed and idle, and reaping the ones already answered.

The server never forks a strategy process itself (it holds every run's request and result);
the zygote does, from its clean template. A pre-spawned process comes from the zygote too and
has seen no job, only the warm-up on bundled data, so handing it the next run carries nothing
of the previous one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import selectors
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from Backtest.sandbox._wire import protocol

JOB_SEND_TIMEOUT_S = 10.0
ZYGOTE_TIMEOUT_S = 30.0
F_SETPIPE_SZ = 1031
BACKOFF_S = 30.0


class SpawnError(RuntimeError):
    """The strategy process could not be created or given its job."""


def log(message: str) -> None:
    """Server diagnostics go to stderr (the client points it at ``server.log``)."""
    print(f"[sandbox-server] {message}", file=sys.stderr, flush=True)


@dataclass
class Proc:
    """A strategy process as the server sees it."""

    pid: int
    pidfd: int
    layers: frozenset[str] = frozenset()
    pipes: dict[int, str] = field(default_factory=dict)  # read fd -> stdout/stderr/result
    job_fd: int | None = None
    frames: protocol.FrameBuffer = field(
        default_factory=lambda: protocol.FrameBuffer(max_frame=4096, max_total=65536)
    )
    prepared: bool = False  # stage 1 done (reported by the process before it had a job)

    @property
    def result_fd(self) -> int:
        """The read end of the result channel."""
        return next(fd for fd, name in self.pipes.items() if name == "result")

    def close_fds(self) -> None:
        """Close every descriptor the server holds for this process."""
        for fd in [*self.pipes, self.job_fd, self.pidfd]:
            if fd is not None and fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.pipes.clear()
        self.job_fd = None
        self.pidfd = -1

    def kill(self) -> None:
        """SIGKILL the process (harmless if it already exited)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def usage(self) -> tuple[float, int] | None:
        """(CPU seconds, peak RSS in KiB) of the live process, from the kernel; None if unknown.

        The server's pids live in its own namespace while /proc is the host's, so the pidfd's
        fdinfo gives the pid /proc knows it by. Only valid before the process is reaped (until
        then its pid cannot be reused); None once its memory is gone or on older kernels.
        """
        host_pid = self.host_pid()
        if host_pid is None:
            return None
        try:
            with open(f"/proc/{host_pid}/status", encoding="utf-8", errors="replace") as f:
                status = dict(line.split(":", 1) for line in f if ":" in line)
            peak_kb = int(status["VmHWM"].split()[0])
            with open(f"/proc/{host_pid}/stat", encoding="utf-8", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks = int(fields[11]) + int(fields[12])  # utime + stime
        except (OSError, KeyError, ValueError, IndexError):
            return None
        return ticks / os.sysconf("SC_CLK_TCK"), peak_kb

    def host_pid(self) -> int | None:
        """The pid the host's /proc knows this process by (None once it is gone)."""
        try:
            with open(f"/proc/self/fdinfo/{self.pidfd}", encoding="ascii") as f:
                info = dict(line.split(":", 1) for line in f if ":" in line)
            host_pid = int(info["Pid"])
        except (OSError, KeyError, ValueError):
            return None
        if host_pid <= 0 or str(self.pid) not in info.get("NSpid", "").split():
            return None
        return host_pid


class Zygote:
    """The server's end of the zygote's command socket."""

    def __init__(self, pid: int, sock: socket.socket) -> None:
        self.pid = pid
        self.sock = sock
        self.pidfd = os.pidfd_open(pid)
        self._next_id = 0

    def spawn(self, layers: frozenset[str], *, warm_up: bool) -> Proc:
        """A new strategy process (a child of this server), waiting for its job on a pipe."""
        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        err_r, err_w = os.pipe2(os.O_CLOEXEC)
        res_r, res_w = os.pipe2(os.O_CLOEXEC)
        job_r, job_w = os.pipe2(os.O_CLOEXEC)
        ours = [out_r, err_r, res_r, job_w]
        theirs = [out_w, err_w, res_w, job_r]
        self._next_id += 1
        command = {"id": self._next_id, "layers": sorted(layers), "warm_up": warm_up}
        try:
            socket.send_fds(self.sock, [json.dumps(command).encode()], theirs)
            reply = self._reply(self._next_id)
        except BaseException:
            for fd in ours:
                os.close(fd)
            raise
        finally:
            for fd in theirs:
                os.close(fd)
        try:
            pid = reply.get("pid")
            if not isinstance(pid, int) or pid <= 1:
                raise SpawnError(f"the zygote could not spawn: {reply.get('error')}")
            proc = Proc(pid=pid, pidfd=os.pidfd_open(pid), layers=layers, job_fd=job_w)
        except BaseException:
            for fd in ours:
                os.close(fd)
            raise
        for fd, name in ((out_r, "stdout"), (err_r, "stderr"), (res_r, "result")):
            os.set_blocking(fd, False)
            proc.pipes[fd] = name
        with contextlib.suppress(OSError):  # a result fits in one write: no ping-pong per 64 KiB
            fcntl.fcntl(res_r, F_SETPIPE_SZ, 1 << 20)
        return proc

    def _reply(self, expected_id: int) -> dict[str, Any]:
        waiter = selectors.DefaultSelector()
        waiter.register(self.sock, selectors.EVENT_READ)
        try:
            if not waiter.select(ZYGOTE_TIMEOUT_S):
                raise SpawnError("the zygote did not answer")
            raw = self.sock.recv(65536)
        finally:
            waiter.close()
        if not raw:
            raise SpawnError("the zygote is gone")
        try:
            reply = json.loads(raw)
        except ValueError as exc:
            raise SpawnError("the zygote sent garbage") from exc
        if not isinstance(reply, dict) or reply.get("id") != expected_id:
            raise SpawnError("the zygote answered out of order")
        return reply

    def close(self) -> None:
        """Close the command socket (the zygote exits on EOF) and make sure it is gone."""
        with contextlib.suppress(OSError):
            self.sock.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.pidfd)


def send_job(proc: Proc, request: dict[str, Any]) -> None:
    """Hand the job to a waiting process (one frame, then EOF). Raises ``SpawnError``."""
    if proc.job_fd is None:
        raise SpawnError("job already sent")
    fd, proc.job_fd = proc.job_fd, None
    waiter = selectors.DefaultSelector()
    try:
        os.set_blocking(fd, False)
        waiter.register(fd, selectors.EVENT_WRITE)
        data = memoryview(protocol.encode(request))
        while data:
            if not waiter.select(JOB_SEND_TIMEOUT_S):
                raise SpawnError("strategy process did not accept its job")
            data = data[os.write(fd, data) :]
    except OSError as exc:
        raise SpawnError(f"strategy process is gone: {exc}") from exc
    finally:
        waiter.close()
        os.close(fd)


class Prespawner:
    """Owns at most one idle, pre-warmed process (from the zygote, never given a job)."""

    def __init__(
        self, sel: selectors.BaseSelector, zygote: Zygote, layers: frozenset[str], *, enabled: bool
    ) -> None:
        self.sel = sel
        self.zygote = zygote
        self.layers = layers
        self.enabled = enabled
        self.idle: Proc | None = None
        self.paused_until = 0.0

    @property
    def ready(self) -> bool:
        """A warmed process is waiting."""
        return self.idle is not None and self.idle.prepared

    def maybe_spawn(self, *, busy: bool) -> None:
        """Ask for a new idle process if none exists and nothing else needs the CPU."""
        if self.idle is not None or busy or not self.enabled:
            return
        if time.monotonic() < self.paused_until:
            return
        try:
            proc = self.zygote.spawn(self.layers, warm_up=True)
        except (OSError, SpawnError) as exc:
            log(f"pre-spawn failed: {exc}")
            self.paused_until = time.monotonic() + BACKOFF_S
            return
        self.idle = proc
        self.sel.register(proc.pidfd, selectors.EVENT_READ, ("idle_exit", proc))
        self.sel.register(proc.result_fd, selectors.EVENT_READ, ("idle_result", proc))

    def on_result(self, proc: Proc, fd: int) -> None:
        """The waiting process reports stage 1 done; anything else means it is broken."""
        try:
            data = os.read(fd, 4096)
            frames = proc.frames.feed(data) if data else None
        except BlockingIOError:
            return
        except protocol.ProtocolError:
            frames = None
        if frames is None or any(f.get("type") != "prepared" for f in frames):
            proc.kill()  # reaped through on_exit
            with contextlib.suppress(KeyError, ValueError):
                self.sel.unregister(fd)
            return
        if frames:
            proc.prepared = True

    def on_exit(self, proc: Proc) -> None:
        """A waiting process died before getting a job: discard it and back off."""
        self._unregister(proc)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(proc.pid, 0)
        proc.close_fds()
        if self.idle is proc:
            self.idle = None
        log("pre-spawned process exited unexpectedly")
        self.paused_until = time.monotonic() + BACKOFF_S

    def take(self, layers: frozenset[str]) -> tuple[Proc, bool]:
        """A process for a run with ``layers``: the warm one if ready, else a fresh one."""
        idle = self.idle
        # A process still warming up would make this run wait for it: spawn a fresh one and
        # keep the warm one for the next run.
        if idle is not None and idle.prepared and layers == idle.layers:
            self.idle = None
            self._unregister(idle)
            return idle, True
        return self.zygote.spawn(layers, warm_up=False), False

    def kill(self) -> None:
        """Shutdown: kill the idle process."""
        if self.idle is not None:
            self.idle.kill()

    def _unregister(self, proc: Proc) -> None:
        for fd in (proc.pidfd, proc.result_fd):
            with contextlib.suppress(KeyError, ValueError):
                self.sel.unregister(fd)


class Reaper:
    """Processes whose run was answered at "done": SIGKILLed, their exit still to collect."""

    def __init__(self, sel: selectors.BaseSelector) -> None:
        self.sel = sel
        self.procs: dict[int, tuple[Proc, Any]] = {}

    @property
    def busy(self) -> bool:
        """Some process still holds its memory."""
        return bool(self.procs)

    def adopt(self, proc: Proc, on_reaped: Any = None) -> None:
        """Take over a killed process whose pipes are closed; its pidfd reports the exit.
        ``on_reaped()`` runs once it is collected (e.g. to remove its cgroup)."""
        with contextlib.suppress(KeyError, ValueError):
            self.sel.unregister(proc.pidfd)
        self.sel.register(proc.pidfd, selectors.EVENT_READ, ("reap", proc))
        self.procs[proc.pidfd] = (proc, on_reaped)

    def on_exit(self, proc: Proc) -> None:
        """Collect the exit. The caller has its answer; anything other than our own SIGKILL is
        logged, not reported."""
        with contextlib.suppress(KeyError, ValueError):
            self.sel.unregister(proc.pidfd)
        _, on_reaped = self.procs.pop(proc.pidfd, (proc, None))
        try:
            _, status = os.waitpid(proc.pid, 0)
        except ChildProcessError:
            status = None
        proc.close_fds()
        if on_reaped is not None:
            on_reaped()
        if status is not None and not (
            os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        ):
            log(f"process {proc.pid} answered after 'done', then ended with status {status}")

    def kill(self) -> None:
        """Shutdown: make sure none of them lives on."""
        for proc, _ in self.procs.values():
            proc.kill()
