"""The minimal read-only file tree a strategy process sees after ``pivot_root``.

The warm server builds it once, in its own private mount namespace, on a small tmpfs: read-only
bind mounts of exactly the directories the running interpreter needs (found from its own memory
maps and ``sys.path``), a few device nodes, and two empty mount points. Each child then mounts a
private size-capped tmpfs as its working directory and binds the input data (read-only) into its
own copy of that namespace, and pivots into it. Nothing else of the host exists there: no /etc,
/proc, /home, the repository's other files, or other runs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field

from Backtest.sandbox._linux import native

WORKDIR = "/workdir"
DATADIR = "/data"
DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random")
_MULTIARCH_LIBS = ("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib/aarch64-linux-gnu")
_OPTIONAL = ("/usr/share/zoneinfo", "/etc/ld.so.cache")
_TOP_SYMLINKS = ("/lib", "/lib64", "/lib32", "/libx32")


@dataclass
class RootfsPlan:
    """What goes into the tree: host paths mirrored read-only at the same location."""

    ro_paths: list[str] = field(default_factory=list)
    symlinks: dict[str, str] = field(default_factory=dict)
    #: Paths the interpreter uses through a symlink (a venv linked from elsewhere): readable too.
    aliases: list[str] = field(default_factory=list)

    def read_roots(self) -> list[str]:
        """Paths strategy code may read (inside the tree), for the audit hook and Landlock."""
        return [*self.ro_paths, *self.aliases, DATADIR, *DEVICES]


def _collapse(paths: Iterable[str]) -> list[str]:
    """Drop paths already covered by a parent path in the set."""
    out: list[str] = []
    for path in sorted({os.path.normpath(p) for p in paths}):
        if not any(path == kept or path.startswith(kept + "/") for kept in out):
            out.append(path)
    return out


def plan_rootfs(*, repo_root: str, expose: Iterable[str], exclude: Iterable[str]) -> RootfsPlan:
    """Work out the tree for the running interpreter.

    ``expose`` are repository-relative paths (e.g. ``Backtest/indicators.py``) to make visible;
    the repository itself is never mirrored whole, and nothing inside ``exclude`` (the work
    root with every run directory) is mirrored at all.
    """
    repo_root = os.path.realpath(repo_root)
    hidden = [os.path.realpath(p) for p in exclude]
    never_whole = [repo_root, *hidden]
    candidates: set[str] = {sys.base_prefix, sys.prefix, sys.exec_prefix}
    candidates.update(p for p in sys.path if p and os.path.isdir(p))
    candidates.update(_mapped_library_dirs())
    candidates.update(p for p in _MULTIARCH_LIBS if os.path.isdir(p))
    candidates.update(p for p in _OPTIONAL if os.path.exists(p))
    ro: list[str] = []
    for path in candidates:
        real = os.path.realpath(path)
        if not os.path.exists(real) or real == "/":
            continue
        if any(ex == real or ex.startswith(real + "/") for ex in never_whole):
            continue  # mirroring it would expose the repository or the run directories
        if any(real.startswith(h + "/") for h in hidden):
            continue
        ro.append(real)
    for rel in expose:
        path = os.path.realpath(os.path.join(repo_root, rel))
        if path.startswith(repo_root + "/") and os.path.exists(path):
            ro.append(path)
    ro = _collapse(ro)
    symlinks = {link: os.readlink(link) for link in _TOP_SYMLINKS if os.path.islink(link)}
    aliases = []
    for path in candidates:
        norm = os.path.normpath(os.path.abspath(path))
        if os.path.realpath(norm) == norm or not any(_inside(os.path.realpath(norm), ro)):
            continue
        aliases.append(norm)
        for link, target in _symlinks_along(norm):
            if not any(_inside(link, [*ro, *hidden])):
                symlinks[link] = target
    return RootfsPlan(ro_paths=ro, symlinks=symlinks, aliases=_collapse(aliases))


def _inside(path: str, roots: Iterable[str]) -> Iterable[bool]:
    return (path == root or path.startswith(root + "/") for root in roots)


def _symlinks_along(path: str) -> list[tuple[str, str]]:
    """The symlinks met while resolving ``path``, as (link location, link text) pairs."""
    found: list[tuple[str, str]] = []
    parts = [p for p in path.split("/") if p]
    current = "/"
    for _ in range(40):  # the kernel's own bound on links per lookup
        if not parts:
            break
        candidate = os.path.join(current, parts.pop(0))
        if os.path.islink(candidate):
            text = os.readlink(candidate)
            found.append((candidate, text))
            resolved = os.path.normpath(os.path.join(current, text))
            parts = [p for p in resolved.split("/") if p] + parts
            current = "/"
        else:
            current = candidate
    return found


def _mapped_library_dirs() -> set[str]:
    dirs: set[str] = set()
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                parts = line.split(maxsplit=5)
                if len(parts) == 6 and parts[5].startswith("/") and ".so" in parts[5]:
                    path = parts[5].strip()
                    if not path.endswith("(deleted)") and not path.startswith(("/dev", "/proc")):
                        dirs.add(os.path.dirname(path))
    except OSError:
        pass
    return dirs


def _mirror(root: str, path: str) -> str:
    target = os.path.join(root, path.lstrip("/"))
    parent = os.path.dirname(target)
    os.makedirs(parent, mode=0o755, exist_ok=True)
    if os.path.isdir(path):
        os.makedirs(target, mode=0o755, exist_ok=True)
    elif not os.path.exists(target):
        with open(target, "w"):
            pass
    return target


def build_rootfs(root: str, plan: RootfsPlan) -> None:
    """Mount the tree at ``root`` (server side, inside its private mount namespace)."""
    old_umask = os.umask(0o022)  # the tree must be traversable by the unprivileged uid
    try:
        _build(root, plan)
    finally:
        os.umask(old_umask)


def _build(root: str, plan: RootfsPlan) -> None:
    native.mount("tmpfs", root, "tmpfs", native.MS_NOSUID | native.MS_NODEV, "size=4m,mode=0755")
    for link, target in plan.symlinks.items():
        location = os.path.join(root, link.lstrip("/"))
        os.makedirs(os.path.dirname(location), mode=0o755, exist_ok=True)
        os.symlink(target, location)
    for path in plan.ro_paths:
        native.bind_mount(path, _mirror(root, path), readonly=True, noexec=False)
    for device in DEVICES:
        target = _mirror(root, device)
        native.mount(device, target, None, native.MS_BIND)
        native.mount(
            None,
            target,
            None,
            native.MS_BIND | native.MS_REMOUNT | native.MS_NOSUID | native.MS_NOEXEC,
        )
    for mount_point in (WORKDIR, DATADIR):
        os.makedirs(os.path.join(root, mount_point.lstrip("/")), mode=0o755)
    native.mount(
        None, root, None, native.MS_REMOUNT | native.MS_RDONLY | native.MS_NOSUID | native.MS_NODEV
    )


def enter_rootfs(root: str, *, datadir: str, disk_mb: int, uid: int, gid: int) -> None:
    """Mount a private, size-capped tmpfs as the working directory, bind the input data
    read-only, and pivot into the tree (child side, as root, in a fresh mount namespace).

    The working directory lives only in this process's mount namespace: nothing the strategy
    writes reaches the host disk (no disk filling, no links planted for the parent), and it
    disappears with the process. Afterwards the old root is detached: the host file system is
    unreachable by path.
    """
    native.mount(
        "tmpfs",
        os.path.join(root, WORKDIR.lstrip("/")),
        "tmpfs",
        native.MS_NOSUID | native.MS_NODEV | native.MS_NOEXEC,
        f"size={disk_mb}m,nr_inodes=10000,mode=0700,uid={uid},gid={gid}",
    )
    native.bind_mount(datadir, os.path.join(root, DATADIR.lstrip("/")), readonly=True)
    os.chdir(root)
    native.pivot_root(".", ".")
    native.umount2(".", native.MNT_DETACH)
    os.chdir(WORKDIR)
