"""The README names only endpoints that exist, and its walkthrough is the script CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
_PATH = re.compile(r"(/api/[A-Za-z0-9_./{}<>$-]*)")


def _concrete(path: str) -> str:
    path = re.sub(r"\{[^}]+\}|<[^>]+>|\$[A-Za-z_]+|…", "1", path.split("?")[0])
    path = path.rstrip(".")
    return path if path.endswith("/") else path + "/"


PATHS = sorted({_concrete(p) for p in _PATH.findall(README) if not p.endswith("...")})


def test_the_readme_mentions_endpoints():
    assert len(PATHS) > 30


@pytest.mark.parametrize("path", PATHS)
def test_every_endpoint_in_the_readme_exists(path):
    if any(other.startswith(path) and other != path for other in PATHS):
        return  # a section's prefix, e.g. "Market data (`/api/data/`)"
    try:
        resolve(path)
    except Resolver404:
        pytest.fail(f"README names {path}, which no URL pattern serves")


def test_the_walkthrough_script_covers_the_readme_examples():
    script = (ROOT / "scripts" / "walkthrough.sh").read_text()
    walkthrough = README.split("## API walkthrough (curl)")[1].split("### Endpoints")[0]
    missing = [
        path
        for path in {_concrete(p) for p in _PATH.findall(walkthrough)}
        if path.split("/")[2] not in script
    ]
    assert missing == []
