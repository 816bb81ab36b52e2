"""Real attacks against the full sandbox: each must fail, be reported, and leak nothing.

Every test runs hostile code through ``BotExecutor.execute_bot`` with all layers on and checks
three things: the side effect did not happen (file, connection, process, signal), the run is
reported as a security violation (or the specific limit), and the canary secret from this
process's environment / a file outside the run directory is nowhere in the result.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_reading_host_files_outside_the_run_dir_fails(sbx):
    result = sbx.run(f"print(open({str(sbx.outside / 'world.txt')!r}).read())")
    assert not result.success
    assert result.error_type == "security_violation"
    assert "reading files outside the sandbox is not allowed" in result.error_message
    assert not sbx.leaked(result)


def test_reading_etc_passwd_fails(sbx):
    result = sbx.run("print(open('/etc/passwd').read())")
    assert result.error_type == "security_violation"
    assert "root:" not in result.stdout


def test_host_files_do_not_exist_inside_even_when_the_hook_is_bypassed(sbx, tmp_canary):
    # /tmp itself may exist inside (as a skeleton parent when the checkout lives under /tmp);
    # what matters is that nothing of the host's /tmp, home or repository files is visible.
    repo = Path(__file__).resolve().parents[3]
    paths = [
        "/etc/passwd",
        str(sbx.outside / "world.txt"),
        "/proc/1/environ",
        "/root/.bashrc",
        str(repo / ".env"),
        str(repo / "requirements.txt"),
        str(repo / "manage.py"),
        tmp_canary,
        "/home",
    ]
    code = f"""
import os
seen = {{}}
for path in {paths!r}:
    seen[path] = os.path.exists(path)
print("SEEN", seen)
"""
    result = sbx.run(code, disable=("audit_hook",))
    assert result.success, result.error_message
    assert "True" not in result.stdout
    assert "SEEN" in result.stdout


def test_writing_outside_the_run_dir_fails(sbx):
    target = sbx.outside / "written-by-strategy.txt"
    result = sbx.run(f"open({str(target)!r}, 'w').write('pwned')")
    assert result.error_type == "security_violation"
    assert "writing files outside" in result.error_message
    assert not target.exists()


def test_writing_inside_the_run_dir_is_allowed(sbx):
    code = """
with open("scratch.txt", "w") as f:
    f.write("ok")
print(open("scratch.txt").read())
"""
    result = sbx.run(code)
    assert result.success, result.error_message
    assert result.stdout.strip() == "ok"


def test_parent_environment_is_not_readable(sbx):
    code = f"""
import glob, os
found = []
paths = ["/proc/self/environ", "/proc/1/environ", f"/proc/{{os.getppid()}}/environ",
         "/proc/{os.getpid()}/environ"]
try:
    paths += glob.glob("/proc/*/environ")
except BaseException as exc:
    found.append(type(exc).__name__)
for path in paths:
    try:
        found.append(open(path, "rb").read().decode(errors="replace"))
    except BaseException as exc:
        found.append(type(exc).__name__)
found.append(repr(dict(os.environ)))
print(found)
"""
    result = sbx.run(code)
    assert not sbx.leaked(result)
    assert "GEMINI" not in result.stdout
    assert result.success  # the reads were refused one by one and caught by the code
    assert "SandboxViolation" in result.stdout or "FileNotFoundError" in result.stdout


def test_tcp_connection_to_a_local_listener_is_refused(sbx, listener):
    port = listener.getsockname()[1]
    result = sbx.run(f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)")
    assert result.error_type == "security_violation"
    assert "network access is not allowed in strategies" in result.error_message
    assert not sbx.got_connection(listener)


def test_raw_socket_syscall_through_ctypes_kills_the_process(sbx, listener):
    port = listener.getsockname()[1]
    code = f"""
import ctypes, struct
libc = ctypes.CDLL(None)
fd = libc.socket(2, 1, 0)
addr = struct.pack("=H", 2) + ({port}).to_bytes(2, "big") + bytes([127, 0, 0, 1]) + bytes(8)
print("connect", libc.connect(fd, addr, 16))
"""
    result = sbx.run(code, disable=("audit_hook",))
    assert result.error_type == "security_violation"
    assert "seccomp" in result.error_message
    assert "connect" not in result.stdout
    assert not sbx.got_connection(listener)


@pytest.mark.parametrize(
    "attack",
    [
        "import os\nos.system('touch {marker}')",
        "import subprocess\nsubprocess.run(['/bin/sh', '-c', 'touch {marker}'])",
        "import os\nos.execv('/bin/sh', ['/bin/sh', '-c', 'touch {marker}'])",
        "import os\nos.posix_spawn('/bin/sh', ['/bin/sh', '-c', 'touch {marker}'], {{}})",
        "import os\npid = os.fork()\nif pid == 0:\n    open('{marker}', 'w')\n    os._exit(0)",
        "import pty\npty.spawn(['/bin/sh', '-c', 'touch {marker}'])",
    ],
    ids=["os.system", "subprocess", "execv", "posix_spawn", "fork", "pty"],
)
def test_starting_processes_is_blocked(sbx, attack):
    marker = sbx.outside / f"marker-{time.monotonic_ns()}"
    result = sbx.run(attack.format(marker=marker))
    assert result.error_type == "security_violation", result.error_message
    assert "starting processes or running commands is not allowed" in result.error_message
    assert not marker.exists()


def test_posixsubprocess_fork_exec_without_audit_event_is_killed_by_seccomp(sbx):
    marker = sbx.outside / f"marker-{time.monotonic_ns()}"
    code = f"""
