"""A strategy process: forked by the zygote, locked down when its job arrives, run once, gone.

Stage 1 (``prepare``, trusted code only, possibly long before a job exists): take the pipes as
fds 0-4 and close everything else, new session, namespaces, optionally a warm-up backtest on
bundled data so the copy-on-write page faults are paid off the critical path. Stage 2
(``lockdown``, when the server writes the job to fd 4): pivot_root into the minimal tree,
rlimits, uid drop, no_new_privs, Landlock, seccomp; then the run's data is mapped, the native
helper is sealed, and the audit hook is installed. Every requested layer must succeed or the
process exits before any untrusted code exists in it. The first frame on the result channel
("ready", with the layers applied) is written before the strategy code is even compiled, so the
server can trust it; everything after it is untrusted. After its result the runner sends "done"
and idles until the server SIGKILLs it.

The process comes from the zygote, which has never held any run's code, data or results, so
nothing of another run can be found in its memory; it exits after this one run.
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

import pandas as pd

from Backtest.sandbox._child import audit, scrub
from Backtest.sandbox._child.warmup import warm_up
from Backtest.sandbox._linux import landlock, mounts, native, rlimits, seccomp
from Backtest.sandbox._wire import datafiles, protocol
from Backtest.sandbox._wire.job import validate_job
from Backtest.sandbox._wire.layers import SANDBOX_GID, SANDBOX_UID
from Backtest.sandbox._wire.limits import Limits

MAX_JOB_BYTES = protocol.MAX_REQUEST_BYTES + 65536
LINGER_S = 30.0


@dataclass
class ChildPrep:
    """Facts fixed before any job exists (built by the server at start-up, held by the
    zygote, adjusted per process: layers, warm-up)."""

    layers: frozenset[str]
    rootfs: str | None
    plan: mounts.RootfsPlan = field(default_factory=mounts.RootfsPlan)
    #: Compiled seccomp programs: "shm" (a memory cgroup caps shared memory) and "no_shm".
    seccomp_programs: dict[str, bytes] = field(default_factory=dict)
    warm_up: bool = False
    warm_data: str | None = None  # a dataset for the warm-up to read (server-private)
    uid: int = SANDBOX_UID
    gid: int = SANDBOX_GID
    parent_pid: int = 0  # the server, as seen from the zygote (for the death signal)


@dataclass
class ChildFds:
    """Descriptors that become the strategy process's fds 0-4."""

    devnull: int
    stdout: int
    stderr: int
    result: int
    job: int


@dataclass
class Locked:
    """What the lockdown produced: layers applied, the run's data, where to work."""

    layers: list[str]
    workdir: str
    data: pd.DataFrame


def send_frame(frame: dict[str, Any]) -> None:
    """Write one frame to the result channel."""
    view = memoryview(protocol.encode(frame))
    while view:
        written = os.write(protocol.RESULT_FD, view)
        view = view[written:]


def _install_fds(fds: ChildFds) -> None:
    # Move sources out of the way first so dup2 into 0..4 cannot clobber one of them.
    sources = (fds.devnull, fds.stdout, fds.stderr, fds.result, fds.job)
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 100) for fd in sources]
    for target, source in enumerate(high):
        os.dup2(source, target, inheritable=False)
    native.close_range(protocol.JOB_FD + 1)
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
    sys.__stdout__, sys.__stderr__, sys.__stdin__ = sys.stdout, sys.stderr, sys.stdin  # type: ignore[misc]


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
    if native.available():
        native.prctl(native.PR_SET_DUMPABLE, 0)
    layers = prep.layers
    flags = 0
    if "mountns" in layers:
        flags |= native.CLONE_NEWNS
    if "netns" in layers:
        flags |= native.CLONE_NEWNET | native.CLONE_NEWUTS
    if "ipcns" in layers:
        flags |= native.CLONE_NEWIPC
    if flags:
        native.unshare(flags)
    if "netns" in layers:
        native.sethostname("sandbox")
        applied.append("netns")
    if "ipcns" in layers:
        applied.append("ipcns")
    if prep.warm_up:
        warm_up(None, prep.warm_data)
        gc.collect()
    send_frame({"type": "prepared"})  # trusted: no job (let alone strategy code) exists yet
    return applied


def read_job() -> dict[str, Any]:
    """Block until the server sends the job (one frame on fd 4), then close fd 4."""
    buf = bytearray()
    while True:
        chunk = os.read(protocol.JOB_FD, 1 << 20)
        if not chunk:
            break
        buf += chunk
        if len(buf) > MAX_JOB_BYTES:
            raise protocol.ProtocolError("job too large")
    os.close(protocol.JOB_FD)
    if len(buf) < protocol.HEADER.size:
        raise EOFError("no job")
    (length,) = protocol.HEADER.unpack_from(buf)
    if length != len(buf) - protocol.HEADER.size:
        raise protocol.ProtocolError("truncated job")
    return protocol.decode_payload(bytes(buf[protocol.HEADER.size :]))


