"""Every environment variable the settings read is documented in .env.example and the README."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _variables_read_by_settings() -> set[str]:
    source = (ROOT / "algoagent" / "settings.py").read_text()
    return set(re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]+)"', source))


def test_every_setting_variable_is_in_env_example():
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    assert _variables_read_by_settings() - documented == set()


def test_every_setting_variable_is_in_readme_table():
    readme = (ROOT / "README.md").read_text()
    missing = {name for name in _variables_read_by_settings() if f"`{name}`" not in readme}
    assert missing == set()
