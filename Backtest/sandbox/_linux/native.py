"""The Linux calls the sandbox needs and Python does not expose, through the compiled helper.

The helper (``_native.c``, built by ``native_build``) is loaded from its path with ``load()``;
it is deliberately not a generic foreign-function interface, and ctypes is never imported in
the server, the zygote or a strategy process. Every wrapper raises ``OSError`` with the real
errno, so a failed isolation step can never be mistaken for a successful one. ``seal()`` makes
the helper refuse every further call (one-way, in C) and drops this module's reference to it:
a strategy process calls it right before the strategy's code exists.
"""

from __future__ import annotations

import errno
import importlib.machinery
import importlib.util
import os
import struct
from types import ModuleType
from typing import Any

# Namespaces (linux/sched.h).
CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_NEWTIME = 0x00000080
CLONE_THREAD = 0x00010000

# mount(2) flags (linux/mount.h).
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2

# prctl(2) options.
PR_SET_PDEATHSIG = 1
PR_GET_DUMPABLE = 3
PR_SET_DUMPABLE = 4
PR_GET_SECCOMP = 21
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_GET_NO_NEW_PRIVS = 39
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4

LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
MODULE_NAME = "_sandbox_native"

_helper: Any = None


def load(path: str) -> None:
    """Load the compiled helper from ``path`` (idempotent). Not registered in ``sys.modules``."""
    global _helper
    if _helper is not None:
        return
    loader = importlib.machinery.ExtensionFileLoader(MODULE_NAME, path)
    spec = importlib.util.spec_from_file_location(MODULE_NAME, path, loader=loader)
    if spec is None:
        raise ImportError(f"cannot load the sandbox helper from {path}")
    module: ModuleType = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    _helper = module


def available() -> bool:
    """Whether the helper is loaded (and not sealed)."""
    return _helper is not None


def seal() -> None:
    """Make the helper refuse every call from now on and forget it (one-way)."""
    global _helper
    if _helper is not None:
        _helper.seal()
        _helper = None


def _native() -> Any:
    if _helper is None:
        raise OSError(errno.ENOSYS, "the sandbox's native helper is not loaded")
    return _helper


def _path(value: str | os.PathLike[str] | None) -> str | None:
    return None if value is None else os.fsdecode(value)


def prctl(option: int, arg2: int = 0, arg3: int = 0, arg4: int = 0, arg5: int = 0) -> int:
    """Call prctl(2); raise on failure."""
    return int(_native().prctl(option, arg2, arg3, arg4, arg5))


def unshare(flags: int) -> None:
    """Move the calling process into new namespaces (``CLONE_NEW*`` flags)."""
    os.unshare(flags)


def mount(
    source: str | os.PathLike[str] | None,
    target: str | os.PathLike[str],
    fstype: str | None = None,
    flags: int = 0,
    data: str | None = None,
) -> None:
    """Call mount(2)."""
    _native().mount(_path(source), os.fsdecode(target), fstype, flags, data)


def bind_mount(source: str, target: str, *, readonly: bool, noexec: bool = True) -> None:
    """Bind ``source`` onto ``target``, then remount it with restrictive flags.

    A bind mount ignores most flags on creation, so the restrictions need the second remount call.
    """
    mount(source, target, None, MS_BIND | MS_REC)
    flags = MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV
    if readonly:
        flags |= MS_RDONLY
    if noexec:
        flags |= MS_NOEXEC
    mount(None, target, None, flags)


def umount2(target: str, flags: int = 0) -> None:
    """Call umount2(2)."""
    _native().umount2(target, flags)


def pivot_root(new_root: str, put_old: str) -> None:
    """Call pivot_root(2)."""
    _native().pivot_root(new_root, put_old)


def sethostname(name: str) -> None:
    """Set the UTS hostname (only meaningful inside a fresh UTS namespace)."""
    _native().sethostname(name)


def close_range(first: int, last: int = 0xFFFFFFFF) -> None:
    """Close every descriptor in [first, last]; falls back to a loop without the helper."""
    try:
        _native().close_range(first, last)
    except OSError:
        os.closerange(first, min(last, os.sysconf("SC_OPEN_MAX")))


def landlock_abi_version() -> int:
    """The kernel's Landlock ABI version, or 0 when Landlock (or the helper) is unavailable."""
    try:
        return int(_native().landlock_create_ruleset(None, LANDLOCK_CREATE_RULESET_VERSION))
    except OSError:
        return 0


def landlock_create_ruleset(handled_fs: int, handled_net: int, scoped: int, abi: int) -> int:
    """Create a Landlock ruleset fd; the attribute struct grows with the ABI version."""
    if abi >= 6:
        attr = struct.pack("=QQQ", handled_fs, handled_net, scoped)
    elif abi >= 4:
        attr = struct.pack("=QQ", handled_fs, handled_net)
    else:
        attr = struct.pack("=Q", handled_fs)
    return int(_native().landlock_create_ruleset(attr, 0))


def landlock_add_path_rule(ruleset_fd: int, allowed: int, parent_fd: int) -> None:
    """Allow ``allowed`` accesses beneath the directory/file open at ``parent_fd``."""
    attr = struct.pack("=Qi", allowed, parent_fd)  # struct is __attribute__((packed))
    _native().landlock_add_rule(ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, attr)


def landlock_restrict_self(ruleset_fd: int) -> None:
    """Enforce the ruleset on the calling thread (and everything it later creates)."""
    _native().landlock_restrict_self(ruleset_fd)


def seccomp_load(program: bytes) -> None:
    """Load a classic-BPF seccomp filter into the calling thread (needs no_new_privs)."""
    _native().seccomp_load(program)


def drop_capability_bounding_set() -> None:
    """Drop every capability from the bounding set (a no-op for caps the kernel lacks)."""
    for cap in range(64):
        try:
            prctl(PR_CAPBSET_DROP, cap)
        except OSError:
            break
