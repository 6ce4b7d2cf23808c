"""`export_lots KEY [--format json|csv]` — FORMATS.md §4: every open lot, every account."""

from django.core.management.base import BaseCommand, CommandError

from advisors.models import Household
from portfolios.exports import LOT_FIELDS, open_lot_rows, render


class Command(BaseCommand):
    help = "Open lots of a household with adjusted basis and holding-period start."

    def add_arguments(self, parser):
        parser.add_argument("key")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **opts):
        household = Household.objects.filter(key=opts["key"]).first()
        if household is None:
            raise CommandError(f"no household with key {opts['key']!r}")
        self.stdout.write(render(open_lot_rows(household), opts["format"], LOT_FIELDS))
