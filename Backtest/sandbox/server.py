"""The warm sandbox server: imports the trading stack once, then forks one fresh child per run.

Started by ``client.SandboxClient`` as ``python -s -P -B -c <bootstrap> <config-json>`` with an
allow-listed environment (no secrets) and ``/`` as cwd; it never imports Django or settings.
Start-up: become init of a new PID namespace, pre-import numpy/pandas/backtesting/talib/bokeh
(and ``Backtest.indicators`` if present), warm up with a tiny backtest and plot, probe the
isolation layers, build the read-only tree in a private mount namespace, precompile the seccomp
program, listen on a Unix socket (mode 0600), print one JSON "ready" line, run ``loop.Server``.
Lifetime is tied to the client: EOF on stdin (the "lifeline" pipe) shuts it down, and because the
server is the init of its PID namespace, its death kills every strategy process.
"""

from __future__ import annotations

import contextlib
import gc
import json
import linecache
import os
import resource
import shutil
import signal
import socket
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from Backtest.sandbox import _linux, mounts
from Backtest.sandbox.child import ChildPrep
from Backtest.sandbox.layers import ALL_LAYERS, ALWAYS_ON, OPTIONAL_LAYERS, probe_in_process
from Backtest.sandbox.loop import LoopConfig, Server
from Backtest.sandbox.prespawn import log

PRELOAD = (
    "numpy",
    "pandas",
    "backtesting",
    "backtesting.lib",
    "backtesting._plotting",
    "backtesting.test",
    "talib",
    "talib.abstract",
    "bokeh.plotting",
    "bokeh.io",
    "bokeh.models",
)
OPTIONAL_PRELOAD = ("Backtest.indicators",)
# Repository paths the strategy may import from (read-only); everything else of the repo stays
# invisible. The indicator helpers import the (pure-Python) indicator registry.
EXPOSE = (
    "Backtest/__init__.py",
    "Backtest/indicators.py",
    "Backtest/indicators",
    "Backtest/indicator_registry",
)


@dataclass
class ServerConfig:
    """Start-up configuration (passed as JSON on the command line)."""

    work_root: str
    socket_path: str
    repo_root: str
    max_children: int = 2
    disabled_layers: list[str] = field(default_factory=list)
    allow_layer_overrides: bool = False  # tests only: per-request disabling of layers
    prespawn: bool = True


def _vm_size_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _preload() -> list[str]:
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    loaded = []
    for name in OPTIONAL_PRELOAD:
        try:
            importlib.import_module(name)
            loaded.append(name)
        except ImportError:
            pass
    from Backtest.sandbox import runner  # noqa: F401 - pre-import for the children

    return loaded


def warm_up(plot_dir: str | None, data_dir: str | None = None) -> None:
    """Run a tiny backtest (and plot, if ``plot_dir``) so lazy imports and caches are filled;
    read the data hand-over files in ``data_dir`` the way a run does.

    Called in the server before it forks anything, and in each pre-spawned process so the pages
    a backtest touches are already private (copy-on-write paid before the job arrives).
    """
    from backtesting import Backtest, Strategy
    from backtesting.lib import crossover
    from backtesting.test import GOOG, SMA

    from Backtest.sandbox import datafiles, serialize

    class _Warm(Strategy):
        # Shaped like a typical generated strategy: indicators via self.I, crossovers, orders.
        def init(self) -> None:
            self.fast = self.I(SMA, self.data.Close, 10)
            self.slow = self.I(SMA, self.data.Close, 20)

        def next(self) -> None:
            if crossover(self.fast, self.slow):
                self.buy()
            elif crossover(self.slow, self.fast):
                self.sell()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = GOOG if data_dir is None else datafiles.read_dataset(data_dir)
        bt = Backtest(data, _Warm, commission=0.002, exclusive_orders=True, finalize_trades=True)
        stats = bt.run()
        serialize.stats_to_dict(stats)
        serialize.trades_columns(stats["_trades"], 10_000)
        serialize.equity_columns(stats["_equity_curve"], 2_000)
        if plot_dir is not None:
            # backtesting.py warns at the end of most runs; the warning is printed with its
            # source line, which the strategy process would otherwise read from disk each time.
            for module in ("backtesting.backtesting", "backtesting._stats", "backtesting._util"):
                linecache.getlines(sys.modules[module].__file__ or "")
            warm_file = os.path.join(plot_dir, f".warmup-{os.getpid()}.html")
            try:
                bt.plot(filename=warm_file, open_browser=False)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(warm_file)


def _write_warm_data(work_root: str) -> str:
    """A small dataset in the hand-over format for the warm-ups (root-only; the work root is
    never part of a strategy's file tree)."""
    from backtesting.test import GOOG

    from Backtest.sandbox import datafiles

    path = os.path.join(work_root, "warmup-data")
    shutil.rmtree(path, ignore_errors=True)
    os.mkdir(path, 0o700)
    datafiles.write_dataset(GOOG, path)
    return path


