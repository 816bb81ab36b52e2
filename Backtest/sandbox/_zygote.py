"""The zygote: the clean template every strategy process is forked from.

The server forks it once, after pre-importing the trading stack and warming up on bundled data
and before it listens for a single request, so the zygote has never held any run's code, data or
results, and never will: all it ever receives are tiny "spawn" commands over a socketpair (which
layers, whether to warm up, plus the new process's pipe ends via SCM_RIGHTS) and all it ever
sends back is a pid. Jobs and results travel between the server and the strategy process only.

Each spawn is a double fork: the intermediate process (in a new PID namespace when that layer is
on) forks the strategy process and exits at once, which re-parents the strategy process to the
server (the init of the server's PID namespace, or a child subreaper) so the server can wait4
for its exit status and resource usage. The zygote reaps only the intermediates.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import selectors
import signal
import socket
import struct
import sys
from typing import Any, NoReturn

from Backtest.sandbox._child.process import ChildFds, ChildPrep, child_main
from Backtest.sandbox._linux import native
from Backtest.sandbox._wire import protocol

MAX_COMMAND_BYTES = 4096
PASSED_FDS = 4  # stdout, stderr, result (write ends) and job (read end)
_PID_TIMEOUT_S = 10.0


class SpawnError(RuntimeError):
    """The zygote could not create a strategy process."""


def start(prep: ChildPrep) -> tuple[int, socket.socket]:
    """Fork the zygote (call before the server holds any request). Returns its pid and the
    server's end of the command socket."""
    server_end, zygote_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the zygote
        try:
            server_end.close()
            _serve(zygote_end, dataclasses.replace(prep, parent_pid=os.getppid()))
        finally:
            os._exit(1)
    zygote_end.close()
    return pid, server_end


def _serve(sock: socket.socket, prep: ChildPrep) -> NoReturn:  # pragma: no cover - zygote
    # Keep stderr (the server's log) and the command socket; everything else of the server
    # (its lifeline pipe, its stdout) is closed, so EOF on them still means what it says.
    fd = os.dup2(sock.fileno(), 3, inheritable=False)
    sock.detach()
    sock = socket.socket(fileno=fd)
    native.close_range(4)
    devnull = os.open("/dev/null", os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    devnull = os.open("/dev/null", os.O_RDWR | os.O_CLOEXEC)
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    if native.available():
        native.prctl(native.PR_SET_PDEATHSIG, signal.SIGKILL)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(sock, MAX_COMMAND_BYTES, PASSED_FDS)
        except InterruptedError:
            continue
        if not message:
            os._exit(0)  # the server is gone
        reply: dict[str, Any]
        try:
            command = _command(message, fds)
            child_prep = dataclasses.replace(
                prep,
                layers=command["layers"],
                rootfs=prep.rootfs if "mountns" in command["layers"] else None,
                warm_up=command["warm_up"],
            )
            pid = spawn(child_prep, ChildFds(devnull, *fds))
            reply = {"id": command["id"], "pid": pid}
        except (SpawnError, OSError, ValueError, KeyError, TypeError) as exc:
            reply = {"id": _id_of(message), "error": f"{type(exc).__name__}: {exc}"[:500]}
        finally:
            for passed in fds:
                with contextlib.suppress(OSError):
                    os.close(passed)
        sock.send(json.dumps(reply).encode())


def _command(message: bytes, fds: list[int]) -> dict[str, Any]:
    raw = json.loads(message)
    if len(fds) != PASSED_FDS:
        raise ValueError(f"expected {PASSED_FDS} descriptors, got {len(fds)}")
    layers = raw.get("layers")
    if not isinstance(layers, list) or not all(isinstance(x, str) for x in layers):
        raise ValueError("layers must be a list of names")
    if not isinstance(raw.get("warm_up"), bool) or not isinstance(raw.get("id"), int):
        raise ValueError("bad spawn command")
    return {"id": raw["id"], "layers": frozenset(layers), "warm_up": raw["warm_up"]}


def _id_of(message: bytes) -> int | None:
    with contextlib.suppress(ValueError, TypeError, AttributeError):
        value = json.loads(message).get("id")
        return value if isinstance(value, int) else None
    return None


def spawn(prep: ChildPrep, fds: ChildFds) -> int:
    """Double-fork a strategy process; return its pid (in the server's PID namespace)."""
    in_pidns = "pidns" in prep.layers
    pid_r, pid_w = os.pipe2(os.O_CLOEXEC)
    first = os.fork()
    if first == 0:  # pragma: no cover - runs in the intermediate process
        code = protocol.EXIT_SPAWN_FAILED
        try:
            os.close(pid_r)
            if in_pidns:
                native.unshare(native.CLONE_NEWPID)
            second = os.fork()
            if second == 0:
                child_main(prep, fds, in_pidns=in_pidns)
            os.write(pid_w, struct.pack("<i", second))
            code = 0
        finally:
            os._exit(code)
    os.close(pid_w)
    try:
        pid = _read_pid(pid_r)
    finally:
        os.close(pid_r)
        # Once the intermediate has exited, its child belongs to the server.
        os.waitpid(first, 0)
    if pid is None:
        raise SpawnError("the intermediate process did not report a pid")
    return pid


def _read_pid(fd: int) -> int | None:
    ready = selectors.DefaultSelector()
    ready.register(fd, selectors.EVENT_READ)
    try:
        if not ready.select(_PID_TIMEOUT_S):
            return None
        data = os.read(fd, 4)
    finally:
        ready.close()
    return int(struct.unpack("<i", data)[0]) if len(data) == 4 else None
