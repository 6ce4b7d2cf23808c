"""`charitable_gift KEY AMOUNT [--as-of YYYY-MM-DD] [--format text|json]`

Long-term appreciated lots ranked by unrealized gain per dollar; the lots that cover the
gift, the deduction at market value and the capital-gains tax avoided against selling the
shares and giving cash (`reports.planning`).
"""

from django.core.management.base import BaseCommand

from reports import planning
from reports.management.commands import _output as out


class Command(BaseCommand):
    help = "Appreciated lots to give for a charitable gift, and the tax avoided."

    def add_arguments(self, parser):
        out.add_common(parser)

    def handle(self, *args, **opts):
        household, as_of = out.household_and_day(opts)
        amount = out.amount(opts["amount"])
        r, ctx = planning.household_charitable_gift(household, amount, as_of)
        if opts["format"] == "json":
            self.stdout.write(out.dump({
                "household": household.key, "as_of": as_of.isoformat(),
                "amount": out.money(amount), "deduction": out.money(r.value),
                "gain_avoided": out.money(r.gain_avoided), "tax_avoided": out.money(r.tax_avoided),
                "deduction_worth": out.money(r.deduction_worth), "shortfall": out.money(r.shortfall),
                "gift": [out.pick_json(p) for p in r.picks],
                "ranked": [out.pick_json(p) | {"gain_per_dollar": out.rate(
                    p.gain_per_dollar.quantize(planning.Decimal("0.0001")))} for p in r.ranked],
                "not_ranked": [out.excluded_json(e) for e in r.not_ranked],
                "rate_source": ctx.rate_source,
            }))
            return
        self.stdout.write(f"Give {out.money(amount)} from {household.key} at {as_of.isoformat()}")
        for p in r.picks:
            self.stdout.write(f"  {planning.describe_pick(p)}")
        self.stdout.write(f"deduction at market value {out.money(r.value)}; capital-gains tax "
                          f"avoided vs selling and giving cash {out.money(r.tax_avoided)}")
