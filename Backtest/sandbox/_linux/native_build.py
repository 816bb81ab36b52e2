"""Compile the sandbox's native helper (``_native.c``) once per source and interpreter.

Runs on the trusted side (the process that starts the sandbox server, or the probe), with a
clean environment. The result is cached under a directory only the current user can write,
keyed by a hash of the source, the compiler command and the interpreter's ABI, so a change of
any of them builds a fresh copy. The helper is loaded into root processes: the cache directory
and the file must be owned by the effective user and not writable by anyone else, or the build
is refused.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

SOURCE = Path(__file__).with_name("_native.c")
MODULE_NAME = "_sandbox_native"
CACHE_ENV = "ALGOAGENT_SANDBOX_NATIVE_DIR"
_BUILD_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C"}
_TIMEOUT_S = 120


class NativeUnavailable(RuntimeError):
    """The helper cannot be built or loaded here (no compiler, no Python headers, unsafe dir)."""


def default_cache_dir() -> Path:
    """``$ALGOAGENT_SANDBOX_NATIVE_DIR`` or ``~/.cache/algoagent/sandbox-native``."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "algoagent" / "sandbox-native"


def _compiler() -> list[str]:
    configured = shlex.split(sysconfig.get_config_var("CC") or "cc")
    if configured and shutil.which(configured[0], path=_BUILD_ENV["PATH"]):
        return configured
    for name in ("cc", "gcc", "clang"):
        found = shutil.which(name, path=_BUILD_ENV["PATH"])
        if found:
            return [found]
    raise NativeUnavailable("no C compiler found (install gcc to enable the OS sandbox layers)")


def _private_dir(path: Path) -> None:
    """Create ``path`` (0700) if needed and check nobody else can write it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        raise NativeUnavailable(f"{path} is not a directory owned by uid {os.geteuid()}")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise NativeUnavailable(f"{path} is writable by other users")


def ensure_built(cache_dir: Path | None = None) -> str:
    """The path of a compiled helper for this interpreter (built now if needed)."""
    include = sysconfig.get_paths()["include"]
    if not os.path.exists(os.path.join(include, "Python.h")):
        raise NativeUnavailable(f"Python headers not found in {include} (install python3-dev)")
    compiler = _compiler()
    source = SOURCE.read_bytes()
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    key = hashlib.sha256(
        b"\0".join([source, " ".join(compiler).encode(), include.encode(), suffix.encode()])
        + sys.version.encode()
    ).hexdigest()[:16]
    root = cache_dir or default_cache_dir()
    _private_dir(root)
    target_dir = root / key
    _private_dir(target_dir)
    target = target_dir / f"{MODULE_NAME}{suffix}"
    if target.exists():
        info = target.lstat()
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
            return str(target)
        raise NativeUnavailable(f"{target} is not a regular file owned by uid {os.geteuid()}")
    fd, tmp = tempfile.mkstemp(dir=target_dir, suffix=suffix)
    os.close(fd)
    command = [
        *compiler,
        "-shared",
        "-fPIC",
        "-O2",
        "-Wall",
        "-I",
        include,
        str(SOURCE),
        "-o",
        tmp,
    ]
    try:
        done = subprocess.run(
            command,
            env=_BUILD_ENV,
            cwd=str(target_dir),
            capture_output=True,
            timeout=_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).decode(errors="replace")[-2000:]
            raise NativeUnavailable(f"compiling the sandbox helper failed: {detail}")
        os.chmod(tmp, 0o500)
        os.replace(tmp, target)  # atomic: a concurrent build of the same key is harmless
    except (OSError, subprocess.SubprocessError) as exc:
        raise NativeUnavailable(f"compiling the sandbox helper failed: {exc}") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return str(target)
