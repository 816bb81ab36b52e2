"""Finding and driving per-run cgroups (the kernel side is covered by test_resource_limits.py;
cgroup v2 is exercised here against a directory tree shaped like a delegated v2 subtree, since
this machine's v2 mount has no controllers)."""

from __future__ import annotations

import os
from pathlib import Path

from Backtest.sandbox._linux import cgroups

MOUNTINFO_V1 = """\
36 25 0:31 / /sys/fs/cgroup/memory rw,relatime shared:14 - cgroup cgroup rw,memory
37 25 0:32 / /sys/fs/cgroup/pids rw,relatime shared:15 - cgroup cgroup rw,pids
38 25 0:33 / /sys/fs/cgroup/unified rw,relatime shared:16 - cgroup2 cgroup2 rw
"""
CGROUP_V1 = "8:pids:/\n4:memory:/svc/abc\n0::/\n"


def test_mountinfo_and_own_cgroups_are_parsed():
    mounts = cgroups._mounts(MOUNTINFO_V1)
    assert ("/sys/fs/cgroup/memory", "cgroup", {"rw", "memory"}) in mounts
    assert ("/sys/fs/cgroup/unified", "cgroup2", {"rw"}) in mounts
    assert cgroups._own_paths(CGROUP_V1) == {"pids": "/", "memory": "/svc/abc", "": "/"}


def _fake_v2(tmp_path: Path, enabled: str) -> Path:
    proc = tmp_path / "proc" / "self"
    proc.mkdir(parents=True)
    unified = tmp_path / "unified"
    own = unified / "svc"
    own.mkdir(parents=True)
    (own / "cgroup.subtree_control").write_text(enabled)
    (proc / "mountinfo").write_text(
        f"38 25 0:33 / {unified} rw,relatime shared:16 - cgroup2 cgroup2 rw\n"
    )
    (proc / "cgroup").write_text("0::/svc\n")
    return own


def test_a_delegated_v2_subtree_is_used(tmp_path):
    own = _fake_v2(tmp_path, "memory pids")
    setup = cgroups.discover(proc_root=str(tmp_path / "proc"), tag="t", delegated="")
    assert setup.layers() == ["cgroup_memory", "cgroup_pids"]
    name = f"algoagent-{os.getpid()}-t"  # no /proc/self link in the fake: our own pid
    assert setup.memory == cgroups.Hierarchy("memory", own / name, 2)
    # Controllers are passed down to the runs' cgroups.
    assert (own / name / "cgroup.subtree_control").read_text() == "+pids"

    run = cgroups.RunCgroups.create(setup, memory_mb=512, pids_max=32, run_id="run-1")
    base = own / name / "run-1"
    assert (base / "memory.max").read_text() == str(512 << 20)
    assert not (base / "memory.swap.max").exists()  # no swap accounting here: left alone
    assert (base / "pids.max").read_text() == "32"
    run.attach(4242)
    assert (base / "cgroup.procs").read_text() == "4242"
    (base / "memory.events").write_text("low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\n")
    (base / "pids.events").write_text("max 3\n")
    (base / "memory.peak").write_text(str(300 << 20))
    assert run.counters() == {
        "oom_kills": 1,
        "memory_failcnt": 7,
        "memory_peak_bytes": 300 << 20,
        "pids_refused": 3,
    }


def test_a_dead_servers_empty_directories_are_removed_and_a_live_ones_kept(tmp_path):
    own = _fake_v2(tmp_path, "memory pids")
    dead = own / "algoagent-999999999-old"  # no such pid
    (dead / "run-3").mkdir(parents=True)
    alive = own / f"algoagent-{os.getpid()}-other"
    alive.mkdir()
    cgroups.discover(proc_root=str(tmp_path / "proc"), tag="t", delegated="")
    assert not dead.exists()
    assert alive.exists()


def test_a_removed_base_directory_is_made_again_for_the_next_run(tmp_path):
    own = _fake_v2(tmp_path, "memory pids")
    setup = cgroups.discover(proc_root=str(tmp_path / "proc"), tag="t", delegated="")
    assert setup.memory is not None
    (setup.memory.base / "cgroup.subtree_control").unlink()
    setup.memory.base.rmdir()  # e.g. an administrator's clean-up
    cgroups.RunCgroups.create(setup, memory_mb=64, pids_max=None, run_id="run-1")
    assert (setup.memory.base / "run-1" / "memory.max").exists()
    assert own in setup.memory.base.parents


def test_without_delegated_controllers_there_is_no_cgroup_layer(tmp_path):
    _fake_v2(tmp_path, "cpu io")
    setup = cgroups.discover(proc_root=str(tmp_path / "proc"), tag="t", delegated="")
    assert setup.layers() == []
    assert "memory" in setup.problems
    assert "pids" in setup.problems


def test_an_unreadable_proc_means_no_cgroups(tmp_path):
    setup = cgroups.discover(proc_root=str(tmp_path / "nowhere"))
    assert setup.layers() == []
    assert "cgroup" in setup.problems


def test_this_machine_delegates_v1_memory_and_pids():
    setup = cgroups.discover(tag="unit-test")
    try:
        assert setup.layers() == ["cgroup_memory", "cgroup_pids"]
        assert setup.memory is not None
        assert setup.memory.version == 1
        run = cgroups.RunCgroups.create(setup, memory_mb=64, pids_max=4, run_id="r")
        limit = (run.memory / "memory.limit_in_bytes").read_text().strip()  # type: ignore[operator]
        assert int(limit) == 64 << 20
        assert run.remove()
    finally:
        setup.remove()
    assert not setup.memory.base.exists()


def test_limits_are_rewritten_up_and_down_for_the_run_that_takes_a_waiting_process():
    # A waiting process's cgroup is made with default limits; the run that takes it may ask
    # for more or less. With swap accounting the kernel refuses memsw < the memory limit at
    # any step, so the order of the two writes matters in both directions.
    setup = cgroups.discover(tag="unit-test-limits")
    try:
        assert setup.memory is not None
        run = cgroups.RunCgroups.create(setup, memory_mb=64, pids_max=4, run_id="r")
        memory = run.memory
        assert memory is not None
        swap = memory / "memory.memsw.limit_in_bytes"
        for memory_mb, pids_max in ((256, 16), (96, 8), (2048, 64)):
            run.set_limits(memory_mb=memory_mb, pids_max=pids_max)
            assert int((memory / "memory.limit_in_bytes").read_text()) == memory_mb << 20
            if swap.exists():
                assert int(swap.read_text()) == memory_mb << 20
            assert (run.pids / "pids.max").read_text().strip() == str(pids_max)  # type: ignore[operator]
        assert run.remove()
    finally:
        setup.remove()
