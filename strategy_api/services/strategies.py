"""Writes and workflows for strategies: create, update (versioning the code), delete, review."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from retention.services import run_files_delete
from strategy_api.models import (
    ReviewStatus,
    Strategy,
    StrategyStatus,
    StrategyVersion,
    VersionSource,
)
from strategy_api.services.specs import spec_understood_as


def _strategy_dir(strategy_id: int) -> Path:
    return Path(settings.DATA_DIR) / "strategies" / str(strategy_id)


def _write_code_file(strategy: Strategy, number: int, code: str) -> str:
    """Write the version's code under the data directory (atomically); return its relative path."""
    directory = _strategy_dir(strategy.pk)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"v{number}.py"
    tmp = target.with_suffix(".py.tmp")
    tmp.write_text(code, encoding="utf-8")
    os.replace(tmp, target)
    return str(target.relative_to(settings.DATA_DIR))


def strategy_version_create(
    *,
    strategy: Strategy,
    code: str,
    source: str,
    user: AbstractBaseUser | None = None,
    message: str = "",
    status: str | None = None,
    spec: dict | None = None,
    understood_as: str | None = None,
    make_current: bool = True,
) -> StrategyVersion:
    """Record ``code`` as the strategy's next version and (by default) make it the current code.

    The strategy row is locked so concurrent writers (an API edit and a fix job, say) get
    distinct version numbers. ``status`` defaults to draft: new code has not been validated.
    ``spec`` is the canonical spec the code was compiled from; hand-edited code has none.
    ``understood_as`` (the spec in plain words) is rendered from ``spec`` unless given.
    ``make_current=False`` keeps a candidate (e.g. a failed fix attempt) in the history without
    replacing the strategy's code, so every execution can point at the exact code it ran.
    """
    with transaction.atomic():
        locked = Strategy.objects.select_for_update().get(pk=strategy.pk)
        top = locked.versions.aggregate(top=Max("number"))["top"] or 0
        version = StrategyVersion.objects.create(
            strategy=locked,
            number=top + 1,
            code=code,
            spec=spec,
            understood_as=spec_understood_as(spec) if understood_as is None else understood_as,
            source=source,
            message=message[:300],
            created_by=user if user is not None and user.is_authenticated else None,
        )
        if make_current:
            _make_current(locked, version, status=status or StrategyStatus.DRAFT)
    strategy.refresh_from_db()
    return version


def _make_current(locked: Strategy, version: StrategyVersion, *, status: str) -> None:
    locked.code = version.code
    locked.spec = version.spec
    locked.understood_as = version.understood_as
    locked.current_version = version.number
    locked.file_path = _write_code_file(locked, version.number, version.code)
    locked.status = status
    locked.save(
        update_fields=[
            "code",
            "spec",
            "understood_as",
            "current_version",
            "file_path",
            "status",
            "updated_at",
        ]
    )


def strategy_version_set_current(
    *, strategy: Strategy, version: StrategyVersion, status: str
) -> Strategy:
    """Make an existing version (e.g. a verified fix) the strategy's current code."""
    with transaction.atomic():
        locked = Strategy.objects.select_for_update().get(pk=strategy.pk)
        _make_current(locked, version, status=status)
    strategy.refresh_from_db()
    return strategy


def strategy_create(
    *,
    owner: AbstractBaseUser,
    name: str,
    description: str = "",
    code: str = "",
    source: str = VersionSource.USER,
    status: str = StrategyStatus.DRAFT,
    spec: dict | None = None,
    understood_as: str | None = None,
) -> Strategy:
    """Create a strategy; non-empty code becomes version 1."""
    with transaction.atomic():
        strategy = Strategy.objects.create(
            owner=owner, name=name, description=description, status=status
        )
        if code:
            strategy_version_create(
                strategy=strategy,
                code=code,
                source=source,
                user=owner,
                status=status,
                spec=spec,
                understood_as=understood_as,
            )
    return strategy


def strategy_update(
    *,
    strategy: Strategy,
    user: AbstractBaseUser,
    name: str | None = None,
    description: str | None = None,
    code: str | None = None,
) -> Strategy:
    """Change name/description; a change of code creates a new version (source "user")."""
    with transaction.atomic():
        fields = []
        if name is not None and name != strategy.name:
            strategy.name = name
            fields.append("name")
        if description is not None and description != strategy.description:
            strategy.description = description
            fields.append("description")
        if fields:
            strategy.save(update_fields=[*fields, "updated_at"])
        if code is not None and code != strategy.code:
            strategy_version_create(
                strategy=strategy, code=code, source=VersionSource.USER, user=user
            )
    return strategy


def strategy_delete(*, strategy: Strategy) -> None:
    """Delete the strategy, its versions, its executions' run files and its code files."""
    directory = _strategy_dir(strategy.pk)
    run_names = [
        name
        for pair in strategy.executions.values_list("results_file", "plot_file")
        for name in pair
    ]
    strategy.delete()
    run_files_delete(*run_names)
    transaction.on_commit(lambda: shutil.rmtree(directory, ignore_errors=True))


def strategy_review(
    *, strategy: Strategy, reviewer: AbstractBaseUser, decision: str, notes: str | None = None
) -> Strategy:
    """Set the admin review outcome (approved/rejected/pending) with who and when."""
    if decision not in ReviewStatus.values:
        raise ValueError(f"unknown review decision {decision!r}")
    strategy.review_status = decision
    strategy.reviewed_by = reviewer
    strategy.reviewed_at = timezone.now()
    fields = ["review_status", "reviewed_by", "reviewed_at", "updated_at"]
    if notes is not None:
        strategy.reviewer_notes = notes
        fields.append("reviewer_notes")
    strategy.save(update_fields=fields)
    return strategy


def strategy_version_restore(
    *, strategy: Strategy, number: int, user: AbstractBaseUser
) -> StrategyVersion:
    """Make an earlier version's code current again, as a new version (history is kept)."""
    try:
        old = strategy.versions.get(number=number)
    except StrategyVersion.DoesNotExist:
        raise Http404(f"Strategy {strategy.pk} has no version {number}.") from None
    return strategy_version_create(
        strategy=strategy,
        code=old.code,
        spec=old.spec,
        source=VersionSource.RESTORE,
        user=user,
        message=f"Restored from version {number}",
    )