import os, _posixsubprocess
r, w = os.pipe()
_posixsubprocess.fork_exec(
    [b"/bin/sh", b"-c", b"touch {marker}"], [b"/bin/sh"], True, (), None, None,
    -1, -1, -1, -1, -1, -1, r, w, True, False, -1, None, None, None, -1, None, False)
print("forked")
"""
    # The module was removed from the strategy's interpreter and may not be imported again.
    result = sbx.run(code)
    assert result.error_type == "security_violation"
    assert "loading native code" in result.error_message
    assert "forked" not in result.stdout
    assert not marker.exists()
    # Without the audit hook the import succeeds, and the fork dies on the seccomp filter.
    result = sbx.run(code, disable=("audit_hook",))
    assert result.error_type == "security_violation"
    assert "forbidden system call" in result.error_message
    assert "forked" not in result.stdout
    assert not marker.exists()


def test_ctypes_libc_system_is_blocked(sbx):
    marker = sbx.outside / f"marker-{time.monotonic_ns()}"
    code = f"import ctypes\nctypes.CDLL(None).system(b'touch {marker}')"
    result = sbx.run(code)
    assert result.error_type == "security_violation"
    assert "ctypes" in result.error_message
    assert not marker.exists()
    # Without the audit hook, libc's fork inside system() dies on the seccomp filter.
    result = sbx.run(code, disable=("audit_hook",))
    assert result.error_type == "security_violation"
    assert "seccomp" in result.error_message
    assert not marker.exists()


def test_subclasses_walk_to_os_system_is_blocked(sbx):
    marker = sbx.outside / f"marker-{time.monotonic_ns()}"
    code = f"""
for cls in ().__class__.__base__.__subclasses__():
    if cls.__name__ == "_wrap_close":
        cls.__init__.__globals__["system"]("touch {marker}")
        break
else:
    raise RuntimeError("gadget not found")
"""
    result = sbx.run(code)
    assert result.error_type == "security_violation"
    assert not marker.exists()


def _parent(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return int(next(line for line in status.splitlines() if line.startswith("PPid:")).split()[1])


def test_fork_bomb_is_stopped_at_the_first_fork(sbx):
    result = sbx.run("import os, time\nos.fork()\ntime.sleep(0.5)\nraise SystemExit(3)")
    assert result.error_type == "security_violation"
    # The answer may come before the killed process is reaped (and a spawn's intermediate may
    # still be exiting), so count nothing: no sandboxed process ever has a sandboxed child, i.e.
    # the strategy never got a second process, and every one of them is gone soon.
    deadline = time.monotonic() + 5
    while (pids := sbx.sandboxed_processes()) and time.monotonic() < deadline:
        assert not any(_parent(pid) in pids for pid in pids), pids
        time.sleep(0.05)
    assert not sbx.sandboxed_processes()


def test_fork_bomb_without_seccomp_and_hook_is_bounded_and_dies_with_the_run(sbx):
    code = """
import os, time
made = 0
for _ in range(10_000):
    try:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
        made += 1
    except OSError as exc:
        print("stopped after", made, type(exc).__name__)
        break
time.sleep(60)
"""
    with sbx.limits(timeout_s=3):
        result = sbx.run(code, disable=("seccomp", "audit_hook", "landlock"))
    assert result.error_type == "timeout"
    assert "stopped after" in result.stdout  # RLIMIT_NPROC refused more processes
    made = int(result.stdout.split("stopped after")[1].split()[0])
    assert made < 64
    deadline = time.monotonic() + 5
    while sbx.sandboxed_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not sbx.sandboxed_processes()  # the PID namespace took every process down


def test_memory_bomb_hits_the_memory_limit(sbx):
    result = sbx.run("blob = bytearray(10 * 1024 ** 3)")
    assert result.error_type == "memory_limit"
    assert "memory" in result.limits_hit


def test_numpy_memory_bomb_hits_the_memory_limit(sbx):
    result = sbx.run("import numpy as np\nblob = np.ones(10 * 1024 ** 3 // 8)")
    assert result.error_type == "memory_limit"


def test_killing_the_parent_fails_and_the_server_survives(sbx):
    server_pid = sbx.executor.client.info.pid
    code = f"""
