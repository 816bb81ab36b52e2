"""The Python audit hook: the innermost layer, for clear error messages and to keep the
interpreter's own escape hatches shut.

Audit hooks are not a security boundary on their own (native code raises no event); the OS
layers underneath are. What this layer adds is an early, readable failure ("network access is
not allowed in strategies" instead of a process killed by SIGSYS), and it refuses the few
interpreter features that would turn strategy code into native code: importing an FFI or a
module that was deliberately removed (ctypes was never loaded in this process), hand-made code
objects (``code.__new__``, ``marshal``), walking every live object or frame (``gc``,
``sys._current_frames``), tracing hooks, and memory-mapping files. Clear attacks are also
reported to the server the moment they happen, so catching the exception does not hide them.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

from Backtest.sandbox._child.scrub import is_denied

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

NETWORK = "network access is not allowed in strategies"
PROCESS = "starting processes or running commands is not allowed in strategies"
SIGNAL = "sending signals to other processes is not allowed in strategies"
NATIVE = "loading native code or raw memory access (ctypes) is not allowed in strategies"
WRITE = "writing files outside the strategy's working directory is not allowed"
READ = "reading files outside the sandbox is not allowed"
LINK = "creating links is not allowed in strategies"
INTROSPECT = (
    "walking the interpreter's objects, frames or tracing hooks is not allowed in strategies"
)
CODE = "creating code objects directly (code.__new__, marshal) is not allowed in strategies"
RAW_MEMORY = "reading or mapping raw memory is not allowed in strategies"

_HARD_EVENTS: dict[str, str] = {
    "os.system": PROCESS,
    "os.exec": PROCESS,
    "os.posix_spawn": PROCESS,
    "os.spawn": PROCESS,
    "os.fork": PROCESS,
    "os.forkpty": PROCESS,
    "subprocess.Popen": PROCESS,
    "pty.spawn": PROCESS,
    "webbrowser.open": PROCESS,
    "os.killpg": SIGNAL,
    "socket.__new__": NETWORK,
    "socket.bind": NETWORK,
    "socket.connect": NETWORK,
    "socket.getaddrinfo": NETWORK,
    "socket.gethostbyname": NETWORK,
    "socket.gethostbyaddr": NETWORK,
    "socket.getnameinfo": NETWORK,
    "socket.sendto": NETWORK,
    "socket.sendmsg": NETWORK,
    "urllib.Request": NETWORK,
    "http.client.connect": NETWORK,
    "ftplib.connect": NETWORK,
    "smtplib.connect": NETWORK,
    "imaplib.open": NETWORK,
    "poplib.connect": NETWORK,
    "ctypes.dlopen": NATIVE,
    "ctypes.dlsym": NATIVE,
    "ctypes.dlsym/handle": NATIVE,
    "ctypes.cdata": NATIVE,
    "ctypes.cdata/buffer": NATIVE,
    "ctypes.string_at": NATIVE,
    "ctypes.wstring_at": NATIVE,
    "ctypes.call_function": NATIVE,
    "ctypes.addressof": NATIVE,
    "ctypes.PyObj_FromPtr": NATIVE,
    "ctypes.set_errno": NATIVE,
    "ctypes.get_errno": NATIVE,
    "ctypes.set_exception": NATIVE,
    "gc.get_objects": INTROSPECT,
    "gc.get_referrers": INTROSPECT,
    "gc.get_referents": INTROSPECT,
    "sys._current_frames": INTROSPECT,
    "sys._current_exceptions": INTROSPECT,
    "sys.setprofile": INTROSPECT,
    "sys.settrace": INTROSPECT,
    "sys.monitoring.register_callback": INTROSPECT,
    "code.__new__": CODE,
    "marshal.loads": CODE,
    "marshal.load": CODE,
    "os.symlink": LINK,
    "os.link": LINK,
}
# Events whose first argument is a path that gets modified.
_MODIFY_EVENTS = frozenset(
    {
        "os.remove",
        "os.rmdir",
        "os.mkdir",
        "os.chmod",
        "os.chown",
        "os.truncate",
        "os.utime",
        "os.rename",
        "os.mkfifo",
        "os.mknod",
        "os.setxattr",
        "os.removexattr",
        "shutil.rmtree",
    }
)
_LIST_EVENTS = frozenset({"os.listdir", "os.scandir"})
# Raw memory of this or another process, if such a path is reachable at all (it is not inside
# the mount namespace).
_RAW_MEMORY_PATH = re.compile(
    r"^/(proc/[^/]+(/task/[^/]+)?/(mem|pagemap)|proc/kcore|dev/(k?mem|port))$"
)


class SandboxViolation(PermissionError):
    """Raised inside the sandbox when strategy code attempts a forbidden operation."""


def _norm(path: Any) -> str | None:
    if isinstance(path, int):
        return None  # an already-open descriptor: policy was applied when it was opened
    try:
        raw = os.fsdecode(path)
    except TypeError:
        return None
    return os.path.normpath(os.path.join(os.getcwd(), raw))


def _under(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def install(
    *,
    read_roots: Iterable[str],
    write_roots: Iterable[str],
    report: Callable[[str, str], None],
    max_reports: int = 20,
) -> None:
    """Install the hook for the rest of the process's life (hooks cannot be removed).

    ``report(kind, message)`` is called for clear attacks before the exception is raised.
    """
    reads = tuple(os.path.normpath(p) for p in read_roots)
    writes = tuple(os.path.normpath(p) for p in write_roots)
    own_pid = os.getpid()
    sent = [0]

    def violation(kind: str, message: str, *, hard: bool) -> SandboxViolation:
        if hard and sent[0] < max_reports:
            sent[0] += 1
            # The report channel is best effort; raising below still blocks the operation.
            with contextlib.suppress(Exception):
                report(kind, message)
        return SandboxViolation(message)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        message = _HARD_EVENTS.get(event)
        if message is not None:
            raise violation(event, message, hard=True)
        if event == "import":
            if args and isinstance(args[0], str) and is_denied(args[0]):
                raise violation(event, f"{NATIVE}: {args[0]}", hard=True)
        elif event == "mmap.__new__":
            if args and args[0] != -1:  # anonymous memory is fine; mapping a file is not
                raise violation(event, RAW_MEMORY, hard=True)
        elif event == "open":
            path = _norm(args[0])
            if path is None:
                return
            if _RAW_MEMORY_PATH.match(path):
                raise violation(event, f"{RAW_MEMORY}: {path}", hard=True)
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            mode = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
            writing = bool(flags & _WRITE_FLAGS) or any(c in mode for c in "wax+")
            if writing:
                if not _under(path, writes):
                    raise violation(event, f"{WRITE}: {path}", hard=True)
            elif not _under(path, reads):
                raise violation(event, f"{READ}: {path}", hard=False)
        elif event in _MODIFY_EVENTS:
            path = _norm(args[0]) if args else None
            if path is not None and not _under(path, writes):
                raise violation(event, f"{WRITE}: {path}", hard=True)
            if event == "os.rename" and len(args) > 1:
                target = _norm(args[1])
                if target is not None and not _under(target, writes):
                    raise violation(event, f"{WRITE}: {target}", hard=True)
        elif event in _LIST_EVENTS:
            path = _norm(args[0] if args and args[0] is not None else ".")
            if path is not None and not _under(path, reads):
                raise violation(event, f"{READ}: {path}", hard=False)
        elif event == "os.kill" and args and args[0] != own_pid:
            raise violation(event, SIGNAL, hard=True)

    sys.addaudithook(hook)
