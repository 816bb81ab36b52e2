"""Backtest runs: submit (validated, then queued as a job), execute in the sandbox, cancel, delete.

A run row exists from the moment it is submitted, so it can be listed and cancelled while it
waits; the ``backtest`` job handler moves it through running to succeeded/failed/cancelled.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from Backtest.errors import AlgoAgentError
from Backtest.pipeline import BacktestOutcome, BacktestRequest
from backtest_api import pipeline, plot_drawing
from backtest_api.models import BacktestConfig, BacktestRun, PlotStatus, RunSource, RunStatus
from backtest_api.payloads import BacktestJobInput
from backtest_api.services.configs import (
    BROKER_FIELDS,
    backtest_config_for_run,
    backtest_request_of,
    backtest_settings_resolve,
)
from jobs.events import EventSink, no_events
from jobs.models import Job, JobStatus
from jobs.services import (
    AlreadyFinished,
    JobCancelled,
    JobFailure,
    job_cancel,
    job_mark_stale_failed,
    job_submit,
)
from retention.services import run_files_delete
from strategy_api.models import Strategy, StrategyVersion
from strategy_api.selectors import strategy_list
from strategy_api.services.executions import strategy_current_version
from strategy_api.services.specs import code_validate, spec_compile, spec_normalised

JOB_KIND = "backtest"
INLINE_LABEL = "inline"


@dataclass(frozen=True)
class _Source:
    kind: str
    label: str
    strategy: Strategy | None = None
    version: StrategyVersion | None = None
    code: str = ""
    spec: dict[str, Any] | None = None


def _strategy_source(*, user: User, pk: int, number: int | None) -> _Source:
    strategy = strategy_list(user=user).filter(pk=pk).first()
    if strategy is None:
        raise ValidationError({"strategy": [f"You have no strategy {pk}."]})
    if number is None:
        version = strategy_current_version(strategy=strategy)
    else:
        found = strategy.versions.filter(number=number).first()
        if found is None:
            raise ValidationError({"version": [f"Strategy {pk} has no version {number}."]})
        version = found
    label = f"{strategy.name} v{version.number}"
    return _Source(RunSource.STRATEGY, label, strategy=strategy, version=version)


def _code_source(code: str) -> _Source:
    """Inline code passes the static validator before it is queued (400 with its lines)."""
    report = code_validate(code=code)
    if not report["valid"]:
        problems = [
            f"line {f['line']}: {f['message']}" if f["line"] else f["message"]
            for f in report["findings"]
            if f["severity"] == "error"
        ]
        raise ValidationError({"code": problems})
    return _Source(RunSource.CODE, INLINE_LABEL, code=code)


def _spec_source(spec: Any) -> _Source:
    validated, code = spec_compile(data=spec, field_prefix="spec.")
    return _Source(RunSource.SPEC, INLINE_LABEL, code=code, spec=spec_normalised(validated))


def backtest_run_submit(
    *,
    owner: User,
    strategy: int | None = None,
    version: int | None = None,
    code: str | None = None,
    spec: Any = None,
    config: int | None = None,
    **overrides: Any,
) -> BacktestRun:
    """Validate the source and settings, then record a queued run and enqueue its job.

    The source is exactly one of ``strategy`` (id, optional ``version`` number; default its
    current code), ``code`` or ``spec`` (compiled). Settings come from ``config`` (id) with
    ``overrides`` (symbol, interval, start, end, cash ...) on top. Everything that needs no
    sandbox is checked here: unknown ids, spec errors, static code errors, symbol and range.
    """
    if strategy is not None:
        source = _strategy_source(user=owner, pk=strategy, number=version)
    elif spec is not None:
        source = _spec_source(spec)
    else:
        source = _code_source(code or "")
    saved: BacktestConfig | None = None
    if config is not None:
        saved = backtest_config_for_run(user=owner, pk=config)
    request = backtest_settings_resolve(user=owner, config=saved, overrides=overrides)
    with transaction.atomic():  # with the database task backend: neither row without the other
        run = BacktestRun.objects.create(
            owner=owner,
            config=saved,
            source=source.kind,
            label=source.label[:250],
            strategy=source.strategy,
            version=source.version,
            code=source.code,
            spec=source.spec,
            symbol=request.symbol,
            interval=request.interval or "",
            start=request.start,
            end=request.end,
            settings={name: getattr(request, name) for name in BROKER_FIELDS},
        )
        job = job_submit(
            owner=owner,
            kind=JOB_KIND,
            input=BacktestJobInput(run_id=run.pk),
            strategy=source.strategy,
        )
        BacktestRun.objects.filter(pk=run.pk).update(job=job)
    run.refresh_from_db()
    return run


def _progress(run: BacktestRun, on_event: EventSink, kind: str, message: str, **kwargs) -> None:
    on_event(kind, message, **kwargs)
    if kwargs.get("progress") is not None:
        BacktestRun.objects.filter(
            pk=run.pk, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
        ).update(progress=kwargs["progress"])


def _finish(run: BacktestRun, run_status: str, **fields: Any) -> None:
    fields.update(status=run_status, finished_at=timezone.now())
    if run_status == RunStatus.SUCCEEDED:
        fields["progress"] = 100
    BacktestRun.objects.filter(pk=run.pk).update(**fields)


def _record(run: BacktestRun, outcome: BacktestOutcome, plot_status: str) -> None:
    fields = pipeline.outcome_fields(outcome)
    fields["plot_status"] = PlotStatus.READY if fields["plot_file"] else plot_status
    _finish(run, RunStatus.SUCCEEDED, **fields)


def _run_code(run: BacktestRun) -> str:
    if run.source != RunSource.STRATEGY:
        return run.code
    if run.version is None:
        raise JobFailure(
            "not_found", "The strategy version of this run no longer exists.", http_status=404
        )
    return run.version.code


def run_request(run: BacktestRun) -> BacktestRequest:
    """The ``BacktestRequest`` a stored run was submitted with."""
    return backtest_request_of(
        {
            "symbol": run.symbol,
            "interval": run.interval,
            "start": run.start,
            "end": run.end,
            **{k: v for k, v in run.settings.items() if k in BROKER_FIELDS},
        }
    )


def _execute(
    run: BacktestRun,
    request: BacktestRequest,
    code: str,
    on_event: EventSink,
    check_cancelled: Callable[[], None],
) -> BacktestOutcome:
    check_cancelled()
    _progress(
        run,
        on_event,
        "executing",
        f"Backtesting {run.label} on {run.symbol}",
        data={"run_id": run.pk, "symbol": run.symbol},
        progress=5,
    )
    # The answer does not wait for the plot: it is drawn by a second sandboxed run afterwards.
    return pipeline.backtest_execute(
        owner=run.owner,
        request=plot_drawing.plot_deferred(request),
        code=code,
        on_event=on_event,
    )


def backtest_run_execute(
    *,
    run: BacktestRun,
    job=None,
    on_event: EventSink = no_events,
    check_cancelled: Callable[[], None] = lambda: None,
) -> BacktestRun:
    """Run a queued run in the sandbox and store everything it produced.

    Code that fails is a succeeded run with ``success`` false (its error and line are kept);
    unusable data is a ``JobFailure`` (422). Whatever ends the job, the run records it: failed
    for a ``JobFailure`` or a crash, cancelled for a ``JobCancelled``; the exception goes on to
    the job runner.
    """
    BacktestRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        job_id=job.pk if job is not None else run.job_id,
    )
    try:
        code = _run_code(run)
        request = run_request(run)
        outcome = _execute(run, request, code, on_event, check_cancelled)
    except JobCancelled:
        _finish(run, RunStatus.CANCELLED)
        raise
    except AlgoAgentError as exc:
        _finish(run, RunStatus.FAILED, error_type=exc.code, error_message=exc.message)
        raise
    except Exception:
        _finish(
            run,
            RunStatus.FAILED,
            error_type="server_error",
            error_message="The run failed with an unexpected error. It has been logged.",
        )
        raise
    plot_status = plot_drawing.plot_status_initial(request=request, outcome=outcome)
    _record(run, outcome, plot_status)
    if plot_status == PlotStatus.PENDING:
        plot_drawing.plot_followup_submit(
            model=BacktestRun,
            pk=run.pk,
            owner=run.owner,
            request=request,
            code=code,
            outcome=outcome,
        )
    result = outcome.result
    _progress(
        run,
        on_event,
        "execution_finished",
        "Run succeeded" if result.success else f"Run failed: {result.error_type}",
        data={
            "run_id": run.pk,
            "success": result.success,
            "status": outcome.status,
            "error_type": result.error_type,
            "num_trades": result.num_trades,
        },
        progress=95,
    )
    run.refresh_from_db()
    return run


def backtest_run_sync(*, run: BacktestRun) -> BacktestRun:
    """Give an unfinished run the outcome of a job that ended without reaching the handler.

    The handler records every outcome it sees; a job cancelled before it started, or failed
    because its worker died (see ``job_mark_stale_failed``), never got there.
    """
    if run.is_finished or run.job_id is None:
        return run
    job_mark_stale_failed()
    job = Job.objects.only("status", "error").get(pk=run.job_id)
    fields: dict[str, Any] = {"finished_at": timezone.now()}
    if job.status == JobStatus.CANCELLED:
        fields["status"] = RunStatus.CANCELLED
    elif job.status == JobStatus.FAILED:
        error = job.error or {}
        fields.update(
            status=RunStatus.FAILED,
            error_type=str(error.get("code", "job_failed"))[:64],
            error_message=str(error.get("message", "")),
        )
    else:
        return run
    unfinished = (RunStatus.QUEUED, RunStatus.RUNNING)
    BacktestRun.objects.filter(pk=run.pk, status__in=unfinished).update(**fields)
    run.refresh_from_db()
    return run


def backtest_run_cancel(*, run: BacktestRun) -> BacktestRun:
    """Cancel the run's job: a queued run is cancelled at once, a running one at its next
    checkpoint (code already in the sandbox finishes). A finished run is a 409
    (``AlreadyFinished``, the refusal of every cancel endpoint), whether the run or its job
    was seen to finish first."""
    run = backtest_run_sync(run=run)
    if not run.is_finished and run.job is not None:
        try:
            job_cancel(job=run.job)
        except AlreadyFinished:
            run = backtest_run_sync(run=run)  # the job finished since the run was read
            if not run.is_finished:
                raise
        else:
            return backtest_run_sync(run=run)
    if run.is_finished:
        raise AlreadyFinished(
            what=f"Backtest run {run.pk}",
            status=str(run.status),
            code="run_finished",
            details={"run_id": run.pk},
        )
    return run


def backtest_run_delete(*, run: BacktestRun) -> None:
    """Delete the run and its sandbox files; a run still waiting is cancelled first."""
    if run.job is not None and not run.is_finished:
        with contextlib.suppress(AlreadyFinished):  # it finished meanwhile: nothing to stop
            job_cancel(job=run.job)
    names = (run.results_file, run.plot_file)
    run.delete()
    run_files_delete(*names)
