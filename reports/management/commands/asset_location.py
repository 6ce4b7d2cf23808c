"""`asset_location KEY [--as-of YYYY-MM-DD] [--format text|json]`

Tax-inefficient holdings in taxable accounts and tax-efficient ones in IRAs, each with its
yearly tax drag, and the moves between them that create no wash sale (`reports.planning`).
"""

from django.core.management.base import BaseCommand

from reports import planning
from reports.management.commands import _output as out


class Command(BaseCommand):
    help = "Asset-location flags, yearly tax drag and wash-free moves."

    def add_arguments(self, parser):
        out.add_common(parser, amount_arg=False)

    def handle(self, *args, **opts):
        household, as_of = out.household_and_day(opts)
        r, ctx = planning.household_asset_location(household, as_of)
        flags = [{"account": f.holding.account, "symbol": f.holding.symbol, "issue": f.issue,
                  "value": out.money(f.holding.value), "drag": out.money(f.holding.drag),
                  "note": f.note} for f in r.flags]
        moves = [{
            "taxable_account": m.taxable_account, "sell_taxable": m.sell_taxable,
            "taxable_buys": m.taxable_buys, "ira_account": m.ira_account, "sell_ira": m.sell_ira,
            "ira_buys": m.ira_buys, "amount": out.money(m.amount), "tax_now": out.money(m.tax_now),
            "drag_saved": out.money(m.drag_saved),
            "lots_sold": [out.pick_json(p) for p in m.sale], "checks": list(m.checks),
        } for m in r.moves]
        if opts["format"] == "json":
            self.stdout.write(out.dump({
                "household": household.key, "as_of": as_of.isoformat(),
                "taxable_drag": out.money(r.taxable_drag), "drag_saved": out.money(r.drag_saved),
                "flags": flags, "moves": moves,
                "skipped": [{"account": s.account, "symbol": s.symbol, "reason": s.reason,
                             "detail": s.detail} for s in r.skipped],
                "rate_source": ctx.rate_source,
            }))
            return
        self.stdout.write(f"Asset location of {household.key} at {as_of.isoformat()}: yearly "
                          f"drag in taxable accounts {out.money(r.taxable_drag)}")
        for f in flags:
            self.stdout.write(f"  {f['account']} {f['symbol']}: {f['issue']} (value {f['value']}, "
                              f"drag {f['drag']})")
        for m in moves:
            self.stdout.write(
                f"  move {m['amount']}: {m['taxable_account']} sells {m['sell_taxable']} buys "
                f"{m['taxable_buys']}; {m['ira_account']} sells {m['sell_ira']} buys {m['ira_buys']}; "
                f"tax now {m['tax_now']}, drag saved {m['drag_saved']}/yr")
