"""`import_household FILE` — FORMATS.md §1; atomic, replaces a household with the same key."""

import json

from django.core.management.base import BaseCommand

from portfolios import services
from portfolios.imports.errors import FileErrors
from portfolios.imports.jsonfile import load_json_file
from portfolios.management.commands._base import refuse


class Command(BaseCommand):
    help = "Import a household file (JSON); a file with any bad row changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **opts):
        try:
            summary = services.household_import(document=load_json_file(opts["file"]))
        except FileErrors as exc:
            raise refuse(exc) from None
        out = {
            "household": summary.household.key,
            "created": summary.created,
            "transactions": summary.transactions,
            "open_lots": summary.open_lots,
            "form_8949_rows": summary.realized_rows,
            "new_securities": summary.new_securities,
        }
        verb = "created" if summary.created else "replaced"
        self.stderr.write(
            f"household {summary.household.key} {verb}: {summary.transactions} transactions, "
            f"{summary.open_lots} open lots, {summary.realized_rows} Form 8949 rows"
        )
        if summary.new_securities:
            self.stderr.write("new securities: " + ", ".join(summary.new_securities))
        if summary.new_advisor:
            self.stderr.write(f"new advisor login {summary.new_advisor!r} (no password set yet)")
        if opts["format"] == "json":
            self.stdout.write(json.dumps(out, indent=2))
