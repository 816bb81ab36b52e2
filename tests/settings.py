"""Test entry point for settings: selects the test profile, then loads the one settings module."""

import os

os.environ.setdefault("ALGOAGENT_PROFILE", "test")
os.environ.setdefault("ALGOAGENT_DATA_DIR", "var/test")

from algoagent.settings import *  # noqa: F403
