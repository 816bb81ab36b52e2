"""Isolation layer names and a real probe of which ones this machine can enforce.

The probe does not guess from kernel versions: a throw-away child process actually applies each
mechanism (namespaces, a tmpfs mount, a uid drop, Landlock, a seccomp filter) and reports what
worked. ``available_layers()`` runs that probe in a fresh interpreter so it is safe to call from a
threaded web process (for a health endpoint).
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

#: Every layer, outermost first.
ALL_LAYERS: tuple[str, ...] = (
    "process",  # separate warm server, one fresh forked child per run
    "clean_env",  # server exec'd with an allow-listed environment, no secrets
    "uid_drop",  # child runs as an unprivileged uid, no groups, no caps, no_new_privs
    "pidns",  # private PID namespace per child (and for the server)
    "mountns",  # private mount namespace: pivot_root into a minimal read-only tree
    "netns",  # private network namespace without interfaces
    "ipcns",  # private SysV IPC / POSIX mqueue namespace
    "landlock",  # Landlock file-system, TCP and signal policy
    "seccomp",  # seccomp-bpf syscall filter
    "rlimits",  # CPU, address space, file size, open files, processes, core
    "audit_hook",  # Python audit hook with clear error messages
    "timeout",  # SIGKILL from the server on the wall-clock deadline
)
#: Layers a test may switch off to prove another layer holds on its own.
OPTIONAL_LAYERS: frozenset[str] = frozenset(
    {
        "uid_drop",
        "pidns",
        "mountns",
        "netns",
        "ipcns",
        "landlock",
        "seccomp",
        "rlimits",
        "audit_hook",
    }
)
ALWAYS_ON: tuple[str, ...] = ("process", "clean_env", "timeout")
SANDBOX_UID = 65534
SANDBOX_GID = 65534


def probe_in_process() -> list[str]:
    """Apply each mechanism in a forked throw-away child; return the layers that worked.

    Only call this from a single-threaded process (the warm server at start-up, or the probe
    interpreter started by ``available_layers``).
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the forked child
        os.close(read_fd)
        found = _probe_child()
        os.write(write_fd, json.dumps(found).encode())
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as f:
        raw = f.read(65536)
    os.waitpid(pid, 0)
    try:
        found = json.loads(raw or b"[]")
    except ValueError:
        found = []
    return [layer for layer in ALL_LAYERS if layer in ALWAYS_ON or layer in found]


def _probe_child() -> list[str]:  # pragma: no cover - runs in a forked child
    from Backtest.sandbox import _linux, landlock, seccomp

    found = ["rlimits", "audit_hook"]
    for flag, name in (
        (_linux.CLONE_NEWPID, "pidns"),
        (_linux.CLONE_NEWNET, "netns"),
        (_linux.CLONE_NEWIPC, "ipcns"),
    ):
        try:
            _linux.unshare(flag)
            found.append(name)
        except OSError:
            pass
    try:
        _linux.unshare(_linux.CLONE_NEWNS)
        _linux.mount(None, "/", None, _linux.MS_REC | _linux.MS_PRIVATE)
        _linux.mount("tmpfs", "/tmp", "tmpfs", 0, "size=64k")
        found.append("mountns")
    except OSError:
        pass
    try:
        seccomp.probe()
        found.append("seccomp")
    except (OSError, seccomp.SeccompUnavailable):
        pass
    if landlock.abi_version() >= 1:
        found.append("landlock")
    if os.geteuid() == 0:
        try:
            os.setgroups([])
            os.setresgid(SANDBOX_GID, SANDBOX_GID, SANDBOX_GID)
            os.setresuid(SANDBOX_UID, SANDBOX_UID, SANDBOX_UID)
            found.append("uid_drop")
        except OSError:
            pass
    return found


def _repo_root() -> str:
    return str(Path(__file__).resolve().parents[2])


@functools.lru_cache(maxsize=1)
def _cached_probe() -> tuple[str, ...]:
    code = (
        "import sys, json; sys.path.insert(0, sys.argv[1]);"
        "from Backtest.sandbox.layers import probe_in_process;"
        "print(json.dumps(probe_in_process()))"
    )
    proc = subprocess.run(
        [sys.executable, "-s", "-P", "-c", code, _repo_root()],
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        cwd="/",
        capture_output=True,
        timeout=60,
        check=False,
    )
    try:
        layers = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return ("process", "clean_env", "timeout")
    return tuple(layer for layer in ALL_LAYERS if layer in layers)


def available_layers() -> list[str]:
    """Isolation layers this machine can enforce (probed once per process, then cached)."""
    return list(_cached_probe())
