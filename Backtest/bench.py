"""Benchmark: sandboxed execution vs an in-process backtest. ``python -m Backtest.bench``.

Prints one JSON document:

* ``goog``: median wall time of a README-style SMA-cross on GOOG (2,148 bars) in-process
  (``raw_ms``) and through ``BotExecutor.execute_bot`` with a warm server (``sandbox_ms``; runs
  spaced ``gap_s`` apart, the steady state of an API, so a pre-warmed process is ready), their
  ``ratio``, the same for back-to-back calls, and plot-on timing. Raw and sandboxed runs are
  interleaved so both see the same machine load, and each raw run starts only once the previous
  sandboxed run's after-work is over (the server warming its next process, the executor's
  background ``results.json`` write), so that work never slows the raw run it would overlap.
* ``bars_1m``: one million synthetic one-minute bars (deterministic random walk), each side
  measured in its own fresh process, the two sides alternating: wall time of the run and peak
  memory. Raw: the process's
  peak RSS. Sandbox: the calling process's peak RSS plus the peak, sampled every 50 ms, of the
  summed PSS of the server's whole process tree (server, zygote, strategy process; PSS splits
  the copy-on-write pages they share, so the sum is the physical memory really used; summing
  their RSS would count the shared runtime three times). The strategy process's own peak RSS
  and its memory cgroup's peak are reported too.
* ``load``: load averages before/after and CPU count (the numbers are only as quiet as the box).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

SMA_CROSS = """
from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class SmaCross(Strategy):
    n1 = 10
    n2 = 20

    def init(self):
        price = self.data.Close
        self.ma1 = self.I(SMA, price, self.n1)
        self.ma2 = self.I(SMA, price, self.n2)

    def next(self):
        if crossover(self.ma1, self.ma2):
            self.buy()
        elif crossover(self.ma2, self.ma1):
            self.sell()
"""
GOOG_OPTIONS: dict[str, Any] = {"commission": 0.002, "exclusive_orders": True}
BIG_OPTIONS: dict[str, Any] = {"cash": 1_000_000, "commission": 0.0002, "exclusive_orders": True}
BIG_PARAMS = {"n1": 50, "n2": 200}
BIG_BARS = 1_000_000


def make_minute_bars(n: int = BIG_BARS, seed: int = 12345) -> Any:
    """Deterministic random-walk OHLCV at one-minute resolution.

    Built in place in one (5, n) block that becomes the DataFrame without a copy, so the
    generator's temporaries do not inflate the peak memory of the process being measured.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    block = np.empty((5, n))
    opens, high, low, close, volume = block
    rng.standard_normal(out=close)
    close *= 0.0004
    np.cumsum(close, out=close)
    np.exp(close, out=close)
    close *= 100
    opens[0] = close[0]
    opens[1:] = close[:-1]
    wiggle = np.abs(rng.standard_normal(n), out=volume)  # volume is filled last
    wiggle *= 0.0003
    np.maximum(opens, close, out=high)
    high *= 1 + wiggle
    np.minimum(opens, close, out=low)
    low *= 1 - wiggle
    volume[:] = rng.integers(100, 10_000, n)
    frame = pd.DataFrame(
        block.T,
        columns=["Open", "High", "Low", "Close", "Volume"],
        index=pd.date_range("2020-01-01", periods=n, freq="1min"),
        copy=False,
    )
    return frame


def _strategy_class() -> Any:
    namespace: dict[str, Any] = {"__name__": "strategy"}
    exec(compile(SMA_CROSS, "strategy.py", "exec"), namespace)
    return namespace["SmaCross"]


def _raw_run(data: Any, params: dict[str, Any], options: dict[str, Any]) -> float:
    from backtesting import Backtest

    strategy = _strategy_class()
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Backtest(data, strategy, **options).run(**params)
    return time.perf_counter() - started


