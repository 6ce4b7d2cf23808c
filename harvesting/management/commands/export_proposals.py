"""`export_proposals KEY [--as-of DATE] [--status STATUS] [--format json|csv]` — FORMATS.md §6."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from advisors.models import Household
from harvesting.models import Proposal
from harvesting.proposal_format import proposal_document, proposals_csv


class Command(BaseCommand):
    help = "Export a household's proposals (one object per proposal)."

    def add_arguments(self, parser):
        parser.add_argument("key")
        parser.add_argument("--as-of", type=date.fromisoformat)
        parser.add_argument("--status", choices=[s for s, _ in Proposal.STATUSES])
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **opts):
        household = Household.objects.filter(key=opts["key"]).first()
        if household is None:
            raise CommandError(f"no household with key {opts['key']!r}")
        qs = Proposal.objects.filter(household=household).select_related("household")
        qs = qs.prefetch_related("legs__account", "legs__sell_security", "legs__buy_security")
        if opts["as_of"]:
            qs = qs.filter(as_of=opts["as_of"])
        if opts["status"]:
            qs = qs.filter(status=opts["status"])
        documents = [proposal_document(p) for p in qs.order_by("as_of", "id")]
        if opts["format"] == "json":
            self.stdout.write(json.dumps(documents, indent=2))
        else:
            self.stdout.write(proposals_csv(documents))
