"""Writes of the harvesting app (DESIGN.md rule 3): keyword-only, one transaction each.

* the nightly scan: `harvest_run_start` → `harvest_chunk_scan` per chunk, its writes
  batched per chunk (idempotent: the proposal's unique constraint);
* a proposal's life: approve (guard and staleness re-checked), reject, exclude a leg,
  execute (fills → transactions → re-projection → restrictions → swap-back);
* the post-trade wash-sale monitor;
* the swap lists (admins) and policies (advisors).

Every state change is checked against `advisors.access` and written to the audit trail.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Max, Min
from django.utils import timezone

from advisors import access
from advisors.models import AuditEvent, Household
from harvesting import orders
from harvesting.engine.plan import plan_harvest, screen_positions
from harvesting.engine.staleness import is_stale
from harvesting.engine.swapback import plan_swap_back
from harvesting.engine.values import (
    RESTRICTED,
    WASH_SALE_LOOKBACK,
    WASH_SALE_SCHEDULED,
    HarvestLeg,
    HarvestPlan,
    LotSale,
)
from harvesting.models import (
    HarvestPolicy,
    HarvestRun,
    HarvestRunItem,
    IdenticalGroup,
    IdenticalMember,
    MonitorState,
    Proposal,
    ProposalLeg,
    Restriction,
    SwapPair,
    WashAlert,
)
from harvesting.snapshots import ScanContext, closes_as_of, policy_for, snapshots_for
from harvesting.swaplist import SwapListFile, group_index, parse_swap_list, same_group
from portfolios import ledger
from portfolios import services as portfolio_services
from portfolios.bulk import insert_rows
from portfolios.models import Account, Price, RealizedSale, Security, Transaction
from portfolios.taxlots.money import cents, fmt_money, fmt_qty

log = logging.getLogger(__name__)
RESTRICTION_DAYS = 30  # sale day + 30: the wash-sale window's last day (R1.1)
GUARD_REASONS = (WASH_SALE_LOOKBACK, WASH_SALE_SCHEDULED, RESTRICTED)


class ProposalRefused(Exception):
    """A proposal command that cannot be carried out now; the message says why (409)."""


class SwapListRefused(Exception):
    """A swap-list change that would break FORMATS.md §2 (e.g. a pair inside one group)."""


class HarvestError(Exception):
    """A scan that cannot start (no prices, unknown household)."""


def audit(*, actor, verb: str, household=None, obj=None, message: str = "", data=None) -> None:
    AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        household=household,
        verb=verb,
        object_type=obj.__class__.__name__.lower() if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        message=message,
        data=data or {},
    )


def _jsonable(value):
    if isinstance(value, Decimal):
        # Money keeps its cents ("55000.00"); rates lose trailing zeros ("0.238").
        if value.as_tuple().exponent < -2:
            return f"{value.normalize():f}"
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- the nightly scan ---------------------------------------------------------------------


def latest_price_date() -> date | None:
    return Price.objects.latest_date()


def harvest_run_start(
    *,
    as_of: date | None = None,
    household_keys: Sequence[str] | None = None,
    actor=None,
    trigger: str = "command",
    inline: bool | None = None,
) -> HarvestRun:
    """Create a run for `as_of` (default: the latest price date) and fan out its chunks.

    Households are those the actor may act on (all of them for the system). `inline`
    scans in this process; by default it does when Celery runs eagerly.
    """
    as_of = as_of or latest_price_date()
    if as_of is None:
        raise HarvestError("no prices: import prices before scanning")
    households = Household.objects.all()
    if actor is not None:
        households = access.visible_households(actor)
        if not actor.is_staff:
            households = households.filter(advisor=actor)
    if household_keys is not None:  # an empty list names no household
        households = households.filter(key__in=household_keys)
        found = set(households.values_list("key", flat=True))
        missing = sorted(set(household_keys) - found)
        if missing:
            raise HarvestError(f"no household with key {', '.join(missing)}")
    ids = list(households.order_by("id").values_list("id", flat=True))
    with transaction.atomic():
        run = HarvestRun.objects.create(
            as_of=as_of, households_total=len(ids), trigger=trigger,
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        HarvestRunItem.objects.bulk_create(
            [HarvestRunItem(run=run, household_id=hid) for hid in ids]
        )
        if not ids:
            HarvestRun.objects.filter(pk=run.pk).update(
                status=HarvestRun.DONE, finished_at=timezone.now()
            )
    audit(actor=actor, verb="harvest_run.started", obj=run,
          message=f"{len(ids)} households for {as_of.isoformat()} ({trigger})")
    size = max(1, settings.HOUSEHOLDS_PER_SCAN_CHUNK)
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    if inline is None:
        inline = settings.CELERY_TASK_ALWAYS_EAGER
    if inline:
        for chunk in chunks:
            harvest_chunk_scan(run_id=run.id, household_ids=chunk)
    else:
        from harvesting.tasks import harvest_chunk_scan as task

        def dispatch() -> None:
            for chunk in chunks:
                task.delay(run.id, chunk)

        transaction.on_commit(dispatch)
    run.refresh_from_db()
    return run


def harvest_chunk_scan(*, run_id: int, household_ids: Sequence[int]) -> dict[str, int]:
    """Scan one chunk of a run. Idempotent: finished households are skipped, and the
    proposal's unique constraint absorbs a redelivered task that died half-way.

    Reads are chunk-level (a fixed number of queries), plans are computed in memory (one
    household's failure is recorded, the others go on), and the chunk's writes go in one
    transaction with bulk inserts (issue 3's benchmark: a commit and a round trip per
    household cost more than the engine). Should that batch fail — a concurrent scan
    wrote a proposal first, a row the database refuses — it is rolled back and the chunk
    is written household by household, each in its own transaction, as before.
    """
    run = HarvestRun.objects.get(pk=run_id)
    todo = list(
        HarvestRunItem.objects.filter(run=run, household_id__in=household_ids)
        .exclude(status=HarvestRunItem.DONE)
        .values_list("household_id", flat=True)
    )
    households = list(Household.objects.filter(id__in=todo).order_by("id"))
    context = _run_context(run)
    chunk = _ChunkScan(run=run, households=households, context=context)
    chunk.read(todo)
    chunk.plan()
    try:
        created = chunk.write_all()
    except OperationalError:
        raise  # the database went away: worth a retry of the whole chunk (task policy)
    except Exception:
        log.warning("batched write of run %s failed; writing household by household",
                    run.id, exc_info=True)
        created = chunk.write_each()
    _run_finish_if_complete(run)
    return {"households": len(households), "proposals_created": created}


class _ChunkScan:
    """One chunk of a run: its reads, its plans, and its writes (batched or one by one)."""

    def __init__(self, *, run: HarvestRun, households: list[Household], context: ScanContext):
        self.run = run
        self.households = households
        self.context = context
        self.plans: dict[int, HarvestPlan | None] = {}  # None: the proposal exists already
        self.failed: dict[int, str] = {}

    def read(self, todo: Sequence[int]) -> None:
        as_of = self.run.as_of
        self.snapshots = snapshots_for(self.households, self.context, harvest_only=True)
        self.existing = set(
            Proposal.objects.filter(household_id__in=todo, as_of=as_of, kind=Proposal.HARVEST)
            .values_list("household_id", flat=True)
        )
        self.pending: dict[int, list[Proposal]] = {}
        for row in Proposal.objects.filter(
            household_id__in=todo, status=Proposal.PENDING, as_of__lt=as_of
        ):
            self.pending.setdefault(row.household_id, []).append(row)
        self.due_swap_backs: dict[int, list[Proposal]] = {}
        for row in Proposal.objects.filter(
            household_id__in=todo, status=Proposal.PENDING, kind=Proposal.SWAP_BACK,
            as_of__lte=as_of,
        ).exclude(assumptions__has_key="priced_on"):
            self.due_swap_backs.setdefault(row.household_id, []).append(row)
        self.account_ids: dict[int, dict[str, int]] = {}
        for aid, hid, code in Account.objects.filter(household_id__in=todo).values_list(
            "id", "household_id", "code"
        ):
            self.account_ids.setdefault(hid, {})[code] = aid

    def plan(self) -> None:
        for household in self.households:
            if household.id in self.existing:
                self.plans[household.id] = None
                continue
            try:
                snapshot, policy, _ = self.snapshots[household.id]
                self.plans[household.id] = plan_harvest(snapshot, policy, self.context.swap_list)
            except Exception as exc:  # one household's failure must not stop the others
                log.exception("harvest scan failed for household %s", household.key)
                self.failed[household.id] = f"{type(exc).__name__}: {exc}"

    def _maintain(self, household: Household) -> None:
        """Reprice due swap-backs and expire stale proposals (before today's proposal)."""
        for swap in self.due_swap_backs.get(household.id, []):
            swap_back_reprice(proposal=swap, today=self.run.as_of, prices=self.context.prices)
        proposal_expire_stale(
            household=household, today=self.run.as_of, prices=self.context.prices,
            pending=[p for p in self.pending.get(household.id, [])
                     if p.kind != Proposal.SWAP_BACK or p.assumptions.get("priced_on")],
            policy=self.snapshots[household.id][1],
        )

    def _mark(self, household_ids: Sequence[int], *, status: str, created: bool = False,
              error: str = "") -> None:
        if household_ids:
            HarvestRunItem.objects.filter(run=self.run, household_id__in=household_ids).update(
                status=status, proposal_created=created, error=error, finished_at=timezone.now(),
            )

    def write_all(self) -> int:
        """Every household's writes in one transaction; raises to fall back to write_each."""
        if not connection.features.can_return_rows_from_bulk_insert:
            raise HarvestError("bulk insert returns no ids on this database")
        ok = [h for h in self.households if h.id not in self.failed]
        with transaction.atomic():
            for household in ok:
                self._maintain(household)
            writes = [
                (household, plan) for household in ok
                if (plan := self.plans[household.id]) is not None and (plan.legs or plan.skipped)
            ]
            proposals = _proposals_insert([
                _proposal_row(household=h, run=self.run, plan=plan,
                              rate_source=self.snapshots[h.id][2])
                for h, plan in writes
            ])
            insert_rows(ProposalLeg, LEG_COLUMNS, (
                _leg_row(proposal.id, i, leg, self.account_ids.get(h.id, {}),
                         self.context.security_ids)
                for (h, plan), proposal in zip(writes, proposals, strict=True)
                for i, leg in enumerate(plan.legs)
            ))
            AuditEvent.objects.bulk_create([
                _proposal_created_event(household=h, proposal=proposal, plan=plan)
                for (h, plan), proposal in zip(writes, proposals, strict=True)
            ])
            made = {h.id for h, _ in writes}
            self._mark([h.id for h in ok if h.id in made], status=HarvestRunItem.DONE,
                       created=True)
            self._mark([h.id for h in ok if h.id not in made], status=HarvestRunItem.DONE)
            for hid, error in self.failed.items():
                self._mark([hid], status=HarvestRunItem.FAILED, error=error)
        return len(writes)

    def write_each(self) -> int:
        """Household by household, each in its own transaction (the batch's fallback)."""
        created = 0
        for household in self.households:
            if household.id in self.failed:
                self._mark([household.id], status=HarvestRunItem.FAILED,
                           error=self.failed[household.id])
                continue
            try:
                with transaction.atomic():
                    self._maintain(household)
                    proposal = None
                    plan = self.plans[household.id]
                    if plan is not None:
                        proposal = _proposal_write(
                            household=household, run=self.run, plan=plan,
                            rate_source=self.snapshots[household.id][2],
                            account_ids=self.account_ids.get(household.id, {}),
                            security_ids=self.context.security_ids,
                        )
                    self._mark([household.id], status=HarvestRunItem.DONE,
                               created=proposal is not None)
                created += proposal is not None
            except OperationalError:
                raise
            except Exception as exc:  # one household's failure must not stop the others
                log.exception("harvest scan failed for household %s", household.key)
                self._mark([household.id], status=HarvestRunItem.FAILED,
                           error=f"{type(exc).__name__}: {exc}")
        return created


_CONTEXTS: dict[tuple, ScanContext] = {}


def _run_context(run: HarvestRun) -> ScanContext:
    """The market data of a run, shared by the chunks one process scans (read once)."""
    key = (run.id, run.as_of, run.started_at)
    context = _CONTEXTS.get(key)
    if context is None:
        _CONTEXTS.clear()  # one run at a time per process is plenty
        context = _CONTEXTS[key] = ScanContext.load(run.as_of)
    return context


def _run_finish_if_complete(run: HarvestRun) -> None:
    if not HarvestRunItem.objects.filter(run=run, status=HarvestRunItem.PENDING).exists():
        HarvestRun.objects.filter(pk=run.pk, status=HarvestRun.RUNNING).update(
            status=HarvestRun.DONE, finished_at=timezone.now()
        )


def run_summary(run: HarvestRun) -> dict:
    items = HarvestRunItem.objects.filter(run=run)
    return {
        "run": run.id,
        "as_of": run.as_of.isoformat(),
        "households": run.households_total,
        "proposals_created": items.filter(proposal_created=True).count(),
        "errors": [
            {"household": key, "error": error}
            for key, error in items.filter(status=HarvestRunItem.FAILED)
            .values_list("household__key", "error").order_by("household__key")
        ],
    }


def _lot_json(lot: LotSale) -> dict[str, str]:
    return {
        "acquired": lot.acquired.isoformat(),
        "purchase_date": lot.purchase_date.isoformat(),
        "quantity": fmt_qty(lot.quantity),
        "cost_basis": fmt_money(lot.cost_basis),
        "loss": fmt_money(lot.loss),
        "term": lot.term,
    }


def _proposal_row(*, household: Household, run: HarvestRun | None, plan: HarvestPlan,
                  rate_source: str, kind: str = Proposal.HARVEST) -> Proposal:
    """The plan as an unsaved proposal row (its legs are `_leg_row`s)."""
    prices = {leg.sell_symbol: str(leg.price) for leg in plan.legs}
    prices.update({leg.buy_symbol: str(leg.buy_price) for leg in plan.legs})
    assumptions = {k: _jsonable(v) for k, v in plan.assumptions.items()}
    assumptions["rate_source"] = rate_source
    assumptions["prices"] = prices
    return Proposal(
        household=household, as_of=plan.as_of, kind=kind, run=run,
        harvested_loss_st=cents(plan.harvested_loss_st),
        harvested_loss_lt=cents(plan.harvested_loss_lt),
        estimated_tax_savings=cents(plan.estimated_tax_savings),
        skipped=[
            {"account": s.account, "symbol": s.symbol, "reason": s.reason, "detail": s.detail}
            for s in plan.skipped
        ],
        assumptions=assumptions,
        warnings=list(plan.warnings),
    )


PROPOSAL_COLUMNS = [
    "id", "household", "as_of", "kind", "run", "status", "harvested_loss_st",
    "harvested_loss_lt", "estimated_tax_savings", "skipped", "assumptions", "warnings",
    "created_at", "comment",
]


def _proposals_insert(rows: list[Proposal]) -> list[Proposal]:
    """Insert unsaved proposals and give them their ids.

    On PostgreSQL the ids are drawn from the table's sequence first and the rows streamed
    with COPY (`bulk_create` quotes every JSON document into an array literal, the scan's
    slowest write); elsewhere `bulk_create` returns the ids.
    """
    if connection.vendor != "postgresql":
        return Proposal.objects.bulk_create(rows)
    if not rows:
        return rows
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Proposal._meta.db_table, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    now = timezone.now()
    for proposal, pk in zip(rows, ids, strict=True):
        proposal.id, proposal.created_at = pk, now
    insert_rows(Proposal, PROPOSAL_COLUMNS, (
        (p.id, p.household_id, p.as_of, p.kind, p.run_id, p.status, p.harvested_loss_st,
         p.harvested_loss_lt, p.estimated_tax_savings, p.skipped, p.assumptions, p.warnings,
         p.created_at, p.comment)
        for p in rows
    ))
    return rows


def _proposal_created_event(*, household: Household, proposal: Proposal,
                            plan: HarvestPlan) -> AuditEvent:
    return AuditEvent(
        actor=None, household=household, verb="proposal.created", object_type="proposal",
        object_id=str(proposal.pk), data={},
        message=f"{len(plan.legs)} legs, {len(plan.skipped)} skipped, estimated saving "
                f"{fmt_money(plan.estimated_tax_savings)}",
    )


def _proposal_write(*, household: Household, run: HarvestRun | None, plan: HarvestPlan,
                    rate_source: str, kind: str = Proposal.HARVEST,
                    account_ids: dict[str, int] | None = None,
                    security_ids: dict[str, int] | None = None) -> Proposal | None:
    """Write the plan as the household's proposal of the day (None if nothing to say, or
    if it exists already: the unique constraint settles a race)."""
    if not plan.legs and not plan.skipped:
        return None
    if account_ids is None:
        account_ids = dict(household.accounts.values_list("code", "id"))
    if security_ids is None:
        symbols = {leg.sell_symbol for leg in plan.legs} | {leg.buy_symbol for leg in plan.legs}
        security_ids = dict(Security.objects.filter(symbol__in=symbols).values_list("symbol", "id"))
    try:
        with transaction.atomic():
            proposal = _proposal_row(household=household, run=run, plan=plan,
                                     rate_source=rate_source, kind=kind)
            proposal.save()
            insert_rows(ProposalLeg, LEG_COLUMNS, (
                _leg_row(proposal.id, i, leg, account_ids, security_ids)
                for i, leg in enumerate(plan.legs)
            ))
    except IntegrityError:
        return None  # a concurrent or redelivered scan wrote it first: one proposal only
    _proposal_created_event(household=household, proposal=proposal, plan=plan).save()
    return proposal


LEG_COLUMNS = [
    "proposal", "position", "account", "sell_security", "sell_quantity", "sell_price", "lots",
    "buy_security", "buy_quantity", "buy_price", "loss_st", "loss_lt", "replacement_reason",
    "replacement_risk", "evidence", "excluded",
]


def _leg_row(proposal_id: int, position: int, leg: HarvestLeg, account_ids, security_ids) -> tuple:
    return (
        proposal_id, position, account_ids[leg.account], security_ids[leg.sell_symbol],
        leg.sell_quantity, leg.price, [_lot_json(lot) for lot in leg.lots],
        security_ids.get(leg.buy_symbol), leg.buy_quantity, leg.buy_price,
        cents(leg.loss_st), cents(leg.loss_lt), leg.replacement_reason, leg.replacement_risk,
        list(leg.evidence), False,
    )


def _proposal_prices(proposal: Proposal) -> dict[str, Decimal]:
    return {s: Decimal(p) for s, p in (proposal.assumptions or {}).get("prices", {}).items()}


def swap_back_reprice(*, proposal: Proposal, today: date, prices) -> Proposal:
    """Price a swap back when it falls due (day 31), not with the harvest day's closes.

    A swap back is planned a month ahead; sized on the old closes it would look stale the
    day it becomes possible. On its date it is re-sized on that day's closes and its
    staleness clock starts (FORMATS §6).
    """
    from harvesting.engine.replacements import buy_quantity

    policy = policy_for(proposal.household)
    new_prices = {}
    for leg in proposal.legs.select_related("sell_security", "buy_security"):
        sell = prices.get(leg.sell_security.symbol, leg.sell_price)
        buy = prices.get(leg.buy_security.symbol) if leg.buy_security else None
        leg.sell_price = sell
        new_prices[leg.sell_security.symbol] = str(sell)
        if buy:
            leg.buy_price = buy
            leg.buy_quantity = buy_quantity(leg.sell_quantity * sell, buy, policy.buy_increment)
            new_prices[leg.buy_security.symbol] = str(buy)
        leg.save(update_fields=["sell_price", "buy_price", "buy_quantity"])
    proposal.assumptions = (proposal.assumptions or {}) | {
        "prices": new_prices, "priced_on": today.isoformat(),
    }
    proposal.save(update_fields=["assumptions"])
    return proposal


def proposal_expire_stale(*, household: Household, today: date, prices=None, pending=None,
                          policy=None) -> int:
    """Expire the household's pending proposals that went stale by `today` (FORMATS §6)."""
    if pending is None:
        pending = list(
            Proposal.objects.filter(household=household, status=Proposal.PENDING, as_of__lt=today)
        )
    if not pending:
        return 0
    policy = policy or policy_for(household)
    prices = prices if prices is not None else closes_as_of(today)
    expired = 0
    for proposal in pending:
        reason = is_stale(proposal.as_of, _proposal_prices(proposal), today, prices, policy)
        if reason and Proposal.objects.filter(pk=proposal.pk, status=Proposal.PENDING).update(
            status=Proposal.EXPIRED, decided_at=timezone.now(), comment=reason
        ):
            audit(actor=None, verb="proposal.expired", household=household, obj=proposal,
                  message=reason)
            expired += 1
    return expired


# --- a proposal's life --------------------------------------------------------------------


def _guard_now(proposal: Proposal, today: date) -> list[str]:
    """Re-run the pre-trade guard for the proposal's legs on `today`; the problems found."""
    context = ScanContext.load(today)
    snapshot, policy, _ = snapshots_for(
        [proposal.household], context, exclude_proposal_ids=[proposal.id], harvest_only=True
    )[proposal.household_id]
    skips, _ = screen_positions(snapshot, policy, context.swap_list)
    skipped = {(s.account, s.symbol): s for s in skips}
    problems = []
    for leg in proposal.legs.filter(excluded=False).select_related("account", "sell_security"):
        skip = skipped.get((leg.account.code, leg.sell_security.symbol))
        if skip is not None and skip.reason in GUARD_REASONS:
            problems.append(f"{leg.account.code} {leg.sell_security.symbol}: {skip.reason} — {skip.detail}")
    return problems


def proposal_approve(*, proposal: Proposal, actor, comment: str = "", today: date | None = None) -> Proposal:
    """Approve a pending proposal after re-checking staleness and the wash-sale guard.

    Claimed with a conditional update, so two approvals at once succeed once.
    """
    access.require_act(actor, proposal.household)
    proposal.refresh_from_db()
    if proposal.status != Proposal.PENDING:
        raise ProposalRefused(f"proposal {proposal.id} is already {proposal.status}")
    if not proposal.legs.filter(excluded=False).exists():
        raise ProposalRefused(f"proposal {proposal.id} has no leg to approve")
    today = today or max(latest_price_date() or proposal.as_of, proposal.as_of)
    if proposal.kind == Proposal.SWAP_BACK:
        if today < proposal.as_of:
            raise ProposalRefused(
                f"the swap back is due on {proposal.as_of.isoformat()}, the first day outside "
                "the wash-sale window (R1.1)"
            )
        if not proposal.assumptions.get("priced_on"):
            swap_back_reprice(proposal=proposal, today=today, prices=closes_as_of(today))
    policy = policy_for(proposal.household)
    stale = is_stale(proposal.as_of, _proposal_prices(proposal), today, closes_as_of(today), policy)
    if stale:
        if Proposal.objects.filter(pk=proposal.pk, status=Proposal.PENDING).update(
            status=Proposal.EXPIRED, decided_at=timezone.now(), comment=stale
        ):
            audit(actor=actor, verb="proposal.expired", household=proposal.household,
                  obj=proposal, message=stale)
        raise ProposalRefused(f"proposal {proposal.id} is stale: {stale}")
    problems = _guard_now(proposal, today)
    if problems:
        raise ProposalRefused("the wash-sale guard now fails: " + "; ".join(problems))
    with transaction.atomic():
        claimed = Proposal.objects.filter(pk=proposal.pk, status=Proposal.PENDING).update(
            status=Proposal.APPROVED, decided_by=actor, decided_at=timezone.now(), comment=comment
        )
        if not claimed:
            raise ProposalRefused(f"proposal {proposal.id} was decided by someone else just now")
        audit(actor=actor, verb="proposal.approved", household=proposal.household, obj=proposal,
              message=comment or "approved", data={"checked_on": today.isoformat()})
    proposal.refresh_from_db()
    return proposal


def proposal_reject(*, proposal: Proposal, actor, comment: str) -> Proposal:
    access.require_act(actor, proposal.household)
    with transaction.atomic():
        claimed = Proposal.objects.filter(pk=proposal.pk, status__in=Proposal.OPEN).update(
            status=Proposal.REJECTED, decided_by=actor, decided_at=timezone.now(), comment=comment
        )
        if not claimed:
            proposal.refresh_from_db()
            raise ProposalRefused(f"proposal {proposal.id} is already {proposal.status}")
        audit(actor=actor, verb="proposal.rejected", household=proposal.household, obj=proposal,
              message=comment or "rejected")
    proposal.refresh_from_db()
    return proposal


def proposal_leg_exclude(*, leg: ProposalLeg, actor, excluded: bool = True) -> ProposalLeg:
    """Leave one leg out (or put it back); the totals and estimate follow the legs kept."""
    proposal = leg.proposal
    access.require_act(actor, proposal.household)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != Proposal.PENDING:
            raise ProposalRefused(f"proposal {proposal.id} is already {locked.status}")
        ProposalLeg.objects.filter(pk=leg.pk).update(excluded=excluded)
        _proposal_totals_refresh(locked)
        audit(actor=actor, verb="proposal.leg_excluded" if excluded else "proposal.leg_included",
              household=proposal.household, obj=proposal,
              message=f"{leg.account.code} {leg.sell_security.symbol}")
    leg.refresh_from_db()
    return leg


def _proposal_totals_refresh(proposal: Proposal) -> None:
    from harvesting.engine.plan import estimated_savings, netting_base
    from harvesting.snapshots import realized_so_far, tax_context

    kept = proposal.legs.filter(excluded=False)
    loss_st = sum((leg.loss_st for leg in kept), Decimal(0))
    loss_lt = sum((leg.loss_lt for leg in kept), Decimal(0))
    household = proposal.household
    profile = getattr(household, "tax_profile", None)
    realized = realized_so_far([household.id], proposal.as_of).get(household.id, {})
    tax, _ = tax_context(household, profile, realized)
    saving = estimated_savings(netting_base(tax), loss_st, loss_lt)
    Proposal.objects.filter(pk=proposal.pk).update(
        harvested_loss_st=loss_st, harvested_loss_lt=loss_lt,
        estimated_tax_savings=cents(saving),
    )


def proposal_order_file(*, proposal: Proposal) -> str:
    return orders.order_csv(proposal)


def proposal_execute(*, proposal: Proposal, actor, fills_csv: str | None = None) -> Proposal:
    """Record the fills of an approved proposal as transactions (claimed once).

    Without a fills file, demo mode fills every order at the as-of close. The ledger is
    re-projected, the sold securities are restricted for the wash-sale window, and the
    swap back is scheduled when the policy asks for it.
    """
    access.require_act(actor, proposal.household)
    household = proposal.household
    if fills_csv is not None:
        fills = orders.parse_fills(fills_csv, proposal)
    elif settings.TAXALPHA_DEMO:
        fills = orders.simulated_fills(proposal)
    else:
        raise ProposalRefused("upload the fills file: simulated fills exist only in demo mode")
    with transaction.atomic():
        claimed = Proposal.objects.filter(pk=proposal.pk, status=Proposal.APPROVED).update(
            status=Proposal.EXECUTED, executed_at=timezone.now()
        )
        if not claimed:
            proposal.refresh_from_db()
            raise ProposalRefused(
                f"proposal {proposal.id} is {proposal.status}: only an approved proposal executes"
            )
        accounts = {a.code: a for a in household.accounts.all()}
        legs = {}
        for leg in proposal.legs.filter(excluded=False).select_related(
            "account", "sell_security", "buy_security"
        ):
            legs[(leg.account.code, "SELL", leg.sell_security.symbol)] = leg
            if leg.buy_security is not None:
                legs[(leg.account.code, "BUY", leg.buy_security.symbol)] = leg
        for fill in sorted(fills, key=orders.fill_order):
            transaction_record(
                household=household, account=accounts[fill.account],
                action=fill.side, symbol=fill.symbol, quantity=fill.quantity,
                price=fill.price, day=fill.day, lot=fill.lot, fees=fill.fees, source="fill",
                proposal_leg=legs.get((fill.account, fill.side, fill.symbol)),
            )
        try:
            ledger.household_project(household)
        except ValueError as exc:
            raise ProposalRefused(f"the fills do not fit the ledger: {exc}") from None
        executed_on = max(f.day for f in fills)
        _restrict_after_harvest(proposal, executed_on)
        _schedule_swap_back(proposal, executed_on)
        audit(actor=actor, verb="proposal.executed", household=household, obj=proposal,
              message=f"{len(fills)} fills recorded on {executed_on.isoformat()}")
    proposal.refresh_from_db()
    return proposal


def _restrict_after_harvest(proposal: Proposal, executed_on: date) -> None:
    until = executed_on + timedelta(days=RESTRICTION_DAYS)
    for leg in proposal.legs.filter(excluded=False).select_related("sell_security"):
        symbol = leg.sell_security.symbol
        Restriction.objects.get_or_create(
            household=proposal.household, symbol=symbol, proposal=proposal,
            defaults={
                "starts": executed_on, "until": until,
                "reason": f"harvested {symbol} on {executed_on.isoformat()}: no purchase of it "
                          f"or anything identical in any household account through "
                          f"{until.isoformat()} (R1.1)",
            },
        )


def _schedule_swap_back(proposal: Proposal, executed_on: date) -> None:
    if proposal.kind != Proposal.HARVEST or not policy_for(proposal.household).swap_back:
        return
    legs = list(proposal.legs.filter(excluded=False).select_related("account", "sell_security", "buy_security"))
    legs = [leg for leg in legs if leg.buy_security is not None]
    if not legs:
        return
    prices = closes_as_of(executed_on, [leg.buy_security.symbol for leg in legs])
    plans = []
    for leg in legs:
        value = HarvestLeg(
            account=leg.account.code, sell_symbol=leg.sell_security.symbol,
            sell_quantity=leg.sell_quantity, lots=(), price=leg.sell_price,
            buy_symbol=leg.buy_security.symbol, buy_quantity=leg.buy_quantity,
            buy_price=leg.buy_price or Decimal(0), loss_st=leg.loss_st, loss_lt=leg.loss_lt,
            replacement_reason="", replacement_risk="", evidence=(),
        )
        plans.append((leg, plan_swap_back(value, executed_on, prices.get(leg.buy_security.symbol, leg.buy_price or Decimal(0)))))
    on = plans[0][1].date
    swap, _ = Proposal.objects.get_or_create(
        household=proposal.household, as_of=on, kind=Proposal.SWAP_BACK,
        defaults={"source_proposal": proposal, "assumptions": {"model": "swap back on day 31 (R1.1)"}},
    )
    start = swap.legs.aggregate(m=Max("position"))["m"]
    start = -1 if start is None else start
    warnings = list(swap.warnings)
    new_prices = dict(swap.assumptions.get("prices", {}))
    for i, (leg, back) in enumerate(plans, start=start + 1):
        ProposalLeg.objects.create(
            proposal=swap, position=i, account=leg.account, sell_security=leg.buy_security,
            sell_quantity=back.sell_quantity, sell_price=leg.buy_price or Decimal(0),
            lots=[{"acquired": executed_on.isoformat(), "purchase_date": executed_on.isoformat(),
                   "quantity": fmt_qty(back.sell_quantity), "cost_basis": fmt_money(back.sell_quantity * (leg.buy_price or 0)),
                   "loss": fmt_money(-back.estimated_gain), "term": back.term}],
            buy_security=leg.sell_security, buy_quantity=leg.sell_quantity,
            buy_price=leg.sell_price,
            replacement_reason=f"swap back to {leg.sell_security.symbol} on day 31 after the harvest of "
                               f"{executed_on.isoformat()} (policy)",
            replacement_risk="",
            evidence=[f"first day outside the wash-sale window of the {executed_on.isoformat()} sale (R1.1)"],
        )
        new_prices[leg.buy_security.symbol] = str(leg.buy_price)
        new_prices[leg.sell_security.symbol] = str(leg.sell_price)
        if back.warning:
            warnings.append(back.warning)
    Proposal.objects.filter(pk=swap.pk).update(
        warnings=warnings, assumptions=swap.assumptions | {"prices": new_prices}
    )
    audit(actor=None, verb="proposal.swap_back_scheduled", household=proposal.household, obj=swap,
          message=f"swap back on {on.isoformat()} for proposal {proposal.id}")


@transaction.atomic
def transaction_record(*, household: Household, account: Account, action: str, symbol: str,
                       quantity: Decimal, price: Decimal, day: date, lot: date | None = None,
                       fees: Decimal = Decimal(0), source: str = "manual",
                       proposal_leg: ProposalLeg | None = None) -> Transaction:
    """Insert one transaction at its place in date order (after every row of its date).

    The caller re-projects (several fills are recorded before one projection).
    """
    security, _ = Security.objects.get_or_create(symbol=symbol, defaults={"name": symbol})
    later = Transaction.objects.filter(household=household, date__gt=day)
    position = later.aggregate(m=Min("seq"))["m"]
    if position is None:
        last = Transaction.objects.filter(household=household).aggregate(m=Max("seq"))["m"]
        position = 0 if last is None else last + 1
    else:
        # Shift the later rows by one, in two steps so (household, seq) stays unique.
        later.update(seq=F("seq") + 1_000_000)
        Transaction.objects.filter(household=household, seq__gte=1_000_000).update(
            seq=F("seq") - 999_999
        )
    row = Transaction.objects.create(
        household=household, seq=position, account=account, date=day, action=action,
        security=security, quantity=quantity, price=price, fees=fees, lot_date=lot, source=source,
        proposal_leg=proposal_leg,
    )
    Household.objects.filter(pk=household.pk).update(ledger_version=F("ledger_version") + 1)
    return row


def transactions_record(*, household: Household, actor, rows: list[dict]) -> int:
    """Record transactions (e.g. a custodian feed) and re-project; refused whole on error."""
    access.require_act(actor, household)
    accounts = {a.code: a for a in household.accounts.all()}
    with transaction.atomic():
        for row in rows:
            transaction_record(household=household, account=accounts[row["account"]], **{
                k: v for k, v in row.items() if k != "account"
            })
        ledger.household_project(household)
        audit(actor=actor, verb="transactions.recorded", household=household,
              message=f"{len(rows)} transactions")
    return len(rows)


# --- the post-trade wash-sale monitor -------------------------------------------------------


def wash_monitor_run() -> dict[str, int]:
    """Alert, once, on every wash sale that appeared after its loss was taken.

    Only households whose ledger changed since the last check are read. A wash sale whose
    replacement was bought on or after the sale date is post-trade: the pre-trade guard
    could not have seen it (the spouse's IRA buying the fund after the harvest, a dividend
    reinvestment nobody turned off).
    """
    checked = dict(MonitorState.objects.values_list("household_id", "checked_version"))
    changed = [
        (hid, version)
        for hid, version in Household.objects.values_list("id", "ledger_version")
        if checked.get(hid) != version
    ]
    alerts = 0
    for hid, version in changed:
        with transaction.atomic():
            alerts += _wash_alerts_for(hid)
            MonitorState.objects.update_or_create(
                household_id=hid, defaults={"checked_version": version}
            )
    return {"households_checked": len(changed), "alerts_created": alerts}


def _wash_alerts_for(household_id: int) -> int:
    created = 0
    rows = RealizedSale.objects.filter(household_id=household_id, adjustment_code="W").select_related(
        "account", "security"
    )
    for row in rows:
        for match in row.wash_matches:
            rep_date = date.fromisoformat(match["date"])
            if rep_date < row.date_sold:
                continue
            fingerprint = "|".join([
                row.account.code, row.security.symbol, row.date_sold.isoformat(),
                row.purchase_date.isoformat(), match["account"], match["symbol"], match["date"],
            ])
            _, was_created = WashAlert.objects.get_or_create(
                household_id=household_id, fingerprint=fingerprint,
                defaults={
                    "sale_date": row.date_sold, "sale_account": row.account.code,
                    "symbol": row.security.symbol, "replacement_account": match["account"],
                    "replacement_symbol": match["symbol"], "replacement_date": rep_date,
                    "quantity": Decimal(match["quantity"]), "disallowed": Decimal(match["disallowed"]),
                    "permanent": not match["basis_added"],
                },
            )
            created += was_created
    return created


def wash_alert_acknowledge(*, alert: WashAlert, actor) -> WashAlert:
    access.require_act(actor, alert.household)
    if alert.acknowledged_at is None:
        WashAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now(), acknowledged_by=actor
        )
        audit(actor=actor, verb="wash_alert.acknowledged", household=alert.household, obj=alert,
              message=f"{alert.symbol} sold {alert.sale_date.isoformat()}")
    alert.refresh_from_db()
    return alert


# --- policies -------------------------------------------------------------------------------

POLICY_FIELDS = (
    "min_loss_dollars", "min_loss_percent", "require_both", "excluded_symbols", "swap_back",
    "stale_price_tolerance", "max_age_days",
)


def policy_update(*, household: Household | None, actor, **fields) -> HarvestPolicy:
    """Edit a household's override (its advisor) or the firm default (household=None, staff)."""
    if household is None:
        access.require_swap_admin(actor)
    else:
        access.require_act(actor, household)
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"unknown policy fields: {', '.join(sorted(unknown))}")
    if "excluded_symbols" in fields:
        fields["excluded_symbols"] = sorted({s.strip().upper() for s in fields["excluded_symbols"] if s.strip()})
    with transaction.atomic():
        policy = HarvestPolicy.objects.filter(household=household).first()
        if policy is None:
            base = HarvestPolicy.objects.filter(household__isnull=True).first()
            policy = HarvestPolicy(household=household)
            if base is not None:
                for name in POLICY_FIELDS:
                    setattr(policy, name, getattr(base, name))
        for name, value in fields.items():
            setattr(policy, name, value)
        policy.full_clean(exclude=["household"])
        policy.save()
        audit(actor=actor, verb="policy.updated", household=household, obj=policy,
              message=", ".join(f"{k}={_jsonable(v)}" for k, v in fields.items()))
    return policy


