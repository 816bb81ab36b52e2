"""Memory and process limits a strategy cannot side-step (memfd, SysV shm, tmpfs, threads).

RLIMIT_AS only caps what a process maps; a memfd or a tmpfs file filled with ``write()``, or a
SysV segment, would hold gigabytes outside it. With a memory cgroup per run every byte counts;
without one the seccomp filter refuses shared memory. Each attack tries to hold 3 GiB and must
fail with ``resource_limit`` naming the limit, not succeed.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

MEMORY_MB = 1536
# Each file stays under the file-size limit (RLIMIT_FSIZE caps one memfd); together they hold
# 3 GiB, none of it in the address space.
HOLD_3_GIB_MEMFD = """
import os
chunk = b"x" * (1 << 20)
held = []
for _ in range(16):
    fd = os.memfd_create("hoard")
    for _ in range(192):
        os.write(fd, chunk)
    held.append(fd)
print("HELD 3 GiB")
"""
HOLD_3_GIB_SYSV = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.shmget.restype = ctypes.c_int
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
libc.shmdt.argtypes = [ctypes.c_void_p]
size = 512 << 20  # attached one at a time: the address space never holds more than this
for _ in range(6):
    segment = libc.shmget(0, ctypes.c_size_t(size), 0o1600)
    if segment < 0:
        raise OSError(ctypes.get_errno(), "shmget failed")
    address = libc.shmat(segment, None, 0)
    if address in (None, ctypes.c_void_p(-1).value):
        raise OSError(ctypes.get_errno(), "shmat failed")
    for offset in range(0, size, 1 << 20):
        ctypes.memset(address + offset, 1, 1 << 20)
    libc.shmdt(address)  # detached, the segment and its pages stay
print("HELD 3 GiB")
"""
HOLD_3_GIB_TMPFS = """
chunk = b"x" * (1 << 20)
for i in range(16):
    with open(f"hoard-{i}.bin", "wb") as f:
        for _ in range(192):
            f.write(chunk)
print("HELD 3 GiB")
"""


def _memory_limit_hit(result) -> None:
    assert not result.success
    assert "HELD" not in result.stdout
    assert result.error_type == "resource_limit", (result.error_type, result.error_message)
    assert f"memory limit of {MEMORY_MB} MB reached (memory cgroup" in result.error_message
    assert "memory_cgroup" in result.limits_hit


def test_memfd_beyond_the_memory_limit_fails_with_resource_limit(sbx):
    with sbx.limits(memory_mb=MEMORY_MB):
        result = sbx.run(HOLD_3_GIB_MEMFD)
    _memory_limit_hit(result)
    assert "cgroup_memory" in result.sandbox_layers


def test_sysv_shared_memory_beyond_the_memory_limit_fails_with_resource_limit(sbx):
    # ctypes needs the audit hook off; the memory cgroup does not care how memory is held.
    with sbx.limits(memory_mb=MEMORY_MB):
        result = sbx.run(HOLD_3_GIB_SYSV, disable=("audit_hook",))
    _memory_limit_hit(result)


def test_tmpfs_files_beyond_the_memory_limit_fail_with_resource_limit(sbx):
    # The working directory could hold 4 GiB; the run's memory cannot.
    with sbx.limits(memory_mb=MEMORY_MB, max_disk_mb=4096):
        result = sbx.run(HOLD_3_GIB_TMPFS)
    _memory_limit_hit(result)


@pytest.mark.parametrize("attack", [HOLD_3_GIB_MEMFD, HOLD_3_GIB_SYSV], ids=["memfd", "sysv"])
def test_without_a_memory_cgroup_shared_memory_is_refused(sbx, attack):
    with sbx.limits(memory_mb=MEMORY_MB):
        result = sbx.run(attack, disable=("cgroup_memory", "audit_hook"))
    assert not result.success
    assert "HELD" not in result.stdout
    assert result.error_type == "resource_limit", (result.error_type, result.error_message)
    assert "shared memory is not available in the sandbox" in result.error_message
    assert "cgroup_memory" not in result.sandbox_layers


def test_without_a_memory_cgroup_the_disk_is_still_capped(sbx):
    with sbx.limits(memory_mb=MEMORY_MB, max_disk_mb=64):
        result = sbx.run(HOLD_3_GIB_TMPFS, disable=("cgroup_memory",))
    assert not result.success
    assert "No space left on device" in result.error_message


THREADS = """
import threading, time
started = 0
stop = threading.Event()
try:
    for _ in range(200):
        threading.Thread(target=stop.wait, daemon=True).start()
        started += 1
finally:
    print("STARTED", started)
    stop.set()
"""


def test_threads_beyond_the_pids_limit_fail_with_resource_limit(sbx):
    # RLIMIT_NPROC (per uid, shared by concurrent runs) is off: the pids cgroup alone holds.
    with sbx.limits(max_processes=16):
        result = sbx.run(THREADS, disable=("rlimits",))
    assert result.error_type == "resource_limit", (result.error_type, result.error_message)
    assert "process/thread limit of 16 reached (pids cgroup)" in result.error_message
    assert "pids_cgroup" in result.limits_hit
    assert int(result.stdout.split("STARTED")[1].split()[0]) < 16


def test_the_run_cgroups_are_removed_after_the_run(sbx):
    assert sbx.run("x = 1").success
    bases = sbx.cgroup_bases()
    assert bases  # this machine delegates both controllers

    def groups() -> set[Path]:
        return {path for base in bases for path in Path(base).glob("run-*")}

    # Between runs the only cgroups are those of the waiting pre-spawned process (joined while
    # it waits); the next run takes them, and once it is over they are gone.
    deadline = time.monotonic() + 10
    while len(groups()) > len(bases) and time.monotonic() < deadline:
        time.sleep(0.05)
    before = groups()
    assert len(before) <= len(bases)
    assert sbx.run("x = 1").success
    deadline = time.monotonic() + 10
    while groups() & before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not groups() & before


def test_a_run_that_takes_a_waiting_process_gets_its_own_limits(sbx):
    # The waiting process joined cgroups made with default limits; the run's limits replace
    # them before its job is sent (here lower than the default, so the hoard must fail).
    deadline = time.monotonic() + 30
    while not sbx.executor.client.ping().get("idle_ready") and time.monotonic() < deadline:
        time.sleep(0.05)
    waiting = {path for base in sbx.cgroup_bases() for path in Path(base).glob("run-*")}
    assert waiting  # the waiting process is in cgroups of its own
    with sbx.limits(memory_mb=MEMORY_MB):
        result = sbx.run(HOLD_3_GIB_MEMFD)
    assert result.resource_usage["prewarmed"]
    _memory_limit_hit(result)
    # The kernel held it at the run's limit, not at the default the cgroup was made with.
    assert result.resource_usage["cgroup_peak_mb"] <= MEMORY_MB


def test_a_normal_run_reports_its_total_memory_peak(sbx):
    result = sbx.run("x = 1")
    assert result.success
    assert {"cgroup_memory", "cgroup_pids"} <= set(result.sandbox_layers)
    assert 0 < result.resource_usage["cgroup_peak_mb"] < MEMORY_MB
