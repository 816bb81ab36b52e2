"""No run can see another run, and strategy code can reach no native function.

The memory tests run a first strategy (A) whose code, output and results carry a unique marker,
then look for that marker everywhere a later run could find it: in the whole address space of
the next strategy process (read from the host through /proc/<pid>/mem while it waits), in the
zygote every process is forked from, in the idle pre-warmed process, and from inside a strategy
that scans its own memory with every in-process layer that would stop it switched off. The
native-function tests look for any foreign-function interface, the sandbox's own native helper,
or a way to build one, from strategy code.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

MARKED_RUN = """
from backtesting import Strategy

SECRET = "{marker}"
print("A's output:", SECRET)
{wait}


class Marked(Strategy):
    def init(self):
        pass

    def next(self):
        if not self.position:
            self.buy(size=1, tag=SECRET)
        else:
            self.position.close()
"""
WAIT = """
import time
open("{flag}", "w").close()
time.sleep(30)
"""


def _marked_run(sbx) -> str:
    marker = "RUN-A-MARKER-" + secrets.token_hex(12)
    result = sbx.run(MARKED_RUN.format(marker=marker, wait=""))
    assert result.success, result.error_message
    assert marker in result.stdout
    assert result.trades[0]["tag"] == marker  # A's results carried it through the server too
    return marker


def _wait_for(predicate, timeout_s: float = 30.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("timed out")


def _start_waiting(sbx, code: str, flag: str) -> tuple[threading.Thread, int]:
    """Run ``code`` (which creates ``flag`` in its working directory, then sleeps) in a
    thread; return the thread and the host pid of its strategy process once it waits."""
    thread = threading.Thread(target=lambda: sbx.run(code), daemon=True)
    thread.start()

    def waiting() -> int | None:
        for pid in sbx.sandboxed_processes():
            if Path(f"/proc/{pid}/root/workdir/{flag}").exists():
                return pid
        return None

    return thread, _wait_for(waiting)


def test_no_later_process_holds_anything_of_a_run_in_flight_or_finished(sbx):
    # A finished run and a run in flight (A's code, output and result pass through the server,
    # which still holds A's request while B starts), then B: the old design forked B from the
    # server and B's heap held A's code. Scanned from the host, as root, byte by byte.
    finished = _marked_run(sbx).encode()
    _wait_for(lambda: sbx.executor.client.ping().get("idle_ready"))  # A takes the warm one
    marker = "RUN-A-MARKER-" + secrets.token_hex(12)
    with sbx.limits(timeout_s=60):
        wait_a = WAIT.format(flag="waiting-a")
        run_a, a_pid = _start_waiting(
            sbx, MARKED_RUN.format(marker=marker, wait=wait_a), "waiting-a"
        )
        run_b, b_pid = _start_waiting(sbx, WAIT.format(flag="waiting-b"), "waiting-b")
        try:
            scanned = {"B": b_pid, "zygote": sbx.zygote()}
            scanned.update({f"idle {pid}": pid for pid in sbx.idle_processes()})
            hits = {
                name: sbx.memory_contains(pid, marker.encode()) + sbx.memory_contains(pid, finished)
                for name, pid in scanned.items()
            }
            in_a = sbx.memory_contains(a_pid, marker.encode())
            in_server = sbx.memory_contains(sbx.server(), marker.encode())
        finally:
            os.kill(a_pid, signal.SIGKILL)
            os.kill(b_pid, signal.SIGKILL)
            run_a.join(30)
            run_b.join(30)
    assert hits == {name: [] for name in hits}
    # The scan works: A itself, and the server (the broker), do hold A's marker.
    assert in_a
    assert in_server


# The scanning strategies never hold the marker itself (it would find its own copy): they know
# the prefix every marker shares and the marker's hash, and hash what follows each prefix.
MATCHER = """
import hashlib

PREFIX = b"RUN-A-MARKER-"
TARGET, LENGTH = "{digest}", {length}


