"""Fixtures of the backtest tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def db_backend(settings):
    """Jobs go to the database queue and, with no worker running, stay queued."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
