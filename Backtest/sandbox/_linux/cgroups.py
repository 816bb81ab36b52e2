"""Per-run memory and pids cgroups: the limits a strategy cannot side-step.

RLIMIT_AS caps a process's address space, but memory a process does not map (a memfd or a
tmpfs file written with ``write()``, SysV shared memory, page cache) escapes it. A memory cgroup
charges all of it to the run, so the run's *total* memory is capped; a pids cgroup caps its
processes and threads (RLIMIT_NPROC counts per uid, shared by every concurrent run).

The server creates one cgroup per run under its own cgroup, moves the strategy process in
before it receives its job (so before the lockdown and before any strategy code), reads the
counters when the process has ended (an OOM kill, a refused fork) and removes the cgroup.

* cgroup v1 (this project's CI machine): the ``memory`` and ``pids`` hierarchies, each mounted
  on its own; ``memory.limit_in_bytes`` plus ``memory.memsw.limit_in_bytes`` where swap
  accounting exists, ``pids.max``.
* cgroup v2: only where a subtree is delegated to this process: its own cgroup, or the
  directory named by ``ALGOAGENT_SANDBOX_CGROUP``, must list ``memory``/``pids`` in
  ``cgroup.subtree_control``; then ``memory.max``, ``memory.swap.max`` and ``pids.max``.
* neither: no cgroup layer; the seccomp filter then refuses memfd and SysV shared memory and
  the run's disk is the size-capped tmpfs (see the README's table).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

MIB = 1024 * 1024
DELEGATED_ENV = "ALGOAGENT_SANDBOX_CGROUP"
#: Base directories are named ``algoagent-<host pid of the server>-<random>``: a server that
#: was killed before it could clean up is recognised by the next one, which removes its (empty)
#: directory.
PREFIX = "algoagent-"


class CgroupError(OSError):
    """A cgroup could not be created, configured, joined or read."""


@dataclass(frozen=True)
class Hierarchy:
    """Where one controller lives: its directory for this process, and the cgroup version."""

    controller: str  # "memory" or "pids"
    base: Path  # the directory our per-run cgroups are created in
    version: int  # 1 or 2

    def ensure(self) -> None:
        """(Re)create the base directory (an administrator may have removed it)."""
        if self.base.is_dir():
            return
        self.base.mkdir(mode=0o755, exist_ok=True)
        if self.version == 2:
            _write(self.base / "cgroup.subtree_control", f"+{self.controller}")


@dataclass
class Setup:
    """The controllers this server can use (discovered once at start-up)."""

    memory: Hierarchy | None = None
    pids: Hierarchy | None = None
    problems: dict[str, str] = field(default_factory=dict)

    def layers(self) -> list[str]:
        """Layer names for the controllers available."""
        return [
            name for name, h in (("cgroup_memory", self.memory), ("cgroup_pids", self.pids)) if h
        ]

    def remove(self) -> None:
        """Remove this server's base directories (at shutdown; empty by then)."""
        for hierarchy in {h.base for h in (self.memory, self.pids) if h is not None}:
            with contextlib.suppress(OSError):
                hierarchy.rmdir()


def _mounts(mountinfo: str) -> list[tuple[str, str, set[str]]]:
    """(mount point, fs type, super options) for every cgroup mount."""
    found = []
    for line in mountinfo.splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(fields) < 5 or len(tail) < 3 or tail[0] not in ("cgroup", "cgroup2"):
            continue
        found.append((fields[4], tail[0], set(tail[2].split(","))))
    return found


def _own_paths(cgroup_file: str) -> dict[str, str]:
    """Controller (or "" for v2) -> this process's cgroup path, from /proc/self/cgroup."""
    paths = {}
    for line in cgroup_file.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if not controllers:
            paths[""] = path
        for controller in controllers.split(","):
            paths[controller] = path
    return paths


