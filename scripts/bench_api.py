#!/usr/bin/env python3
"""API latency benchmark: POST execute with ``Prefer: wait`` against a real server and worker.

Starts the ASGI server (uvicorn; ``--server runserver`` for Django's) and one ``db_worker`` on a
temporary data directory (SQLite there, or a fresh PostgreSQL database created next to
``--database-url`` and dropped afterwards), registers a user, creates the SMA-cross strategy,
runs ``--warmup`` executes, then ``-n`` measured ones, one at a time, and prints the median and
90th percentile of the wall time with its split read back from the jobs API:

  queue   job created -> claimed by the worker     run   the sandboxed backtest (execution_time)
  job     claimed -> finished (run + data + save)  http  everything outside the job
  plot    request sent -> its plot page answers 200 (the plot is drawn after the answer)

Each execute waits for its plot before the next one starts (polling the plot page with HEAD
every ``--plot-poll-ms``), so one run's plot never competes with the next run's answer.

Usage:  .venv/bin/python scripts/bench_api.py -n 30
        .venv/bin/python scripts/bench_api.py -n 30 --database-url postgres://postgres@127.0.0.1:5432/test
        .venv/bin/python scripts/bench_api.py --sse-streams 200    # GET latency with open streams
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, closing, contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.sample_code import SMA_CROSS_CODE  # noqa: E402

PASSWORD = "Bench-Password-2026!"
_PLOT_POLL_S = 0.025  # set from --plot-poll-ms


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _postgres_database(url: str):
    """A fresh database on the server of ``url``; dropped on exit."""
    import psycopg

    name = f"algoagent_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlparse(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _process(args: list[str], env: dict[str, str], log: Path):
    with open(log, "wb") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        proc.log_path = log  # type: ignore[attr-defined]
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


class Client:
    def __init__(self, port: int) -> None:
        self.port = port
        self.token = ""

    def request(self, method: str, path: str, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if self.token:
            all_headers["Authorization"] = f"Token {self.token}"
        try:
            conn.request(method, path, json.dumps(body) if body is not None else None, all_headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        if not data or "json" not in (response.getheader("Content-Type") or ""):
            return response.status, None
        return response.status, json.loads(data)


def _user_with_strategy(port: int, username: str) -> tuple[Client, int]:
    """Register ``username`` and create the SMA-cross strategy; its client and strategy id."""
    client = Client(port)
    status, body = client.request(
        "POST",
        "/api/auth/register/",
        {"username": username, "email": f"{username}@example.com", "password": PASSWORD},
    )
    assert status == 201, body
    client.token = body["token"]
    status, body = client.request(
        "POST", "/api/strategies/", {"name": "SMA cross", "code": SMA_CROSS_CODE}
    )
    assert status == 201, body
    return client, body["id"]


def _wait_healthy(client: Client, procs, deadline_s: float = 90) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                log = proc.log_path.read_text(errors="replace")[-3000:]  # type: ignore[attr-defined]
                raise SystemExit(f"a process exited early ({proc.args}):\n{log}")
        try:
            status, body = client.request("GET", "/api/health/")
            if status == 200 and body["workers"]["alive"]:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("server or worker did not become healthy")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _ts(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _plot_ready(client: Client, url: str, poll_s: float, deadline_s: float = 60) -> None:
    """Poll the plot page until it answers 200; exit on any other final answer."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        status, body = client.request("HEAD", url)
        if status == 200:
            return
        if status != 404:
            raise SystemExit(f"plot page answered {status}")
        time.sleep(poll_s)
    raise SystemExit(f"the plot at {url} was not ready within {deadline_s} s")