# --- swap lists -----------------------------------------------------------------------------


def _current_groups() -> list[tuple[str, ...]]:
    groups: dict[int, list[str]] = {}
    for gid, symbol in IdenticalMember.objects.values_list("group_id", "symbol"):
        groups.setdefault(gid, []).append(symbol)
    return [tuple(v) for v in groups.values()]


@transaction.atomic
def swap_list_import(*, document, actor=None) -> dict[str, int]:
    """Replace the firm's swap list atomically; re-project every household (R1.5)."""
    if actor is not None:
        access.require_swap_admin(actor)
    parsed: SwapListFile = parse_swap_list(document)
    old_groups = sorted(tuple(sorted(g)) for g in _current_groups())
    SwapPair.objects.all().delete()
    IdenticalGroup.objects.all().delete()
    for symbols in parsed.groups:
        group = IdenticalGroup.objects.create()
        IdenticalMember.objects.bulk_create([IdenticalMember(group=group, symbol=s) for s in symbols])
    SwapPair.objects.bulk_create(
        [SwapPair(from_symbol=a, to_symbol=b, rank=rank) for a, b, rank in parsed.pairs]
    )
    reprojected = 0
    if sorted(tuple(sorted(g)) for g in parsed.groups) != old_groups:
        reprojected = portfolio_services.household_reproject_all()
    audit(actor=actor, verb="swap_list.imported",
          message=f"{len(parsed.groups)} identical groups, {len(parsed.pairs)} swap pairs")
    return {
        "identical_groups": len(parsed.groups),
        "swap_pairs": len(parsed.pairs),
        "households_reprojected": reprojected,
    }


