"""Per-run state on the server side: output accounting, frame order, the response.

Frame order on the result channel is fixed: an optional "prepared" (stage 1 done), then
"ready" or "lockdown_failed" (both written before any untrusted code existed in the process, so
they are trusted), then any "violation" frames from the audit hook, at most one "plot" and
exactly one "result". Anything else, or anything after the result, is a protocol error.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from Backtest.sandbox import protocol
from Backtest.sandbox.child import EXIT_LOCKDOWN_FAILED, EXIT_NO_JOB, EXIT_SPAWN_FAILED
from Backtest.sandbox.limits import Limits
from Backtest.sandbox.spawn import Proc

MAX_VIOLATIONS = 20


@dataclass
class Run:
    """State of one connection / one strategy execution."""

    conn: socket.socket
    accepted_at: float
    inbuf: bytearray = field(default_factory=bytearray)
    outbuf: bytes = b""
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

    @property
    def alive(self) -> bool:
        """A process is assigned and has not been reaped yet."""
        return self.proc is not None and self.exited_at is None

    def on_frame(self, frame: dict[str, Any]) -> None:
        """Account for one frame from the process; raise ``ProtocolError`` if out of order."""
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
            raise protocol.ProtocolError("extra frame after the result (channel forged?)")
        if kind == "violation":
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
            self.plot_html = html
        elif kind == "result":
            self.result = frame
        else:
            raise protocol.ProtocolError(f"unexpected frame type {str(kind)[:50]!r}")

    def response(self) -> dict[str, Any]:
        """The server's answer for a finished run (the client validates the payload)."""
        status = self.status
        code = os.WEXITSTATUS(status) if status is not None and os.WIFEXITED(status) else None
        sig = os.WTERMSIG(status) if status is not None and os.WIFSIGNALED(status) else None
        usage = self.rusage
        return {
            "status": "finished",
            "killed_for": self.killed_for,
            "exit_code": code,
            "signal": sig,
            "lockdown_failed": code == EXIT_LOCKDOWN_FAILED or self.lockdown_error is not None,
            "spawn_failed": code in (EXIT_SPAWN_FAILED, EXIT_NO_JOB)
            or self.killed_for == "spawn_failed",
            "lockdown_error": self.lockdown_error,
            "layers": self.ready.get("layers") if self.ready else None,
            "violations": self.violations,
            "result": self.result,
            "plot_html": self.plot_html,
            "protocol_error": self.protocol_error,
            "stdout": self.out["stdout"].decode("utf-8", "replace"),
            "stderr": self.out["stderr"].decode("utf-8", "replace"),
            "stdout_bytes": self.out_total["stdout"],
            "stderr_bytes": self.out_total["stderr"],
            "wall_s": (self.exited_at or time.monotonic()) - self.started,
            "cpu_s": (usage.ru_utime + usage.ru_stime) if usage else None,
            "max_rss_kb": usage.ru_maxrss if usage else None,
            "prewarmed": self.prewarmed,
        }
