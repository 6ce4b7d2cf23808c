"""`harvest_scan [--as-of DATE] [--household KEY ...] [--format json]` — FORMATS.md §6.

Runs the nightly pipeline through the Celery workers when they answer, otherwise in this
process, waits for it, and prints the run's summary. Running it twice for one date creates
no duplicate proposals.
"""

import json
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from harvesting import services
from harvesting.models import HarvestRun
from harvesting.workers import workers_available


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of: {value!r} is not a date YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Scan households for tax-loss harvests and write proposals."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=iso_date)
        parser.add_argument("--household", action="append", dest="households", default=[])
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument("--timeout", type=int, default=3600, help="seconds to wait for workers")

    def handle(self, *args, **opts):
        inline = not workers_available()
        try:
            run = services.harvest_run_start(
                as_of=opts["as_of"], household_keys=opts["households"] or None,
                trigger="command", inline=inline,
            )
        except services.HarvestError as exc:
            raise CommandError(str(exc)) from None
        deadline = time.monotonic() + opts["timeout"]
        while not inline and time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status != HarvestRun.RUNNING:
                break
            time.sleep(0.5)
        summary = services.run_summary(run)
        self.stderr.write(
            f"run {summary['run']} for {summary['as_of']}: {summary['households']} households, "
            f"{summary['proposals_created']} proposals, {len(summary['errors'])} errors"
            + ("" if not inline else " (in process)")
        )
        if opts["format"] == "json":
            self.stdout.write(json.dumps(summary, indent=2))
        else:
            self.stdout.write(json.dumps(summary))
