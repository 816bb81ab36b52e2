"""Fixtures for the sandbox tests: one warm server per session, a canary secret, a listener.

The canary is put into this process's environment (and a file outside the run directory)
*before* the sandbox server starts, so every attack test can check it never leaks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from backtesting.test import GOOG

from Backtest.bot_executor import BotExecutor, ExecutionResult
from Backtest.sandbox._wire.layers import OPTIONAL_LAYERS

NOOP_STRATEGY = """
from backtesting import Strategy

class Noop(Strategy):
    def init(self):
        pass

    def next(self):
        pass
"""
OPTIONAL = tuple(sorted(OPTIONAL_LAYERS))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The OS layers need root (the production deployment runs the API as root)."""
    if os.geteuid() != 0:
        skip = pytest.mark.skip(reason="sandbox OS layers need root")
        for item in items:
            if "sandbox" in str(item.fspath) and "slow" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def canary() -> Iterator[str]:
    """A secret in this process's environment, as API keys would be in production."""
    token = "CANARY-" + secrets.token_hex(16)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALGOAGENT_TEST_CANARY", token)
        mp.setenv("GEMINI_API_KEY", token)
        mp.setenv("SECRET_KEY", token)
        mp.setenv("DATABASE_URL", f"postgres://u:{token}@db/x")
        yield token


