"""`tax_alpha KEY --year YYYY [--format text|json]` or `tax_alpha --advisor USER --year YYYY`

A household's (or an advisor's book's) tax alpha for a year: losses harvested (short/long),
used against gains, deducted, carried forward and disallowed by wash sales; tax saved at
each household's rates (TAX_RULES R7.5 / C9) and in basis points of the average taxable
value; the basis reset and the deferral it means (`reports.taxalpha`).
"""

from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from advisors.models import Household
from reports import taxalpha
from reports.management.commands import _output as out


def bps(value):
    return None if value is None else f"{value.quantize(Decimal('0.1')):f}"


def alpha_json(a: taxalpha.TaxAlpha) -> dict:
    d = a.deferral
    return {
        "household": a.label, "year": a.year,
        "harvested_st": out.money(a.harvested_st), "harvested_lt": out.money(a.harvested_lt),
        "harvested": out.money(a.harvested), "disallowed": out.money(a.disallowed),
        "offset_gains": out.money(a.offset_gains), "deducted": out.money(a.deducted),
        "carried_forward": out.money(a.carried_forward), "tax_saved": out.money(a.tax_saved),
        "average_taxable_value": out.money(a.average_value), "bps": bps(a.bps),
        "rates": {"ordinary": out.rate(a.rates.ordinary), "st": out.rate(a.rates.st),
                  "lt": out.rate(a.rates.lt), "source": a.rates.source},
        "deferral": {"basis_reset": out.money(d.basis_reset), "future_tax": out.money(d.future_tax),
                     "present_value": out.money(d.present_value),
                     "deferral_value": out.money(d.deferral_value),
                     "discount_rate": out.rate(d.discount_rate), "horizon_years": d.horizon_years},
        "months": [{"month": m.label, "harvested_st": out.money(m.harvested_st),
                    "harvested_lt": out.money(m.harvested_lt),
                    "tax_saved_to_date": out.money(m.tax_saved_to_date),
                    "taxable_value": out.money(m.taxable_value)} for m in a.months],
        "washed": [{"date_sold": r.date_sold.isoformat(), "account": r.account, "symbol": r.symbol,
                    "disallowed": out.money(r.adjustment),
                    "caused_by": [{"account": w.account, "symbol": w.symbol,
                                   "date": w.date.isoformat(), "quantity": out.qty(w.quantity),
                                   "disallowed": out.money(w.disallowed),
                                   "basis_added": w.basis_added} for w in r.washes]}
                   for r in a.washed],
    }


class Command(BaseCommand):
    help = "Tax alpha of a household or an advisor's book for a year."

    def add_arguments(self, parser):
        parser.add_argument("key", nargs="?", help="the household's key")
        parser.add_argument("--advisor", help="an advisor's username: the whole book")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--discount-rate", default=str(taxalpha.DEFAULT_DISCOUNT_RATE))
        parser.add_argument("--horizon-years", type=int, default=taxalpha.DEFAULT_HORIZON_YEARS)
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **opts):
        if bool(opts["key"]) == bool(opts["advisor"]):
            raise CommandError("name a household KEY or --advisor USER (one of them)")
        try:
            assumptions = taxalpha.Assumptions(Decimal(opts["discount_rate"]), opts["horizon_years"])
        except (InvalidOperation, ValueError) as exc:
            raise CommandError(f"--discount-rate / --horizon-years: {exc}") from None
        today = timezone.localdate()
        year = opts["year"]
        if opts["advisor"]:
            user = get_user_model().objects.filter(username=opts["advisor"]).first()
            if user is None:
                raise CommandError(f"no user {opts['advisor']!r}")
            households = list(Household.objects.filter(advisor=user).order_by("name"))
            book = taxalpha.book_tax_alpha(households, year, today, user.username, assumptions)
            rows = list(book.households)
            total = {
                "advisor": user.username, "year": year, "households": len(rows),
                "harvested_st": out.money(book.harvested_st),
                "harvested_lt": out.money(book.harvested_lt),
                "harvested": out.money(book.harvested), "disallowed": out.money(book.disallowed),
                "offset_gains": out.money(book.offset_gains), "deducted": out.money(book.deducted),
                "carried_forward": out.money(book.carried_forward),
                "tax_saved": out.money(book.tax_saved),
                "average_taxable_value": out.money(book.average_value), "bps": bps(book.bps),
                "basis_reset": out.money(book.basis_reset),
            }
            if opts["format"] == "json":
                self.stdout.write(out.dump(total | {"by_household": [
                    alpha_json(a) | {"key": h.key} for h, a in zip(households, rows, strict=True)]}))
                return
            self.stdout.write(f"{user.username}'s book, {year}: {len(rows)} households")
            for h, a in zip(households, rows, strict=True):
                self.stdout.write(self._line(h.key, a))
            self.stdout.write(f"total: harvested {total['harvested']}, tax saved {total['tax_saved']}"
                              f" ({total['bps'] or '—'} bp)")
            return
        household = out.household(opts["key"])
        (a,) = taxalpha.households_tax_alpha([household], year, today, assumptions)
        if opts["format"] == "json":
            self.stdout.write(out.dump(alpha_json(a) | {"key": household.key}))
            return
        self.stdout.write(self._line(household.key, a))
        d = a.deferral
        self.stdout.write(f"  basis reset {out.money(d.basis_reset)}: up to {out.money(d.future_tax)}"
                          f" of tax later, {out.money(d.present_value)} today at "
                          f"{out.rate(d.discount_rate)} over {d.horizon_years} years")

    @staticmethod
    def _line(key: str, a) -> str:
        return (f"{key} {a.year}: harvested {out.money(a.harvested)} (ST {out.money(a.harvested_st)},"
                f" LT {out.money(a.harvested_lt)}); offset gains {out.money(a.offset_gains)}; "
                f"deducted {out.money(a.deducted)}; carried forward {out.money(a.carried_forward)}; "
                f"disallowed {out.money(a.disallowed)}; tax saved {out.money(a.tax_saved)} "
                f"({bps(a.bps) or '—'} bp)")
