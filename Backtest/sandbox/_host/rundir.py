"""The trusted side's files of one run: its directory, the plot, ``results.json``, clean-up.

All of this runs in the caller's process, never in the sandbox; nothing here reads a file the
strategy could have written. Work the caller does not need to wait for (writing
``results.json``, removing the input arrays) goes to ``BackgroundFiles``: one daemon thread, so
the caller gets its result without paying for a JSON dump of thousands of rows.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import threading
from pathlib import Path
from typing import Any

from Backtest.sandbox._wire.job import PLOT_FILENAME
from Backtest.sandbox._wire.layers import SANDBOX_GID, SANDBOX_UID

RESULTS_FILENAME = "results.json"
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW


class BackgroundFiles:
    """One daemon thread for file work whose outcome nobody waits for (best effort)."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[Any, tuple[Any, ...]]] = queue.SimpleQueue()
        self._pending = 0
        self._idle = threading.Condition()
        self._thread: threading.Thread | None = None

    def submit(self, fn: Any, *args: Any) -> None:
        """Run ``fn(*args)`` on the thread; exceptions are swallowed."""
        with self._idle:
            self._pending += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="run-files", daemon=True)
                self._thread.start()
        self._queue.put((fn, args))

    def _loop(self) -> None:
        while True:
            fn, args = self._queue.get()
            try:
                fn(*args)
            except Exception:  # best effort: a missing results.json is not fatal
                pass
            finally:
                with self._idle:
                    self._pending -= 1
                    if not self._pending:
                        self._idle.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until nothing is pending (True) or ``timeout`` passes (False)."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._pending, timeout)


def make_run_dir(runs_root: Path, run_id: str) -> tuple[Path, Path, Path]:
    """``runs_root/run_id`` with ``box`` (the sandbox uid's) and ``data`` (read-only input)."""
    runs_root.mkdir(parents=True, exist_ok=True)
    run_dir = runs_root / run_id
    run_dir.mkdir(mode=0o711)
    os.chmod(run_dir, 0o711)
    box = run_dir / "box"
    box.mkdir(mode=0o700)
    data_dir = run_dir / "data"
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)
    if os.geteuid() == 0:
        os.chown(box, SANDBOX_UID, SANDBOX_GID)
    return run_dir, box, data_dir


def remove(*dirs: Path) -> None:
    """Delete directories (fd-based: never follows symlinks)."""
    for directory in dirs:
        shutil.rmtree(directory, ignore_errors=True)


def write_plot(run_dir: Path, html: str, max_bytes: int) -> str | None:
    """Store the plot HTML the sandbox sent (we never read files the strategy could plant).

    The HTML was produced in the strategy's process: serve it as untrusted content (separate
    origin or a sandboxing Content-Security-Policy), never inline in the application's pages.
    """
    data = html.encode("utf-8", "replace")
    if len(data) > max_bytes:
        return None
    target = run_dir / PLOT_FILENAME
    try:
        fd = os.open(target, _NEW_FILE, 0o644)
    except OSError:
        return None
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return str(target)


def finish(run_dir: Path, snapshot: dict[str, Any], leftovers: list[Path]) -> None:
    """Background work of a finished run: remove its inputs, write ``results.json``."""
    remove(*leftovers)
    fd = os.open(run_dir / RESULTS_FILENAME, _NEW_FILE, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        dump_json(snapshot, f)


def dump_json(obj: dict[str, Any], f: Any, rows_per_chunk: int = 1000) -> None:
    """``json.dump`` with C-encoder speed but bounded memory: long lists of rows (trades, the
    equity curve) are encoded a chunk at a time instead of as one multi-MB string."""

    def dumps(value: Any) -> str:
        return json.dumps(value, allow_nan=False, check_circular=False)

    f.write("{")
    for i, (key, value) in enumerate(obj.items()):
        f.write(("," if i else "") + dumps(key) + ":")
        if isinstance(value, list) and len(value) > rows_per_chunk:
            f.write("[")
            for start in range(0, len(value), rows_per_chunk):
                f.write(("," if start else "") + dumps(value[start : start + rows_per_chunk])[1:-1])
            f.write("]")
        else:
            f.write(dumps(value))
    f.write("}")
