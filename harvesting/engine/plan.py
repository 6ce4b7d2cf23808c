"""One household's harvest plan for one date (FORMATS.md §6).

Rule: positions are taken in (account, symbol) order through

    candidates (thresholds) → already in an open proposal (`in_open_proposal`)
    → excluded by policy or restricted (`restricted`) → wash-sale guard
    (`wash_sale_lookback`, `wash_sale_scheduled`) → replacement (`no_replacement`) → leg

and every position that passed the thresholds but got no leg is listed in `skipped` with
the first reason met. Replacements never buy anything identical to a symbol that passed the
guard in this plan (its purchase would wash that sale, R1.1) or that an open proposal sells.

Estimated tax savings (FORMATS.md §6, R7.5 / C9): `netting.marginal_savings` with the base
= realized gains and losses so far + outside gains (negative = losses) + carryforwards +
rates, and the extras = the plan's net ST and LT losses. A term whose net is a gain (a lot
sold along at a gain outweighing that term's losses) is added to the base's gains instead.
Only taxable accounts' results count (R1.6).

Worked example (the mission's): VOO $420,000 → $385,000, EFA $180,000 → $158,000 and a
technology stock $65,000 → $48,000, all held over a year, $55,000 of LT gains realized
outside, 23.8% LT / 37% ordinary: legs harvesting 35,000 + 22,000 + 17,000 = $74,000 LT,
estimated savings 55,000 × 0.238 + 3,000 × 0.37 = $14,200.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from harvesting.engine.candidates import (
    Candidate,
    find_candidates,
    lot_loss,
    lot_term,
    unpriced,
)
from harvesting.engine.guard import check_sale, sale_restriction
from harvesting.engine.replacements import NoReplacement, choose_replacement
from harvesting.engine.values import (
    IN_OPEN_PROPOSAL,
    NO_REPLACEMENT,
    RESTRICTED,
    HarvestLeg,
    HarvestPlan,
    HouseholdSnapshot,
    LotSale,
    Policy,
    Skip,
    SwapList,
    TaxContext,
)
from portfolios.taxlots.money import ZERO, fmt_money, fmt_qty
from portfolios.taxlots.netting import NettingInput, marginal_savings, year_input
from portfolios.taxlots.values import LONG, SHORT, OpenLot


def netting_base(tax: TaxContext) -> NettingInput:
    """The year so far as a netting input: realized + outside results + carryforwards."""
    return year_input(
        filing_status=tax.filing_status,
        st_gains=tax.realized_st_gains,
        st_losses=tax.realized_st_losses,
        lt_gains=tax.realized_lt_gains,
        lt_losses=tax.realized_lt_losses,
        outside_st_gains=tax.outside_st_gains,
        outside_lt_gains=tax.outside_lt_gains,
        carryforward_st=tax.carryforward_st,
        carryforward_lt=tax.carryforward_lt,
        ordinary_rate=tax.ordinary_rate,
        st_rate=tax.st_rate,
        lt_rate=tax.lt_rate,
        taxable_income=tax.taxable_income,
    )


def estimated_savings(base: NettingInput, net_loss_st: Decimal, net_loss_lt: Decimal) -> Decimal:
    """Tax saved this year by adding the net losses (negative: net gains) to `base` (C9).

    Within a term gains and losses net linearly (R7.1), so a net gain g is priced as
    tax(base + g) − tax(base) = marginal_savings(base + g, g as a loss).
    """
    gain_st, loss_st = (-net_loss_st, ZERO) if net_loss_st < 0 else (ZERO, net_loss_st)
    gain_lt, loss_lt = (-net_loss_lt, ZERO) if net_loss_lt < 0 else (ZERO, net_loss_lt)
    with_gains = replace(
        base, st_gains=base.st_gains + gain_st, lt_gains=base.lt_gains + gain_lt
    )
    saved = marginal_savings(with_gains, loss_st, loss_lt)
    if gain_st or gain_lt:
        saved -= marginal_savings(with_gains, gain_st, gain_lt)
    return saved


def _assumptions(tax: TaxContext, base: NettingInput) -> dict[str, Decimal | str]:
    figures: dict[str, Decimal | str] = {
        "model": "marginal saving this year, flat rates (TAX_RULES R7.5 / C9)",
        "filing_status": tax.filing_status,
        "ordinary_rate": tax.ordinary_rate,
        "st_rate": tax.st_rate,
        "lt_rate": tax.lt_rate,
        "realized_st_gains": tax.realized_st_gains,
        "realized_st_losses": tax.realized_st_losses,
        "realized_lt_gains": tax.realized_lt_gains,
        "realized_lt_losses": tax.realized_lt_losses,
        "outside_st_gains": tax.outside_st_gains,
        "outside_lt_gains": tax.outside_lt_gains,
        "st_gains": base.st_gains,
        "st_losses": base.st_losses,
        "lt_gains": base.lt_gains,
        "lt_losses": base.lt_losses,
        "carryforward_st": tax.carryforward_st,
        "carryforward_lt": tax.carryforward_lt,
    }
    if tax.taxable_income is not None:
        figures["taxable_income"] = tax.taxable_income
    return figures


def _leg(
    candidate: Candidate,
    lots: tuple[OpenLot, ...],
    snapshot: HouseholdSnapshot,
    buy_symbol: str,
    buy_quantity: Decimal,
    buy_price: Decimal,
    reason: str,
    risk: str,
    evidence: tuple[str, ...],
) -> HarvestLeg:
    price, as_of = candidate.price, snapshot.as_of
    sales = tuple(
        LotSale(
            acquired=lot.acquired,
            purchase_date=lot.purchase_date,
            quantity=lot.quantity,
            cost_basis=lot.cost_basis,
            loss=lot_loss(lot, price),
            term=lot_term(lot, as_of),
        )
        for lot in lots
    )
    loss_st = sum((sale.loss for sale in sales if sale.term == SHORT), ZERO)
    loss_lt = sum((sale.loss for sale in sales if sale.term == LONG), ZERO)
    return HarvestLeg(
        account=candidate.account,
        sell_symbol=candidate.symbol,
        sell_quantity=sum((lot.quantity for lot in lots), ZERO),
        lots=sales,
        price=price,
        buy_symbol=buy_symbol,
        buy_quantity=buy_quantity,
        buy_price=buy_price,
        loss_st=loss_st,
        loss_lt=loss_lt,
        replacement_reason=reason,
        replacement_risk=risk,
        evidence=evidence,
    )


Cleared = tuple[Candidate, tuple[OpenLot, ...], tuple[str, ...]]


def screen_positions(
    snapshot: HouseholdSnapshot, policy: Policy, swap_list: SwapList
) -> tuple[list[Skip], list[Cleared]]:
    """The candidates, each skipped (already proposed, restricted, a wash-sale conflict)
    or cleared for sale with the lots to sell and the guard's evidence.

    The first half of `plan_harvest`, without choosing replacements: an approval re-checks
    the guard with it (no price history needed).
    """
    open_positions = {(p.account, p.symbol): p for p in snapshot.open_positions}
    skipped: list[Skip] = []
    cleared: list[Cleared] = []
    for candidate in find_candidates(snapshot, policy):
        key = (candidate.account, candidate.symbol)
        if key in open_positions:
            name = open_positions[key].proposal
            where = f"open proposal {name}" if name else "an open proposal"
            skipped.append(
                Skip(*key, IN_OPEN_PROPOSAL, f"{key[0]} {key[1]} is already in {where}")
            )
            continue
        restricted = sale_restriction(candidate.symbol, snapshot, swap_list, policy)
        if restricted is not None:
            skipped.append(Skip(*key, RESTRICTED, restricted))
            continue
        account = snapshot.account(candidate.account)
        if account is not None and not account.is_taxable:
            # R1.6: a loss inside a retirement account is no capital loss; nothing to wash.
            note = (f"{candidate.account} is a retirement account: its loss is not a capital "
                    "loss and is not counted (R1.6); no wash-sale test")
            cleared.append((candidate, candidate.loss_lots, (note,)))
            continue
        check = check_sale(candidate, snapshot, swap_list, policy)
        if check.skip is not None:
            skipped.append(check.skip)
            continue
        cleared.append((candidate, check.lots, check.evidence))
    return skipped, cleared


def plan_harvest(snapshot: HouseholdSnapshot, policy: Policy, swap_list: SwapList) -> HarvestPlan:
    """The household's harvest on `snapshot.as_of`: legs, skips, totals and the estimate."""
    warnings = [
        f"no price for {symbol} on {snapshot.as_of.isoformat()}: {account} {symbol} "
        "not evaluated"
        for account, symbol in unpriced(snapshot, policy)
    ]
    skipped, cleared = screen_positions(snapshot, policy, swap_list)

    blocked: dict[str, str] = {}
    for p in snapshot.open_positions:
        blocked.setdefault(p.symbol, f"sold in an open proposal ({p.account})")
    for candidate, _, _ in cleared:
        blocked[candidate.symbol] = f"sold at a loss in this plan ({candidate.account})"

    legs: list[HarvestLeg] = []
    for candidate, lots, evidence in cleared:
        proceeds = sum((lot.quantity for lot in lots), ZERO) * candidate.price
        choice = choose_replacement(
            candidate.symbol, proceeds, snapshot, swap_list, policy, blocked
        )
        if isinstance(choice, NoReplacement):
            skipped.append(
                Skip(candidate.account, candidate.symbol, NO_REPLACEMENT, choice.detail)
            )
            continue
        legs.append(
            _leg(
                candidate, lots, snapshot, choice.symbol, choice.quantity, choice.price,
                choice.reason, choice.risk,
                evidence + choice.evidence + (
                    f"proceeds {fmt_money(proceeds)} / {fmt_money(choice.price)} buy "
                    f"{fmt_qty(choice.quantity)} {choice.symbol} (rounded down to a multiple "
                    f"of {fmt_qty(policy.buy_increment)})",
                ),
            )
        )

    taxable = {a.id for a in snapshot.accounts if a.is_taxable}
    loss_st = sum((leg.loss_st for leg in legs if leg.account in taxable), ZERO)
    loss_lt = sum((leg.loss_lt for leg in legs if leg.account in taxable), ZERO)
    base = netting_base(snapshot.tax)
    return HarvestPlan(
        as_of=snapshot.as_of,
        legs=tuple(sorted(legs, key=lambda leg: (leg.account, leg.sell_symbol))),
        skipped=tuple(sorted(skipped, key=lambda s: (s.account, s.symbol))),
        harvested_loss_st=loss_st,
        harvested_loss_lt=loss_lt,
        estimated_tax_savings=estimated_savings(base, loss_st, loss_lt),
        assumptions=_assumptions(snapshot.tax, base),
        warnings=tuple(warnings),
    )
