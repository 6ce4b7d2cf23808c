"""`import_swap_list FILE` — FORMATS.md §2; replaces the whole list atomically."""

import json

from django.core.management.base import BaseCommand

from harvesting import services
from portfolios.imports.errors import FileErrors
from portfolios.imports.jsonfile import load_json_file
from portfolios.management.commands._base import refuse


class Command(BaseCommand):
    help = "Import the firm's swap list (identical groups and ranked swap pairs)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **opts):
        try:
            summary = services.swap_list_import(document=load_json_file(opts["file"]))
        except FileErrors as exc:
            raise refuse(exc) from None
        self.stderr.write(
            f"{summary['identical_groups']} identical groups, {summary['swap_pairs']} swap pairs"
        )
        self.stdout.write(json.dumps(summary))
