"""The server's single-threaded event loop: connections, strategy processes, deadlines.

Each connection carries one request frame and receives one response frame. A run is assigned a
pre-spawned, pre-warmed process when one is idle (the fork and copy-on-write warm-up then cost
the request nothing) or a freshly forked one. Per run the loop owns the wall-clock deadline
(SIGKILL), the output caps and the result-channel framing; the process's answer is parsed with
hard size limits and passed on for the client to validate.

When the runner reports "done" after its result, the loop drains the pipes, reads the process's
CPU time and peak RSS from the kernel, SIGKILLs it and answers at once; the exit (freeing a large
address space, tearing down the namespaces) is reaped afterwards. A process that ends any other
way is answered after its exit, as before.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import socket
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from Backtest.sandbox._linux import cgroups
from Backtest.sandbox._server.procs import (
    Prespawner,
    Proc,
    Reaper,
    SpawnError,
    Zygote,
    log,
    send_job,
)
from Backtest.sandbox._server.runstate import Run
from Backtest.sandbox._wire import protocol
from Backtest.sandbox._wire.job import JobError
from Backtest.sandbox._wire.limits import Limits, LimitsError

READ_CHUNK = 1 << 16
RESULT_READ_CHUNK = 1 << 20  # the result pipe's size: a whole result in one read
DRAIN_GRACE_S = 2.0
REQUEST_READ_TIMEOUT_S = 30.0


@dataclass
class LoopConfig:
    """What the loop needs from the server's start-up."""

    runs_root: str
    max_children: int
    layers: list[str]
    allow_layer_overrides: bool = False
    prespawn: bool = True
    cgroups: cgroups.Setup = field(default_factory=cgroups.Setup)


