"""Job handlers of the market-data app: thin adapters from a Job's input to the services."""

from __future__ import annotations

from data_api.services import market_data_fetch
from jobs.runner import JobContext, register


@register("data_fetch")
def data_fetch_job(job, ctx: JobContext):
    params = job.input
    info = market_data_fetch(
        symbol=params["symbol"],
        start=params.get("start"),
        end=params.get("end"),
        interval=params.get("interval", "1d"),
        on_event=ctx.event,
    )
    return info.to_dict(), 200