def _ignore(stage: str, data: dict[str, int]) -> None:
    """A progress callback that does nothing (measures the stream's own cost)."""


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def bench_goog(runs: int, gap_s: float, work_root: Path) -> dict[str, Any]:
    """Interleaved raw / sandboxed medians on GOOG."""
    from backtesting.test import GOOG

    from Backtest.bot_executor import BotExecutor

    raw: list[float] = []
    spaced: list[float] = []
    back_to_back: list[float] = []
    plotted: list[float] = []
    with_progress: list[float] = []
    with BotExecutor(work_root=work_root) as ex:
        started = time.perf_counter()
        layers = ex.start()
        startup_s = time.perf_counter() - started
        _raw_run(GOOG, {}, GOOG_OPTIONS)  # warm both paths once
        ex.execute_bot(code=SMA_CROSS, data=GOOG, plot=False, **GOOG_OPTIONS)
        for _ in range(runs):
            _settle(ex)
            raw.append(_raw_run(GOOG, {}, GOOG_OPTIONS))
            time.sleep(gap_s)
            t0 = time.perf_counter()
            result = ex.execute_bot(code=SMA_CROSS, data=GOOG, plot=False, **GOOG_OPTIONS)
            spaced.append(time.perf_counter() - t0)
            if not result.success:
                raise RuntimeError(f"sandbox run failed: {result.error_message}")
        for _ in range(runs):
            t0 = time.perf_counter()
            ex.execute_bot(code=SMA_CROSS, data=GOOG, plot=False, **GOOG_OPTIONS)
            back_to_back.append(time.perf_counter() - t0)
        for _ in range(3):
            time.sleep(gap_s)
            t0 = time.perf_counter()
            ex.execute_bot(code=SMA_CROSS, data=GOOG, plot=True, **GOOG_OPTIONS)
            plotted.append(time.perf_counter() - t0)
        without_progress: list[float] = []
        for _ in range(runs):  # progress on and off, interleaved: the same load for both
            for sink, callback in ((with_progress, _ignore), (without_progress, None)):
                _settle(ex)
                t0 = time.perf_counter()
                ex.execute_bot(
                    code=SMA_CROSS, data=GOOG, plot=False, on_progress=callback, **GOOG_OPTIONS
                )
                sink.append(time.perf_counter() - t0)
    raw_ms = statistics.median(raw) * 1000
    sandbox_ms = statistics.median(spaced) * 1000
    b2b_ms = statistics.median(back_to_back) * 1000
    return {
        "bars": len(GOOG),
        "runs": runs,
        "gap_s": gap_s,
        "raw_ms": round(raw_ms, 1),
        "sandbox_ms": round(sandbox_ms, 1),
        "ratio": round(sandbox_ms / raw_ms, 3),
        "back_to_back_sandbox_ms": round(b2b_ms, 1),
        "back_to_back_ratio": round(b2b_ms / raw_ms, 3),
        "raw_ms_all": [round(x * 1000, 1) for x in raw],
        "sandbox_ms_all": [round(x * 1000, 1) for x in spaced],
        "plot_on_sandbox_ms": round(statistics.median(plotted) * 1000, 1),
        "progress_on_sandbox_ms": round(statistics.median(with_progress) * 1000, 1),
        "progress_off_sandbox_ms": round(statistics.median(without_progress) * 1000, 1),
        "progress_overhead_ratio": round(
            statistics.median(with_progress) / statistics.median(without_progress), 3
        ),
        "server_startup_s": round(startup_s, 2),
        "layers": layers,
    }


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (host pids, via /proc/<pid>/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError, ValueError):
                todo.extend(int(c) for c in (task / "children").read_text().split())
    return found


def _pss_mb(pids: list[int]) -> float:
    """Proportional set size (shared pages split between sharers) summed over ``pids``."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            pass
    return total / 1024


class _PssSampler:
    """Samples the summed PSS of a process tree every 50 ms and keeps the peak."""

    def __init__(self, root_pid: int) -> None:
        import threading

        self.root_pid = root_pid
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _pss_mb(_tree(self.root_pid)))
            self._stop.wait(0.05)

    def __enter__(self) -> _PssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _self_peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _settle(executor: Any) -> None:
    """Untimed: let the last sandboxed run's after-work finish before timing anything else."""
    executor.wait_for_files(timeout=30)
    _wait_for_warm_process(executor)


