"""`wash_monitor` — run the post-trade wash-sale monitor now (it also runs nightly)."""

import json

from django.core.management.base import BaseCommand

from harvesting import services


class Command(BaseCommand):
    help = "Alert advisors to wash sales that appeared after a loss was taken."

    def handle(self, *args, **opts):
        self.stdout.write(json.dumps(services.wash_monitor_run()))
