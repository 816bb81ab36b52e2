"""The Postman collection covers every endpoint of the OpenAPI schema and is up to date."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from drf_spectacular.generators import SchemaGenerator

ROOT = Path(__file__).resolve().parents[1]
COLLECTION = ROOT / "postman" / "AlgoAgent.postman_collection.json"


def _requests(items):
    for item in items:
        if "item" in item:
            yield from _requests(item["item"])
        else:
            yield item["request"]


def _collection_operations() -> list[tuple[str, str]]:
    collection = json.loads(COLLECTION.read_text())
    operations = []
    for req in _requests(collection["item"]):
        path = req["url"]["raw"].replace("{{baseUrl}}", "").split("?")[0]
        operations.append((req["method"].lower(), path))
    return operations


def _matches(template: str, path: str) -> bool:
    pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"
    return re.match(pattern, path) is not None


def test_every_schema_operation_is_in_the_collection():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    requests = _collection_operations()
    missing = []
    for path, operations in schema["paths"].items():
        for method in operations:
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            if not any(m == method and _matches(path, p) for m, p in requests):
                missing.append(f"{method.upper()} {path}")
    assert missing == [], "add these to scripts/build_postman.py"


def test_collection_file_is_generated_from_the_walkthrough():
    result = subprocess.run(
        [sys.executable, "scripts/build_postman.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