def discover(
    *,
    proc_root: str = "/proc",
    tag: str | None = None,
    delegated: str | None = None,
) -> Setup:
    """Find usable memory and pids controllers and create this server's base directories.

    ``tag`` names the base directory (default: random, so two servers never share one).
    ``delegated`` overrides the v2 cgroup to create runs under (``ALGOAGENT_SANDBOX_CGROUP``).
    """
    setup = Setup()
    try:
        mountinfo = Path(proc_root, "self", "mountinfo").read_text()
        own = _own_paths(Path(proc_root, "self", "cgroup").read_text())
    except OSError as exc:
        setup.problems["cgroup"] = f"cannot read /proc: {exc}"
        return setup
    owner = _host_pid(proc_root)
    name = f"{PREFIX}{owner}-{tag or secrets.token_hex(6)}"
    delegated = delegated if delegated is not None else os.environ.get(DELEGATED_ENV)
    mounts = _mounts(mountinfo)
    for controller in ("memory", "pids"):
        try:
            hierarchy = _v1(controller, mounts, own, name) or _v2(
                controller, mounts, own, name, delegated
            )
        except OSError as exc:
            setup.problems[controller] = str(exc)
            continue
        if hierarchy is None:
            setup.problems[controller] = f"no writable {controller} cgroup is delegated here"
            continue
        setattr(setup, controller, hierarchy)
    return setup


def _v1(
    controller: str, mounts: list[tuple[str, str, set[str]]], own: dict[str, str], name: str
) -> Hierarchy | None:
    for point, fstype, options in mounts:
        if fstype == "cgroup" and controller in options and controller in own:
            parent = Path(point) / own[controller].lstrip("/")
            if not parent.is_dir() or not os.access(parent, os.W_OK):
                return None
            _remove_stale(parent)
            base = parent / name
            base.mkdir(mode=0o755, exist_ok=True)
            return Hierarchy(controller, base, 1)
    return None


def _v2(
    controller: str,
    mounts: list[tuple[str, str, set[str]]],
    own: dict[str, str],
    name: str,
    delegated: str | None,
) -> Hierarchy | None:
    points = [point for point, fstype, _ in mounts if fstype == "cgroup2"]
    if not points or ("" not in own and not delegated):
        return None
    parent = Path(delegated) if delegated else Path(points[0]) / own[""].lstrip("/")
    try:
        enabled = (parent / "cgroup.subtree_control").read_text().split()
    except OSError:
        return None
    if controller not in enabled or not os.access(parent, os.W_OK):
        return None
    _remove_stale(parent)
    base = parent / name
    base.mkdir(mode=0o755, exist_ok=True)
    # Our runs are children of ``base``: the controller must reach them too.
    (base / "cgroup.subtree_control").write_text(f"+{controller}")
    return Hierarchy(controller, base, 2)


