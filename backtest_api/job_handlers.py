"""Job handler of backtest runs: a thin adapter from a Job's input to the run service."""

from __future__ import annotations

from backtest_api.models import BacktestRun
from backtest_api.payloads import BacktestJobInput
from backtest_api.serializers import BacktestRunResultSerializer
from backtest_api.services import backtest_run_execute
from backtest_api.services.runs import JOB_KIND
from jobs.runner import JobContext, register
from jobs.services import JobFailure


@register(JOB_KIND)
def backtest_job(job, ctx: JobContext):
    run = (
        BacktestRun.objects.select_related("owner", "version")
        .filter(pk=BacktestJobInput.model_validate(job.input).run_id, owner=job.owner)
        .first()
    )
    if run is None:
        raise JobFailure("not_found", "The backtest run no longer exists.", http_status=404)
    run = backtest_run_execute(
        run=run, job=job, on_event=ctx.event, check_cancelled=ctx.check_cancelled
    )
    return BacktestRunResultSerializer(run).data, 200
