"""The per-run resource budget, as it travels from the caller through the server to the child.

``_linux.rlimits`` applies it with setrlimit in the strategy process, ``_server.cgroups`` as
memory and pids cgroups around it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

MIB = 1024 * 1024


class LimitsError(ValueError):
    """A limit value is out of range."""


@dataclass(frozen=True)
class Limits:
    """Resource budget of one strategy run."""

    timeout_s: float = 60.0
    memory_mb: int = 2048  # address space of the strategy process, in MiB
    cpu_seconds: int | None = None  # None: the wall-clock timeout (rounded up) plus a margin
    max_output_bytes: int = 64_000  # stdout/stderr kept per stream
    max_file_mb: int = 256  # largest file the strategy may write (plot HTML included)
    max_disk_mb: int = 512  # size of the private tmpfs working directory
    max_open_files: int = 256
    max_processes: int = 64  # per uid, threads included; fork itself is blocked elsewhere
    max_result_bytes: int = 16 * MIB  # the result frame
    max_plot_bytes: int = 8 * MIB  # the plot's HTML (backtesting.py's are ~0.2-2 MB)

    def __post_init__(self) -> None:
        if not (0 < self.timeout_s <= 24 * 3600):
            raise LimitsError("timeout_s must be in (0, 86400]")
        if not (64 <= self.memory_mb <= 1024 * 1024):
            raise LimitsError("memory_mb must be in [64, 1048576]")
        if self.cpu_seconds is not None and not (1 <= self.cpu_seconds <= 24 * 3600):
            raise LimitsError("cpu_seconds must be in [1, 86400] or None")
        if not (1024 <= self.max_output_bytes <= 64 * MIB):
            raise LimitsError("max_output_bytes must be in [1024, 64 MiB]")
        if not (1 <= self.max_file_mb <= 64 * 1024):
            raise LimitsError("max_file_mb must be in [1, 65536]")
        if not (1 <= self.max_disk_mb <= 64 * 1024):
            raise LimitsError("max_disk_mb must be in [1, 65536]")
        if not (32 <= self.max_open_files <= 65536):
            raise LimitsError("max_open_files must be in [32, 65536]")
        if not (1 <= self.max_processes <= 100_000):
            raise LimitsError("max_processes must be in [1, 100000]")
        if not (64 * 1024 <= self.max_result_bytes <= 1024 * MIB):
            raise LimitsError("max_result_bytes must be in [64 KiB, 1 GiB]")
        if not (64 * 1024 <= self.max_plot_bytes <= 256 * MIB):
            raise LimitsError("max_plot_bytes must be in [64 KiB, 256 MiB]")

    @property
    def effective_cpu_seconds(self) -> int:
        """CPU budget actually enforced."""
        if self.cpu_seconds is not None:
            return self.cpu_seconds
        return math.ceil(self.timeout_s) + 2

    @property
    def max_frame_bytes(self) -> int:
        """Largest frame on the result channel (a plot's HTML may double in JSON escaping)."""
        return max(self.max_result_bytes, 2 * self.max_plot_bytes + 4096)

    @property
    def output_kill_bytes(self) -> int:
        """Total stdout+stderr after which the run is killed (beyond that it is abuse)."""
        return max(16 * self.max_output_bytes, MIB)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for the wire."""
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Limits:
        """Validate and build from the wire format (unknown keys are an error)."""
        allowed = set(cls.__dataclass_fields__)
        unknown = set(raw) - allowed
        if unknown:
            raise LimitsError(f"unknown limit(s): {sorted(unknown)}")
        for key, value in raw.items():
            if key == "cpu_seconds" and value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise LimitsError(f"limit {key} must be a number")
            if key != "timeout_s" and not isinstance(value, int):
                raise LimitsError(f"limit {key} must be an integer")
        return cls(**raw)