import os, signal
for pid in (os.getppid(), 1, {server_pid}, {os.getpid()}, -1, 0):
    try:
        os.kill(pid, signal.SIGKILL)
    except BaseException as exc:
        print(pid, type(exc).__name__)
"""
    result = sbx.run(code)
    assert result.error_type == "security_violation"
    assert "sending signals to other processes is not allowed" in result.error_message
    assert sbx.executor.client.server_alive()
    assert sbx.executor.client.info.pid == server_pid
    assert sbx.run("x = 1").success


def test_killing_the_parent_with_only_uid_drop_is_refused_by_the_kernel(sbx):
    code = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"
    result = sbx.run(code, disable=sbx.only("uid_drop"))
    assert result.error_type == "PermissionError"
    assert sbx.executor.client.server_alive()


def test_time_bomb_ignoring_signals_is_killed_at_the_deadline(sbx):
    code = """
import signal
signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGALRM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass
"""
    with sbx.limits(timeout_s=2):
        started = time.monotonic()
        result = sbx.run(code)
        elapsed = time.monotonic() - started
    assert result.error_type == "timeout"
    assert "wall_time" in result.limits_hit
    assert elapsed < 6


def test_sleeping_strategy_is_killed_at_the_deadline(sbx):
    code = """
from backtesting import Strategy
import time

class Sleepy(Strategy):
    def init(self):
        pass

    def next(self):
        time.sleep(3600)
"""
    with sbx.limits(timeout_s=1.5):
        result = sbx.run(code)
    assert result.error_type == "timeout"


def test_cpu_limit_kills_a_busy_loop(sbx):
    with sbx.limits(timeout_s=20, cpu_seconds=1):
        started = time.monotonic()
        result = sbx.run("while True:\n    pass")
    assert result.error_type == "timeout"
    assert "cpu_time" in result.limits_hit
    assert time.monotonic() - started < 10


def test_printing_100_mb_hits_the_output_limit(sbx):
    started = time.monotonic()
    result = sbx.run("import sys\nsys.stdout.write('x' * 100_000_000)\nsys.stdout.flush()")
    assert result.error_type == "output_limit"
    assert len(result.stdout) <= sbx.executor.limits.max_output_bytes
    assert time.monotonic() - started < 10


def test_raw_writes_to_stderr_are_capped_too(sbx):
    result = sbx.run("import os\nfor _ in range(2000):\n    os.write(2, b'y' * 65536)")
    assert result.error_type == "output_limit"
    assert len(result.stderr) <= sbx.executor.limits.max_output_bytes


def test_moderate_output_is_truncated_not_fatal(sbx):
    result = sbx.run("print('z' * 200_000)")
    assert result.success
    assert "output_truncated" in result.limits_hit
    assert len(result.stdout) == sbx.executor.limits.max_output_bytes


@pytest.mark.parametrize(
    "payload",
    [
        "os.write(3, b'\\xff\\xff\\xff\\xff' + b'x' * 64)",  # 4 GB length header
        "os.write(3, struct.pack('>I', 5) + b'nope!')",  # not JSON
        "os.write(3, struct.pack('>I', 4) + b'[1] ')",  # JSON but not an object
        "[os.write(3, b'a' * 65536) for _ in range(1000)]",  # 64 MB of junk
    ],
    ids=["huge-header", "bad-json", "not-object", "flood"],
)
def test_garbage_on_the_result_channel_is_a_violation(sbx, payload):
    result = sbx.run(f"import os, struct\n{payload}")
    assert result.error_type == "security_violation"
    assert "result channel" in result.error_message


def test_forged_result_frame_before_the_real_one_is_detected(sbx):
    code = """
import json, os, struct
fake = json.dumps({"type": "result", "ok": True, "strategy": "Fake", "stats": {"Return [%]": 1e6},
                   "trades": {}, "trades_total": 0,
                   "equity": {"time": [], "equity": [], "drawdown_pct": [], "total_points": 0}})
os.write(3, struct.pack(">I", len(fake)) + fake.encode())
"""
    result = sbx.run(code)
    assert not result.success
    assert result.error_type == "security_violation"
    assert result.return_pct is None


def test_schema_violating_result_is_rejected(sbx):
    code = """
import json, os, struct
fake = json.dumps({"type": "result", "ok": True, "strategy": "Fake",
                   "stats": {str(i): i for i in range(5000)},
                   "trades": {}, "trades_total": 0,
                   "equity": {"time": [], "equity": [], "drawdown_pct": [], "total_points": 0}})
