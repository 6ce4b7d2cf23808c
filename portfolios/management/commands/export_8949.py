"""`export_8949 KEY [--year YYYY] [--format json|csv]` — FORMATS.md §4."""

from django.core.management.base import BaseCommand, CommandError

from advisors.models import Household
from portfolios.exports import FORM_8949_FIELDS, form_8949_rows, render


class Command(BaseCommand):
    help = "Form 8949 rows (taxable accounts only) of a household."

    def add_arguments(self, parser):
        parser.add_argument("key")
        parser.add_argument("--year", type=int)
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **opts):
        household = Household.objects.filter(key=opts["key"]).first()
        if household is None:
            raise CommandError(f"no household with key {opts['key']!r}")
        rows = form_8949_rows(household, opts["year"])
        self.stdout.write(render(rows, opts["format"], FORM_8949_FIELDS))
