"""A local fake of the Gemini REST API, good enough for the real google-genai client.

Serves ``POST /{version}/models/{model}:generateContent`` on 127.0.0.1:<free port> from a thread.
Replies come from scripted queues — per API key first, then a shared queue — and fall back to a
400 "no scripted reply" so an unexpected call fails loudly instead of passing by accident. Every
request is recorded (path, model, the key it carried, the JSON body).
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "API_KEY_PLACEHOLDER",
    "FakeGeminiServer",
    "RecordedRequest",
    "Reply",
    "api_key_invalid",
    "bad_request",
    "blocked_prompt",
    "empty_candidates",
    "error_reply",
    "forbidden",
    "malformed_json",
    "ok",
    "rate_limited",
    "safety_stop",
    "server_error",
    "slow",
    "unauthorized",
]

# Bodies may contain this marker; the server swaps in the key the request carried, to test that
# an upstream echoing the key never leaks it through our errors.
API_KEY_PLACEHOLDER = "{{API_KEY}}"

_ROUTE = re.compile(r"^/(?P<version>v1[a-z0-9]*)/models/(?P<model>[^/:]+):generateContent$")


@dataclass(frozen=True)
class Reply:
    """One scripted HTTP reply; ``delay_s`` holds the answer back to provoke client timeouts."""

    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass(frozen=True)
class RecordedRequest:
    """What the fake saw: enough to assert which key and which prompt were sent."""

    method: str
    path: str
    version: str | None
    model: str | None
    api_key: str | None
    headers: dict[str, str]
    body: Any


def _json_reply(status: int, payload: Any, headers: dict[str, str] | None = None) -> Reply:
    return Reply(
        status=status,
        body=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json; charset=UTF-8", **(headers or {})},
    )


def ok(
    text: str = "ok",
    *,
    input_tokens: int = 11,
    output_tokens: int = 7,
    thoughts_tokens: int | None = None,
    finish_reason: str = "STOP",
    model_version: str = "gemini-2.5-flash",
) -> Reply:
    """A normal 200 answer with one candidate and usage metadata."""
    usage: dict[str, Any] = {
        "promptTokenCount": input_tokens,
        "candidatesTokenCount": output_tokens,
        "totalTokenCount": input_tokens + output_tokens + (thoughts_tokens or 0),
    }
    if thoughts_tokens is not None:
        usage["thoughtsTokenCount"] = thoughts_tokens
    return _json_reply(
        200,
        {
            "candidates": [
                {
                    "content": {"role": "model", "parts": [{"text": text}]},
                    "finishReason": finish_reason,
                    "index": 0,
                }
            ],
            "usageMetadata": usage,
            "modelVersion": model_version,
            "responseId": "fake-response",
        },
    )


def error_reply(
    code: int,
    status: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """An error in Google's JSON error shape (``{"error": {code, message, status, details}}``)."""
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details is not None:
        error["details"] = details
    return _json_reply(code, {"error": error}, headers)


def rate_limited(retry_delay: str | None = "17s", *, retry_after: str | None = None) -> Reply:
    """429 RESOURCE_EXHAUSTED with a google.rpc.RetryInfo (and optionally a Retry-After header)."""
    details: list[dict[str, Any]] = [
        {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            "violations": [
                {
                    "quotaMetric": "generativelanguage.googleapis.com/generate_content_requests",
                    "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                }
            ],
        }
    ]
    if retry_delay is not None:
        details.append(
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}
        )
    headers = {"Retry-After": retry_after} if retry_after is not None else None
    return error_reply(
        429,
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details.",
        details,
        headers,
    )


