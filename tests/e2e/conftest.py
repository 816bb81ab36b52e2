"""A live workspace for browser tests: uvicorn + a task worker on a temporary data directory,
and Debian's chromium driven by Playwright (which cannot download its own browsers here).

Every page records its console errors and every request it makes; a test fails if either shows
an error or a request that left the origin.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", ROOT / "var" / "e2e"))
# Assertions poll up to this long; a CI machine shared with other jobs can be slow.
expect.set_options(timeout=15_000)
PASSWORD = "Tr4ding-Ideas-2026!"
SMA_IDEA = "Buy when the 10-day SMA crosses above the 30-day SMA, sell when it crosses back below."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def _wait_healthy(base: str, procs: list[subprocess.Popen], deadline_s: float) -> None:
    deadline = time.monotonic() + deadline_s
    last = "no answer"
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args[:3]} exited with {proc.returncode}")
        try:
            health = _get_json(f"{base}/api/health/")
            if health.get("status") == "ok" and health.get("workers", {}).get("alive"):
                return
            last = json.dumps(health)[:500]
        except OSError as exc:
            last = str(exc)
        time.sleep(0.2)
    raise RuntimeError(f"the live server did not become healthy: {last}")


@pytest.fixture(scope="session")
def workspace_url(tmp_path_factory):
    """Base URL of uvicorn serving the workspace + API, with a db_worker, on a fresh database."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make e2e` installs Debian's chromium")
    data_dir = tmp_path_factory.mktemp("e2e-data")
    env = {
        **os.environ,
        "ALGOAGENT_PROFILE": "local",
        "ALGOAGENT_DATA_DIR": str(data_dir),
        "ALGOAGENT_LLM_PROVIDER": "offline",
        # Every test signs up and signs in its own trader from one address: the per-address
        # limits (20 sign-ups, 60 sign-ins an hour) are for the internet, and are tested in
        # tests/accounts; here they would end the session's later tests with 429s.
        "THROTTLE_REGISTER_RATE": "1000/hour",
        "THROTTLE_LOGIN_RATE": "1000/hour",
        "DJANGO_SETTINGS_MODULE": "algoagent.settings",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    py = sys.executable
    migrate = [py, "manage.py", "migrate", "--noinput"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (data_dir / "server.log").open("wb")
    uvicorn = [py, "-m", "uvicorn", "algoagent.asgi:application", "--host", "127.0.0.1"]
    commands = [
        [*uvicorn, "--port", str(port), "--timeout-graceful-shutdown", "2", "--lifespan", "off"],
        [py, "manage.py", "db_worker"],
    ]
    procs = [
        subprocess.Popen(
            c, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        for c in commands
    ]
    try:
        _wait_healthy(base, procs, 90)
        yield base
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()
        if os.environ.get("E2E_KEEP_LOG"):
            shutil.copy(data_dir / "server.log", SCREENSHOTS / "server.log")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageRecorder:
    """What a page logged and requested while a test drove it."""

    def __init__(self, base: str):
        self.base = base
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.expected_errors: list[str] = []

    def expect_console_error(self, fragment: str) -> None:
        """A test that provokes an HTTP error (a refusal, a 404) names it here."""
        self.expected_errors.append(fragment)

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.console_errors if not any(f in e for f in self.expected_errors)]

    def foreign_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if not (url.startswith(self.base + "/") or url.startswith(("data:", "blob:")))
        ]


@pytest.fixture
def user(workspace_url) -> tuple[str, str]:
    """A fresh account for one test: (username, API token)."""
    return new_user(workspace_url, "trader")


@pytest.fixture
def recorder(workspace_url) -> PageRecorder:
    return PageRecorder(workspace_url)


@pytest.fixture
def page(browser, workspace_url, recorder, request):
    context = browser.new_context(viewport={"width": 1300, "height": 900}, base_url=workspace_url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on(
        "console", lambda m: recorder.console_errors.append(m.text) if m.type == "error" else None
    )
    page.on("pageerror", lambda exc: recorder.console_errors.append(f"uncaught: {exc}"))
    page.on("request", lambda r: recorder.requests.append(r.url))
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert recorder.foreign_requests() == [], "a request left the origin"
    assert recorder.unexpected_errors() == [], "the page logged console errors"


def api_register(base: str, username: str) -> None:
    """Create an account through the token API (faster than the form for extra users)."""
    body = json.dumps({"username": username, "password": PASSWORD}).encode()
    req = urllib.request.Request(
        f"{base}/api/auth/register/", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as response:
        assert response.status == 201


def api_token(base: str, username: str) -> str:
    body = json.dumps({"username": username, "password": PASSWORD}).encode()
    req = urllib.request.Request(
        f"{base}/api/auth/login/", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as response:
        return json.loads(response.read())["token"]


def api_post(base: str, token: str, path: str, payload: dict) -> dict:
    """POST with a token; job-starting actions wait for their result (Prefer: wait)."""
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}
    req = urllib.request.Request(
        f"{base}{path}",
        data=json.dumps(payload).encode(),
        headers={**headers, "Prefer": "wait=60"},
    )
    with urllib.request.urlopen(req, timeout=60) as response:
        return json.loads(response.read())


def api_start(base: str, token: str, path: str, payload: dict) -> str:
    """POST a job-starting action without waiting for it: the job's id (from its 202)."""
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}
    req = urllib.request.Request(
        f"{base}{path}", data=json.dumps(payload).encode(), headers=headers
    )
    with urllib.request.urlopen(req, timeout=30) as response:
        assert response.status == 202
        return json.loads(response.read())["job_id"]


def api_job(base: str, token: str, job_id: str) -> dict:
    req = urllib.request.Request(
        f"{base}/api/jobs/{job_id}/", headers={"Authorization": f"Token {token}"}
    )
    with urllib.request.urlopen(req, timeout=10) as response:
        return json.loads(response.read())


def wait_for_job(base: str, token: str, job_id: str, statuses: set[str], timeout_s: float = 90):
    """Poll the job until its status is one of ``statuses``; the job."""
    deadline = time.monotonic() + timeout_s
    while True:
        job = api_job(base, token, job_id)
        if job["status"] in statuses:
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']}"
        time.sleep(0.2)


def api_cancel(base: str, token: str, job_id: str) -> None:
    """Ask for the job's cancel; one that already finished (409) is left as it is."""
    req = urllib.request.Request(
        f"{base}/api/jobs/{job_id}/cancel/",
        method="POST",
        headers={"Authorization": f"Token {token}"},
    )
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(req, timeout=10)


def api_jobs(base: str, token: str, query: str) -> list[dict]:
    """The user's jobs matching ``query`` ("status=running", "kind=execute"), newest first."""
    req = urllib.request.Request(
        f"{base}/api/jobs/?{query}", headers={"Authorization": f"Token {token}"}
    )
    with urllib.request.urlopen(req, timeout=10) as response:
        return json.loads(response.read())["results"]


def cancel_unfinished_jobs(base: str, token: str) -> None:
    """Cancel the user's queued and running jobs, so a test that failed half way does not leave
    a long job holding the one worker from the session's next tests."""
    for state in ("queued", "running"):
        for job in api_jobs(base, token, f"status={state}"):
            api_cancel(base, token, job["id"])


def new_user(base: str, prefix: str = "u") -> tuple[str, str]:
    """A fresh account: (username, API token)."""
    username = f"{prefix}{uuid.uuid4().hex[:8]}"
    api_register(base, username)
    return username, api_token(base, username)


def generate(base: str, token: str, description: str, *, run: bool = False) -> dict:
    """The generate answer for ``description``; ``run=True`` backtests it too."""
    body = {"description": description, **({"execute_after_generation": True} if run else {})}
    return api_post(base, token, "/api/strategies/generate_with_ai/", body)


def generate_and_run(base: str, token: str, description: str) -> tuple[int, int]:
    """Generate a strategy from ``description`` and backtest it: (strategy id, execution id)."""
    result = generate(base, token, description, run=True)
    assert result["execution_result"]["success"], result
    return result["strategy_id"], result["execution_result"]["execution_id"]


# A function, not an expression: the page's CSP forbids eval of expression strings.
SCREEN_READY = "name => document.body.dataset.screen === name"


def wait_for_screen(page, name: str) -> None:
    """Until the screen ``name`` (its render function) finished rendering with its data."""
    page.wait_for_function(SCREEN_READY, arg=name)


def expect_cancelled(page, scope) -> None:
    """A cancel the user asked for: the neutral notice in ``scope`` (a panel or the page), never
    the red error banner or an alert."""
    notice = scope.get_by_test_id("job-cancelled")
    expect(notice).to_contain_text("Cancelled", timeout=60_000)
    expect(notice).to_have_attribute("role", "status")
    expect(page.get_by_test_id("error-banner")).to_be_hidden()
    expect(page.get_by_role("alert")).to_have_count(0)


def sign_in(page, username: str) -> None:
    page.goto("/")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("describe-input").wait_for()


def shoot(page, testid: str, filename: str) -> None:
    """A viewport screenshot with ``testid`` at the top (the README's pictures come from here)."""
    page.get_by_test_id(testid).evaluate("el => el.scrollIntoView({block: 'start'})")
    page.mouse.move(0, 0)  # no chart crosshair in the picture
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / filename))