os.write(3, struct.pack(">I", len(fake)) + fake.encode())
os._exit(0)
"""
    result = sbx.run(code)
    assert result.error_type == "security_violation"
    assert "invalid result" in result.error_message


def test_only_the_standard_descriptors_are_open(sbx):
    code = """
import os
open_fds = []
for fd in range(1024):
    try:
        os.fstat(fd)
        open_fds.append(fd)
    except OSError:
        pass
print("FDS", open_fds)
"""
    result = sbx.run(code)
    assert result.success, result.error_message
    fds = eval(result.stdout.split("FDS", 1)[1])
    assert set(fds) <= {0, 1, 2, 3}


def test_identity_is_unprivileged(sbx):
    code = """
import os
print("ID", os.getuid(), os.geteuid(), os.getgid(), os.getgroups(), os.getpid())
try:
    os.setuid(0)
    print("ROOT")
except PermissionError:
    print("no root")
"""
    result = sbx.run(code)
    assert result.success, result.error_message
    assert "ID 65534 65534 65534 [] 1" in result.stdout
    assert "ROOT" not in result.stdout


def test_run_directory_is_a_private_size_capped_tmpfs(sbx):
    code = """
import os
st = os.statvfs(".")
print("CAP", st.f_blocks * st.f_frsize // 2**20)
with open("fill.bin", "wb") as f:
    for _ in range(10_000):
        f.write(b"x" * 2**20)
"""
    with sbx.limits(max_disk_mb=16):
        result = sbx.run(code)
    assert "CAP 16" in result.stdout
    assert result.error_type == "OSError"
    assert "No space left on device" in result.error_message


def test_links_planted_by_the_strategy_are_never_followed_by_the_parent(sbx):
    # The hook reports link creation, Landlock forbids it; with both (and the private tmpfs)
    # off, the link lands in the host run directory, which the parent never reads.
    code = f"import os\nos.symlink({str(sbx.outside / 'private.txt')!r}, 'plot.html')"
    result = sbx.run(code, plot=True)
    assert result.error_type == "security_violation"
    result = sbx.run(code, plot=True, disable=("audit_hook",))
    assert result.error_type == "PermissionError"
    result = sbx.run(code, plot=True, disable=("audit_hook", "landlock", "mountns"))
    assert result.success, result.error_message
    assert not sbx.leaked(result)
    if result.plot_file:
        assert sbx.canary not in Path(result.plot_file).read_text()


# ---- forged results: parsed defensively, never an exception out of execute_bot ------------------
FORGE = """
import json, os, struct
base = {{"type": "result", "ok": True, "strategy": "Fake", "stats": {{"Return [%]": 1.0}},
        "trades": {{}}, "trades_total": 0,
        "equity": {{"time": [], "equity": [], "drawdown_pct": [], "total_points": 0}}}}
raw = {raw}
os.write(3, struct.pack(">I", len(raw)) + raw)
os._exit(0)
"""


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('json.dumps({**base, "stats": {"Return [%]": 10**400}}).encode()', "beyond 64 bits"),
        ('json.dumps({**base, "trades_total": 10**400}).encode()', "trades_total"),
        (
            'json.dumps({**base, "trades": {"size": [10**30]}, "trades_total": 1}).encode()',
            "beyond 64 bits",
        ),
        ("json.dumps(base).replace('1.0', 'NaN').encode()", "non-finite"),
        ("json.dumps(base).replace('1.0', '1e999').encode()", "must be finite"),
        ('b\'{"type": "result", "x": \' + b"[" * 200000 + b"]" * 200000 + b"}"', "invalid JSON"),
        ('json.dumps({**base, "stats": ["Return [%]", 1]}).encode()', "stats must be a mapping"),
        ('json.dumps({**base, "warnings": [{"code": "rm", "message": ""}]}).encode()', "warning"),
        ('json.dumps({**base, "ok": "yes"}).encode()', "ok must be a bool"),
    ],
    ids=[
        "huge-int-stat",
        "huge-int-count",
        "huge-int-column",
        "nan-literal",
        "infinity",
        "deep-nesting",
        "wrong-type",
        "unknown-warning",
        "ok-not-bool",
    ],
)
def test_forged_results_fail_the_run_with_a_clear_error(sbx, raw, message):
    result = sbx.run(FORGE.format(raw=raw))
    assert not result.success
    assert result.error_type == "security_violation", result.error_message
    assert message in result.error_message
    assert result.return_pct is None


def test_a_12_mb_forged_plot_is_refused(sbx):
    code = """
import json, os, struct
raw = json.dumps({"type": "plot", "html": "<p>" + "x" * 12_000_000}).encode()
os.write(3, struct.pack(">I", len(raw)) + raw)
"""
    result = sbx.run(code, plot=True)
    assert not result.success
    assert result.error_type == "security_violation"
    assert "exceeds the limit of 8388608 bytes" in result.error_message
    assert result.plot_file is None
