"""Celery tasks: thin, named after the services they call (DESIGN.md rule 4).

Arguments are ids and ISO dates. Tasks acknowledge late (a worker that dies mid-chunk
leaves the message for another) and retry only database outages; the work itself is
idempotent (finished run items are skipped, proposals are unique per household and day).
"""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.db import OperationalError

from harvesting import services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def harvest_chunk_scan(self, run_id: int, household_ids: list[int]) -> dict:
    return services.harvest_chunk_scan(run_id=run_id, household_ids=household_ids)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def harvest_run_start(as_of: str | None = None, household_keys: list[str] | None = None) -> int:
    run = services.harvest_run_start(
        as_of=date.fromisoformat(as_of) if as_of else None,
        household_keys=household_keys,
        trigger="task",
        inline=False,
    )
    return run.id


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def harvest_run_start_nightly() -> int | None:
    """Beat's entry: scan the latest price date once (a holiday has no new prices)."""
    from harvesting.models import HarvestRun

    latest = services.latest_price_date()
    if latest is None or HarvestRun.objects.filter(as_of=latest, trigger="beat").exists():
        return None
    return services.harvest_run_start(as_of=latest, trigger="beat", inline=False).id


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def wash_monitor_run() -> dict:
    return services.wash_monitor_run()
