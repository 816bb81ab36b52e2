"""Thin ctypes wrappers for the Linux syscalls the sandbox needs and Python does not expose.

Only the warm server and its children use these. Every wrapper raises ``OSError`` with the real
errno on failure, so a failed isolation step can never be mistaken for a successful one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct

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
PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3
PR_SET_NO_NEW_PRIVS = 38
PR_GET_NO_NEW_PRIVS = 39
PR_GET_SECCOMP = 21
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
PR_SET_CHILD_SUBREAPER = 36

# x86_64 syscall numbers for calls glibc 2.36 has no wrapper for.
SYS_PIVOT_ROOT = 155
SYS_CLOSE_RANGE = 436
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.prctl.argtypes = [
    ctypes.c_int,
    ctypes.c_ulong,
    ctypes.c_ulong,
    ctypes.c_ulong,
    ctypes.c_ulong,
]
_libc.mount.argtypes = [
    ctypes.c_char_p,
    ctypes.c_char_p,
    ctypes.c_char_p,
    ctypes.c_ulong,
    ctypes.c_char_p,
]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.sethostname.argtypes = [ctypes.c_char_p, ctypes.c_size_t]


def _check(result: int, what: str) -> int:
    """Turn a C ``-1`` return into ``OSError`` carrying errno and the operation's name."""
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def _b(value: str | os.PathLike[str] | None) -> bytes | None:
    return None if value is None else os.fsencode(value)


def prctl(option: int, arg2: int = 0, arg3: int = 0, arg4: int = 0, arg5: int = 0) -> int:
    """Call prctl(2); raise on failure."""
    return _check(_libc.prctl(option, arg2, arg3, arg4, arg5), f"prctl({option})")


def unshare(flags: int) -> None:
    """Move the calling process into new namespaces (``CLONE_NEW*`` flags)."""
    _check(_libc.unshare(flags), f"unshare({flags:#x})")


def mount(
    source: str | os.PathLike[str] | None,
    target: str | os.PathLike[str],
    fstype: str | None = None,
    flags: int = 0,
    data: str | None = None,
) -> None:
    """Call mount(2)."""
    rc = _libc.mount(_b(source), _b(target), _b(fstype), flags, _b(data))
    _check(rc, f"mount({source!s} -> {target!s})")


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
    _check(_libc.umount2(_b(target), flags), f"umount2({target})")


def pivot_root(new_root: str, put_old: str) -> None:
    """Call pivot_root(2) (no glibc wrapper)."""
    rc = _libc.syscall(SYS_PIVOT_ROOT, _b(new_root), _b(put_old))
    _check(rc, "pivot_root")


def sethostname(name: str) -> None:
    """Set the UTS hostname (only meaningful inside a fresh UTS namespace)."""
    raw = name.encode()
    _check(_libc.sethostname(raw, len(raw)), "sethostname")


def close_range(first: int, last: int = 0xFFFFFFFF) -> None:
    """Close every descriptor in [first, last]; falls back to a loop on old kernels."""
    rc = _libc.syscall(SYS_CLOSE_RANGE, ctypes.c_uint(first), ctypes.c_uint(last), 0)
    if rc < 0:
        os.closerange(first, min(last, os.sysconf("SC_OPEN_MAX")))


def landlock_abi_version() -> int:
    """Return the kernel's Landlock ABI version, or 0 when Landlock is unavailable."""
    rc = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return int(rc) if rc > 0 else 0


def landlock_create_ruleset(handled_fs: int, handled_net: int, scoped: int, abi: int) -> int:
    """Create a Landlock ruleset fd; the attribute struct grows with the ABI version."""
    if abi >= 6:
        attr = struct.pack("=QQQ", handled_fs, handled_net, scoped)
    elif abi >= 4:
        attr = struct.pack("=QQ", handled_fs, handled_net)
    else:
        attr = struct.pack("=Q", handled_fs)
    buf = ctypes.create_string_buffer(attr, len(attr))
    rc = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, buf, ctypes.c_size_t(len(attr)), 0)
    return _check(int(rc), "landlock_create_ruleset")


def landlock_add_path_rule(ruleset_fd: int, allowed: int, parent_fd: int) -> None:
    """Allow ``allowed`` accesses beneath the directory/file open at ``parent_fd``."""
    attr = struct.pack("=Qi", allowed, parent_fd)  # struct is __attribute__((packed))
    buf = ctypes.create_string_buffer(attr, len(attr))
    rc = _libc.syscall(SYS_LANDLOCK_ADD_RULE, ruleset_fd, 1, buf, 0)
    _check(int(rc), "landlock_add_rule")


def landlock_restrict_self(ruleset_fd: int) -> None:
    """Enforce the ruleset on the calling thread (and everything it later creates)."""
    _check(int(_libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset_fd, 0)), "landlock_restrict_self")


def drop_capability_bounding_set() -> None:
    """Drop every capability from the bounding set (a no-op for caps the kernel lacks)."""
    for cap in range(64):
        try:
            prctl(PR_CAPBSET_DROP, cap)
        except OSError:
            break
