"""Settings load from the environment and refuse unsafe or malformed configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ALGOAGENT_", "DJANGO_"))}
    clean.pop("SECRET_KEY", None)
    clean.pop("DATABASE_URL", None)
    clean.pop("DEBUG", None)
    clean.update({"ALGOAGENT_DATA_DIR": str(tmp_path / "data"), **env})
    code = "import algoagent.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_profile_requires_secret_key(tmp_path):
    result = _load_settings(tmp_path, ALGOAGENT_PROFILE="production")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is false" in result.stderr


def test_production_profile_defaults_to_debug_off(tmp_path):
    result = _load_settings(tmp_path, ALGOAGENT_PROFILE="production", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3"]


def test_local_profile_generates_and_keeps_secret_key_in_data_dir(tmp_path):
    first = _load_settings(tmp_path, ALGOAGENT_PROFILE="local")
    assert first.returncode == 0, first.stderr
    assert first.stdout.split()[0] == "True"
    key_file = tmp_path / "data" / "secret_key"
    key = key_file.read_text()
    assert len(key) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert _load_settings(tmp_path, ALGOAGENT_PROFILE="local").returncode == 0
    assert key_file.read_text() == key


def test_database_url_selects_postgresql(tmp_path):
    result = _load_settings(
        tmp_path, ALGOAGENT_PROFILE="local", DATABASE_URL="postgres://u@127.0.0.1:5432/db"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "django.db.backends.postgresql"


def test_bad_values_name_the_variable(tmp_path):
    bad_db = _load_settings(tmp_path, ALGOAGENT_PROFILE="local", DATABASE_URL="nonsense://")
    assert "DATABASE_URL" in bad_db.stderr
    bad_debug = _load_settings(tmp_path, ALGOAGENT_PROFILE="local", DEBUG="perhaps")
    assert "DEBUG must be a boolean" in bad_debug.stderr
    bad_profile = _load_settings(tmp_path, ALGOAGENT_PROFILE="staging")
    assert "ALGOAGENT_PROFILE must be one of" in bad_profile.stderr
