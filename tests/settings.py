"""Test entry point for settings: selects the test profile, then loads the one settings module."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("ALGOAGENT_PROFILE", "test")
os.environ.setdefault("ALGOAGENT_DATA_DIR", "var/test")

from algoagent.settings import *  # noqa: F403

# A file-backed SQLite test database, so real worker processes started by tests share it; one
# per test session (pid), so two sessions on one machine never share or delete each other's.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(DATA_DIR / f"test-db-{os.getpid()}.sqlite3")  # noqa: F405
    }

# Sandbox runs (results, plots) of the whole test session go to a temporary directory.
_RUNS = tempfile.mkdtemp(prefix="algoagent-test-runs-")
atexit.register(shutil.rmtree, _RUNS, ignore_errors=True)
SANDBOX_WORK_DIR = Path(_RUNS)
