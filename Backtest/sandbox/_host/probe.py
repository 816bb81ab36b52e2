"""``available_layers()``: which isolation layers this machine enforces, for a health check.

Runs ``_linux.probe`` in a fresh interpreter (with the native helper, built if needed), so it is
safe to call from a threaded web process; the answer is cached for the life of the process.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys

from Backtest.sandbox._linux import native_build
from Backtest.sandbox._server.bootstrap import PACKAGES, repo_root
from Backtest.sandbox._wire.layers import ALL_LAYERS, ALWAYS_ON

_PROBE = PACKAGES + (
    "import json\n"
    "from Backtest.sandbox._linux import native\n"
    "if sys.argv[2]:\n"
    "    native.load(sys.argv[2])\n"
    "from Backtest.sandbox._linux.probe import probe_in_process\n"
    "print(json.dumps(probe_in_process().layers))\n"
)


@functools.lru_cache(maxsize=1)
def _cached_probe() -> tuple[str, ...]:
    try:
        native_path = native_build.ensure_built()
    except native_build.NativeUnavailable:
        native_path = ""
    proc = subprocess.run(
        [sys.executable, "-s", "-P", "-c", _PROBE, repo_root(), native_path],
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        cwd="/",
        capture_output=True,
        timeout=60,
        check=False,
    )
    try:
        layers = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return ALWAYS_ON
    return tuple(layer for layer in ALL_LAYERS if layer in layers)


def available_layers() -> list[str]:
    """Isolation layers this machine can enforce (probed once per process, then cached)."""
    return list(_cached_probe())
