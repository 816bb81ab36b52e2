"""The sandbox server's start-up: prepare the clean template, fork the zygote, then serve.

Started by ``_host.client.SandboxClient`` through ``bootstrap.bootstrap_code()`` with an
allow-listed environment (no secrets) and ``/`` as cwd; it never imports Django or settings, and
never ctypes. In order, before it accepts a single request: become init of a new PID namespace
(the bootstrap) and a child subreaper; pre-import numpy/pandas/backtesting/talib/bokeh (and
``Backtest.indicators``); warm up with a tiny backtest and plot on bundled data; probe the
isolation layers (which also compiles the seccomp programs, in a throw-away process); find the
memory and pids cgroups it may use; build the read-only tree in a private mount namespace; fork
the **zygote**. Only then does it listen on its
Unix socket (mode 0600, in a directory private to this server), print one JSON "ready" line and
run ``loop.Server``. Lifetime is tied to the client: EOF on stdin (the "lifeline" pipe) shuts it
down, and because the server is the init of its PID namespace, its death kills the zygote and
every strategy process.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import resource
import socket
import sys
from dataclasses import dataclass, field
from typing import Any

from Backtest.sandbox import _zygote
from Backtest.sandbox._child import scrub
from Backtest.sandbox._child.process import ChildPrep
from Backtest.sandbox._child.warmup import warm_up, write_warm_data
from Backtest.sandbox._linux import cgroups, mounts, native
from Backtest.sandbox._linux.probe import probe_in_process
from Backtest.sandbox._server.loop import LoopConfig, Server
from Backtest.sandbox._server.procs import Zygote, log
from Backtest.sandbox._wire.layers import ALL_LAYERS, ALWAYS_ON, CGROUP_LAYERS, OPTIONAL_LAYERS

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
    private_dir: str  # this server's own directory: socket, warm-up data, rootfs mount point
    socket_path: str
    repo_root: str
    max_children: int = 2
    disabled_layers: list[str] = field(default_factory=list)
    allow_layer_overrides: bool = False  # tests only: per-request disabling of layers
    prespawn: bool = True
    native_path: str | None = None


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
    for name in PRELOAD:
        importlib.import_module(name)
    loaded = []
    for name in OPTIONAL_PRELOAD:
        try:
            importlib.import_module(name)
            loaded.append(name)
        except ImportError:
            pass
    importlib.import_module("Backtest.sandbox._child.runner")  # pre-import for the children
    return loaded


def _build_rootfs(config: ServerConfig) -> tuple[str, mounts.RootfsPlan]:
    native.unshare(native.CLONE_NEWNS)
    native.mount(None, "/", None, native.MS_REC | native.MS_PRIVATE)
    root = os.path.join(config.private_dir, "rootfs")
    os.makedirs(root, mode=0o700, exist_ok=True)
    plan = mounts.plan_rootfs(
        repo_root=config.repo_root,
        expose=EXPOSE,
        exclude=[config.work_root, config.private_dir],
    )
    mounts.build_rootfs(root, plan)
    return root, plan


def main(raw_config: dict[str, Any], *, in_pidns: bool | None = None) -> None:
    """Server entry point. ``in_pidns``: whether the bootstrap made this process the init of
    a new PID namespace."""
    config = ServerConfig(**raw_config)
    os.umask(0o077)
    if native.available():
        native.prctl(native.PR_SET_DUMPABLE, 0)
        # Strategy processes are re-parented to us when the zygote's intermediate exits;
        # as the init of our PID namespace that is automatic, without one this makes it so.
        native.prctl(native.PR_SET_CHILD_SUBREAPER, 1)
    elif not in_pidns:
        log("refusing to start: neither a PID namespace nor the native helper (subreaper)")
        sys.exit(3)
    loaded = _preload()
    if any(m == "django" or m.startswith("django.") for m in sys.modules):
        log("refusing to start: django got imported")
        sys.exit(3)
    warm_data = write_warm_data(config.private_dir)
    warm_up(config.private_dir, warm_data)
    report = probe_in_process()
    probed = set(report.layers)
    for layer, problem in report.problems.items():
        log(f"layer {layer} unavailable: {problem}")
    if not in_pidns:
        probed.discard("pidns")
    wanted = OPTIONAL_LAYERS - set(config.disabled_layers)
    rootfs, plan = None, mounts.RootfsPlan()
    if "mountns" in probed and "mountns" in wanted:
        try:
            rootfs, plan = _build_rootfs(config)
        except OSError as exc:
            log(f"mount namespace unavailable: {exc}")
            probed.discard("mountns")
    if not {"shm", "no_shm"} <= set(report.seccomp_programs):
        probed.discard("seccomp")
    cgroup_setup = cgroups.Setup()
    if CGROUP_LAYERS & wanted:
        cgroup_setup = cgroups.discover()
        for controller, problem in cgroup_setup.problems.items():
            log(f"cgroup {controller} unavailable: {problem}")
    probed.difference_update(CGROUP_LAYERS)
    probed.update(cgroup_setup.layers())
    layers = [layer for layer in ALL_LAYERS if layer in ALWAYS_ON or layer in probed & wanted]
    prep = ChildPrep(
        layers=frozenset(layers),
        rootfs=rootfs,
        plan=plan,
        seccomp_programs=report.seccomp_programs,
        warm_data=warm_data,
    )
    # Neither the server nor anything it forks needs them; done here, before the fork, so the
    # zygote and every strategy process start without them and share the touched pages.
    for cleared in scrub.forget_native_modules():
        log(f"cleared {cleared}")
    gc.collect()
    gc.freeze()  # keep the zygote's (and so every child's) copy-on-write pages shared
    zygote_pid, zygote_sock = _zygote.start(prep)  # before any request exists
    zygote = Zygote(zygote_pid, zygote_sock)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(config.socket_path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(config.socket_path)
    os.chmod(config.socket_path, 0o600)
    listener.listen(64)
    ready = {
        "ready": True,
        "layers": layers,
        "preloaded": loaded,
        "baseline_vm_mb": round(_vm_size_mb(), 1),
        "python": sys.version.split()[0],
        "root_paths": plan.ro_paths,
        "zygote_pid": zygote_pid,
        "cgroup_bases": [
            str(h.base) for h in (cgroup_setup.memory, cgroup_setup.pids) if h is not None
        ],
    }
    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()
    loop_config = LoopConfig(
        runs_root=os.path.realpath(os.path.join(config.work_root, "runs")),
        max_children=config.max_children,
        layers=layers,
        allow_layer_overrides=config.allow_layer_overrides,
        prespawn=config.prespawn,
        cgroups=cgroup_setup,
    )
    try:
        Server(loop_config, zygote).serve(listener)
    finally:
        zygote.close()
        cgroup_setup.remove()
    log("lifeline closed, exiting")
