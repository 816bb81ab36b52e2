"""A real probe of which isolation layers this machine enforces, and the seccomp compile.

The probe does not guess from kernel versions: a throw-away forked process actually applies each
mechanism (namespaces, a tmpfs mount, a uid drop, Landlock, a seccomp build) and reports what
worked. The same throw-away process compiles the seccomp programs with libseccomp, the only
place ctypes is ever imported on the sandbox's side, so the caller (the server) never loads it.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from Backtest.sandbox._linux import cgroups, landlock, native
from Backtest.sandbox._wire.layers import (
    ALL_LAYERS,
    ALWAYS_ON,
    NEEDS_NATIVE,
    SANDBOX_GID,
    SANDBOX_UID,
)

_MAX_REPORT = 1 << 20


@dataclass
class ProbeReport:
    """What the probe found: layers that work, compiled seccomp programs, reasons for gaps."""

    layers: list[str]
    seccomp_programs: dict[str, bytes] = field(default_factory=dict)  # "shm" / "no_shm"
    problems: dict[str, str] = field(default_factory=dict)


def probe_in_process() -> ProbeReport:
    """Apply each mechanism in a forked throw-away process; return what worked.

    Only call this from a single-threaded process (the server at start-up, or the probe
    interpreter started by ``available_layers``).
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the forked child
        os.close(read_fd)
        try:
            os.write(write_fd, json.dumps(_probe_child()).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as f:
        raw = f.read(_MAX_REPORT)
    os.waitpid(pid, 0)
    try:
        found: dict[str, Any] = dict(json.loads(raw or b"{}"))
    except (ValueError, TypeError):
        found = {}
    layers = set(found.get("layers") or [])
    programs = {
        str(name): base64.b64decode(text) for name, text in (found.get("seccomp") or {}).items()
    }
    return ProbeReport(
        layers=[layer for layer in ALL_LAYERS if layer in ALWAYS_ON or layer in layers],
        seccomp_programs=programs,
        problems={str(k): str(v) for k, v in (found.get("problems") or {}).items()},
    )


def _probe_child() -> dict[str, object]:  # pragma: no cover - runs in a forked child
    found = ["rlimits", "audit_hook"]
    problems: dict[str, str] = {}
    found += _probe_cgroups(problems)  # first: before this process leaves the host's namespaces
    programs: dict[str, str] = {}
    try:  # before the mount test below hides /tmp (a checkout may live there)
        programs = _compile_seccomp()
        found.append("seccomp")
    except Exception as exc:  # libseccomp missing or refusing: the layer is simply absent
        problems["seccomp"] = f"{type(exc).__name__}: {exc}"
    for flag, name in (
        (native.CLONE_NEWPID, "pidns"),
        (native.CLONE_NEWNET, "netns"),
        (native.CLONE_NEWIPC, "ipcns"),
    ):
        try:
            native.unshare(flag)
            found.append(name)
        except OSError as exc:
            problems[name] = str(exc)
    try:
        native.unshare(native.CLONE_NEWNS)
        native.mount(None, "/", None, native.MS_REC | native.MS_PRIVATE)
        native.mount("tmpfs", "/tmp", "tmpfs", 0, "size=64k")
        found.append("mountns")
    except OSError as exc:
        problems["mountns"] = str(exc)
    if landlock.abi_version() >= 1:
        found.append("landlock")
    else:
        problems["landlock"] = "Landlock is not available"
    if os.geteuid() == 0:
        try:
            os.setgroups([])
            os.setresgid(SANDBOX_GID, SANDBOX_GID, SANDBOX_GID)
            os.setresuid(SANDBOX_UID, SANDBOX_UID, SANDBOX_UID)
            found.append("uid_drop")
        except OSError as exc:
            problems["uid_drop"] = str(exc)
    if not native.available():
        for layer in NEEDS_NATIVE & set(found):
            found.remove(layer)
            problems[layer] = "the sandbox's native helper is not available"
    return {"layers": found, "seccomp": programs, "problems": problems}


def _probe_cgroups(problems: dict[str, str]) -> list[str]:  # pragma: no cover - forked child
    setup = cgroups.discover()
    problems.update({f"cgroup_{k}": v for k, v in setup.problems.items()})
    try:
        run = cgroups.RunCgroups.create(setup, memory_mb=64, pids_max=8, run_id="probe")
        try:
            run.attach(os.getpid())  # a real process can be moved in and limited
        finally:
            _leave(setup)
            run.remove()
    except OSError as exc:
        problems["cgroup"] = str(exc)
        return []
    finally:
        setup.remove()
    return setup.layers()


def _leave(setup: cgroups.Setup) -> None:  # pragma: no cover - runs in a forked child
    """Move this process back to the parent of the base directories (so they can go)."""
    for hierarchy in (setup.memory, setup.pids):
        if hierarchy is not None:
            with open(hierarchy.base.parent / "cgroup.procs", "w") as f:
                f.write(str(os.getpid()))


def _compile_seccomp() -> dict[str, str]:  # pragma: no cover - runs in a forked child
    # The server keeps an inert stand-in for ctypes in sys.modules; this throw-away process
    # may load the real one.
    if getattr(sys.modules.get("ctypes"), "__sandbox_stub__", False):
        del sys.modules["ctypes"]
    from Backtest.sandbox._linux import seccomp_build

    return {
        name: base64.b64encode(seccomp_build.compile_bpf(shared_memory=shm)).decode("ascii")
        for name, shm in (("shm", True), ("no_shm", False))
    }
