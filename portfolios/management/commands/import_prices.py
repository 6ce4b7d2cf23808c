"""`import_prices FILE` — FORMATS.md §3: CSV (optionally gzip), upsert by (symbol, date)."""

import json

from django.core.management.base import BaseCommand

from portfolios import services
from portfolios.imports.errors import FileErrors
from portfolios.management.commands._base import refuse


class Command(BaseCommand):
    help = "Import daily closes: header date,symbol,close (more columns ignored)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--adjusted", action="store_true", help="read the adj_close column instead of close"
        )

    def handle(self, *args, **opts):
        try:
            summary = services.prices_import(path=opts["file"], use_adjusted=opts["adjusted"])
        except FileErrors as exc:
            raise refuse(exc) from None
        self.stderr.write(f"{summary['rows']} prices imported")
        self.stdout.write(json.dumps(summary))
