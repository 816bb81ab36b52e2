"""Code-running attacks through the HTTP API: nothing of one user's run reaches another's.

Each attack either runs and finds nothing, or is refused by the sandbox before it can run (an
object walk, a native call): both are reported, never a success. The sandbox's own tests
(``tests/backtest/sandbox/test_isolation.py``) read a strategy process's whole memory from the
host and show the other run's marker is not there even with the refusing layers switched off.
"""

from __future__ import annotations

import uuid

import pytest

from tests.security.conftest import run_code, run_named

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

REFUSED = "security_violation"

STRATEGY_HEAD = """from backtesting import Strategy
import collections


class Probe(Strategy):
    def next(self):
        pass

    def init(self):
"""


def _victim_code(marker: str, *, broken: bool = False) -> str:
    body = f"        self.secret = {marker!r}\n"
    if broken:  # gives the fixer something to re-run
        body += "        self.data.NoSuchColumn\n"
    return STRATEGY_HEAD + body


def _scan_code(head: str, tail: str) -> str:
    """Walks every live object for ``head`` immediately followed by ``tail`` (never built whole
    here, so the scanner cannot find its own copy) and reports in its error message."""
    return (
        STRATEGY_HEAD
        + f"""        head, tail = {head!r}, {tail!r}
        gc = collections._sys.modules.get("gc")
        found = False
        for obj in (gc.get_objects() if gc else []):
            values = obj.values() if isinstance(obj, dict) else obj
            if not isinstance(obj, (dict, list, tuple)):
                continue
            for value in values:
                if isinstance(value, str):
                    i = value.find(head)
                    if i >= 0 and value[i + len(head): i + len(head) + len(tail)] == tail:
                        found = True
        raise RuntimeError("SCAN:" + ("found" if found else "clean") + ":" + str(gc is not None))
"""
    )


VICTIM_ROUTES = ["execute", "backtests_run", "quick_run", "sandbox_test", "fix_errors"]
# Routes whose code the server writes: the secret travels as the strategy's (class) name.
NAMED_ROUTES = ["generate", "template", "chat"]


@pytest.mark.parametrize("victim_route", VICTIM_ROUTES)
@pytest.mark.parametrize("attacker_route", ["execute", "quick_run"])
def test_another_users_code_is_not_in_my_runs_memory(alice, mallory, victim_route, attacker_route):
    head, tail = "ALICE-SECRET-", uuid.uuid4().hex
    run_code(alice, victim_route, _victim_code(head + tail, broken=victim_route == "fix_errors"))
    reports = [run_code(mallory, attacker_route, _scan_code(head, tail)) for _ in range(2)]
    # The walk either ran and came back clean, or the sandbox refused it; nothing else.
    assert all("SCAN:clean" in r or REFUSED in r for r in reports), reports
    assert not any("SCAN:found" in r for r in reports), "another user's code is readable"


@pytest.mark.parametrize("victim_route", NAMED_ROUTES)
def test_another_users_strategy_name_is_not_in_my_runs_memory(alice, mallory, victim_route):
    head, tail = "ALICESECRET", uuid.uuid4().hex  # one word: it survives into the class name
    run_named(alice, victim_route, head + tail)
    reports = [run_code(mallory, "execute", _scan_code(head, tail)) for _ in range(2)]
    assert all("SCAN:clean" in r or REFUSED in r for r in reports), reports
    assert not any("SCAN:found" in r for r in reports), "another user's strategy is readable"