class Server:
    """The event loop and the per-run bookkeeping."""

    def __init__(self, config: LoopConfig, zygote: Zygote) -> None:
        self.config = config
        self.layers = frozenset(config.layers)
        self.zygote = zygote
        self.sel = selectors.DefaultSelector()
        self.queue: list[Run] = []
        self.runs: dict[int, Run] = {}
        self.pool = Prespawner(self.sel, zygote, self.layers, enabled=config.prespawn)
        self.cgroup_leftovers: list[cgroups.RunCgroups] = []  # busy at removal: retried
        # The waiting pre-spawned process's own cgroups (joined while it waits).
        self.idle_cgroups: tuple[Proc, cgroups.RunCgroups] | None = None
        self.started_runs = 0
        self.reaper = Reaper(self.sel)  # answered early, killed, exit not yet collected
        self.stopping = False

    # ---- lifecycle -------------------------------------------------------------------------
    def serve(self, listener: socket.socket) -> None:
        """Run until the lifeline (stdin) closes."""
        listener.setblocking(False)
        self.sel.register(listener, selectors.EVENT_READ, ("listen", None))
        os.set_blocking(0, False)
        self.sel.register(0, selectors.EVENT_READ, ("lifeline", None))
        self.sel.register(self.zygote.pidfd, selectors.EVENT_READ, ("zygote", None))
        while not self.stopping:
            for key, mask in self.sel.select(self._next_timeout()):
                kind, obj = key.data
                try:
                    self._dispatch(kind, obj, key.fd, listener, mask)
                except Exception:  # one bad run must never take the server down
                    log("internal error:\n" + traceback.format_exc())
                    if isinstance(obj, Run):
                        self._fail(obj, "server error")
            self._check_deadlines()
            self._start_queued()
            if self.cgroup_leftovers:
                leftovers, self.cgroup_leftovers = self.cgroup_leftovers, []
                for group in leftovers:
                    self._remove_cgroups(group)
            # No warm-up while a killed process still holds its memory: it would add to the
            # peak and compete with the next run for the CPU.
            self.pool.maybe_spawn(busy=bool(self.queue) or self._running() > 0 or self.reaper.busy)
            self._prejoin_cgroups()
        for run in list(self.runs.values()):
            if run.proc is not None:
                run.proc.kill()
        self.reaper.kill()
        self.pool.kill()
        if self.idle_cgroups is not None:
            idle, group = self.idle_cgroups
            with contextlib.suppress(ChildProcessError):
                os.waitpid(idle.pid, 0)
            self._remove_cgroups(group)

    def _dispatch(self, kind: str, obj: Any, fd: int, listener: socket.socket, mask: int) -> None:
        if kind == "listen":
            self._accept(listener)
        elif kind == "lifeline":
            with contextlib.suppress(BlockingIOError):
                if not os.read(0, 4096):
                    self.stopping = True
        elif kind == "zygote":
            # Without the clean template no run can start; the client starts a new server.
            log("the zygote exited; shutting down")
            self.stopping = True
        elif kind == "conn":
            self._on_conn(obj, mask)
        elif kind == "pipe":
            self._on_pipe(obj, fd)
        elif kind == "pidfd":
            self._on_exit(obj)
        elif kind == "reap":
            self.reaper.on_exit(obj)
        elif kind == "idle_exit":
            self.pool.on_exit(obj)
        elif kind == "idle_result":
            self.pool.on_result(obj, fd)

    def _running(self) -> int:
        return sum(1 for run in self.runs.values() if run.alive)

    def _next_timeout(self) -> float:
        now = time.monotonic()
        waits = [1.0]
        for run in self.runs.values():
            if run.alive:
                waits.append(run.deadline - now)
            elif run.exited_at is not None and not run.finished:
                waits.append(run.exited_at + DRAIN_GRACE_S - now)
            elif run.request is None:
                waits.append(run.accepted_at + REQUEST_READ_TIMEOUT_S - now)
        return max(0.0, min(waits))

    # ---- connections -----------------------------------------------------------------------
    def _accept(self, listener: socket.socket) -> None:
        try:
            conn, _ = listener.accept()
        except BlockingIOError:
            return
        conn.setblocking(False)
        run = Run(conn=conn, accepted_at=time.monotonic())
        self.runs[id(run)] = run
        self.sel.register(conn, selectors.EVENT_READ, ("conn", run))

    def _on_conn(self, run: Run, mask: int) -> None:
        if mask & selectors.EVENT_WRITE and run.outbuf:
            self._flush(run)
        if not mask & selectors.EVENT_READ or run.final or run.client_gone:
            return
        try:
            data = run.conn.recv(READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data or run.request is not None:
            # The client went away (or spoke out of turn): nobody wants this result any more.
            self._client_gone(run)
            return
        run.inbuf += data
        if len(run.inbuf) < protocol.HEADER.size:
            return
        (length,) = protocol.HEADER.unpack_from(run.inbuf)
        if length > protocol.MAX_REQUEST_BYTES:
            self._respond(run, {"status": "bad_request", "error": "request too large"})
            return
        if len(run.inbuf) < protocol.HEADER.size + length:
            return
        try:
            request = protocol.decode_payload(bytes(run.inbuf[protocol.HEADER.size :]))
        except protocol.ProtocolError as exc:
            self._respond(run, {"status": "bad_request", "error": str(exc)})
            return
        run.inbuf.clear()
        self._on_request(run, request)

    def _on_request(self, run: Run, request: dict[str, Any]) -> None:
        op = request.get("op")
        if op == "ping":
            self._respond(
                run,
                {
                    "status": "pong",
                    "layers": self.config.layers,
                    "running": self._running(),
                    "queued": len(self.queue),
                    "idle_ready": self.pool.ready,
                },
            )
            return
        if op != "run":
            self._respond(run, {"status": "bad_request", "error": f"unknown op {op!r}"})
            return
        try:
            run.accept(
                request,
                runs_root=self.config.runs_root,
                layers=self.layers,
                allow_layer_overrides=self.config.allow_layer_overrides,
            )
        except (JobError, LimitsError, ValueError, KeyError, TypeError) as exc:
            self._respond(run, {"status": "bad_request", "error": str(exc)})
            return
        self.queue.append(run)

    # ---- runs ------------------------------------------------------------------------------
    def _start_queued(self) -> None:
        while self.queue and self._running() < self.config.max_children:
            run = self.queue.pop(0)
            if run.client_gone:
                continue
            self._start(run)

    def _start(self, run: Run) -> None:
        assert run.limits is not None
        assert run.request is not None
        try:
            proc, run.prewarmed = self.pool.take(run.layers)
        except (OSError, SpawnError) as exc:
            self._respond(run, {"status": "spawn_failed", "error": str(exc)})
            return
        run.proc = proc
        run.started = time.monotonic()
        run.deadline = run.started + run.limits.timeout_s
        try:
            self._join_cgroups(run, proc)
        except OSError as exc:
            log(f"cgroup setup failed: {exc}")
            run.setup_error = f"cgroup setup failed: {exc}"[:500]
        proc.frames.max_frame = run.limits.max_frame_bytes
        proc.frames.max_total = (
            proc.frames.total + run.limits.max_result_bytes + run.limits.max_frame_bytes
        )
        self.sel.register(proc.pidfd, selectors.EVENT_READ, ("pidfd", run))
        for fd in proc.pipes:
            self.sel.register(fd, selectors.EVENT_READ, ("pipe", run))
        if run.setup_error is not None:
            self._kill(run, "spawn_failed")  # no job: nothing ran without its limits
            return
        try:
            send_job(proc, run.request)
        except SpawnError as exc:
            log(f"job hand-over failed: {exc}")
            self._kill(run, "spawn_failed")

    def _cgroup_controllers(self, layers: frozenset[str]) -> tuple[bool, bool]:
        """Whether a process with ``layers`` goes into a memory and a pids cgroup."""
        return (
            "cgroup_memory" in layers and self.config.cgroups.memory is not None,
            "cgroup_pids" in layers and self.config.cgroups.pids is not None,
        )

    def _new_cgroups(self, memory: bool, pids: bool, limits: Limits) -> cgroups.RunCgroups:
        self.started_runs += 1
        return cgroups.RunCgroups.create(
            self.config.cgroups,
            memory_mb=limits.memory_mb if memory else None,
            pids_max=limits.max_processes if pids else None,
            run_id=f"run-{self.started_runs}",
        )

    def _prejoin_cgroups(self) -> None:
        """Put the waiting pre-spawned process (warm-up done, trusted code only, no job) in
        cgroups of its own, so the run that takes it pays for no cgroup creation or attach
        (milliseconds on cgroup v1) on its critical path; that run's limits are written into
        them before its job is sent. Cgroups of a waiting process that died are removed."""
        idle = self.pool.idle
        if self.idle_cgroups is not None and self.idle_cgroups[0] is not idle:
            group, self.idle_cgroups = self.idle_cgroups[1], None
            self._remove_cgroups(group)  # busy until reaped: retried as a leftover
        if self.idle_cgroups is not None or idle is None or not idle.prepared:
            return
        memory, pids = self._cgroup_controllers(idle.layers)
        if not memory and not pids:
            return
        try:
            group = self._new_cgroups(memory, pids, Limits())
        except OSError as exc:
            log(f"cgroup setup for the waiting process failed: {exc}")
            return  # the run that takes it creates its cgroups itself
        try:
            group.attach(idle.pid)
        except OSError as exc:
            log(f"the waiting process could not join its cgroups: {exc}")
            self._remove_cgroups(group)
            return
        self.idle_cgroups = (idle, group)

    def _join_cgroups(self, run: Run, proc: Proc) -> None:
        """Put the process in the run's own memory and pids cgroups with the run's limits,
        before it has its job (so before its lockdown and before any strategy code exists in
        it). A pre-spawned process is already in cgroups of its own: only the limits change."""
        assert run.limits is not None
        assert run.request is not None
        memory, pids = self._cgroup_controllers(run.layers)
        run.request["shared_memory"] = memory  # a memory cgroup counts it: no need to refuse
        joined = None
        if self.idle_cgroups is not None and self.idle_cgroups[0] is proc:
            joined, self.idle_cgroups = self.idle_cgroups[1], None
        if not memory and not pids:
            if joined is not None:  # cannot happen (same layers); removed after the exit
                run.cgroups = joined
                raise OSError("the process is in cgroups its run does not use")
            return
        run.cgroup_limits = {
            "memory_mb": run.limits.memory_mb if memory else 0,
            "pids_max": run.limits.max_processes if pids else 0,
        }
        if joined is not None:
            run.cgroups = joined
            joined.set_limits(memory_mb=run.limits.memory_mb, pids_max=run.limits.max_processes)
            return
        run.cgroups = self._new_cgroups(memory, pids, run.limits)
        run.cgroups.attach(proc.pid)

    def _release_cgroups(self, run: Run) -> None:
        """Read the run's cgroup counters (once its process is gone) and remove the cgroups."""
        if run.cgroups is None:
            return
        run.cgroup_counters = run.cgroups.counters()
        self._remove_cgroups(run.cgroups)
        run.cgroups = None

    def _remove_cgroups(self, group: cgroups.RunCgroups) -> None:
        try:
            if not group.remove():
                self.cgroup_leftovers.append(group)
        except OSError as exc:
            log(f"cannot remove a run's cgroup: {exc}")

    def _on_pipe(self, run: Run, fd: int) -> None:
        self._read_pipe(run, fd)
        if run.progress:
            self._forward_progress(run)
        if run.done and not run.finished and run.killed_for is None and run.alive:
            self._finish_on_done(run)

    def _read_pipe(self, run: Run, fd: int) -> bool:
        """Consume one chunk from a pipe of ``run``; False when it had nothing (or hit EOF)."""
        assert run.proc is not None
        assert run.limits is not None
        name = run.proc.pipes.get(fd)
        if name is None:
            return False
        try:
            data = os.read(fd, RESULT_READ_CHUNK if name == "result" else READ_CHUNK)
        except BlockingIOError:
            return False
        if not data:
            self._close_pipe(run, fd)
            return False
        if name == "result":
            try:
                for frame, raw in run.proc.frames.feed_raw(data):
                    run.on_frame(frame, raw)
            except protocol.ProtocolError as exc:
                run.protocol_error = str(exc)[:500]
                self._kill(run, "protocol_error")
                self._close_pipe(run, fd)
                return False
            return True
        run.out_total[name] += len(data)
        room = run.limits.max_output_bytes - len(run.out[name])
        if room > 0:
            run.out[name] += data[:room]
        if sum(run.out_total.values()) > run.limits.output_kill_bytes:
            self._kill(run, "output_limit")
            for pipe_fd, pipe_name in list(run.proc.pipes.items()):
                if pipe_name != "result":
                    self._close_pipe(run, pipe_fd)
            return False
        return True

    def _finish_on_done(self, run: Run) -> None:
        """The runner has nothing more to send: answer now, reap the process later.

        Everything it wrote before "done" is already in the pipes (it flushed stdout/stderr
        before its result), so draining them without blocking sees all of it, and any frame
        after "done" is still caught as a protocol error. The process is then SIGKILLed: it
        is only waiting for that, and nothing it might still try can reach anyone.
        """
        proc = run.proc
        assert proc is not None
        usage = proc.usage()  # while it is alive: afterwards the kernel drops these numbers
        for fd in list(proc.pipes):
            while self._read_pipe(run, fd):
                pass
        counters = run.cgroups.counters() if run.cgroups is not None else None
        proc.kill()
        run.ended_by_server = True
        if run.killed_for is not None or usage is None:
            return  # answered when the exit is collected (with wait4's numbers)
        for fd in list(proc.pipes):
            self.sel.unregister(fd)
            os.close(fd)
        proc.pipes.clear()
        group, run.cgroups, run.cgroup_counters = run.cgroups, None, counters
        self.reaper.adopt(proc, None if group is None else lambda: self._remove_cgroups(group))
        run.usage = usage
        run.exited_at = time.monotonic()
        run.proc = None  # the run is over; the reaper owns the process now
        run.finished = True
        self._respond(run, run.response())

    def _on_exit(self, run: Run) -> None:
        proc = run.proc
        assert proc is not None
        with contextlib.suppress(KeyError, ValueError):
            self.sel.unregister(proc.pidfd)
        with contextlib.suppress(OSError):
            os.close(proc.pidfd)
        proc.pidfd = -1
        try:
            _, run.status, run.rusage = os.wait4(proc.pid, 0)
        except ChildProcessError:
            run.status, run.rusage = None, None
        run.exited_at = time.monotonic()
        self._release_cgroups(run)
        self._maybe_finish(run)

    def _close_pipe(self, run: Run, fd: int) -> None:
        assert run.proc is not None
        if run.proc.pipes.pop(fd, None) is not None:
            self.sel.unregister(fd)
            os.close(fd)
        self._maybe_finish(run)

    def _maybe_finish(self, run: Run) -> None:
        if run.finished or run.exited_at is None or run.proc is None:
            return
        if run.proc.pipes and time.monotonic() < run.exited_at + DRAIN_GRACE_S:
            return
        for fd in list(run.proc.pipes):
            self.sel.unregister(fd)
        run.proc.close_fds()
        run.finished = True
        self._respond(run, run.response())

    def _check_deadlines(self) -> None:
        now = time.monotonic()
        for run in list(self.runs.values()):
            if run.alive and now >= run.deadline:
                self._kill(run, "timeout")
            elif run.exited_at is not None and not run.finished:
                self._maybe_finish(run)
            elif run.request is None and now > run.accepted_at + REQUEST_READ_TIMEOUT_S:
                self._close(run)

    def _kill(self, run: Run, reason: str) -> None:
        if run.killed_for is None:
            run.killed_for = reason
        if run.alive:
            run.proc.kill()  # type: ignore[union-attr]

    # ---- responses -------------------------------------------------------------------------
    def _fail(self, run: Run, reason: str) -> None:
        if run.alive:
            self._kill(run, "server_error")  # the normal completion path reports it
        elif not run.final:
            self._respond(run, {"status": "server_error", "error": reason})
        else:
            self._close(run)

    def _respond(self, run: Run, response: dict[str, Any]) -> None:
        if run.client_gone:
            self._close(run)
            return
        response.setdefault("v", protocol.PROTOCOL_VERSION)
        run.progress.clear()  # the answer supersedes progress not yet forwarded
        try:
            if run.result_raw is not None and response.get("result") is run.result:
                envelope = {k: v for k, v in response.items() if k != "result"}
                final = protocol.encode_with_raw(envelope, "result", run.result_raw)
            else:
                final = protocol.encode(response)
        except (ValueError, TypeError) as exc:
            final = protocol.encode({"status": "server_error", "error": str(exc)})
        run.outbuf += final
        run.final = True
        with contextlib.suppress(KeyError, ValueError):
            self.sel.modify(run.conn, selectors.EVENT_WRITE, ("conn", run))
        self._flush(run)

    def _forward_progress(self, run: Run) -> None:
        """Send the run's checked progress frames now (the answer follows on the same
        connection); a slow client only delays them, never the run."""
        frames, run.progress = run.progress, []
        if run.final or run.client_gone:
            return
        run.outbuf += b"".join(protocol.encode(frame) for frame in frames)
        self._flush(run)

    def _flush(self, run: Run) -> None:
        try:
            sent = run.conn.send(run.outbuf)
        except BlockingIOError:
            sent = 0
        except OSError:
            if run.final:
                self._close(run)
            else:
                self._client_gone(run)
            return
        run.outbuf = run.outbuf[sent:]
        if not run.outbuf and run.final:
            self._close(run)
            return
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if run.outbuf else 0)
        if run.final:
            events = selectors.EVENT_WRITE
        with contextlib.suppress(KeyError, ValueError):
            self.sel.modify(run.conn, events, ("conn", run))

    def _client_gone(self, run: Run) -> None:
        run.client_gone = True
        with contextlib.suppress(KeyError, ValueError):
            self.sel.unregister(run.conn)
        run.conn.close()
        if run.alive:
            self._kill(run, "client_gone")  # bookkeeping finishes when the process is reaped
        else:
            self._close(run)

    def _close(self, run: Run) -> None:
        """Forget a run whose process (if any) has been reaped."""
        with contextlib.suppress(KeyError, ValueError):
            self.sel.unregister(run.conn)
        run.conn.close()
        if run in self.queue:
            self.queue.remove(run)
        if run.proc is not None and not run.alive:
            for fd in run.proc.pipes:
                with contextlib.suppress(KeyError, ValueError):
                    self.sel.unregister(fd)
            run.proc.close_fds()
        self.runs.pop(id(run), None)