@dataclass
class RunCgroups:
    """The cgroups of one run (one directory per hierarchy used)."""

    memory: Path | None = None
    pids: Path | None = None
    memory_mb: int = 0
    pids_max: int = 0
    _versions: dict[str, int] = field(default_factory=dict)

    @classmethod
    def create(
        cls, setup: Setup, *, memory_mb: int | None, pids_max: int | None, run_id: str
    ) -> RunCgroups:
        """Create and configure the run's cgroups (``None``: that controller is not used)."""
        run = cls()
        try:
            if memory_mb is not None and setup.memory is not None:
                setup.memory.ensure()
                run.memory = _mkdir(setup.memory.base / run_id)
                run._versions["memory"] = setup.memory.version
            if pids_max is not None and setup.pids is not None:
                setup.pids.ensure()
                directory = setup.pids.base / run_id
                # cgroup v2 has one tree: the run's memory cgroup is its pids cgroup too.
                run.pids = directory if directory == run.memory else _mkdir(directory)
                run._versions["pids"] = setup.pids.version
            run.set_limits(memory_mb=memory_mb or 0, pids_max=pids_max or 0)
        except OSError:
            run.remove()
            raise
        return run

    def set_limits(self, *, memory_mb: int, pids_max: int) -> None:
        """Write the limits (again): a cgroup made for a waiting process gets the limits of
        the run that takes it, before the run's job is sent."""
        if self.memory is not None:
            limit = str(memory_mb * MIB)
            if self._versions.get("memory") == 1:
                swap = self.memory / "memory.memsw.limit_in_bytes"
                # memory + swap together (no escape into swap); the kernel wants memsw >= the
                # memory limit at every step, so raising writes memsw first, lowering last.
                raising = self.memory_mb > 0 and memory_mb > self.memory_mb
                if raising and swap.exists():
                    _write(swap, limit)
                _write(self.memory / "memory.limit_in_bytes", limit)
                if not raising and swap.exists():
                    _write(swap, limit)
            else:
                _write(self.memory / "memory.max", limit)
                swap = self.memory / "memory.swap.max"
                if swap.exists():
                    _write(swap, "0")
            self.memory_mb = memory_mb
        if self.pids is not None:
            _write(self.pids / "pids.max", str(pids_max))
            self.pids_max = pids_max

    def _directories(self) -> list[Path]:
        return list(dict.fromkeys(d for d in (self.memory, self.pids) if d is not None))

    def attach(self, pid: int) -> None:
        """Move process ``pid`` (in the caller's PID namespace) into every cgroup of the run."""
        for directory in self._directories():
            _write(directory / "cgroup.procs", str(pid))

    def counters(self) -> dict[str, int]:
        """What the kernel counted: OOM kills, refused charges, refused forks."""
        out = {"oom_kills": 0, "memory_failcnt": 0, "memory_peak_bytes": 0, "pids_refused": 0}
        if self.memory is not None:
            if self._versions.get("memory") == 1:
                events = _keyed(self.memory / "memory.oom_control")
                out["oom_kills"] = events.get("oom_kill", 0)
                out["memory_failcnt"] = _int(self.memory / "memory.failcnt")
                out["memory_peak_bytes"] = _int(self.memory / "memory.max_usage_in_bytes")
            else:
                events = _keyed(self.memory / "memory.events")
                out["oom_kills"] = events.get("oom_kill", 0)
                out["memory_failcnt"] = events.get("max", 0)
                out["memory_peak_bytes"] = _int(self.memory / "memory.peak")
        if self.pids is not None:
            out["pids_refused"] = _keyed(self.pids / "pids.events").get("max", 0)
        return out

    def remove(self) -> bool:
        """Remove the run's cgroups (their processes must be gone); False if one is busy."""
        removed = True
        for directory in self._directories():
            try:
                directory.rmdir()
            except FileNotFoundError:
                pass
            except OSError as exc:
                if exc.errno != errno.EBUSY:
                    raise
                removed = False
        return removed


def _host_pid(proc_root: str) -> int:
    """This process's pid as the host's /proc knows it (the server runs in its own PID
    namespace, where it is 1)."""
    try:
        return int(os.readlink(os.path.join(proc_root, "self")))
    except (OSError, ValueError):
        return os.getpid()


def _remove_stale(parent: Path) -> None:
    """Remove base directories of servers that no longer exist (only empty ones can go)."""
    with contextlib.suppress(OSError):
        for entry in parent.glob(f"{PREFIX}*"):
            owner = entry.name[len(PREFIX) :].split("-", 1)[0]
            if owner.isdigit() and not os.path.exists(f"/proc/{owner}"):
                for run in entry.glob("run-*"):
                    with contextlib.suppress(OSError):
                        run.rmdir()
                with contextlib.suppress(OSError):
                    entry.rmdir()


def _mkdir(path: Path) -> Path:
    path.mkdir(mode=0o755)
    return path


def _write(path: Path, value: str) -> None:
    try:
        with open(path, "w") as f:
            f.write(value)
    except OSError as exc:
        raise CgroupError(exc.errno, f"writing {value!r} to {path}: {exc.strerror}") from exc


def _keyed(path: Path) -> dict[str, int]:
    try:
        text = path.read_text()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        with contextlib.suppress(ValueError):
            out[key] = int(value)
    return out


def _int(path: Path) -> int:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return 0