def _raw_scan_code(head: str, tail: str) -> str:
    """Reads raw memory (freed memory too) through the sandbox's own libc handle: write(2) from
    an address into a pipe, read the pipe back (an unmapped page is EFAULT, not a crash). Scans
    the memory around every live object, pymalloc's arenas and glibc's heap; reports how much
    it read."""
    return (
        STRATEGY_HEAD
        + f"""        head, tail = {head!r}.encode(), {tail!r}.encode()
        mods = collections._sys.modules
        ctypes, gc, os = mods.get("ctypes"), mods.get("gc"), mods["os"]
        libc = getattr(mods.get("Backtest.sandbox._linux"), "_libc", None)
        if ctypes is None or gc is None or libc is None:
            raise RuntimeError("RAWSCAN:unavailable")
        chunk = 1 << 16  # a pipe's capacity
        bases = {{id(o) & ~(chunk - 1) for o in gc.get_objects()}}
        # 512 MiB around pymalloc's arenas and around glibc's heap (a mid-sized bytes object).
        for anchor in (id(self), id(bytes(4000))):
            middle = anchor & ~(chunk - 1)
            bases |= {{middle + k * chunk for k in range(-4096, 4096)}}
        r, w = os.pipe()
        read, found = 0, False
        for base in bases:
            n = libc.syscall(1, w, ctypes.c_void_p(base), chunk)
            if n <= 0:
                continue
            data = os.read(r, n)
            read += len(data)
            i = data.find(head)
            while i >= 0:
                if data[i + len(head): i + len(head) + len(tail)] == tail:
                    found = True
                i = data.find(head, i + 1)
        raise RuntimeError("RAWSCAN:" + ("found" if found else "clean") + ":read=" + str(read))
"""
    )


@pytest.mark.parametrize("victim_route", VICTIM_ROUTES)
def test_another_users_code_is_not_in_my_runs_raw_memory(alice, mallory, victim_route):
    head, tail = "ALICE-RAW-", uuid.uuid4().hex
    run_code(alice, victim_route, _victim_code(head + tail, broken=victim_route == "fix_errors"))
    # Twice: runs are spread over SANDBOX_POOL_SIZE warm servers; one of them had Alice's run.
    reports = [run_code(mallory, "execute", _raw_scan_code(head, tail)) for _ in range(2)]
    # No native handle is reachable any more (RAWSCAN:unavailable) or the attempt is refused.
    assert all(
        "RAWSCAN:unavailable" in r or "RAWSCAN:clean" in r or REFUSED in r for r in reports
    ), reports
    assert not any("RAWSCAN:found" in r for r in reports), "another user's code is in memory"


def test_native_functions_loaded_by_the_sandbox_are_not_callable(mallory):
    code = (
        STRATEGY_HEAD
        + """        mods = collections._sys.modules
        linux = mods.get("Backtest.sandbox._linux")
        libc = getattr(linux, "_libc", None)
        if libc is not None:
            pid = libc.syscall(39)  # getpid: any raw syscall would do
            raise RuntimeError("NATIVE:called:" + str(pid))
        ffi = [m for m in mods if m.split(".")[0] in ("ctypes", "_ctypes", "cffi", "_cffi_backend")]
        raise RuntimeError("NATIVE:unreachable:" + str(sorted(ffi)))
"""
    )
    report = run_code(mallory, "execute", code)
    assert "NATIVE:" in report, report
    assert "NATIVE:called" not in report
    assert "NATIVE:unreachable:[]" in report, report


def test_a_run_inherits_no_file_descriptors(mallory):
    code = (
        STRATEGY_HEAD
        + """        os = collections._sys.modules["os"]
        extra = []
        for fd in range(3, 1024):
            try:
                os.fstat(fd)
                extra.append(fd)
            except OSError:
                pass
        raise RuntimeError("FDS:" + ",".join(map(str, extra)) + ":END")
"""
    )
    report = run_code(mallory, "execute", code)
    assert "FDS:" in report, report
    fds = [fd for fd in report.split("FDS:")[1].split(":END")[0].split(",") if fd]
    assert len(fds) <= 2, f"inherited descriptors beyond the run's own channel: {fds}"


def test_shared_memory_counts_against_the_runs_memory_limit(mallory, settings):
    settings.SANDBOX_MEMORY_MB = 512
    code = (
        STRATEGY_HEAD
        + """        os = collections._sys.modules["os"]
        fd = os.memfd_create("hold")
        block = b"x" * (64 << 20)
        for _ in range(12):  # 768 MiB, beyond the 512 MiB limit
            os.write(fd, block)
        raise RuntimeError("MEMFD:held-768MiB")
"""
    )
    report = run_code(mallory, "execute", code)
    assert "MEMFD:held" not in report, "shared memory escaped the run's memory limit"
