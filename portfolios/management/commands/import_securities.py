"""`import_securities FILE` — FORMATS.md §3b: upsert securities by symbol."""

import json

from django.core.management.base import BaseCommand

from portfolios import services
from portfolios.imports.errors import FileErrors
from portfolios.management.commands._base import refuse


class Command(BaseCommand):
    help = "Import securities: header symbol,name then optional descriptive columns."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **opts):
        try:
            summary = services.securities_import(path=opts["file"])
        except FileErrors as exc:
            raise refuse(exc) from None
        self.stderr.write(f"{summary['created']} securities created, {summary['updated']} updated")
        self.stdout.write(json.dumps(summary))
