"""Length-prefixed JSON frames, used on every channel of the sandbox.

A frame is a 4-byte big-endian length followed by that many bytes of UTF-8 JSON (an object).
Readers always know the maximum size they accept before reading a single payload byte, reject
NaN/Infinity literals, turn absurd nesting (RecursionError) into a ``ProtocolError``, and never
unpickle anything.
"""

from __future__ import annotations

import json
import socket
import struct
import time
from typing import Any

HEADER = struct.Struct(">I")
PROTOCOL_VERSION = 1
MAX_REQUEST_BYTES = 4 * 1024 * 1024


class ProtocolError(Exception):
    """A peer sent something that is not a valid frame (too big, bad JSON, wrong shape)."""


def _reject_constant(name: str) -> Any:
    raise ProtocolError(f"non-finite number {name} is not allowed")


def encode(obj: dict[str, Any]) -> bytes:
    """Serialise one frame (strict JSON: NaN/inf are an error, not a literal)."""
    payload = json.dumps(obj, separators=(",", ":"), allow_nan=False).encode()
    return HEADER.pack(len(payload)) + payload


def encode_with_raw(obj: dict[str, Any], key: str, raw: bytes) -> bytes:
    """``encode({**obj, key: value})`` where ``raw`` is the JSON text of ``value`` exactly as
    ``decode_payload`` accepted it (a whole, strict JSON object), spliced in instead of being
    encoded again: the result frame crosses the server without a second encode."""
    if key in obj:
        raise ValueError(f"{key!r} is already in the frame")
    head = json.dumps(obj, separators=(",", ":"), allow_nan=False).encode()
    payload = head[:-1] + (b"," if obj else b"") + json.dumps(key).encode() + b":" + raw + b"}"
    return HEADER.pack(len(payload)) + payload


def decode_payload(payload: bytes) -> dict[str, Any]:
    """Parse one frame body into a dict, raising ``ProtocolError`` for anything else."""
    try:
        obj = json.loads(payload.decode("utf-8"), parse_constant=_reject_constant)
    except ProtocolError:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProtocolError(f"invalid JSON frame: {type(exc).__name__}") from None
    if not isinstance(obj, dict):
        raise ProtocolError("frame must be a JSON object")
    return obj


class FrameBuffer:
    """Incremental frame parser for non-blocking readers with a hard byte budget."""

    def __init__(self, max_frame: int, max_total: int) -> None:
        self.max_frame = max_frame
        self.max_total = max_total
        self.total = 0
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[dict[str, Any]]:
        """Add bytes; return the complete frames now available. Raises ``ProtocolError``."""
        return [frame for frame, _ in self.feed_raw(data)]

    def feed_raw(self, data: bytes) -> list[tuple[dict[str, Any], bytes]]:
        """Like ``feed``, each frame with the payload bytes it was decoded from."""
        self.total += len(data)
        if self.total > self.max_total:
            raise ProtocolError(f"channel carried more than {self.max_total} bytes")
        self._buf += data
        frames = []
        while len(self._buf) >= HEADER.size:
            (length,) = HEADER.unpack_from(self._buf)
            if length > self.max_frame:
                raise ProtocolError(f"frame of {length} bytes exceeds limit {self.max_frame}")
            if len(self._buf) < HEADER.size + length:
                break
            payload = bytes(self._buf[HEADER.size : HEADER.size + length])
            del self._buf[: HEADER.size + length]
            frames.append((decode_payload(payload), payload))
        return frames

    @property
    def pending(self) -> int:
        """Bytes of an incomplete frame still buffered."""
        return len(self._buf)


def recv_frame(sock: socket.socket, max_bytes: int, deadline: float | None) -> dict[str, Any]:
    """Blocking read of exactly one frame from a socket, bounded in size and time."""
    header = _recv_exact(sock, HEADER.size, deadline)
    (length,) = HEADER.unpack(header)
    if length > max_bytes:
        raise ProtocolError(f"frame of {length} bytes exceeds limit {max_bytes}")
    return decode_payload(_recv_exact(sock, length, deadline))


def _recv_exact(sock: socket.socket, n: int, deadline: float | None) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("timed out waiting for the sandbox server")
            sock.settimeout(remaining)
        chunk = sock.recv(min(n - len(chunks), 1 << 20))
        if not chunk:
            raise ConnectionError("sandbox server closed the connection")
        chunks += chunk
    return bytes(chunks)


# ---- progress ------------------------------------------------------------------------------
#: Progress stages and the integer fields each carries (all in [0, 10**9]). The strategy
#: process sends them, the server checks and forwards them, the caller's callback gets them.
PROGRESS_FIELDS: dict[str, tuple[str, ...]] = {
    "data_loaded": ("bars",),
    "indicators_computed": ("bars_total",),
    "simulating": ("bars_done", "bars_total"),
    "stats_computed": (),
    "param_sets": ("sets_done", "sets_total"),
}
MAX_PROGRESS_VALUE = 10**9


def checked_progress(stage: Any, data: Any) -> dict[str, int] | None:
    """The data of a progress report if it is well-formed (known stage, exactly its fields,
    integers in range, done <= total), else None."""
    names = PROGRESS_FIELDS.get(stage) if isinstance(stage, str) else None
    if names is None or not isinstance(data, dict) or set(data) != set(names):
        return None
    for value in data.values():
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        if not 0 <= value <= MAX_PROGRESS_VALUE:
            return None
    for done, total in (("bars_done", "bars_total"), ("sets_done", "sets_total")):
        if done in data and data[done] > data[total]:
            return None
    return dict(data)


# ---- the strategy process's side of the contract -------------------------------------------
#: The result channel (frames from the strategy process) and the job pipe (one frame to it).
RESULT_FD = 3
JOB_FD = 4
#: Exit codes a strategy process uses before any untrusted code existed in it.
EXIT_OK = 0
EXIT_LOCKDOWN_FAILED = 90
EXIT_SPAWN_FAILED = 91
EXIT_NO_JOB = 92
