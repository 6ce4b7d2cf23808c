"""`python manage.py tax_calc KIND [FILE|-]` — the tax calculator on the command line (FORMATS §5).

Reads one JSON object from FILE, or from stdin when FILE is `-` or omitted, runs
`portfolios.taxlots.calculator.calculate(KIND, object)` and prints the result as JSON on
stdout. Bad input (a float, an unknown field or kind, a missing or negative amount, a bad
filing status, invalid JSON) is reported on stderr naming the field, with a non-zero exit.

    $ echo '{"taxable_income": "250000"}' | python manage.py tax_calc ordinary
    {
      "tax": "45196.00"
    }
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portfolios.taxlots.calculator import KINDS, calculate
from portfolios.taxlots.money import InputError


class Command(BaseCommand):
    help = (
        "Tax calculator (FORMATS.md section 5): KIND is one of "
        + ", ".join(KINDS)
        + "; reads a JSON object from FILE or stdin and prints the JSON result."
    )
    # call_command("tax_calc", "netting", stdin=io.StringIO(...)) feeds stdin in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("kind", help=f"one of: {', '.join(KINDS)}")
        parser.add_argument(
            "file", nargs="?", default="-", help="JSON input file; '-' or omitted: stdin"
        )

    def handle(self, *args, **options):
        kind = options["kind"]
        text = self._read(options["file"], options.get("stdin") or sys.stdin)
        try:
            # Floats stay Python floats here so that parse_decimal refuses them naming the
            # field (FORMATS "General rules"); NaN/Infinity arrive as floats and are refused too.
            payload = json.loads(text, parse_float=float)
        except json.JSONDecodeError as exc:
            raise CommandError(f"tax_calc {kind}: input: not valid JSON: {exc}") from None
        try:
            result = calculate(kind, payload)
        except InputError as exc:
            raise CommandError(f"tax_calc {kind}: {exc.field}: {exc.message}") from None
        self.stdout.write(json.dumps(result, indent=2))

    @staticmethod
    def _read(file: str, stdin) -> str:
        if file == "-":
            return stdin.read()
        try:
            return Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"tax_calc: cannot read {file}: {exc.strerror or exc}") from None
