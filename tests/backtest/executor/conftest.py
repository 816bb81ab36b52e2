"""Fixtures for the executor tests: a shared warm executor and in-process reference runs."""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from backtesting import Backtest

from Backtest.bot_executor import BotExecutor
from Backtest.sandbox._wire import serialize


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The executor needs root for its OS layers (production runs as root)."""
    if os.geteuid() != 0:
        skip = pytest.mark.skip(reason="sandbox OS layers need root")
        for item in items:
            if "executor" in str(item.fspath) and "slow" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def work_base() -> Iterator[Path]:
    """Scratch space for executors (removed at the end of the session)."""
    path = Path(tempfile.mkdtemp(prefix="aa-exec-test-"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def executor(work_base: Path) -> Iterator[BotExecutor]:
    """A warm executor shared by the session (pool_size=2)."""
    ex = BotExecutor(work_root=work_base / "shared", pool_size=2, timeout_s=60)
    ex.start()
    yield ex
    ex.close()


@pytest.fixture(scope="session")
def reference() -> Callable[..., dict[str, Any]]:
    """Run ``code`` in-process (no sandbox) and return what the sandbox should reproduce."""

    def run(code: str, data: pd.DataFrame, params: dict[str, Any] | None = None, **options: Any):
        from backtesting import Strategy

        # Only the definitions: a module-level demo run (bt.plot()) must not run on the host.
        code = code.split("\nbt = Backtest(")[0]
        namespace: dict[str, Any] = {"__name__": "strategy"}
        exec(compile(code, "strategy.py", "exec"), namespace)

        classes = [
            v
            for v in namespace.values()
            if isinstance(v, type) and issubclass(v, Strategy) and v.__module__ == "strategy"
        ]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stats = Backtest(data, classes[-1], **options).run(**(params or {}))
        return {
            "stats": serialize.stats_to_dict(stats),
            "trades": stats["_trades"],
            "equity": stats["_equity_curve"],
        }

    return run