def matches(blob):
    count, start = 0, blob.find(PREFIX)
    while start != -1:
        if hashlib.sha256(blob[start:start + LENGTH]).hexdigest() == TARGET:
            count += 1
        start = blob.find(PREFIX, start + 1)
    return count
"""

SELF_SCAN = """
import ctypes

found, scanned = 0, 0
with open("/proc/self/maps") as maps:
    regions = [line.split() for line in maps]
for fields in regions:
    start, end = (int(x, 16) for x in fields[0].split("-"))
    perms, path = fields[1], fields[5] if len(fields) > 5 else ""
    # Where anything of an earlier run could live: anonymous and private writable memory
    # (file-backed read-only mappings are library code and this run's own data files).
    if "r" not in perms or "s" in perms or path.startswith(("[vvar", "[vsyscall")):
        continue
    if path and not path.startswith("[") and "w" not in perms:
        continue
    try:
        chunk = ctypes.string_at(start, end - start)
    except Exception:
        continue
    scanned += len(chunk)
    found += matches(chunk)
print("SCANNED", scanned)
print("FOUND", found)
"""


def _matcher(marker: str) -> str:
    digest = hashlib.sha256(marker.encode()).hexdigest()
    return MATCHER.format(digest=digest, length=len(marker))


def test_a_strategy_scanning_its_own_memory_finds_nothing_of_an_earlier_run(sbx):
    # The strongest in-process attacker: no audit hook (ctypes importable), no mount namespace,
    # no Landlock and root, so its own /proc/self/maps is readable: it reads every byte of its
    # own memory.
    marker = _marked_run(sbx)
    layers_off = ("audit_hook", "mountns", "landlock", "uid_drop")
    result = sbx.run(_matcher(marker) + SELF_SCAN, disable=layers_off)
    assert result.success, result.error_message
    assert int(result.stdout.split("SCANNED")[1].split()[0]) > 50_000_000
    assert "FOUND 0" in result.stdout
    # The scanner does find a marker that is in its own memory.
    probe = "RUN-A-MARKER-" + secrets.token_hex(12)
    result = sbx.run(f"print({probe!r})\n" + _matcher(probe) + SELF_SCAN, disable=layers_off)
    assert result.success, result.error_message
    assert "FOUND 0" not in result.stdout


GC_WALK = """
import gc, sys

hits = 0
for obj in gc.get_objects():
    try:
        if isinstance(obj, dict):
            values = obj.values()
        elif isinstance(obj, (list, tuple, set)):
            values = obj
        else:
            continue
        hits += sum(matches(v.encode("utf-8", "replace")) for v in values if isinstance(v, str))
        hits += sum(matches(v) for v in values if isinstance(v, bytes))
    except Exception:
        pass
print("HITS", hits)
"""


def test_walking_live_objects_finds_nothing_of_an_earlier_run(sbx):
    marker = _marked_run(sbx)
    result = sbx.run(_matcher(marker) + GC_WALK, disable=("audit_hook",))
    assert result.success, result.error_message
    assert "HITS 0" in result.stdout


# ---- native functions ----------------------------------------------------------------------
FIND_NATIVE = """
import sys, types

found = []
denied = ("ctypes", "_ctypes", "_cffi_backend", "cffi", "_posixsubprocess", "_posixshmem",
          "_sandbox_native", "_testcapi", "_testinternalcapi")
found += [name for name in sys.modules if name.split(".")[0] in denied]
found += [name for name in sys.modules if name.startswith("Backtest.sandbox._linux")]


def subtypes(root):
    seen, todo = set(), [root]
    while todo:
        cls = todo.pop()
        for sub in type.__subclasses__(cls):
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return seen


for cls in subtypes(object):
    module = cls.__dict__.get("__module__", "")
    module = module if isinstance(module, str) else ""
    if module.split(".")[0] in denied or cls.__name__ in ("_CData", "CFuncPtr", "PyCFuncPtrType"):
        found.append(f"type {module}.{cls.__name__}")