def _tie_to_the_server(prep: ChildPrep, *, in_pidns: bool) -> None:
    """Die with the server. In a PID namespace that is automatic (the namespace dies with its
    init); otherwise ask for a death signal now: the job only arrives once the zygote's
    intermediate process has exited and we were re-parented to the server, and a death signal
    set before that re-parenting would have fired at the intermediate's exit."""
    if in_pidns or not native.available():
        return
    native.prctl(native.PR_SET_PDEATHSIG, signal.SIGKILL)
    if prep.parent_pid and os.getppid() != prep.parent_pid:
        os._exit(protocol.EXIT_NO_JOB)  # the server is already gone


def _drop_privileges(uid: int, gid: int) -> None:
    native.drop_capability_bounding_set()
    native.prctl(native.PR_CAP_AMBIENT, native.PR_CAP_AMBIENT_CLEAR_ALL)
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
    prep: ChildPrep,
    applied: list[str],
    budget: Limits,
    request: dict[str, Any],
) -> Locked:
    """Stage 2: apply the remaining layers, map the run's data, seal the native helper,
    install the audit hook. Returns what the runner needs."""
    layers = prep.layers
    workdir, datadir = request["box"], request["data"]
    read_roots = [*prep.plan.ro_paths, *prep.plan.aliases, *mounts.DEVICES, datadir]
    if "mountns" in layers:
        if prep.rootfs is None:
            raise RuntimeError("mount namespace requested but the server built no rootfs")
        mounts.enter_rootfs(
            prep.rootfs, datadir=datadir, disk_mb=budget.max_disk_mb, uid=prep.uid, gid=prep.gid
        )
        workdir, datadir = mounts.WORKDIR, mounts.DATADIR
        read_roots = prep.plan.read_roots()
        applied.append("mountns")
    else:
        os.chdir(workdir)
    if "rlimits" in layers:
        used = resource.getrusage(resource.RUSAGE_SELF)
        already = int(used.ru_utime + used.ru_stime)  # the warm-up must not eat the budget
        rlimits.apply(budget, cpu_offset=already)
    if "uid_drop" in layers:
        _drop_privileges(prep.uid, prep.gid)
        native.prctl(native.PR_SET_DUMPABLE, 0)  # a uid change resets it
        applied.append("uid_drop")
    if native.available():
        native.prctl(native.PR_SET_NO_NEW_PRIVS, 1)
    if "landlock" in layers:
        landlock.restrict(
            read_paths=[p for p in read_roots if os.path.exists(p)],
            write_paths=[workdir],
            device_paths=["/dev/null"],
        )
        applied.append("landlock")
    if "seccomp" in layers:
        program = prep.seccomp_programs["shm" if request.get("shared_memory") else "no_shm"]
        seccomp.install(program, os.getpid())
        applied.append("seccomp")
    if "rlimits" in layers:
        applied.append("rlimits")
    # Trusted input, read before the audit hook (which then refuses file-backed mappings).
    data = datafiles.read_dataset(datadir)
    native.seal()
    scrub.forget_sandbox_internals()
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
    return Locked(layers=applied, workdir=workdir, data=data)


def _python_environment(workdir: str) -> None:
    sys.dont_write_bytecode = True
    # Modules imported from now on are compiled from source instead of unmarshalled from
    # .pyc files, so the audit hook can refuse marshal.loads (hand-made code objects read
    # and write arbitrary memory) without breaking a late import.
    sys.pycache_prefix = "/nonexistent"
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
    from Backtest.sandbox._child import runner

    try:
        applied = prepare(prep, fds, in_pidns=in_pidns)
    except BaseException:
        # fds 0-4 may not be ours yet: write nothing anywhere.
        os._exit(protocol.EXIT_LOCKDOWN_FAILED)
    try:
        request = read_job()
        _tie_to_the_server(prep, in_pidns=in_pidns)
    except BaseException:
        os._exit(protocol.EXIT_NO_JOB)
    try:
        budget = Limits.from_dict(request["limits"])
        job = validate_job(request["job"])
        locked = lockdown(prep, applied, budget, request)
    except BaseException as exc:
        try:
            send_frame({"type": "lockdown_failed", "error": f"{type(exc).__name__}: {exc}"[:2000]})
        finally:
            os._exit(protocol.EXIT_LOCKDOWN_FAILED)
    try:
        send_frame({"type": "ready", "layers": locked.layers})
        payload = runner.run_job(
            job,
            data=locked.data,
            workdir=locked.workdir,
            send=send_frame,
            max_plot_bytes=budget.max_plot_bytes,
        )
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        send_frame(payload)
        send_frame({"type": "done"})
    except BaseException:
        os._exit(protocol.EXIT_SPAWN_FAILED)
    _wait_for_the_server()
    os._exit(protocol.EXIT_OK)


def _wait_for_the_server() -> None:
    """Stay alive, idle, until the server has read our usage and SIGKILLs us.

    The server answers the caller as soon as "done" arrives and reaps us afterwards, so the
    caller never waits for the kernel to tear down a large address space and the namespaces.
    The bound only matters if the server is gone (then our PID namespace dies with it anyway).
    """
    with contextlib.suppress(BaseException):
        time.sleep(LINGER_S)