def _executes(
    client: Client, strategy_id: int, n: int, wait: int, plot_walls: list[float] | None = None
) -> list[float]:
    walls = []
    for _ in range(n):
        start = time.perf_counter()
        status, body = client.request(
            "POST",
            f"/api/strategies/{strategy_id}/execute/",
            {"symbol": "GOOG"},
            {"Prefer": f"wait={wait}"},
        )
        walls.append(time.perf_counter() - start)
        if status != 200 or not body.get("success"):
            raise SystemExit(f"execute answered {status}: {body}")
        if body.get("plot_url"):
            _plot_ready(client, body["plot_url"], _PLOT_POLL_S)
            if plot_walls is not None:
                plot_walls.append(time.perf_counter() - start)
    return walls


def _split(client: Client, n: int, walls: list[float]) -> dict[str, list[float]]:
    _, page = client.request("GET", f"/api/jobs/?ordering=-created_at&page_size={n}")
    jobs = list(reversed(page["results"]))
    split: dict[str, list[float]] = {"total": walls, "queue": [], "job": [], "run": [], "http": []}
    for job, wall in zip(jobs, walls, strict=True):
        created, started, finished = (
            _ts(job[k]) for k in ("created_at", "started_at", "finished_at")
        )
        split["queue"].append(started - created)
        split["job"].append(finished - started)
        split["run"].append(job["result"]["execution_time"])
        split["http"].append(wall - (finished - created))
    return split


