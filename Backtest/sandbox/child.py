"""A strategy process: prepared ahead of time, locked down when its job arrives, then run.

Stage 1 (``prepare``, trusted code only, possibly long before a job exists): take the pipes as
fds 0-4 and close everything else, new session, namespaces, optionally a warm-up backtest so the
copy-on-write page faults are paid off the critical path. Stage 2 (``lockdown``, when the server
writes the job to fd 4): pivot_root into the minimal tree, rlimits, uid drop, no_new_privs,
Landlock, seccomp, audit hook. Every requested layer must succeed or the process exits before
any untrusted code exists in it. The first frame on the result channel ("ready", with the layers
applied) is written before the strategy code is even compiled, so the server can trust it;
everything after it is untrusted. After its result the runner sends "done" and idles until the
server SIGKILLs it: the caller is answered without waiting for the process to exit.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import io
import os
import resource
import signal
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, NoReturn

from Backtest.sandbox import _linux, audit, landlock, limits, mounts, protocol, seccomp
from Backtest.sandbox.job import validate_job
from Backtest.sandbox.layers import SANDBOX_GID, SANDBOX_UID

RESULT_FD = 3
JOB_FD = 4
EXIT_OK = 0
EXIT_LOCKDOWN_FAILED = 90
EXIT_SPAWN_FAILED = 91
EXIT_NO_JOB = 92
MAX_JOB_BYTES = protocol.MAX_REQUEST_BYTES + 65536
LINGER_S = 30.0


@dataclass
class ChildPrep:
    """Server-side facts fixed when the process is forked (before any job exists)."""

    layers: frozenset[str]
    rootfs: str | None
    plan: mounts.RootfsPlan = field(default_factory=mounts.RootfsPlan)
    seccomp_bpf: bytes | None = None  # precompiled for pid 1 (the child in its PID namespace)
    warm_up: bool = False
    warm_data: str | None = None  # a dataset for the warm-up to read (server-private)
    uid: int = SANDBOX_UID
    gid: int = SANDBOX_GID


@dataclass
class ChildFds:
    """Descriptors (in the server) that become the child's fds 0-4."""

    devnull: int
    stdout: int
    stderr: int
    result: int
    job: int


def send_frame(frame: dict[str, Any]) -> None:
    """Write one frame to the result channel."""
    view = memoryview(protocol.encode(frame))
    while view:
        written = os.write(RESULT_FD, view)
        view = view[written:]


def _install_fds(fds: ChildFds) -> None:
    # Move sources out of the way first so dup2 into 0..4 cannot clobber one of them.
    sources = (fds.devnull, fds.stdout, fds.stderr, fds.result, fds.job)
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 100) for fd in sources]
    for target, source in enumerate(high):
        os.dup2(source, target, inheritable=False)
    _linux.close_range(JOB_FD + 1)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
    sys.stdout, sys.stderr = (
        io.TextIOWrapper(
            io.FileIO(fd, "w", closefd=False),
            encoding="utf-8",
            errors="backslashreplace",
            line_buffering=True,
        )
        for fd in (1, 2)
    )
    sys.__stdout__, sys.__stderr__, sys.__stdin__ = sys.stdout, sys.stderr, sys.stdin