def swap_list_export() -> dict:
    """The firm's swap list as a FORMATS.md §2 document."""
    groups = sorted(sorted(g) for g in _current_groups())
    return {
        "identical_groups": groups,
        "swap_pairs": [
            {"from": a, "to": b, "rank": rank}
            for a, b, rank in SwapPair.objects.order_by("from_symbol", "rank", "to_symbol")
            .values_list("from_symbol", "to_symbol", "rank")
        ],
    }


def _normalize(symbol: str) -> str:
    value = (symbol or "").strip().upper()
    if not value:
        raise SwapListRefused("a symbol is required")
    return value


@transaction.atomic
def swap_pair_save(*, actor, from_symbol: str, to_symbol: str, rank: int, pair: SwapPair | None = None) -> SwapPair:
    access.require_swap_admin(actor)
    a, b = _normalize(from_symbol), _normalize(to_symbol)
    if int(rank) < 1:
        raise SwapListRefused("rank must be a whole number of at least 1")
    if same_group(group_index(_current_groups()), a, b):
        raise SwapListRefused(
            f"{a} and {b} are substantially identical (same identical group): swapping one for "
            "the other would wash the loss (R1.5)"
        )
    clash = SwapPair.objects.filter(from_symbol=a, to_symbol=b)
    if pair is not None:
        clash = clash.exclude(pk=pair.pk)
    if clash.exists():
        raise SwapListRefused(f"the pair {a} → {b} exists already")
    verb = "swap_pair.added" if pair is None else "swap_pair.changed"
    pair = pair or SwapPair()
    pair.from_symbol, pair.to_symbol, pair.rank = a, b, int(rank)
    pair.save()
    audit(actor=actor, verb=verb, obj=pair, message=f"{a} → {b} rank {rank}")
    return pair


