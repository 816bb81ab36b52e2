"""Run several long-lived processes together (what `make run` serves with).

Usage: python scripts/run_procs.py "name=command ..." ["name=command ..."]

Each process gets its own process group and a name prefix on its output. When one exits, or on
Ctrl-C / SIGTERM, the others are stopped (SIGTERM, then SIGKILL after a grace period), and the
exit code is that of the first process to stop.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import threading
import time

GRACE_SECONDS = 10


def _pump(name: str, stream, lock: threading.Lock) -> None:
    for raw in iter(stream.readline, b""):
        with lock:
            sys.stdout.write(f"{name:>6} | {raw.decode(errors='replace')}")
            sys.stdout.flush()


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    lock = threading.Lock()
    procs: list[tuple[str, subprocess.Popen]] = []
    for spec in argv:
        name, _, command = spec.partition("=")
        proc = subprocess.Popen(
            shlex.split(command),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=_pump, args=(name, proc.stdout, lock), daemon=True).start()
        procs.append((name, proc))

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    exit_code = 0
    try:
        while not stopping.is_set():
            finished = [(n, p) for n, p in procs if p.poll() is not None]
            if finished:
                name, proc = finished[0]
                exit_code = proc.returncode
                print(f"{name} exited with code {exit_code}; stopping the others.", flush=True)
                break
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    for _, proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for _, proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