def _wait_for_warm_process(executor: Any, timeout_s: float = 30.0) -> bool:
    """Steady state: the server keeps one pre-warmed process; wait until it is ready."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if executor.client.ping().get("idle_ready"):
            return True
        time.sleep(0.05)
    return False


def _worker(kind: str, work_root: str) -> dict[str, Any]:
    data = make_minute_bars()
    if kind == "raw":
        return {"run_s": _raw_run(data, BIG_PARAMS, BIG_OPTIONS), "self_peak_mb": _self_peak_mb()}
    from Backtest.bot_executor import BotExecutor

    with BotExecutor(work_root=Path(work_root), timeout_s=900, pool_size=1) as ex:
        ex.start()
        _wait_for_warm_process(ex)
        info = ex.client.info
        assert info is not None
        with _PssSampler(info.pid) as sampler:
            started = time.perf_counter()
            result = ex.execute_bot(
                code=SMA_CROSS, data=data, plot=False, strategy_params=BIG_PARAMS, **BIG_OPTIONS
            )
            elapsed = time.perf_counter() - started
    if not result.success:
        raise RuntimeError(f"sandbox run failed: {result.error_type}: {result.error_message}")
    return {
        "run_s": elapsed,
        "self_peak_mb": _self_peak_mb(),
        "server_tree_peak_pss_mb": sampler.peak,
        "strategy_process_peak_rss_mb": result.resource_usage.get("max_rss_mb"),
        "strategy_cgroup_peak_mb": result.resource_usage.get("cgroup_peak_mb"),
        "prewarmed": result.resource_usage.get("prewarmed"),
        "trades": result.trades_total,
        "equity_points": len(result.equity_curve),
    }


def _measure(kind: str, work_root: Path) -> dict[str, Any]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "Backtest.bench", "--worker", kind, "--work-root", str(work_root)],
        stdout=subprocess.PIPE,
        cwd=str(Path(__file__).resolve().parents[1]),
    )
    assert proc.stdout is not None
    output = proc.stdout.read()
    if proc.wait() != 0:
        raise RuntimeError(f"{kind} worker failed")
    measured: dict[str, Any] = json.loads(output)
    return measured


def bench_big(work_root: Path, repeats: int) -> dict[str, Any]:
    """One million bars, raw and sandboxed, each in a fresh process (medians of ``repeats``).

    The two kinds alternate, as on GOOG: run back to back in two blocks, a change in the
    machine's load between the blocks (common on a shared box) skewed the ratio either way.
    """
    raws, boxes = [], []
    for _ in range(repeats):
        raws.append(_measure("raw", work_root))
        boxes.append(_measure("sandbox", work_root))
    raw_s = statistics.median(r["run_s"] for r in raws)
    box_s = statistics.median(b["run_s"] for b in boxes)
    box = boxes[-1]
    raw_peak = statistics.median(r["self_peak_mb"] for r in raws)
    box_peak = statistics.median(b["self_peak_mb"] + b["server_tree_peak_pss_mb"] for b in boxes)
    return {
        "bars": BIG_BARS,
        "repeats": repeats,
        "raw_s": round(raw_s, 2),
        "sandbox_s": round(box_s, 2),
        "ratio": round(box_s / raw_s, 3),
        "raw_s_all": [round(r["run_s"], 2) for r in raws],
        "sandbox_s_all": [round(b["run_s"], 2) for b in boxes],
        "raw_peak_mb": round(raw_peak, 1),
        "sandbox_peak_mb": round(box_peak, 1),
        "memory_ratio": round(box_peak / raw_peak, 3),
        "sandbox_memory_parts_mb": {
            "caller_process_peak_rss": round(max(b["self_peak_mb"] for b in boxes), 1),
            "server_tree_peak_pss": round(max(b["server_tree_peak_pss_mb"] for b in boxes), 1),
            "strategy_process_peak_rss_incl_shared": box["strategy_process_peak_rss_mb"],
            "strategy_cgroup_peak": box["strategy_cgroup_peak_mb"],
        },
        "trades": box["trades"],
        "equity_points": box["equity_points"],
        "prewarmed": [b["prewarmed"] for b in boxes],
    }


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--gap", type=float, default=0.3, help="seconds between spaced runs")
    parser.add_argument("--skip-big", action="store_true", help="skip the 1M-bar benchmark")
    parser.add_argument("--big-repeats", type=int, default=3)
    parser.add_argument("--worker", choices=["raw", "sandbox"], help=argparse.SUPPRESS)
    parser.add_argument("--work-root", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(args.worker, args.work_root)))
        return
    with tempfile.TemporaryDirectory(prefix="aa-bench-") as tmp:
        base = Path(tmp)
        report: dict[str, Any] = {"load": {"before": _load(), "cpus": os.cpu_count()}}
        report["goog"] = bench_goog(args.runs, args.gap, base / "goog")
        if not args.skip_big:
            report["bars_1m"] = bench_big(base / "big", args.big_repeats)
        report["load"]["after"] = _load()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