def unauthorized() -> Reply:
    """401 UNAUTHENTICATED."""
    return error_reply(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")


def forbidden() -> Reply:
    """403 PERMISSION_DENIED (e.g. a key whose project lost access)."""
    return error_reply(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers.")


def api_key_invalid(message: str = "API key not valid. Please pass a valid API key.") -> Reply:
    """400 INVALID_ARGUMENT + ErrorInfo reason API_KEY_INVALID: Gemini's answer to a bad key."""
    return error_reply(
        400,
        "INVALID_ARGUMENT",
        message,
        [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            }
        ],
    )


def bad_request(message: str = "Invalid JSON payload received.") -> Reply:
    """400 INVALID_ARGUMENT that is about the request, not the key."""
    return error_reply(400, "INVALID_ARGUMENT", message)


def server_error(code: int = 500) -> Reply:
    """500 INTERNAL / 503 UNAVAILABLE / other 5xx."""
    status = {500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}.get(code, "UNKNOWN")
    return error_reply(code, status, "An internal error has occurred.")


def slow(reply: Reply, delay_s: float) -> Reply:
    """``reply``, sent only after ``delay_s`` seconds."""
    return replace(reply, delay_s=delay_s)


def empty_candidates() -> Reply:
    """200 with an empty candidate list."""
    return _json_reply(200, {"candidates": [], "usageMetadata": {"promptTokenCount": 5}})


def blocked_prompt(reason: str = "SAFETY") -> Reply:
    """200 where the prompt itself was blocked: no candidates, promptFeedback.blockReason set."""
    return _json_reply(
        200,
        {"promptFeedback": {"blockReason": reason}, "usageMetadata": {"promptTokenCount": 5}},
    )


def safety_stop() -> Reply:
    """200 with a candidate stopped by the safety filter and no content."""
    return _json_reply(
        200,
        {
            "candidates": [{"finishReason": "SAFETY", "index": 0}],
            "usageMetadata": {"promptTokenCount": 5},
        },
    )


def malformed_json() -> Reply:
    """200 whose body is not JSON."""
    return Reply(200, b'{"candidates": [ {"content": oops', {"Content-Type": "application/json"})


_NO_SCRIPT = error_reply(400, "INVALID_ARGUMENT", "fake gemini: no scripted reply for this call")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fake: FakeGeminiServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def do_GET(self) -> None:
        """Gemini has GET endpoints, but the client under test must never call them."""
        self._send(error_reply(404, "NOT_FOUND", "fake gemini: GET not supported"), None)

    def do_POST(self) -> None:
        """Record the request and play the next scripted reply."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        url = urlsplit(self.path)
        match = _ROUTE.match(url.path)
        api_key = (
            self.headers.get("x-goog-api-key") or (parse_qs(url.query).get("key") or [None])[0]
        )
        recorded = RecordedRequest(
            method="POST",
            path=url.path,
            version=match["version"] if match else None,
            model=match["model"] if match else None,
            api_key=api_key,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        fake = self.server.fake
        if match is None:
            fake._record(recorded)
            self._send(error_reply(404, "NOT_FOUND", f"fake gemini: no route {url.path}"), api_key)
            return
        self._send(fake._next_reply(recorded), api_key)

    def _send(self, reply: Reply, api_key: str | None) -> None:
        if reply.delay_s and self.server.fake._stopping.wait(reply.delay_s):
            return  # server shutting down: drop the slow reply
        body = reply.body
        if api_key:
            body = body.replace(API_KEY_PLACEHOLDER.encode(), api_key.encode())
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test) before the slow reply came
        self.close_connection = True


class FakeGeminiServer:
    """Start with :meth:`start` (or as a context manager); point ``base_url`` at it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shared: deque[Reply] = deque()
        self._per_key: dict[str, deque[Reply]] = {}
        self._requests: list[RecordedRequest] = []
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.default_reply = _NO_SCRIPT

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> FakeGeminiServer:
        """Bind a free port on 127.0.0.1 and serve from a daemon thread."""
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            # A short poll keeps shutdown() (once per test) from costing the default 0.5 s.
            kwargs={"poll_interval": 0.02},
            name="fake-gemini",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release slow handlers, stop serving and close the socket."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeGeminiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` — pass as ``GeminiProvider(base_url=...)``."""
        if self._server is None:
            raise RuntimeError("fake gemini server not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # ------------------------------------------------------------------ scripting
    def script(self, *replies: Reply, key: str | None = None) -> None:
        """Queue replies for calls carrying ``key`` (a secret), or for any call when ``None``."""
        with self._lock:
            if key is None:
                self._shared.extend(replies)
            else:
                self._per_key.setdefault(key, deque()).extend(replies)

    def pending(self) -> int:
        """Scripted replies not consumed yet (a test can assert its script was used up)."""
        with self._lock:
            return len(self._shared) + sum(len(q) for q in self._per_key.values())

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def keys_used(self) -> list[str | None]:
        """The key each request carried, in arrival order."""
        return [r.api_key for r in self.requests]

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _next_reply(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self._requests.append(request)
            queue = self._per_key.get(request.api_key or "")
            if queue:
                return queue.popleft()
            if self._shared:
                return self._shared.popleft()
            return self.default_reply
