"""Each isolation layer, alone, stops an attack (defence in depth, proven layer by layer).

Every test switches off all optional layers except the one under test (the server allows that
per request only because the test executor is built with ``_allow_layer_overrides``) and runs a
real attack. Layers that are always on (separate process, clean environment, wall-clock kill)
are tested directly.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from Backtest.sandbox import available_layers

pytestmark = pytest.mark.slow

FULL = [
    "process",
    "clean_env",
    "uid_drop",
    "pidns",
    "mountns",
    "netns",
    "ipcns",
    "landlock",
    "seccomp",
    "rlimits",
    "cgroup_memory",
    "cgroup_pids",
    "audit_hook",
    "timeout",
]


def test_all_layers_are_available_and_reported(sbx):
    assert available_layers() == FULL
    assert sbx.executor.layers == FULL
    result = sbx.run("x = 1")
    assert result.success
    assert sorted(result.sandbox_layers) == sorted(FULL)


def test_disabled_layers_are_not_reported(sbx):
    result = sbx.run("x = 1", disable=sbx.only("seccomp"))
    assert result.success
    assert sorted(result.sandbox_layers) == ["clean_env", "process", "seccomp", "timeout"]


def test_clean_env_server_environment_has_no_secrets(sbx):
    environ = Path(f"/proc/{sbx.executor.client.info.pid}/environ").read_bytes().decode()
    assert sbx.canary not in environ
    assert "GEMINI_API_KEY" not in environ
    assert "DATABASE_URL" not in environ
    result = sbx.run("import os\nprint(sorted(os.environ))", disable=sbx.only())
    assert result.success, result.error_message
    assert "GEMINI_API_KEY" not in result.stdout
    assert not sbx.leaked(result)


def test_clean_env_server_never_imported_django(sbx):
    code = "import sys\nprint('DJANGO', sorted(m for m in sys.modules if 'django' in m))"
    result = sbx.run(code)
    assert "DJANGO []" in result.stdout


def test_netns_alone_blocks_tcp_to_the_host(sbx, listener):
    port = listener.getsockname()[1]
    code = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)"
    result = sbx.run(code, disable=sbx.only("netns"))
    assert result.error_type in ("OSError", "ConnectionRefusedError")
    assert not sbx.got_connection(listener)


def test_seccomp_alone_kills_socket_creation(sbx, listener):
    port = listener.getsockname()[1]
    code = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)"
    result = sbx.run(code, disable=sbx.only("seccomp"))
    assert result.error_type == "security_violation"
    assert "seccomp" in result.error_message
    assert not sbx.got_connection(listener)


def test_seccomp_alone_kills_process_creation(sbx):
    marker = sbx.outside / f"seccomp-{time.monotonic_ns()}"
    result = sbx.run(f"import os\nos.system('touch {marker}')", disable=sbx.only("seccomp"))
    assert result.error_type == "security_violation"
    assert not marker.exists()


def test_landlock_alone_blocks_tcp_and_foreign_files(sbx, listener):
    port = listener.getsockname()[1]
    code = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)"
    result = sbx.run(code, disable=sbx.only("landlock"))
    assert result.error_type == "PermissionError"
    assert not sbx.got_connection(listener)
    result = sbx.run(
        f"print(open({str(sbx.outside / 'world.txt')!r}).read())", disable=sbx.only("landlock")
    )
    assert result.error_type == "PermissionError"
    assert not sbx.leaked(result)


def test_landlock_alone_blocks_writes_outside(sbx):
    target = sbx.outside / f"landlock-{time.monotonic_ns()}"
    result = sbx.run(f"open({str(target)!r}, 'w')", disable=sbx.only("landlock"))
    assert result.error_type == "PermissionError"
    assert not target.exists()


def test_mountns_alone_hides_host_files_and_proc(sbx, tmp_canary):
    code = f"""
import os
print("SEEN", [p for p in ["/etc/passwd", {str(sbx.outside / "world.txt")!r}, "/proc/1/environ",
               "/proc/self/environ", "/home", {tmp_canary!r}] if os.path.exists(p)])
"""
    result = sbx.run(code, disable=sbx.only("mountns"))
    assert result.success, result.error_message
    assert "SEEN []" in result.stdout


def test_mountns_alone_makes_the_runtime_read_only(sbx):
    code = "import numpy, os\nopen(os.path.join(os.path.dirname(numpy.__file__), 'evil.py'), 'w')"
    result = sbx.run(code, disable=sbx.only("mountns"))
    assert result.error_type == "OSError"  # EROFS
    assert "Read-only file system" in result.error_message


def test_uid_drop_alone_blocks_root_only_files_and_parent_environ(sbx):
    world = sbx.run(
        f"print(open({str(sbx.outside / 'world.txt')!r}).read())", disable=sbx.only("uid_drop")
    )
    assert world.success  # same directory, world-readable: the refusal below is the uid's
    result = sbx.run(
        f"print(open({str(sbx.outside / 'private.txt')!r}).read())", disable=sbx.only("uid_drop")
    )
    assert result.error_type == "PermissionError"
    code = f"print(open('/proc/{os.getpid()}/environ', 'rb').read())"
    result = sbx.run(code, disable=sbx.only("uid_drop"))
    assert result.error_type == "PermissionError"
    assert not sbx.leaked(result)


def test_pidns_alone_hides_host_processes(sbx):
    code = f"""
import os
print("PID", os.getpid())
os.kill({os.getpid()}, 0)
"""
    result = sbx.run(code, disable=sbx.only("pidns"))
    assert "PID 1" in result.stdout
    assert result.error_type == "ProcessLookupError"  # this test process does not exist there


def test_rlimits_alone_cap_memory(sbx):
    result = sbx.run("blob = bytearray(10 * 1024 ** 3)", disable=sbx.only("rlimits"))
    assert result.error_type == "memory_limit"


def test_rlimits_alone_cap_file_size(sbx):
    with sbx.limits(max_file_mb=1):
        code = "open('big.bin', 'wb').write(b'x' * 5_000_000)"
        result = sbx.run(code, disable=sbx.only("rlimits"))
    assert not result.success
    assert result.error_type in ("OSError", "output_limit")


def test_audit_hook_alone_gives_clear_messages(sbx, listener):
    port = listener.getsockname()[1]
    code = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)"
    result = sbx.run(code, disable=sbx.only("audit_hook"))
    assert result.error_type == "security_violation"
    assert result.error_message.startswith("network access is not allowed in strategies")
    assert not sbx.got_connection(listener)


def test_violation_is_reported_even_if_the_code_catches_it(sbx):
    code = """
try:
    import os
    os.system("true")
except BaseException:
    pass
print("carried on")
"""
    result = sbx.run(code)
    assert "carried on" in result.stdout
    assert result.error_type == "security_violation"
    assert result.violations
    assert result.violations[0]["kind"] == "os.system"


def test_timeout_holds_with_every_optional_layer_off(sbx):
    with sbx.limits(timeout_s=1.5):
        result = sbx.run("while True:\n    pass", disable=sbx.only())
    assert result.error_type == "timeout"
