"""`load_demo [--small]` — the demo `make run` shows: logins for every role, real market
data and households that exercise every capability (see `portfolios/demo.py`).

Idempotent: the demo households are replaced, users are created once. Demo logins exist only
because this command creates them (password `taxalpha-demo`); production never runs it.
`--small` loads a slice (a few stocks, a few weeks of March 2020) for the test suite.
"""

from django.core.management.base import BaseCommand

from portfolios import demo


class Command(BaseCommand):
    help = "Load the demo households, prices, swap list and logins (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--small", action="store_true",
                            help="a small slice: a few stocks over a few weeks (tests)")

    def handle(self, *args, **opts):
        report = demo.load_demo(small=opts["small"], progress=self.stderr.write)
        for line in report:
            self.stderr.write(line)
