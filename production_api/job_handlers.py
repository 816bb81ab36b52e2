"""Job handler of the sandbox test: a thin adapter from the typed payload to the service."""

from __future__ import annotations

from jobs.runner import JobContext, register
from production_api.payloads import SandboxTestJobInput
from production_api.services import JOB_KIND, strategy_sandbox_test_run


@register(JOB_KIND)
def sandbox_test_job(job, ctx: JobContext):
    payload = SandboxTestJobInput.model_validate(job.input)
    return strategy_sandbox_test_run(owner=job.owner, payload=payload, on_event=ctx.event), 200
