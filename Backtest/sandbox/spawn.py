"""Forking strategy processes (server side).

With the PID-namespace layer a process is created in two steps: an intermediate fork calls
``unshare(CLONE_NEWPID)`` and forks again, so the strategy process is the init of its own PID
namespace (any process it somehow created dies with it), reports the grandchild's pid and exits;
the server, as init of its own namespace, inherits the grandchild. The strategy process then
waits for its job on fd 4.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import selectors
import signal
import struct
import sys
from dataclasses import dataclass, field

from Backtest.sandbox import _linux, protocol
from Backtest.sandbox.child import EXIT_SPAWN_FAILED, ChildFds, ChildPrep, child_main

JOB_SEND_TIMEOUT_S = 10.0
F_SETPIPE_SZ = 1031


class SpawnError(RuntimeError):
    """The strategy process could not be created."""


@dataclass
class Proc:
    """A forked strategy process as the server sees it."""

    pid: int
    pidfd: int
    pipes: dict[int, str] = field(default_factory=dict)  # read fd -> stdout/stderr/result
    job_fd: int | None = None
    prep: ChildPrep | None = None
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
        try:
            with open(f"/proc/self/fdinfo/{self.pidfd}", encoding="ascii") as f:
                info = dict(line.split(":", 1) for line in f if ":" in line)
            host_pid = int(info["Pid"])
            if str(self.pid) not in info.get("NSpid", "").split():
                return None
            with open(f"/proc/{host_pid}/status", encoding="utf-8", errors="replace") as f:
                status = dict(line.split(":", 1) for line in f if ":" in line)
            peak_kb = int(status["VmHWM"].split()[0])
            with open(f"/proc/{host_pid}/stat", encoding="utf-8", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks = int(fields[11]) + int(fields[12])  # utime + stime
        except (OSError, KeyError, ValueError, IndexError):
            return None
        return ticks / os.sysconf("SC_CLK_TCK"), peak_kb


def spawn(prep: ChildPrep, devnull: int) -> Proc:
    """Fork a strategy process prepared as ``prep``; it blocks until ``send_job``."""
    in_pidns = "pidns" in prep.layers
    out_r, out_w = os.pipe2(os.O_CLOEXEC)
    err_r, err_w = os.pipe2(os.O_CLOEXEC)
    res_r, res_w = os.pipe2(os.O_CLOEXEC)
    job_r, job_w = os.pipe2(os.O_CLOEXEC)
    pid_r, pid_w = os.pipe2(os.O_CLOEXEC)
    fds = ChildFds(devnull=devnull, stdout=out_w, stderr=err_w, result=res_w, job=job_r)
    sys.stdout.flush()
    sys.stderr.flush()
    first = os.fork()
    if first == 0:  # pragma: no cover - runs in the forked process
        try:
            if in_pidns:
                _linux.unshare(_linux.CLONE_NEWPID)
                second = os.fork()
                if second == 0:
                    child_main(prep, fds, in_pidns=True)
                os.write(pid_w, struct.pack("<i", second))
                os._exit(0)
            child_main(prep, fds, in_pidns=False)
        finally:
            os._exit(EXIT_SPAWN_FAILED)
    for fd in (out_w, err_w, res_w, job_r, pid_w):
        os.close(fd)
    pid: int | None = first
    if in_pidns:
        pid = _read_pid(pid_r)
        os.waitpid(first, 0)  # the intermediate exits at once; its child is now ours
    os.close(pid_r)
    if pid is None:
        for fd in (out_r, err_r, res_r, job_w):
            os.close(fd)
        raise SpawnError("the intermediate process did not report a pid")
    proc = Proc(pid=pid, pidfd=os.pidfd_open(pid), job_fd=job_w, prep=prep)
    for fd, name in ((out_r, "stdout"), (err_r, "stderr"), (res_r, "result")):
        os.set_blocking(fd, False)
        proc.pipes[fd] = name
    with contextlib.suppress(OSError):  # a result fits in one write: no ping-pong per 64 KiB
        fcntl.fcntl(res_r, F_SETPIPE_SZ, 1 << 20)
    return proc


def _read_pid(fd: int) -> int | None:
    ready = selectors.DefaultSelector()
    ready.register(fd, selectors.EVENT_READ)
    try:
        if not ready.select(10.0):
            return None
        data = os.read(fd, 4)
    finally:
        ready.close()
    return struct.unpack("<i", data)[0] if len(data) == 4 else None


def send_job(proc: Proc, request: dict[str, object]) -> None:
    """Hand the job to a waiting process (one frame, then EOF). Raises ``SpawnError``."""
    if proc.job_fd is None:
        raise SpawnError("job already sent")
    fd, proc.job_fd = proc.job_fd, None
    waiter = selectors.DefaultSelector()
    try:
        os.set_blocking(fd, False)
        waiter.register(fd, selectors.EVENT_WRITE)
        data = memoryview(protocol.encode(request))  # type: ignore[arg-type]
        while data:
            if not waiter.select(JOB_SEND_TIMEOUT_S):
                raise SpawnError("strategy process did not accept its job")
            data = data[os.write(fd, data) :]
    except OSError as exc:
        raise SpawnError(f"strategy process is gone: {exc}") from exc
    finally:
        waiter.close()
        os.close(fd)
