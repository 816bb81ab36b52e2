"""``BotExecutor``: the sandbox's public entry point (re-exported as ``Backtest.sandbox``).

It loads data in this (trusted) process, writes it as plain arrays into a fresh run directory,
asks the warm sandbox server to execute the code in a locked-down strategy process, and turns
the validated answer into an ``ExecutionResult`` (``execute_bot``) or, for many parameter sets
of one strategy in one process, a ``BatchResult`` (``execute_batch``). It never imports Django
and is safe to share between threads; it never raises for problems of the code, the data or
the sandbox. Bookkeeping the caller does not need to wait for (writing ``results.json``,
removing the run's input arrays) happens on one background thread (``rundir``);
``wait_for_files()`` waits for it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from Backtest.sandbox._host import rundir
from Backtest.sandbox._host.client import SandboxClient, SandboxConfig, SandboxError
from Backtest.sandbox._host.datachecks import data_gaps
from Backtest.sandbox._host.outcome import Answer, batch_failure, batch_result, single_result
from Backtest.sandbox._host.results import BatchResult, ExecutionResult, failure
from Backtest.sandbox._wire import datafiles, job, protocol
from Backtest.sandbox._wire.layers import ALL_LAYERS
from Backtest.sandbox._wire.limits import Limits

RESULTS_FILENAME = rundir.RESULTS_FILENAME
logger = logging.getLogger(__name__)

#: ``on_progress(stage, data)``: called in the caller's thread with the real stages of a run
#: (``data_loaded``, ``indicators_computed``, ``simulating`` with ``bars_done``/``bars_total``,
#: ``stats_computed``; ``param_sets`` with ``sets_done``/``sets_total`` for a batch).
ProgressCallback = Callable[[str, dict[str, int]], None]


class BotExecutor:
    """Sandboxed backtest runner backed by one warm server process."""

    def __init__(
        self,
        *,
        work_root: Path,
        pool_size: int = 2,
        timeout_s: float = 60,
        memory_mb: int = 2048,
        cpu_seconds: int | None = None,
        max_output_bytes: int = 64_000,
        require_layers: Collection[str] = (),
        _allow_layer_overrides: bool = False,
    ) -> None:
        """Limits apply per run. ``require_layers`` makes every run refuse to start (with a
        ``sandbox_error``) unless the server enforces those layers. ``_allow_layer_overrides``
        is for tests that prove one layer on its own (``execute_bot(_disable_layers=...)``);
        never set it in production."""
        unknown = set(require_layers) - set(ALL_LAYERS)
        if unknown:
            raise ValueError(f"unknown sandbox layer(s) {sorted(unknown)}; known: {ALL_LAYERS}")
        self.limits = Limits(
            timeout_s=float(timeout_s),
            memory_mb=memory_mb,
            cpu_seconds=cpu_seconds,
            max_output_bytes=max_output_bytes,
        )
        self.require_layers = tuple(require_layers)
        self.work_root = Path(work_root).resolve()
        self._client = SandboxClient(
            SandboxConfig(
                work_root=self.work_root,
                pool_size=pool_size,
                allow_layer_overrides=_allow_layer_overrides,
            )
        )
        self._lock = threading.Lock()
        self._background = rundir.BackgroundFiles()

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self) -> list[str]:
        """Start (or check) the warm server now; return its active layers."""
        return list(self._client.start().layers)

    @property
    def layers(self) -> list[str]:
        """Layers of the running server (starts it if needed)."""
        return self.start()

    @property
    def client(self) -> SandboxClient:
        """The underlying sandbox client (diagnostics and tests)."""
        return self._client

    def wait_for_files(self, timeout: float | None = None) -> bool:
        """Wait until every ``results.json`` of a returned run is on disk (True if so)."""
        return self._background.wait(timeout)

    def close(self) -> None:
        """Finish the pending file work, then stop the warm server."""
        self._background.wait()
        self._client.close()

    def __enter__(self) -> BotExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- one backtest ------------------------------------------------------------------------
    def execute_bot(
        self,
        strategy_file: str | Path | None = None,
        code: str | None = None,
        test_symbol: str = "GOOG",
        start: Any = None,
        end: Any = None,
        cash: float = 10_000,
        commission: float | tuple[float, float] = 0.0,
        *,
        data: pd.DataFrame | None = None,
        plot: bool = True,
        strategy_params: Mapping[str, Any] | None = None,
        on_progress: ProgressCallback | None = None,
        max_equity_points: int = job.MAX_EQUITY_POINTS,
        indicators: bool = False,
        _disable_layers: Collection[str] = (),
        **backtest_options: Any,
    ) -> ExecutionResult:
        """Backtest ``code`` (or the file's contents) on ``data`` or ``test_symbol`` history.

        ``max_equity_points`` bounds the equity curve returned (longer curves are downsampled,
        keeping extremes); research that needs every bar (tearsheets, a benchmark's beta) asks
        for as many points as bars. ``indicators`` returns every ``self.I`` array's values
        (``result.indicators``; look-ahead checks compare them).

        ``backtest_options`` are ``backtesting.Backtest`` keywords (spread, margin,
        trade_on_close, hedging, exclusive_orders, finalize_trades); unknown ones are a
        validation error. Never raises for problems of the code, data or sandbox: they come
        back as ``success=False`` with an ``error_type``. ``results_file`` is written in the
        background (``wait_for_files()`` before reading it). ``on_progress(stage, data)`` is
        called in this thread as the run advances (an exception in it stops further calls
        and does not affect the run).
        """
        started = time.perf_counter()
        run_id = _new_run_id()
        answer: Answer | None = None
        try:
            spec = job.validate_job(
                {
                    "code": _read_code(strategy_file, code),
                    "options": {"cash": cash, "commission": commission, **backtest_options},
                    "strategy_params": dict(strategy_params or {}),
                    "plot": bool(plot),
                    "progress": on_progress is not None,
                    "indicators": bool(indicators),
                    "max_trades": job.MAX_TRADES,
                    "max_equity_points": max_equity_points,
                }
            )
        except (job.JobError, OSError, UnicodeDecodeError, TypeError) as exc:
            result = failure("validation_error", str(exc))
        else:
            try:
                answer = self._submit(
                    run_id, spec, test_symbol, start, end, data, _disable_layers, on_progress
                )
                result = single_result(answer, spec, plot)
            except Exception as exc:  # a bug here must still come back as a result
                logger.exception("sandbox run %s failed unexpectedly", run_id)
                result = failure("sandbox_error", f"internal error: {type(exc).__name__}: {exc}")
        result.run_id = run_id
        result.execution_time = time.perf_counter() - started
        if answer is not None and answer.run_dir is not None:
            result.results_file = str(answer.run_dir / RESULTS_FILENAME)
            # The work is handed over last, so the thread competes for the GIL only once we
            # are done; the snapshot copies the lists but shares the row dicts (copying those
            # would double the memory of 10,000 trades for a moment).
            snapshot = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
            for name, value in snapshot.items():
                if isinstance(value, list | dict):
                    snapshot[name] = value.copy()
            self._background.submit(rundir.finish, answer.run_dir, snapshot, answer.leftovers)
        return result

    # ---- many parameter sets -------------------------------------------------------------------
    def execute_batch(
        self,
        *,
        code: str,
        param_sets: Sequence[Mapping[str, Any]],
        data: pd.DataFrame | None = None,
        test_symbol: str = "GOOG",
        start: Any = None,
        end: Any = None,
        cash: float = 10_000,
        commission: float | tuple[float, float] = 0.0,
        maximize: str | None = None,
        full_result: int | str | None = None,
        on_progress: ProgressCallback | None = None,
        _disable_layers: Collection[str] = (),
        **backtest_options: Any,
    ) -> BatchResult:
        """Run one strategy on one dataset for each of ``param_sets`` (class-attribute
        overrides, as ``bt.run(**params)``), in one strategy process: the unit of work of an
        optimisation. At most 5,000 sets; the run's timeout applies to the whole batch.

        Each set gets its numeric backtesting.py stats (no trades or equity); ``maximize``
        names the stat that picks ``best_index``; ``full_result`` ("best" or a set's index)
        asks for that set's complete result in ``BatchResult.full``. Never raises for
        problems of the code, data or sandbox.
        """
        started = time.perf_counter()
        run_id = _new_run_id()
        try:
            spec = job.validate_job(
                {
                    "code": code,
                    "options": {"cash": cash, "commission": commission, **backtest_options},
                    "mode": "batch",
                    "param_sets": [dict(params) for params in param_sets],
                    "maximize": maximize,
                    "full_result": full_result,
                    "progress": on_progress is not None,
                    "max_trades": job.MAX_TRADES,
                    "max_equity_points": job.MAX_EQUITY_POINTS,
                }
            )
        except (job.JobError, TypeError, ValueError) as exc:
            result = batch_failure(failure("validation_error", str(exc)))
        else:
            try:
                answer = self._submit(
                    run_id, spec, test_symbol, start, end, data, _disable_layers, on_progress
                )
                result = batch_result(answer, spec)
                if answer.run_dir is not None:
                    self._background.submit(rundir.remove, answer.run_dir)
            except Exception as exc:  # a bug here must still come back as a result
                logger.exception("sandbox batch %s failed unexpectedly", run_id)
                result = batch_failure(
                    failure("sandbox_error", f"internal error: {type(exc).__name__}: {exc}")
                )
        result.execution_time = time.perf_counter() - started
        return result

    # ---- the shared path -----------------------------------------------------------------------
    def _submit(
        self,
        run_id: str,
        spec: dict[str, Any],
        symbol: str,
        start: Any,
        end: Any,
        data: pd.DataFrame | None,
        disable_layers: Collection[str],
        on_progress: ProgressCallback | None,
    ) -> Answer:
        """Everything between a validated job and the server's response, for any mode."""
        limits = self.limits  # one consistent snapshot for this run
        answer = Answer(limits=limits)
        try:
            info = self._client.start()
        except SandboxError as exc:
            answer.failure = failure("sandbox_error", str(exc))
            return answer
        missing = [layer for layer in self.require_layers if layer not in info.layers]
        if missing:
            answer.failure = failure(
                "sandbox_error",
                f"refusing to run: required sandbox layer(s) unavailable: {missing}",
                sandbox_layers=list(info.layers),
            )
            return answer
        if limits.memory_mb < info.baseline_vm_mb + 256:
            answer.failure = failure(
                "validation_error",
                f"memory_mb={limits.memory_mb} is too small: the runtime alone maps "
                f"{info.baseline_vm_mb:.0f} MB (allow at least 256 MB more)",
            )
            return answer
        if data is None:
            try:
                data = load_data(symbol, start, end)
            except Exception as exc:  # any loader failure is the caller's data problem
                answer.failure = failure("data_error", f"{type(exc).__name__}: {exc}")
                return answer
        gaps = data_gaps(data.index) if isinstance(data, pd.DataFrame) else None
        answer.data_warnings = [gaps] if gaps else []
        try:
            answer.run_dir, box, data_dir = rundir.make_run_dir(self._client.runs_root, run_id)
        except OSError as exc:
            answer.failure = failure("sandbox_error", f"cannot create the run directory: {exc}")
            return answer
        answer.leftovers = [box, data_dir]
        try:
            datafiles.write_dataset(data, data_dir)
        except (datafiles.DatasetError, OSError, ValueError, TypeError) as exc:
            rundir.remove(box, data_dir)
            answer.failure = failure("data_error", str(exc))
            return answer
        try:
            answer.response = self._client.run(
                job=dict(spec, options=_wire_options(spec["options"])),
                limits=limits,
                box=str(box),
                data=str(data_dir),
                disable_layers=disable_layers,
                on_progress=_progress_forwarder(on_progress),
            )
        except SandboxError as exc:
            rundir.remove(box, data_dir)
            answer.failure = failure("sandbox_error", str(exc))
        return answer

    def prune_runs(self, older_than_s: float) -> int:
        """Delete run directories older than ``older_than_s``; return how many were removed."""
        removed = 0
        cutoff = time.time() - older_than_s
        for entry in self._client.runs_root.glob("*"):
            with contextlib.suppress(OSError):
                if entry.is_dir() and not entry.is_symlink() and entry.stat().st_mtime < cutoff:
                    shutil.rmtree(entry, ignore_errors=True)
                    removed += 1
        return removed


def _read_code(strategy_file: str | Path | None, code: str | None) -> str:
    if (strategy_file is None) == (code is None):
        raise job.JobError("pass exactly one of strategy_file or code")
    if strategy_file is not None:
        return Path(strategy_file).read_text(encoding="utf-8")
    if not isinstance(code, str):
        raise job.JobError("code must be a string")
    return code


def _wire_options(options: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in options.items()}


def load_data(symbol: str, start: Any = None, end: Any = None) -> pd.DataFrame:
    """OHLCV history for ``symbol`` via ``Backtest.market_data`` (lazy: only runs that name a
    symbol instead of passing ``data`` need it)."""
    from Backtest.market_data import load_ohlcv

    frame: pd.DataFrame = load_ohlcv(symbol, start=start, end=end, interval=None)
    return frame


def _new_run_id() -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:12]}"


def _progress_forwarder(
    callback: ProgressCallback | None,
) -> Callable[[dict[str, Any]], None] | None:
    """The client's frame handler for ``callback``: checks each frame again (the caller's
    contract is known stages and bounded integers) and stops calling a callback that raised."""
    if callback is None:
        return None
    broken = False

    def forward(frame: dict[str, Any]) -> None:
        nonlocal broken
        stage = frame.get("stage")
        data = protocol.checked_progress(stage, frame.get("data"))
        if broken or data is None or not isinstance(stage, str):
            return
        try:
            callback(stage, data)
        except Exception:
            logger.exception("on_progress callback failed; no further progress is reported")
            broken = True

    return forward
