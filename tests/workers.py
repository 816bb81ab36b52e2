"""Real ``manage.py db_worker`` processes for tests (fixtures re-exported by tests/conftest.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]

WORKER_SCRIPT = """
import django, sys
django.setup()
import tests.jobs.worker_handlers  # registers the t_* handlers in this process
from django.core.management import call_command
call_command("db_worker", "--interval", "0.05", "--no-startup-delay", "--worker-id", sys.argv[1])
"""


def database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def db_backend(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


@pytest.fixture
def start_worker(tmp_path):
    procs: list[subprocess.Popen] = []

    def start(name: str) -> subprocess.Popen:
        log = open(tmp_path / f"{name}.log", "w+b")  # noqa: SIM115 - closed with the process
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "ALGOAGENT_TASKS_BACKEND": "database",
            "DATABASE_URL": database_url(),
            "JOB_HEARTBEAT_SECONDS": "1",
        }
        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER_SCRIPT, name], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        proc.log = log  # type: ignore[attr-defined]
        procs.append(proc)
        deadline = time.monotonic() + 60
        while b"Starting worker" not in (tmp_path / f"{name}.log").read_bytes():
            assert proc.poll() is None, (tmp_path / f"{name}.log").read_text()
            assert time.monotonic() < deadline, "worker did not start"
            time.sleep(0.05)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.log.close()  # type: ignore[attr-defined]


def wait_for(predicate, timeout: float = 60.0):
    """Poll ``predicate`` until it returns something truthy (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return result
