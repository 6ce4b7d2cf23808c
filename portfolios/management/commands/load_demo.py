"""`load_demo` — the demo `make run` shows: logins for every role and the worked example.

Idempotent: households are replaced by key, users are created once. Demo logins exist only
because this command creates them (password `taxalpha-demo`); production never runs it.
"""

from django.core.management.base import BaseCommand

from portfolios import demo


class Command(BaseCommand):
    help = "Load the demo households, prices, swap list and logins (idempotent)."

    def handle(self, *args, **opts):
        report = demo.load_demo()
        for line in report:
            self.stderr.write(line)