def prepare(prep: ChildPrep, fds: ChildFds, *, in_pidns: bool) -> list[str]:
    """Stage 1: everything that does not depend on the job. Returns layers applied so far."""
    _install_fds(fds)
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    os.setsid()
    applied = ["process", "clean_env"]
    if in_pidns:
        applied.append("pidns")
    else:  # the server is our parent; nothing else would take us down with it
        _linux.prctl(_linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    _linux.prctl(_linux.PR_SET_DUMPABLE, 0)
    layers = prep.layers
    flags = 0
    if "mountns" in layers:
        flags |= _linux.CLONE_NEWNS
    if "netns" in layers:
        flags |= _linux.CLONE_NEWNET | _linux.CLONE_NEWUTS
    if "ipcns" in layers:
        flags |= _linux.CLONE_NEWIPC
    if flags:
        _linux.unshare(flags)
    if "netns" in layers:
        _linux.sethostname("sandbox")
        applied.append("netns")
    if "ipcns" in layers:
        applied.append("ipcns")
    if prep.warm_up:
        from Backtest.sandbox.server import warm_up

        warm_up(None, prep.warm_data)
        gc.collect()
    send_frame({"type": "prepared"})  # trusted: no job (let alone strategy code) exists yet
    return applied


def read_job() -> dict[str, Any]:
    """Block until the server sends the job (one frame on fd 4), then close fd 4."""
    buf = bytearray()
    while True:
        chunk = os.read(JOB_FD, 1 << 20)
        if not chunk:
            break
        buf += chunk
        if len(buf) > MAX_JOB_BYTES:
            raise protocol.ProtocolError("job too large")
    os.close(JOB_FD)
    if len(buf) < protocol.HEADER.size:
        raise EOFError("no job")
    (length,) = protocol.HEADER.unpack_from(buf)
    if length != len(buf) - protocol.HEADER.size:
        raise protocol.ProtocolError("truncated job")
    return protocol.decode_payload(bytes(buf[protocol.HEADER.size :]))


def _drop_privileges(uid: int, gid: int) -> None:
    _linux.drop_capability_bounding_set()
    _linux.prctl(_linux.PR_CAP_AMBIENT, _linux.PR_CAP_AMBIENT_CLEAR_ALL)
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (gid, gid, gid) or os.getgroups():
        raise RuntimeError("uid/gid drop did not take effect")
    try:
        os.setuid(0)
    except PermissionError:
        pass
    else:
        raise RuntimeError("could regain uid 0 after dropping privileges")


def lockdown(
    prep: ChildPrep, applied: list[str], budget: limits.Limits, box: str, data: str
) -> tuple[list[str], str, str]:
    """Stage 2: apply the remaining layers; return (layers, workdir, datadir) as seen inside."""
    layers = prep.layers
    workdir, datadir = box, data
    read_roots = [*prep.plan.ro_paths, *mounts.DEVICES, data]
    if "mountns" in layers:
        if prep.rootfs is None:
            raise RuntimeError("mount namespace requested but the server built no rootfs")
        mounts.enter_rootfs(
            prep.rootfs, datadir=data, disk_mb=budget.max_disk_mb, uid=prep.uid, gid=prep.gid
        )
        workdir, datadir = mounts.WORKDIR, mounts.DATADIR
        read_roots = prep.plan.read_roots()
        applied.append("mountns")
    else:
        os.chdir(workdir)
    if "rlimits" in layers:
        used = resource.getrusage(resource.RUSAGE_SELF)
        already = int(used.ru_utime + used.ru_stime)  # the warm-up must not eat the budget
        limits.apply(budget, cpu_offset=already)
    if "uid_drop" in layers:
        _drop_privileges(prep.uid, prep.gid)
        _linux.prctl(_linux.PR_SET_DUMPABLE, 0)  # a uid change resets it
        applied.append("uid_drop")
    _linux.prctl(_linux.PR_SET_NO_NEW_PRIVS, 1)
    if "landlock" in layers:
        landlock.restrict(
            read_paths=[p for p in read_roots if os.path.exists(p)],
            write_paths=[workdir],
            device_paths=["/dev/null"],
        )
        applied.append("landlock")
    if "seccomp" in layers:
        own_pid = os.getpid()
        seccomp.install(own_pid, prep.seccomp_bpf if own_pid == 1 else None)
        applied.append("seccomp")
    if "rlimits" in layers:
        applied.append("rlimits")
    _python_environment(workdir)
    if "audit_hook" in layers:
        audit.install(
            read_roots=[*read_roots, workdir],
            write_roots=[workdir, "/dev/null"],
            report=lambda kind, message: send_frame(
                {"type": "violation", "kind": kind, "message": message}
            ),
        )
        applied.append("audit_hook")
    applied.append("timeout")
    return applied, workdir, datadir


def _python_environment(workdir: str) -> None:
    sys.dont_write_bytecode = True
    os.environ.clear()
    os.environ.update(
        {
            "HOME": workdir,
            "TMPDIR": workdir,
            "LANG": "C.UTF-8",
            "PATH": "/nonexistent",
            "BOKEH_BROWSER": "none",  # a stray bt.plot() in the code must not try a browser
        }
    )
    tempfile.tempdir = workdir
    # Start from fresh warning registries: the warm-up must not swallow the strategy's warnings.
    warnings.simplefilter("default", append=True)


def child_main(prep: ChildPrep, fds: ChildFds, *, in_pidns: bool) -> NoReturn:
    """Entry point of the forked process: prepare, wait for the job, lock down, run, report."""
    from Backtest.sandbox import runner

    try:
        applied = prepare(prep, fds, in_pidns=in_pidns)
    except BaseException:
        # fds 0-4 may not be ours yet (in the server, fd 3 may be a client connection):
        # write nothing anywhere.
        os._exit(EXIT_LOCKDOWN_FAILED)
    try:
        request = read_job()
    except BaseException:
        os._exit(EXIT_NO_JOB)
    try:
        budget = limits.Limits.from_dict(request["limits"])
        job = validate_job(request["job"])
        applied, workdir, datadir = lockdown(prep, applied, budget, request["box"], request["data"])
    except BaseException as exc:
        try:
            send_frame({"type": "lockdown_failed", "error": f"{type(exc).__name__}: {exc}"[:2000]})
        finally:
            os._exit(EXIT_LOCKDOWN_FAILED)
    try:
        send_frame({"type": "ready", "layers": applied})
        payload = runner.run_job(
            job,
            datadir=datadir,
            workdir=workdir,
            send=send_frame,
            max_plot_bytes=budget.max_result_bytes,
        )
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        send_frame(payload)
        send_frame({"type": "done"})
    except BaseException:
        os._exit(EXIT_SPAWN_FAILED)
    _wait_for_the_server()
    os._exit(EXIT_OK)


def _wait_for_the_server() -> None:
    """Stay alive, idle, until the server has read our usage and SIGKILLs us.

    The server answers the caller as soon as "done" arrives and reaps us afterwards, so the
    caller never waits for the kernel to tear down a large address space and the namespaces.
    The bound only matters if the server is gone (then our PID namespace dies with it anyway).
    """
    with contextlib.suppress(BaseException):
        time.sleep(LINGER_S)