@pytest.fixture(scope="session")
def base_dir() -> Iterator[Path]:
    """A world-traversable base (pytest's own tmp root is 0700, which would hide files from
    the unprivileged uid for the wrong reason)."""
    path = Path(tempfile.mkdtemp(prefix="aa-sbx-test-"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def outside(base_dir: Path, canary: str) -> Path:
    """A directory outside the work root with canary files (world-readable and root-only)."""
    base = base_dir / "outside"
    base.mkdir(mode=0o755)
    (base / "world.txt").write_text(canary)
    os.chmod(base / "world.txt", 0o644)
    (base / "private.txt").write_text(canary)
    os.chmod(base / "private.txt", 0o600)
    return base


@pytest.fixture(scope="session")
def executor(base_dir: Path, canary: str) -> Iterator[BotExecutor]:
    """One warm server for the whole session; per-request layer overrides are allowed."""
    work_root = base_dir / "work"
    ex = BotExecutor(work_root=work_root, pool_size=2, timeout_s=20, _allow_layer_overrides=True)
    ex.start()
    yield ex
    ex.close()


class Harness:
    """Helpers for attack tests (fixtures, because conftest modules are not importable)."""

    def __init__(self, executor: BotExecutor, canary: str, outside: Path) -> None:
        self.executor = executor
        self.canary = canary
        self.outside = outside

    def run(self, code: str, *, disable: tuple[str, ...] = (), **kw: object) -> ExecutionResult:
        """Execute ``code`` (plus a no-op strategy unless it defines one) on GOOG."""
        if "class " not in code:
            code = code + "\n" + NOOP_STRATEGY
        kw.setdefault("plot", False)
        return self.executor.execute_bot(code=code, data=GOOG, _disable_layers=disable, **kw)

    @staticmethod
    def only(*layers: str) -> tuple[str, ...]:
        """Layers to disable so only ``layers`` (plus process/clean_env/timeout) remain."""
        return tuple(layer for layer in OPTIONAL if layer not in layers)

    def leaked(self, result: ExecutionResult) -> bool:
        """Whether the canary appears anywhere in what came back."""
        return self.canary in repr(result.to_dict())

    @staticmethod
    def got_connection(sock: socket.socket) -> bool:
        """True if anything connected (a finished connection still sits in the backlog)."""
        try:
            conn, _ = sock.accept()
        except TimeoutError:
            return False
        conn.close()
        return True

    def sandboxed_processes(self) -> list[int]:
        """Host pids under our server running as the sandbox uid (other test sessions on the
        machine may run their own sandboxes, so only our server's tree counts)."""
        found, todo = [], [self.executor.client.info.pid]
        while todo:
            pid = todo.pop()
            with contextlib.suppress(OSError, ValueError):
                for task in Path(f"/proc/{pid}/task").iterdir():
                    todo.extend(int(c) for c in (task / "children").read_text().split())
                status = Path(f"/proc/{pid}/status").read_text()
                uid_line = next(line for line in status.splitlines() if line.startswith("Uid:"))
                if int(uid_line.split()[1]) == 65534:
                    found.append(pid)
        return found

    def server_tree(self) -> list[int]:
        """Host pids of our server and all its descendants."""
        found, todo = [], [self.executor.client.info.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            with contextlib.suppress(OSError, ValueError):
                for task in Path(f"/proc/{pid}/task").iterdir():
                    todo.extend(int(c) for c in (task / "children").read_text().split())
        return found

    @staticmethod
    def _nspid(pid: int) -> list[int]:
        """The pid in each PID namespace, outermost (the host) first."""
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
        return [int(x) for x in next(ln for ln in status if ln.startswith("NSpid:")).split()[1:]]

    def _in_server_ns(self, inner_pid: int) -> int:
        for pid in self.server_tree():
            with contextlib.suppress(OSError, StopIteration):
                nspid = self._nspid(pid)
                if len(nspid) == 2 and nspid[-1] == inner_pid:
                    return pid
        raise AssertionError(f"no process {inner_pid} in the server's namespace")

    def server(self) -> int:
        """Host pid of the server itself (the init of its PID namespace; the pid the client
        knows is the process the bootstrap left behind to wait for it)."""
        return self._in_server_ns(1)

    def zygote(self) -> int:
        """Host pid of the server's zygote (its pid inside the server's namespace is known)."""
        return self._in_server_ns(self.executor.client.info.zygote_pid)

    def idle_processes(self) -> list[int]:
        """Strategy processes that have no job yet (pre-warmed ones): still root."""
        outer, server, zygote = self.executor.client.info.pid, self.server(), self.zygote()
        sandboxed = set(self.sandboxed_processes())
        return [
            pid
            for pid in self.server_tree()
            if pid not in (outer, server, zygote) and pid not in sandboxed
        ]

    def cgroup_bases(self) -> list[str]:
        """The directories our server creates its runs' cgroups in."""
        return list(self.executor.client.info.cgroup_bases)

    @staticmethod
    def memory_contains(pid: int, needle: bytes) -> list[str]:
        """Every readable mapping of process ``pid`` that contains ``needle`` (read from the
        host through /proc/<pid>/mem, as root): the whole address space, live or freed."""
        hits = []
        maps = Path(f"/proc/{pid}/maps").read_text().splitlines()
        with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
            for line in maps:
                fields = line.split()
                start, end = (int(x, 16) for x in fields[0].split("-"))
                if "r" not in fields[1] or (len(fields) > 5 and fields[5] == "[vvar]"):
                    continue
                try:
                    mem.seek(start)
                    chunk = mem.read(end - start)
                except (OSError, ValueError, OverflowError):
                    continue
                if chunk and needle in chunk:
                    hits.append(line)
        return hits

    @contextlib.contextmanager
    def limits(self, **changes: object) -> Iterator[None]:
        """Temporarily change the executor's per-run limits."""
        original = self.executor.limits
        self.executor.limits = dataclasses.replace(original, **changes)
        try:
            yield
        finally:
            self.executor.limits = original


@pytest.fixture
def sbx(executor: BotExecutor, canary: str, outside: Path) -> Harness:
    """The attack-test harness."""
    return Harness(executor, canary, outside)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP listener on 127.0.0.1 that attack code tries to reach."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.3)
    yield sock
    sock.close()


@pytest.fixture
def tmp_canary():
    """A file directly in the host's /tmp: it must never be visible inside the sandbox."""
    fd, path = tempfile.mkstemp(dir="/tmp", prefix="algoagent-canary-")
    os.write(fd, b"host tmp secret")
    os.close(fd)
    yield path
    os.unlink(path)
