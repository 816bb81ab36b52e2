"""One strategy process kept forked, namespaced and warmed up, waiting for the next job; and
the processes that are done (answered early, killed), waiting to be reaped.

The fork, namespace creation and a representative warm-up backtest (which turns the
copy-on-write page faults of a fresh fork into private pages) then cost the next request
nothing. Warming happens only while no backtest is running, so it never competes with one; a
run that arrives while the process is still warming gets a freshly forked process instead.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import sys
import time

from Backtest.sandbox import protocol
from Backtest.sandbox.child import ChildPrep
from Backtest.sandbox.spawn import Proc, SpawnError, spawn

BACKOFF_S = 30.0


def log(message: str) -> None:
    """Server diagnostics go to stderr (the client points it at ``server.log``)."""
    print(f"[sandbox-server] {message}", file=sys.stderr, flush=True)


class Prespawner:
    """Owns at most one idle, pre-warmed process."""

    def __init__(
        self, sel: selectors.BaseSelector, prep: ChildPrep, devnull: int, *, enabled: bool
    ) -> None:
        self.sel = sel
        self.prep = prep
        self.devnull = devnull
        self.enabled = enabled
        self.idle: Proc | None = None
        self.paused_until = 0.0

    @property
    def ready(self) -> bool:
        """A warmed process is waiting."""
        return self.idle is not None and self.idle.prepared

    def maybe_spawn(self, *, busy: bool) -> None:
        """Fork a new idle process if none exists and nothing else needs the CPU."""
        if self.idle is not None or busy or not self.enabled:
            return
        if time.monotonic() < self.paused_until:
            return
        prep = ChildPrep(
            layers=self.prep.layers,
            rootfs=self.prep.rootfs,
            plan=self.prep.plan,
            seccomp_bpf=self.prep.seccomp_bpf,
            warm_up=True,
            warm_data=self.prep.warm_data,
        )
        try:
            proc = spawn(prep, self.devnull)
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
        """A process for a run with ``layers``: the warm one if ready, else a fresh fork."""
        idle = self.idle
        # A process still warming up would make this run wait for it: fork a fresh one and
        # keep the warm one for the next run.
        if idle is not None and idle.prepared and idle.prep and layers == idle.prep.layers:
            self.idle = None
            self._unregister(idle)
            return idle, True
        prep = ChildPrep(
            layers=layers,
            rootfs=self.prep.rootfs if "mountns" in layers else None,
            plan=self.prep.plan,
            seccomp_bpf=self.prep.seccomp_bpf,
            warm_up=False,
        )
        return spawn(prep, self.devnull), False

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
        self.procs: dict[int, Proc] = {}

    @property
    def busy(self) -> bool:
        """Some process still holds its memory."""
        return bool(self.procs)

    def adopt(self, proc: Proc) -> None:
        """Take over a killed process whose pipes are closed; its pidfd reports the exit."""
        with contextlib.suppress(KeyError, ValueError):
            self.sel.unregister(proc.pidfd)
        self.sel.register(proc.pidfd, selectors.EVENT_READ, ("reap", proc))
        self.procs[proc.pidfd] = proc

    def on_exit(self, proc: Proc) -> None:
        """Collect the exit. The caller has its answer; anything other than our own SIGKILL is
        logged, not reported."""
        with contextlib.suppress(KeyError, ValueError):
            self.sel.unregister(proc.pidfd)
        self.procs.pop(proc.pidfd, None)
        try:
            _, status = os.waitpid(proc.pid, 0)
        except ChildProcessError:
            status = None
        proc.close_fds()
        if status is not None and not (
            os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        ):
            log(f"process {proc.pid} answered after 'done', then ended with status {status}")

    def kill(self) -> None:
        """Shutdown: make sure none of them lives on."""
        for proc in self.procs.values():
            proc.kill()