for name, module in list(sys.modules.items()):
    for key, value in list(vars(module).items()):
        owner = getattr(value, "__module__", None) if callable(value) else None
        if isinstance(value, types.ModuleType) and value.__name__.split(".")[0] in denied:
            if getattr(value, "__sandbox_stub__", False):
                continue  # the inert stand-in some modules imported: it has nothing in it
            found.append(f"{name}.{key} -> module {value.__name__}")
        elif isinstance(owner, str) and owner.split(".")[0] in denied:
            found.append(f"{name}.{key} -> {owner}")
# The sandbox's own helper, through a module that used it for the lockdown: sealed.
process = sys.modules["Backtest.sandbox._child.process"]
for call in (lambda: process.native.prctl(4, 1), lambda: process.native.mount("x", "/", "tmpfs")):
    try:
        call()
        found.append("native helper callable")
    except OSError as exc:
        print("refused:", exc)
print("FOUND", found)
"""


@pytest.mark.parametrize("disable", [(), ("audit_hook",)], ids=["all-layers", "no-audit-hook"])
def test_no_native_function_is_reachable_from_strategy_code(sbx, disable):
    result = sbx.run(FIND_NATIVE, disable=disable)
    assert result.success, result.error_message
    assert "FOUND []" in result.stdout, result.stdout
    assert "refused: [Errno 38]" in result.stdout


def test_no_ctypes_object_exists_anywhere_in_the_strategy_process(sbx):
    code = """
import gc
kinds = sorted({type(o).__module__ + "." + type(o).__name__ for o in gc.get_objects()
                if "ctypes" in (type(o).__module__ or "") or "cffi" in (type(o).__module__ or "")})
print("KINDS", kinds)
"""
    result = sbx.run(code, disable=("audit_hook",))
    assert result.success, result.error_message
    assert "KINDS []" in result.stdout


def test_the_reported_native_libc_gadget_is_gone(sbx):
    # The original finding: the sandbox's own ctypes libc wrapper, reachable by name.
    code = """
import sys
try:
    sys.modules["Backtest.sandbox._linux"]._libc.syscall(39)
    print("CALLED")
except (KeyError, AttributeError) as exc:
    print("gone:", type(exc).__name__)