def _enter_server_pidns() -> bool:
    """Become the init of a new PID namespace (via one fork); False if unavailable.

    The original process stays behind only to wait and mirror the exit status.
    """
    try:
        _linux.unshare(_linux.CLONE_NEWPID)
    except OSError:
        return False
    pid = os.fork()
    if pid == 0:
        _linux.prctl(_linux.PR_SET_PDEATHSIG, signal.SIGKILL)
        return True
    # Outer process: no work, just wait. Close what the inner uses so EOF semantics hold.
    os.close(1)
    _, status = os.waitpid(pid, 0)
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def main(argv: list[str] | None = None, *, in_pidns: bool | None = None) -> None:
    """Server entry point. ``in_pidns``: whether the bootstrap already made this process the
    init of a new PID namespace (None: try that here)."""
    args = sys.argv[1:] if argv is None else argv
    config = ServerConfig(**json.loads(args[0]))
    os.umask(0o077)
    if in_pidns is None:
        in_pidns = "pidns" not in config.disabled_layers and _enter_server_pidns()
    _linux.prctl(_linux.PR_SET_DUMPABLE, 0)
    loaded = _preload()
    if any(m == "django" or m.startswith("django.") for m in sys.modules):
        log("refusing to start: django got imported")
        sys.exit(3)
    warm_data = _write_warm_data(config.work_root)
    warm_up(config.work_root, warm_data)
    probed = set(probe_in_process())
    if not in_pidns:
        probed.discard("pidns")
    wanted = OPTIONAL_LAYERS - set(config.disabled_layers)
    plan = None
    if "mountns" in probed and "mountns" in wanted:
        try:
            _linux.unshare(_linux.CLONE_NEWNS)
            _linux.mount(None, "/", None, _linux.MS_REC | _linux.MS_PRIVATE)
            root = os.path.join(config.work_root, "rootfs")
            os.makedirs(root, mode=0o700, exist_ok=True)
            plan = mounts.plan_rootfs(
                repo_root=config.repo_root, expose=EXPOSE, exclude=[config.work_root]
            )
            mounts.build_rootfs(root, plan)
        except OSError as exc:
            log(f"mount namespace unavailable: {exc}")
            probed.discard("mountns")
            plan = None
    from Backtest.sandbox import seccomp

    seccomp_bpf = None
    if "seccomp" in probed:
        try:
            seccomp.preload()
            seccomp_bpf = seccomp.compile_bpf(own_pid=1)
        except (OSError, seccomp.SeccompUnavailable) as exc:
            log(f"seccomp unavailable: {exc}")
            probed.discard("seccomp")
    layers = [layer for layer in ALL_LAYERS if layer in ALWAYS_ON or layer in probed & wanted]
    with contextlib.suppress(FileNotFoundError):
        os.unlink(config.socket_path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(config.socket_path)
    os.chmod(config.socket_path, 0o600)
    listener.listen(64)
    gc.collect()
    gc.freeze()  # keep the children's copy-on-write pages shared
    ready = {
        "ready": True,
        "layers": layers,
        "preloaded": loaded,
        "baseline_vm_mb": round(_vm_size_mb(), 1),
        "python": sys.version.split()[0],
        "root_paths": plan.ro_paths if plan else [],
    }
    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()
    rootfs = os.path.join(config.work_root, "rootfs") if plan else None
    loop_config = LoopConfig(
        runs_root=os.path.realpath(os.path.join(config.work_root, "runs")),
        max_children=config.max_children,
        layers=layers,
        allow_layer_overrides=config.allow_layer_overrides,
        prespawn=config.prespawn,
    )
    prep = default_prep(layers, rootfs, plan, seccomp_bpf, warm_data)
    Server(loop_config, prep).serve(listener)
    log("lifeline closed, exiting")


def bootstrap_code() -> str:
    """Source passed with ``-c``: enter the PID namespace, then load the sandbox package
    without running Backtest/__init__.

    The namespace is entered before anything else is imported because the process left behind
    to wait (see ``_enter_server_pidns``) keeps, as private memory, whatever heap it had at the
    fork: about 4 MB here instead of 10 MB after importing the server.
    """
    return (
        "import json, os, sys\n"
        "in_pidns = None\n"
        "if 'pidns' not in json.loads(sys.argv[2]).get('disabled_layers', []):\n"
        "    import ctypes\n"
        "    prctl = ctypes.CDLL(None, use_errno=True).prctl\n"
        "    in_pidns = False\n"
        "    try:\n"
        "        os.unshare(os.CLONE_NEWPID)\n"
        "    except OSError:\n"
        "        pass\n"
        "    else:\n"
        "        pid = os.fork()\n"
        "        if pid:\n"
        "            os.close(1)\n"
        "            os._exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) & 0xFF)\n"
        "        if prctl(1, 9, 0, 0, 0) != 0:  # PR_SET_PDEATHSIG, SIGKILL\n"
        "            os._exit(3)\n"
        "        in_pidns = True\n"
        "import types\n"
        "root = sys.argv[1]\n"
        "pkg = types.ModuleType('Backtest')\n"
        "pkg.__path__ = [root + '/Backtest']\n"
        "pkg.__file__ = root + '/Backtest/__init__.py'\n"
        "sys.modules['Backtest'] = pkg\n"
        "sys.path.insert(0, root)\n"
        "from Backtest.sandbox.server import main\n"
        "main(sys.argv[2:], in_pidns=in_pidns)\n"
    )


def repo_root() -> str:
    """The directory holding the ``Backtest`` package."""
    return str(Path(__file__).resolve().parents[2])


def default_prep(
    layers: list[str],
    rootfs: str | None,
    plan: mounts.RootfsPlan | None,
    bpf: bytes | None,
    warm_data: str | None = None,
) -> ChildPrep:
    """Process defaults from the server's probed layers."""
    return ChildPrep(
        layers=frozenset(layers),
        rootfs=rootfs,
        plan=plan or mounts.RootfsPlan(),
        seccomp_bpf=bpf,
        warm_data=warm_data,
    )


if __name__ == "__main__":  # pragma: no cover
    main()
