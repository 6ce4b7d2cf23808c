"""`raise_cash KEY AMOUNT [--as-of YYYY-MM-DD] [--format text|json]`

Which taxable lots to sell for AMOUNT at the least tax this year — losses first, then the
highest-basis long-term lots — against FIFO, never a restricted lot nor a loss a purchase
in the 61-day window would wash (`reports.planning`). Proposes only: nothing is traded.
"""

from django.core.management.base import BaseCommand

from reports import planning
from reports.management.commands import _output as out


def choice_json(choice) -> dict:
    return {
        "method": choice.method, "proceeds": out.money(choice.proceeds),
        "gain_st": out.money(choice.gain_st), "gain_lt": out.money(choice.gain_lt),
        "tax": out.money(choice.tax), "shortfall": out.money(choice.shortfall),
        "lots": [out.pick_json(p) for p in choice.picks],
    }


class Command(BaseCommand):
    help = "Lots to sell for an amount at the least tax this year, against FIFO."

    def add_arguments(self, parser):
        out.add_common(parser)

    def handle(self, *args, **opts):
        household, as_of = out.household_and_day(opts)
        amount = out.amount(opts["amount"])
        result, ctx = planning.household_raise_cash(household, amount, as_of)
        if opts["format"] == "json":
            self.stdout.write(out.dump({
                "household": household.key, "as_of": as_of.isoformat(),
                "amount": out.money(amount), "choice": choice_json(result.choice),
                "fifo": choice_json(result.fifo), "saved_vs_fifo": out.money(result.saved_vs_fifo),
                "excluded": [out.excluded_json(e) for e in result.excluded],
                "rates": {"ordinary": out.rate(result.base.ordinary_rate),
                          "st": out.rate(result.base.st_rate), "lt": out.rate(result.base.lt_rate),
                          "source": ctx.rate_source},
            }))
            return
        self.stdout.write(f"Raise {out.money(amount)} for {household.key} at {as_of.isoformat()}")
        for label, choice in (("tax-aware", result.choice), ("FIFO", result.fifo)):
            self.stdout.write(f"{label}: proceeds {out.money(choice.proceeds)}, tax this year "
                              f"{out.money(choice.tax)}")
            for p in choice.picks:
                self.stdout.write(f"  {planning.describe_pick(p)}")
        self.stdout.write(f"saved vs FIFO: {out.money(result.saved_vs_fifo)}")
        for e in result.excluded:
            self.stdout.write(f"  not sold: {e.account} {e.symbol} {e.purchase_date} — "
                              f"{e.reason}: {e.detail}")