"""
    result = sbx.run(code)
    assert result.success, result.error_message
    assert "gone:" in result.stdout
    assert "CALLED" not in result.stdout


@pytest.mark.parametrize(
    "attack",
    [
        "import ctypes",
        "import _ctypes",
        "import importlib\nimportlib.import_module('_cffi_backend')",
        "import _posixsubprocess",
        "import _posixshmem",
        "import _testcapi",
        "import sys, importlib\nsys.modules.pop('_sandbox_native', None)\nimport _sandbox_native",
        (
            "import _imp, importlib.util, sysconfig, glob, os\n"
            "path = glob.glob(os.path.join(sysconfig.get_config_var('DESTSHARED'),"
            " '_ctypes*.so'))[0]\n"
            "_imp.create_dynamic(importlib.util.spec_from_file_location('_ctypes', path))"
        ),
    ],
    ids=[
        "ctypes",
        "_ctypes",
        "cffi",
        "_posixsubprocess",
        "_posixshmem",
        "_testcapi",
        "native-helper",
        "create_dynamic",
    ],
)
def test_importing_an_ffi_or_a_removed_module_is_a_violation(sbx, attack):
    result = sbx.run(attack)
    assert result.error_type == "security_violation", result.error_message
    assert "loading native code" in result.error_message


@pytest.mark.parametrize(
    "attack",
    [
        "import gc\ngc.get_objects()",
        "import gc\ngc.get_referrers(object)",
        "import gc\ngc.get_referents(object)",
        "import sys\nsys._current_frames()",
        "import sys\nsys.settrace(lambda *a: None)",
        "import sys\nsys.setprofile(lambda *a: None)",
    ],
    ids=["get_objects", "get_referrers", "get_referents", "current_frames", "settrace", "profile"],
)
def test_walking_objects_or_tracing_is_a_violation(sbx, attack):
    result = sbx.run(attack)
    assert result.error_type == "security_violation", result.error_message
    assert "walking the interpreter's objects" in result.error_message


@pytest.mark.parametrize(
    "attack",
    [
        "(lambda: 0).__code__.replace(co_consts=(1,))",
        "import marshal\nmarshal.loads(marshal.dumps(compile('1', 's', 'eval')))",
        "import types\nc = (lambda: 0).__code__\ntypes.CodeType(*[getattr(c, 'co_' + n) for n in"
        " ('argcount posonlyargcount kwonlyargcount nlocals stacksize flags code consts names'"
        " ' varnames filename name qualname firstlineno linetable exceptiontable freevars'"
        " ' cellvars').split()])",
    ],
    ids=["code.replace", "marshal", "CodeType"],
)
def test_hand_made_code_objects_are_a_violation(sbx, attack):
    result = sbx.run(attack)
    assert result.error_type == "security_violation", result.error_message
    assert "creating code objects" in result.error_message


def test_a_late_import_still_works_without_bytecode_files(sbx):
    # .pyc files are not unmarshalled after the lockdown: a module imported for the first
    # time is compiled from its source instead.
    code = "import sys\nassert 'statistics' not in sys.modules\nimport statistics\n"
    result = sbx.run(code + "print(statistics.median([1, 3, 2]))")
    assert result.success, result.error_message
    assert result.stdout.strip() == "2"


def test_mapping_a_file_into_memory_is_a_violation(sbx):
    code = """
import mmap
with open("scratch.bin", "wb") as f:
    f.write(b"x" * 4096)
with open("scratch.bin", "rb") as f:
    mmap.mmap(f.fileno(), 4096, access=mmap.ACCESS_READ)
"""
    result = sbx.run(code)
    assert result.error_type == "security_violation", result.error_message
    assert "raw memory" in result.error_message
    # Anonymous memory (what numpy and the allocator use) is fine.
    assert sbx.run("import mmap\nm = mmap.mmap(-1, 1 << 20)\nm[:4] = b'ok!!'").success


def test_raw_memory_paths_are_a_violation_even_where_they_exist(sbx):
    result = sbx.run("open('/proc/self/mem', 'rb')", disable=("mountns",))
    assert result.error_type == "security_violation", result.error_message
    assert "raw memory" in result.error_message


# ---- descriptors ---------------------------------------------------------------------------
LIST_FDS = """
import os, resource
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
open_fds = []
for fd in range(max(hard, 1024) if hard != resource.RLIM_INFINITY else 65536):
    try:
        os.fstat(fd)
        open_fds.append(fd)
    except OSError:
        pass
print("FDS", open_fds)
listed = None
try:
    listed = sorted(int(x) for x in os.listdir("/proc/self/fd"))
except OSError as exc:
    listed = type(exc).__name__
print("LISTED", listed)
"""


@pytest.mark.parametrize(
    "disable", [(), ("audit_hook", "mountns", "rlimits")], ids=["all-layers", "layers-off"]
)
def test_a_strategy_holds_only_its_standard_streams_and_result_pipe(sbx, disable):
    result = sbx.run(LIST_FDS, disable=disable)
    assert result.success, result.error_message
    fds = eval(result.stdout.split("FDS", 1)[1].splitlines()[0])
    assert fds == [0, 1, 2, 3]
    listed = result.stdout.split("LISTED", 1)[1].strip()
    if listed.startswith("["):  # where /proc is visible: the same, plus the listing's own fd
        assert len(eval(listed)) == 5
        assert set(eval(listed)) >= {0, 1, 2, 3}
