"""``manage.py bench_optimize``: grid optimisation throughput, sandbox vs backtesting.py.

Prints backtests per second for one grid (SMA cross on GOOG) run four ways:

* backtesting.py's own ``Backtest.optimize`` in this process, on one core (``backtesting.Pool``
  set to a one-thread pool) and with its default process pool (every core);
* the AlgoAgent ``optimize`` job through real ``db_worker`` processes (the sandboxed path, chunks
  fanned out), with 1 and then 2 workers.

It uses the configured database (run it with the database task backend, as in production) and a
``bench`` user; the workers are started and stopped by the command.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings
from multiprocessing.pool import ThreadPool
from pathlib import Path
from typing import Any

from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from jobs import services as job_services
from jobs.models import Job, JobStatus, WorkerHeartbeat
from research_api.payloads import OptimizeJobInput
from research_api.services.optimize import search_settings

SMA_CODE = """from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class SmaCross(Strategy):
    n1 = 10
    n2 = 20

    def init(self):
        self.sma1 = self.I(SMA, self.data.Close, self.n1)
        self.sma2 = self.I(SMA, self.data.Close, self.n2)

    def next(self):
        if crossover(self.sma1, self.sma2):
            self.position.close()
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()
            self.sell()
"""
ROOT = Path(__file__).resolve().parents[3]


class SmaCross(Strategy):
    """The same strategy as trusted code of this command (never a user's), at module level
    so backtesting.py's process pool can pickle it."""

    n1 = 10
    n2 = 20

    def init(self) -> None:
        self.sma1 = self.I(SMA, self.data.Close, self.n1)
        self.sma2 = self.I(SMA, self.data.Close, self.n2)

    def next(self) -> None:
        if crossover(self.sma1, self.sma2):
            self.position.close()
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()
            self.sell()


class Command(BaseCommand):
    help = "Grid optimisation throughput: sandbox (1 and 2 workers) vs backtesting.py in-process"

    def add_arguments(self, parser):
        parser.add_argument("--n1", default="5:40:2", help="start:stop:step of n1 (stop excluded)")
        parser.add_argument("--n2", default="20:200:5", help="start:stop:step of n2")
        parser.add_argument("--workers", default="1,2", help="worker counts to measure")
        parser.add_argument("--timeout", type=float, default=900, help="per job, seconds")

    def handle(self, *args, **options):
        if job_services.runs_inline():
            raise CommandError("Run with ALGOAGENT_TASKS_BACKEND=database (real workers).")
        n1 = range(*map(int, options["n1"].split(":")))
        n2 = range(*map(int, options["n2"].split(":")))
        combos = sum(1 for a in n1 for b in n2 if a < b)
        self.stdout.write(f"Grid: n1={options['n1']} n2={options['n2']}, n1 < n2: {combos} runs")
        rows: list[tuple[str, float, float]] = []
        for label, pool in (
            ("backtesting.py in-process, 1 core", "thread1"),
            ("backtesting.py in-process, all cores", "default"),
        ):
            seconds = self._in_process(n1, n2, pool)
            rows.append((label, seconds, combos / seconds))
            self.stdout.write(f"  {label}: {combos / seconds:.1f} backtests/s")
        for count in [int(w) for w in options["workers"].split(",")]:
            result, wall = self._sandboxed(n1, n2, count, options["timeout"])
            label = f"AlgoAgent sandbox, {count} worker(s)"
            rows.append((label, wall, result["tried"] / wall))
            self.stdout.write(
                f"  {label}: {result['tried'] / wall:.1f} backtests/s end to end "
                f"({result['backtests_per_second']:.1f}/s in the search; "
                f"{result['chunks']} chunks on {len(result['workers'])} process(es))"
            )
        self.stdout.write("")
        self.stdout.write(f"{'way':45} {'seconds':>8} {'backtests/s':>12}")
        for label, seconds, rate in rows:
            self.stdout.write(f"{label:45} {seconds:8.1f} {rate:12.1f}")
        one_core = rows[0][2]
        sandbox = [r for r in rows if r[0].startswith("AlgoAgent")]
        if sandbox:
            self.stdout.write(
                f"sandbox 1 worker / in-process 1 core: {sandbox[0][2] / one_core:.2f}x"
            )
        if len(sandbox) > 1:
            self.stdout.write(f"scaling 2 workers / 1 worker: {sandbox[1][2] / sandbox[0][2]:.2f}x")

    def _in_process(self, n1: range, n2: range, pool: str) -> float:
        import backtesting
        from backtesting import Backtest
        from backtesting.test import GOOG

        bt = Backtest(GOOG, SmaCross, cash=10_000)
        original = backtesting.Pool
        if pool == "thread1":
            backtesting.Pool = lambda *a, **k: ThreadPool(1)  # type: ignore[assignment]
        try:
            started = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                bt.optimize(n1=n1, n2=n2, constraint=lambda p: p.n1 < p.n2, maximize="SQN")
            return time.perf_counter() - started
        finally:
            backtesting.Pool = original

    def _sandboxed(self, n1: range, n2: range, count: int, timeout: float) -> tuple[dict, float]:
        from strategy_api.services import strategy_create

        user, _ = get_user_model().objects.get_or_create(username="bench")
        strategy = strategy_create(owner=user, name="bench SMA cross", code=SMA_CODE)
        procs = [self._worker(f"bench-{count}-{i}") for i in range(count)]
        try:
            deadline = time.monotonic() + 120
            while (
                WorkerHeartbeat.objects.filter(worker_id__startswith=f"bench-{count}-").count()
                < count
            ):
                if time.monotonic() > deadline:
                    raise CommandError("workers did not start")
                time.sleep(0.2)
            params = {
                "n1": {"start": n1.start, "stop": n1.stop, "step": n1.step},
                "n2": {"start": n2.start, "stop": n2.stop, "step": n2.step},
            }
            search, _ = search_settings(
                code=SMA_CODE, params=params, maximize="SQN", constraint="n1 < n2"
            )
            from Backtest.pipeline import BacktestRequest

            started = time.perf_counter()
            job = job_services.job_submit(
                owner=user,
                kind="optimize",
                input=OptimizeJobInput(
                    strategy_id=strategy.pk,
                    version=1,
                    request=BacktestRequest.build(symbol="GOOG"),
                    maximize=search.maximize,
                    search=search,
                ),
                strategy=strategy,
            )
            deadline = time.monotonic() + timeout
            while True:
                job.refresh_from_db()
                if job.is_finished:
                    break
                if time.monotonic() > deadline:
                    raise CommandError(f"job {job.pk} did not finish in {timeout} s")
                time.sleep(0.2)
            wall = time.perf_counter() - started
            if job.status != JobStatus.SUCCEEDED:
                raise CommandError(f"job {job.pk} {job.status}: {job.error}")
            return job.result or {}, wall
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
            Job.objects.filter(owner=user).delete()
            strategy.delete()

    def _worker(self, name: str) -> subprocess.Popen[Any]:
        env = {**os.environ, "ALGOAGENT_TASKS_BACKEND": "database"}
        return subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.05",
                "--no-startup-delay",
                "--worker-id",
                name,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
