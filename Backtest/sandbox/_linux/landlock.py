"""Landlock: a kernel-enforced file-system, TCP and signal policy for the strategy process.

It restates the mount-namespace policy in a second, independent mechanism: read-only access to
the runtime, read-write access to the run directory only, no symlink/device/fifo/socket
creation anywhere (so the trusted parent never follows a link planted by the strategy), no TCP
bind/connect (ABI >= 4) and no signals or abstract Unix sockets outside the process (ABI >= 6).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from Backtest.sandbox._linux import native

FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13  # ABI 2
FS_TRUNCATE = 1 << 14  # ABI 3
FS_IOCTL_DEV = 1 << 15  # ABI 5
NET_BIND_TCP = 1 << 0  # ABI 4
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1

_READ = FS_READ_FILE | FS_READ_DIR
_WRITE = FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_DIR | FS_MAKE_REG


def _handled_fs(abi: int) -> int:
    handled = (1 << 13) - 1  # EXECUTE .. MAKE_SYM (ABI 1)
    if abi >= 2:
        handled |= FS_REFER
    if abi >= 3:
        handled |= FS_TRUNCATE
    if abi >= 5:
        handled |= FS_IOCTL_DEV
    return handled


def abi_version() -> int:
    """Kernel Landlock ABI version (0 = unavailable)."""
    return native.landlock_abi_version()


def restrict(
    *,
    read_paths: Iterable[str],
    write_paths: Iterable[str],
    device_paths: Iterable[str] = (),
) -> int:
    """Confine the calling process; return the ABI version enforced.

    ``read_paths`` become read-only, ``write_paths`` read-write (regular files and directories
    only) and ``device_paths`` (e.g. /dev/null) readable and writable. Requires no_new_privs.
    Raises ``OSError`` if Landlock is unavailable or a path cannot be opened.
    """
    abi = abi_version()
    if abi < 1:
        raise OSError(95, "Landlock is not supported by this kernel")
    handled_fs = _handled_fs(abi)
    handled_net = NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    truncate = FS_TRUNCATE if abi >= 3 else 0
    ruleset = native.landlock_create_ruleset(handled_fs, handled_net, scoped, abi)
    try:
        for paths, access in (
            (read_paths, _READ),
            (write_paths, _READ | _WRITE | truncate),
            (device_paths, FS_READ_FILE | FS_WRITE_FILE | truncate),
        ):
            for path in paths:
                _add(ruleset, path, access)
        native.landlock_restrict_self(ruleset)
    finally:
        os.close(ruleset)
    return abi


def _add(ruleset: int, path: str, access: int) -> None:
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        if not os.path.isdir(path):
            # Directory-only rights are rejected on non-directories.
            access &= FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
        native.landlock_add_path_rule(ruleset, access, fd)
    finally:
        os.close(fd)
