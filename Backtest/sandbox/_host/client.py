"""Client side of the sandbox: starts/restarts the warm server and sends it runs.

Thread-safe. A semaphore bounds the runs in flight (``pool_size``; the server enforces the same
bound); each run uses its own connection. The server is started with the same interpreter, ``/``
as cwd and an allow-listed environment, so no secret of this process reaches it. Each server
gets its own private directory (its socket, its warm-up data): two clients, in one process or
in two (the web and the worker processes), never share a socket even with the same work root.
Closing the client, or this process dying, closes the lifeline pipe and the server exits.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from Backtest.sandbox._linux import native_build
from Backtest.sandbox._server.bootstrap import bootstrap_code, repo_root
from Backtest.sandbox._wire import protocol
from Backtest.sandbox._wire.layers import ALL_LAYERS, OPTIONAL_LAYERS
from Backtest.sandbox._wire.limits import MIB, Limits

#: The only variables the server inherits. Everything else (API keys, SECRET_KEY,
#: DATABASE_URL, cloud credentials, ...) stays in this process.
ENV_ALLOWLIST = ("PYTHONHASHSEED", "ALGOAGENT_SANDBOX_CGROUP")  # the latter: a delegated path
BASE_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "TZ": "UTC",
    # One BLAS/OpenMP thread: keeps children single-threaded and fork-friendly.
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_MAX_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "BOKEH_BROWSER": "none",
}
RESPONSE_GRACE_S = 30.0


class SandboxError(RuntimeError):
    """The sandbox server could not be started or did not answer properly."""


@dataclass(frozen=True)
class SandboxConfig:
    """How to run the warm server."""

    work_root: Path
    pool_size: int = 2
    disabled_layers: frozenset[str] = frozenset()
    allow_layer_overrides: bool = False  # tests only
    startup_timeout_s: float = 180.0
    python: str = sys.executable

    def __post_init__(self) -> None:
        if self.pool_size < 1:
            raise ValueError("pool_size must be >= 1")
        unknown = set(self.disabled_layers) - OPTIONAL_LAYERS
        if unknown:
            raise ValueError(f"cannot disable unknown/mandatory layers: {sorted(unknown)}")


@dataclass
class ServerInfo:
    """What the server reported when it became ready."""

    pid: int
    layers: list[str]
    baseline_vm_mb: float
    preloaded: list[str] = field(default_factory=list)
    root_paths: list[str] = field(default_factory=list)
    socket_path: str = ""
    zygote_pid: int = 0  # inside the server's PID namespace
    cgroup_bases: list[str] = field(default_factory=list)  # where its runs' cgroups are made
    native_problem: str | None = None  # why the native helper is missing, if it is
    started_at: float = field(default_factory=time.time)
    startup_s: float = 0.0


def clean_env() -> dict[str, str]:
    """The server's complete environment."""
    env = dict(BASE_ENV)
    for name in ENV_ALLOWLIST:
        if name in os.environ:
            env[name] = os.environ[name]
    return env