@transaction.atomic
def swap_pair_delete(*, actor, pair: SwapPair) -> None:
    access.require_swap_admin(actor)
    audit(actor=actor, verb="swap_pair.removed", obj=pair,
          message=f"{pair.from_symbol} → {pair.to_symbol} rank {pair.rank}")
    pair.delete()


@transaction.atomic
def identical_group_save(*, actor, symbols: list[str], group: IdenticalGroup | None = None) -> IdenticalGroup:
    access.require_swap_admin(actor)
    wanted = sorted({_normalize(s) for s in symbols if s and s.strip()})
    if len(wanted) < 2:
        raise SwapListRefused("an identical group needs at least two symbols")
    taken = IdenticalMember.objects.filter(symbol__in=wanted)
    if group is not None:
        taken = taken.exclude(group=group)
    if taken.exists():
        raise SwapListRefused(
            "already in another identical group: " + ", ".join(sorted(taken.values_list("symbol", flat=True)))
        )
    inside = [
        f"{a} → {b}" for a, b in SwapPair.objects.filter(from_symbol__in=wanted, to_symbol__in=wanted)
        .values_list("from_symbol", "to_symbol")
    ]
    if inside:
        raise SwapListRefused("these swap pairs would fall inside the group: " + ", ".join(inside))
    verb = "identical_group.added" if group is None else "identical_group.changed"
    group = group or IdenticalGroup.objects.create()
    group.members.exclude(symbol__in=wanted).delete()
    existing = set(group.members.values_list("symbol", flat=True))
    IdenticalMember.objects.bulk_create(
        [IdenticalMember(group=group, symbol=s) for s in wanted if s not in existing]
    )
    audit(actor=actor, verb=verb, obj=group, message=" = ".join(wanted))
    portfolio_services.household_reproject_all()
    return group


@transaction.atomic
def identical_group_delete(*, actor, group: IdenticalGroup) -> None:
    access.require_swap_admin(actor)
    audit(actor=actor, verb="identical_group.removed", obj=group, message=" = ".join(group.symbols()))
    group.delete()
    portfolio_services.household_reproject_all()