def _print(title: str, split: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    print(f"{'':8}{'median ms':>12}{'p90 ms':>10}")
    for name, values in split.items():
        print(f"{name:8}{1000 * statistics.median(values):12.1f}{1000 * _pct(values, 0.9):10.1f}")


def _open_streams(port: int, token: str, job_ids: list[str]) -> list[socket.socket]:
    streams = []
    for job_id in job_ids:
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(
            (
                f"GET /api/jobs/{job_id}/events/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Token {token}\r\nAccept: text/event-stream\r\n\r\n"
            ).encode()
        )
        streams.append(sock)
    for sock in streams:  # each answered its headers: the stream is open
        sock.settimeout(30)
        assert b"200 OK" in sock.recv(4096)
    return streams


def _get_latency(client: Client, n: int) -> list[float]:
    walls = []
    for _ in range(n):
        start = time.perf_counter()
        status, _ = client.request("GET", "/api/auth/me/")
        walls.append(time.perf_counter() - start)
        assert status == 200
    return walls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=30, help="measured executes")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--wait", type=int, default=10, help="Prefer: wait=N")
    parser.add_argument("--database-url", default="", help="PostgreSQL server to bench on")
    parser.add_argument("--server", choices=("uvicorn", "runserver"), default="uvicorn")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument(
        "--plot-poll-ms", type=int, default=25, help="how often to ask whether the plot is ready"
    )
    parser.add_argument(
        "--sse-streams", type=int, default=0, help="instead: GET latency with N open SSE streams"
    )
    parser.add_argument(
        "--flood", type=int, default=0, help="instead: another user's execute under N queued jobs"
    )
    args = parser.parse_args()
    global _PLOT_POLL_S
    _PLOT_POLL_S = args.plot_poll_ms / 1000

    with ExitStack() as stack:
        tmp = Path(tempfile.mkdtemp(prefix="algoagent-bench-"))
        stack.callback(shutil.rmtree, tmp, ignore_errors=True)
        db_url = f"sqlite:///{tmp / 'db.sqlite3'}"
        if args.database_url:
            db_url = stack.enter_context(_postgres_database(args.database_url))
        port = args.port or _free_port()
        env = {
            **os.environ,
            "ALGOAGENT_PROFILE": "local",
            "DEBUG": "false",
            "ALGOAGENT_DATA_DIR": str(tmp),
            "DATABASE_URL": db_url,
            "ALGOAGENT_TASKS_BACKEND": "database",
            "THROTTLE_EXECUTE_RATE": "100000/hour",
            "JOB_MAX_ACTIVE_PER_USER": str(max(5, args.sse_streams + 5, args.flood + 5)),
            "LOG_LEVEL": "WARNING",
        }
        python = sys.executable
        subprocess.run(
            [python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        subprocess.run([python, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=False)
        if args.server == "uvicorn":
            server_cmd = [
                python, "-m", "uvicorn", "algoagent.asgi:application",
                "--port", str(port), "--no-access-log", "--log-level", "warning",
            ]  # fmt: skip
        else:
            server_cmd = [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
        procs = [stack.enter_context(_process(server_cmd, env, tmp / "server.log"))]
        if not args.sse_streams:
            worker_cmd = [
                python, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
                "--worker-id", "bench",
            ]  # fmt: skip
            procs.append(stack.enter_context(_process(worker_cmd, env, tmp / "worker.log")))
        client = Client(port)
        if args.sse_streams:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.request("GET", "/api/health/")[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        else:
            _wait_healthy(client, procs)
        client, strategy_id = _user_with_strategy(port, "bench")
        db = "PostgreSQL" if args.database_url else "SQLite"

        if args.sse_streams:
            _sse_bench(client, port, strategy_id, args.sse_streams, args.n, db, procs[0].pid)
            return
        if args.flood:
            _flood_bench(client, port, strategy_id, args.flood, args.wait, db)
            return
        _executes(client, strategy_id, args.warmup, args.wait)
        plot_walls: list[float] = []
        walls = _executes(client, strategy_id, args.n, args.wait, plot_walls)
        split = _split(client, args.n, walls)
        if plot_walls:
            split["plot"] = plot_walls
        _print(f"POST execute, Prefer: wait={args.wait}, {db}, {args.server}, n={args.n}", split)


def _flood_bench(client: Client, port: int, strategy_id: int, flood: int, wait: int, db: str):
    """Another user's execute alone, then while this user has ``flood`` executes queued."""
    other, other_strategy = _user_with_strategy(port, "other")
    _executes(other, other_strategy, 2, wait)  # warm-up
    solo = _executes(other, other_strategy, 3, max(wait, 60))
    for _ in range(flood):
        status, body = client.request(
            "POST", f"/api/strategies/{strategy_id}/execute/", {"symbol": "GOOG"}
        )
        assert status == 202, body
    flooded = _executes(other, other_strategy, 1, 60)[0]
    solo_s = statistics.median(solo)
    print(f"\nAnother user's execute ({db}, one worker): solo median {1000 * solo_s:.0f} ms")
    print(f"with {flood} jobs of one user queued ahead: {1000 * flooded:.0f} ms")
    print(f"bound 2 x solo + 5 s = {1000 * (2 * solo_s + 5):.0f} ms")


def _threads(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("Threads")))


def _sse_bench(
    client: Client, port: int, strategy_id: int, streams: int, n: int, db: str, server_pid: int
):
    """GET latency with no stream, then with ``streams`` SSE streams open on queued jobs.

    Three alternating rounds (without, with, without, ...) so that drift in the machine's load
    hits both sides alike.
    """
    job_ids = []
    for _ in range(streams):
        status, body = client.request(
            "POST", f"/api/strategies/{strategy_id}/execute/", {"symbol": "GOOG"}
        )
        assert status == 202, body
        job_ids.append(body["job_id"])
    _get_latency(client, 20)  # warm-up
    alone: list[float] = []
    loaded: list[float] = []
    threads = [_threads(server_pid), 0]
    for _ in range(3):
        alone += _get_latency(client, n)
        open_streams = _open_streams(port, client.token, job_ids)
        try:
            loaded += _get_latency(client, n)
            threads[1] = _threads(server_pid)
        finally:
            for sock in open_streams:
                sock.close()
    _print(f"GET /api/auth/me/ with 0 SSE streams ({db})", {"total": alone})
    _print(f"GET /api/auth/me/ with {streams} open SSE streams ({db})", {"total": loaded})
    print(f"\nserver threads: {threads[0]} with 0 streams, {threads[1]} with {streams}")


if __name__ == "__main__":
    main()