class SandboxClient:
    """Owns one warm server process."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.work_root = Path(config.work_root).resolve()
        self.runs_root = self.work_root / "runs"
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(config.pool_size)
        self._proc: subprocess.Popen[bytes] | None = None
        self._info: ServerInfo | None = None
        self._private_dir: str | None = None
        self._closed = False
        self.restarts = 0

    # ---- lifecycle -------------------------------------------------------------------------
    @property
    def socket_path(self) -> str:
        """Where the running server listens ("" when none runs)."""
        return self._info.socket_path if self._info is not None else ""

    def start(self) -> ServerInfo:
        """Start the server if it is not running; return its info. Idempotent, thread-safe."""
        with self._lock:
            if self._closed:
                raise SandboxError("sandbox client is closed")
            if self._proc is not None and self._proc.poll() is None and self._info is not None:
                return self._info
            if self._proc is not None:
                self.restarts += 1
                self._stop_locked()
            return self._start_locked()

    def _start_locked(self) -> ServerInfo:
        for path, mode in ((self.work_root, 0o711), (self.runs_root, 0o711)):
            path.mkdir(parents=True, exist_ok=True)
            os.chmod(path, mode)
        try:
            native_path: str | None = native_build.ensure_built()
            native_problem = None
        except native_build.NativeUnavailable as exc:
            native_path, native_problem = None, str(exc)
        # Short (AF_UNIX paths are limited to 108 bytes) and private to this server.
        self._private_dir = tempfile.mkdtemp(prefix="aa-sbx-")
        socket_path = os.path.join(self._private_dir, "s.sock")
        config = {
            "work_root": str(self.work_root),
            "private_dir": self._private_dir,
            "socket_path": socket_path,
            "repo_root": repo_root(),
            "max_children": self.config.pool_size,
            "disabled_layers": sorted(self.config.disabled_layers),
            "allow_layer_overrides": self.config.allow_layer_overrides,
            "native_path": native_path,
        }
        log_path = self.work_root / "server.log"
        with contextlib.suppress(OSError):
            if log_path.stat().st_size > 5 * MIB:
                log_path.replace(log_path.with_suffix(".log.1"))
        log = open(log_path, "ab")  # noqa: SIM115 - handed to the child process
        started = time.monotonic()
        try:
            proc = subprocess.Popen(
                [
                    self.config.python,
                    "-s",
                    "-P",
                    "-B",
                    "-c",
                    bootstrap_code(),
                    repo_root(),
                    json.dumps(config),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=clean_env(),
                cwd="/",
                close_fds=True,
                start_new_session=True,
            )
        finally:
            log.close()
        self._proc = proc
        line = self._read_ready_line(proc, started + self.config.startup_timeout_s)
        try:
            ready = json.loads(line)
            info = ServerInfo(
                pid=proc.pid,
                layers=[layer for layer in ready["layers"] if layer in ALL_LAYERS],
                baseline_vm_mb=float(ready["baseline_vm_mb"]),
                preloaded=list(ready.get("preloaded", [])),
                root_paths=list(ready.get("root_paths", [])),
                socket_path=socket_path,
                zygote_pid=int(ready.get("zygote_pid", 0)),
                cgroup_bases=[str(p) for p in ready.get("cgroup_bases", [])],
                native_problem=native_problem,
                startup_s=time.monotonic() - started,
            )
        except (ValueError, KeyError, TypeError) as exc:
            self._stop_locked()
            raise SandboxError(f"sandbox server sent a bad ready line: {line[:200]!r}") from exc
        self._info = info
        return info

    def _read_ready_line(self, proc: subprocess.Popen[bytes], deadline: float) -> str:
        assert proc.stdout is not None
        buf = b""
        while b"\n" not in buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or proc.poll() is not None:
                self._stop_locked()
                raise SandboxError("sandbox server failed to start; log tail:\n" + self.log_tail())
            readable, _, _ = select.select([proc.stdout], [], [], min(remaining, 0.5))
            if readable:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    continue
                buf += chunk
        return buf.split(b"\n", 1)[0].decode("utf-8", "replace")

    def log_tail(self, chars: int = 4000) -> str:
        """Last lines of the server's stderr log (diagnostics)."""
        try:
            return (self.work_root / "server.log").read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def _stop_locked(self, timeout: float = 5.0) -> None:
        proc, self._proc, self._info = self._proc, None, None
        private, self._private_dir = self._private_dir, None
        if proc is not None:
            self._stop_process(proc, timeout)
        if private is not None:
            shutil.rmtree(private, ignore_errors=True)

    @staticmethod
    def _stop_process(proc: subprocess.Popen[bytes], timeout: float) -> None:
        with contextlib.suppress(OSError):
            if proc.stdin:
                proc.stdin.close()  # lifeline: the server exits on EOF
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # the whole session: outer, inner, children
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout)
        if proc.stdout:
            proc.stdout.close()

    def close(self) -> None:
        """Stop the server. Further runs raise ``SandboxError``."""
        with self._lock:
            self._closed = True
            self._stop_locked()

    def __enter__(self) -> SandboxClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def info(self) -> ServerInfo | None:
        """Info of the running server, if any."""
        return self._info

    def server_alive(self) -> bool:
        """True when the server process is running."""
        proc = self._proc
        return proc is not None and proc.poll() is None

    # ---- requests --------------------------------------------------------------------------
    def _connect(self, info: ServerInfo) -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(10.0)
            sock.connect(info.socket_path)
        except OSError:
            sock.close()
            raise
        return sock

    def request(
        self,
        payload: dict[str, Any],
        *,
        wait_s: float,
        max_bytes: int,
        on_progress: Callable[[dict[str, Any]], None] | None = None,
    ) -> dict[str, Any]:
        """Send one request, return the server's response (restarting a dead server once).

        Progress frames the server sends before its answer go to ``on_progress`` (in this
        thread); without a callback the request does not ask for them."""
        for attempt in (1, 2):
            info = self.start()
            try:
                sock = self._connect(info)
            except OSError:
                self._discard(info)
                if attempt == 2:
                    raise SandboxError("cannot connect to the sandbox server") from None
                continue
            with sock:
                try:
                    sock.sendall(protocol.encode(payload))
                    deadline = time.monotonic() + wait_s
                    while True:
                        frame = protocol.recv_frame(sock, max_bytes, deadline)
                        if frame.get("status") != "progress":
                            return frame
                        if on_progress is not None:
                            on_progress(frame)
                except TimeoutError:
                    self._discard(info)  # an unresponsive server is replaced
                    raise SandboxError("sandbox server did not answer in time") from None
                except (ConnectionError, OSError, protocol.ProtocolError) as exc:
                    raise SandboxError(f"sandbox server connection failed: {exc}") from None
        raise SandboxError("unreachable")

    def _discard(self, info: ServerInfo) -> None:
        """Stop the server ``info`` describes, unless another thread already replaced it."""
        with self._lock:
            if self._info is info:
                self._stop_locked()

    def ping(self) -> dict[str, Any]:
        """Cheap health check of the server."""
        return self.request({"op": "ping"}, wait_s=10.0, max_bytes=1 << 20)

    def run(
        self,
        *,
        job: dict[str, Any],
        limits: Limits,
        box: str,
        data: str,
        disable_layers: Collection[str] = (),
        on_progress: Callable[[dict[str, Any]], None] | None = None,
    ) -> dict[str, Any]:
        """Execute one job in a fresh child; blocks while ``pool_size`` runs are in flight."""
        payload: dict[str, Any] = {
            "op": "run",
            "job": job,
            "limits": limits.to_dict(),
            "box": box,
            "data": data,
            "progress": on_progress is not None,
        }
        if disable_layers:
            payload["disable_layers"] = sorted(disable_layers)
        max_bytes = (
            limits.max_result_bytes
            + 2 * limits.max_plot_bytes
            + 12 * limits.max_output_bytes
            + 4 * MIB
        )
        with self._slots:
            return self.request(
                payload,
                wait_s=limits.timeout_s + RESPONSE_GRACE_S,
                max_bytes=max_bytes,
                on_progress=on_progress,
            )
