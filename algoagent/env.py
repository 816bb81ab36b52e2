"""Typed readers for environment variables that fail loudly, naming the variable.

Every setting in ``settings.py`` goes through one of these, so a typo in a deployment gives an
``ImproperlyConfigured`` that says which variable is wrong instead of a confusing failure later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    """Return the variable as a string, or ``default`` when unset."""
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    """Return a boolean from true/false, 1/0, yes/no, on/off (case-insensitive)."""
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false, 1/0), got {value!r}")


def env_int(
    name: str,
    default: int,
    *,
    min_value: int | None = None,
    max_value: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Return an integer, checked against optional bounds."""
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
    if min_value is not None and number < min_value:
        raise ImproperlyConfigured(f"{name} must be >= {min_value}, got {number}")
    if max_value is not None and number > max_value:
        raise ImproperlyConfigured(f"{name} must be <= {max_value}, got {number}")
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """Return a comma-separated list with blanks removed."""
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(
    name: str, default: str, choices: tuple[str, ...], *, environ: Mapping[str, str] | None = None
) -> str:
    """Return one of ``choices`` (case-insensitive)."""
    value = (_raw(name, environ) or default).lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def env_path(
    name: str, default: Path, *, base: Path, environ: Mapping[str, str] | None = None
) -> Path:
    """Return a path; relative values are resolved against ``base``."""
    value = _raw(name, environ)
    path = Path(value).expanduser() if value else default
    return (path if path.is_absolute() else base / path).resolve()
