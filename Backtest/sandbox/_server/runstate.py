"""Per-run state on the server side: output accounting, frame order, the response.

Frame order on the result channel is fixed: an optional "prepared" (stage 1 done), then
"ready" or "lockdown_failed" (both written before any untrusted code existed in the process, so
they are trusted), then any "violation" and "progress" frames, at most one "plot" and exactly
one "result", then one "done". Progress frames are untrusted like everything after "ready": each
is checked (known stage, bounded integers) and rebuilt before it is forwarded, and only the
first ``MAX_PROGRESS`` are. Anything else, or anything after "done", is a protocol
error. "done" is as forgeable as the result itself (a strategy can always write a result and
exit): it only tells the server that the runner has nothing more to send.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from Backtest.sandbox._linux.cgroups import RunCgroups
from Backtest.sandbox._server.procs import Proc
from Backtest.sandbox._wire import protocol
from Backtest.sandbox._wire.job import validate_job
from Backtest.sandbox._wire.layers import ALL_LAYERS, OPTIONAL_LAYERS
from Backtest.sandbox._wire.limits import Limits

MAX_VIOLATIONS = 20
MAX_PROGRESS = 64


@dataclass
class Run:
    """State of one connection / one strategy execution."""

    conn: socket.socket
    accepted_at: float
    inbuf: bytearray = field(default_factory=bytearray)
    outbuf: bytes = b""
    final: bool = False  # the answer is queued: after it, the connection closes
    request: dict[str, Any] | None = None
    limits: Limits | None = None
    layers: frozenset[str] = frozenset()
    proc: Proc | None = None
    out: dict[str, bytearray] = field(
        default_factory=lambda: {"stdout": bytearray(), "stderr": bytearray()}
    )
    out_total: dict[str, int] = field(default_factory=lambda: {"stdout": 0, "stderr": 0})
    ready: dict[str, Any] | None = None
    lockdown_error: str | None = None
    violations: list[dict[str, str]] = field(default_factory=list)
    result: dict[str, Any] | None = None
    result_raw: bytes | None = None  # the result frame's JSON text, passed on as it came
    plot_html: str | None = None
    protocol_error: str | None = None
    killed_for: str | None = None
    started: float = 0.0
    deadline: float = 0.0
    exited_at: float | None = None
    status: int | None = None
    rusage: Any = None
    finished: bool = False
    client_gone: bool = False
    prewarmed: bool = False
    done: bool = False  # the process said "done" after its result
    usage: tuple[float, int] | None = None  # (cpu_s, max_rss_kb) read before the server's kill
    ended_by_server: bool = False  # SIGKILLed by the server after "done": not a failure
    cgroups: RunCgroups | None = None
    cgroup_limits: dict[str, int] = field(default_factory=dict)
    cgroup_counters: dict[str, int] | None = None
    setup_error: str | None = None  # the server could not prepare the run (no job was sent)
    wants_progress: bool = False
    progress: list[dict[str, Any]] = field(default_factory=list)  # checked, not yet forwarded
    progress_seen: int = 0

    @property
    def alive(self) -> bool:
        """A process is assigned and has not been reaped yet."""
        return self.proc is not None and self.exited_at is None

    def accept(
        self,
        request: dict[str, Any],
        *,
        runs_root: str,
        layers: frozenset[str],
        allow_layer_overrides: bool,
    ) -> None:
        """Validate a "run" request and take it on; raise (ValueError, KeyError, ...) if bad."""
        self.limits = Limits.from_dict(request["limits"])
        validate_job(request["job"])
        box = _run_path(request["box"], runs_root)
        data = _run_path(request["data"], runs_root)
        off = request.get("disable_layers") or []
        if off:
            if not allow_layer_overrides:
                raise ValueError("this server does not allow disabling layers per request")
            if not isinstance(off, list) or not set(off) <= OPTIONAL_LAYERS:
                raise ValueError(f"bad layers to disable: {off!r}")
        self.layers = frozenset(set(layers) - set(off))
        self.wants_progress = request.get("progress") is True
        self.request = {
            "job": request["job"],
            "limits": request["limits"],
            "box": box,
            "data": data,
            "shared_memory": False,  # no memory cgroup caps it: the seccomp filter refuses it
        }

    def on_frame(self, frame: dict[str, Any], raw: bytes | None = None) -> None:
        """Account for one frame (``raw``: its JSON text); raise ``ProtocolError`` if out of
        order."""
        kind = frame.get("type")
        if kind == "prepared" and self.ready is None and not self.proc.prepared:  # type: ignore[union-attr]
            self.proc.prepared = True  # type: ignore[union-attr]
            return
        if self.ready is None and self.lockdown_error is None:
            # First frame: written before any untrusted code existed in the process.
            layers = frame.get("layers")
            if (
                kind == "ready"
                and isinstance(layers, list)
                and all(isinstance(x, str) for x in layers)
            ):
                self.ready = frame
            elif kind == "lockdown_failed":
                self.lockdown_error = str(frame.get("error"))[:2000]
            else:
                raise protocol.ProtocolError("first frame must be the lockdown report")
            return
        if self.result is not None:
            if kind == "done" and not self.done:
                self.done = True
                return
            raise protocol.ProtocolError("extra frame after the result (channel forged?)")
        if kind == "progress":
            self.progress_seen += 1
            checked = progress_frame(frame)
            if checked is None:
                raise protocol.ProtocolError("malformed progress frame")
            if self.wants_progress and self.progress_seen <= MAX_PROGRESS:
                self.progress.append(checked)
        elif kind == "violation":
            if len(self.violations) < MAX_VIOLATIONS:
                self.violations.append(
                    {
                        "kind": str(frame.get("kind"))[:100],
                        "message": str(frame.get("message"))[:1000],
                    }
                )
        elif kind == "plot":
            html = frame.get("html")
            if self.plot_html is not None or not isinstance(html, str):
                raise protocol.ProtocolError("unexpected plot frame")
            limit = self.limits.max_plot_bytes if self.limits else 0
            if len(html) > limit:
                raise protocol.ProtocolError(
                    f"a plot of {len(html)} characters exceeds the limit of {limit} bytes"
                )
            self.plot_html = html
        elif kind == "result":
            self.result = frame
            self.result_raw = raw
        else:
            raise protocol.ProtocolError(f"unexpected frame type {str(kind)[:50]!r}")

    def response(self) -> dict[str, Any]:
        """The server's answer for a finished run (the client validates the payload)."""
        status = self.status
        code = os.WEXITSTATUS(status) if status is not None and os.WIFEXITED(status) else None
        sig = os.WTERMSIG(status) if status is not None and os.WIFSIGNALED(status) else None
        if self.ended_by_server and sig == signal.SIGKILL:
            sig = None  # our own kill after "done"
        cpu_s: float | None = None
        max_rss_kb: int | None = None
        if self.usage is not None:
            cpu_s, max_rss_kb = self.usage
        elif self.rusage is not None:
            cpu_s = self.rusage.ru_utime + self.rusage.ru_stime
            max_rss_kb = self.rusage.ru_maxrss
        return {
            "status": "finished",
            "killed_for": self.killed_for,
            "exit_code": code,
            "signal": sig,
            "lockdown_failed": code == protocol.EXIT_LOCKDOWN_FAILED
            or self.lockdown_error is not None,
            "spawn_failed": code in (protocol.EXIT_SPAWN_FAILED, protocol.EXIT_NO_JOB)
            or self.killed_for == "spawn_failed",
            "lockdown_error": self.lockdown_error,
            "setup_error": self.setup_error,
            "layers": self._layers(),
            "cgroup": {**self.cgroup_limits, **(self.cgroup_counters or {})} or None,
            "violations": self.violations,
            "result": self.result,
            "plot_html": self.plot_html,
            "protocol_error": self.protocol_error,
            "stdout": self.out["stdout"].decode("utf-8", "replace"),
            "stderr": self.out["stderr"].decode("utf-8", "replace"),
            "stdout_bytes": self.out_total["stdout"],
            "stderr_bytes": self.out_total["stderr"],
            "wall_s": (self.exited_at or time.monotonic()) - self.started,
            "cpu_s": cpu_s,
            "max_rss_kb": max_rss_kb,
            "prewarmed": self.prewarmed,
        }

    def _layers(self) -> list[str] | None:
        """The child's own report (trusted: written before any strategy code) plus the
        cgroups the server put it in."""
        if not self.ready:
            return None
        applied = set(self.ready.get("layers") or [])
        if self.cgroup_limits.get("memory_mb"):
            applied.add("cgroup_memory")
        if self.cgroup_limits.get("pids_max"):
            applied.add("cgroup_pids")
        return [layer for layer in ALL_LAYERS if layer in applied]


def progress_frame(frame: dict[str, Any]) -> dict[str, Any] | None:
    """A progress frame rebuilt from checked values, or None if anything is off."""
    stage = frame.get("stage")
    data = protocol.checked_progress(
        stage, {k: v for k, v in frame.items() if k not in ("type", "stage")}
    )
    return None if data is None else {"status": "progress", "stage": stage, "data": data}


def _run_path(raw: Any, runs_root: str) -> str:
    """A run directory named by the client: absolute, no symlinks, inside ``runs_root``."""
    if not isinstance(raw, str) or not os.path.isabs(raw):
        raise ValueError("run paths must be absolute strings")
    real = os.path.realpath(raw)
    if real != os.path.normpath(raw) or not real.startswith(runs_root + "/"):
        raise ValueError(f"run path {raw!r} is not inside {runs_root}")
    if not os.path.isdir(real):
        raise ValueError(f"run path {raw!r} is not a directory")
    return real
