"""A small firm for the API tests, built through the real commands.

* `holbrook` (the worked example, one extra sale so it has a Form 8949 row), advised by
  `quinn`; its primary member `diana` has a login (a client). The nightly scan of
  2026-10-15 made one pending proposal and one run.
* `other`, advised by `olive`; its primary member `oscar` has a login.
* `root` is an administrator (staff) who advises nobody.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from tests.support import holbrook
from tests.support.commands import run, run_json, write_json

PERSONAS = ["anonymous", "advisor", "other_advisor", "client", "other_client", "admin"]
USERNAMES = {
    "advisor": "quinn",
    "other_advisor": "olive",
    "client": "diana",
    "other_client": "oscar",
    "admin": "root",
}

# The worked example plus a small ADBE sale at a loss (a realized row, still harvestable).
HOLBROOK = copy.deepcopy(holbrook.HOUSEHOLD)
HOLBROOK["transactions"].append(
    {"date": "2025-06-02", "account": "P-TAX", "action": "SELL", "symbol": "ADBE",
     "quantity": "10", "price": "500.00"}
)

OTHER = {
    "key": "other",
    "name": "Other household",
    "advisor": "olive",
    "members": [{"role": "primary", "name": "Oscar Other"}],
    "accounts": [{"id": "O-TAX", "owner": "primary", "type": "taxable"}],
    "transactions": [
        {"date": "2025-02-03", "account": "O-TAX", "action": "BUY", "symbol": "VTI",
         "quantity": "10", "price": "250.00"},
        {"date": "2025-05-05", "account": "O-TAX", "action": "SELL", "symbol": "VTI",
         "quantity": "4", "price": "260.00"},
    ],
}


@dataclass(frozen=True)
class World:
    household: str
    account: int
    lot: int
    realized: int
    proposal: int
    leg: int
    run: int
    pair: int
    other_household: str
    other_lot: int
    other_proposal_free: bool = True


def build(tmp_path) -> World:
    from advisors.models import Household, Member
    from harvesting.models import HarvestRun, Proposal, SwapPair
    from portfolios.models import Lot, RealizedSale

    holbrook.load(tmp_path, HOLBROOK)
    run_json("harvest_scan", "--as-of", holbrook.AS_OF.isoformat())
    run("import_household", write_json(tmp_path, "other.json", OTHER))
    User = get_user_model()
    User.objects.create_user("root", password="x", is_staff=True)
    for username, key in (("diana", "holbrook"), ("oscar", "other")):
        user = User.objects.create_user(username, password="x")
        Member.objects.filter(household__key=key, role="primary").update(user=user)
    for username in ("quinn", "olive"):
        user = User.objects.get(username=username)
        user.set_password("x")
        user.save()
    home = Household.objects.get(key="holbrook")
    proposal = Proposal.objects.get(household=home)
    return World(
        household="holbrook",
        account=home.accounts.get(code="P-TAX").id,
        lot=Lot.objects.filter(household=home, security__symbol="VOO").get().id,
        realized=RealizedSale.objects.get(household=home).id,
        proposal=proposal.id,
        leg=proposal.legs.order_by("position").first().id,
        run=HarvestRun.objects.get().id,
        pair=SwapPair.objects.order_by("id").first().id,
        other_household="other",
        other_lot=Lot.objects.get(household__key="other").id,
    )


def user(persona: str):
    if persona == "anonymous":
        return None
    return get_user_model().objects.get(username=USERNAMES[persona])
