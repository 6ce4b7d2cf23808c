"""The demo loader: users for every role, the swap list, prices and the demo households.

Everything goes through the same services as real imports, so the demo is also a smoke
test of the public formats.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from advisors.models import Household, Member
from portfolios import services
from portfolios.imports.jsonfile import load_json_file

DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEMO_PASSWORD = "taxalpha-demo"
DEMO_USERS = [
    # username, first name, last name, staff
    ("quinn", "Quinn", "Avery", False),
    ("reese", "Reese", "Morgan", False),
    ("diana", "Diana", "Holbrook", False),
    ("admin", "Ada", "Admin", True),
]


def users_ensure() -> dict[str, object]:
    User = get_user_model()
    users = {}
    for username, first, last, staff in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
        user.first_name, user.last_name = first, last
        user.is_staff = user.is_superuser = staff
        user.save()
        users[username] = user
    return users


@transaction.atomic
def load_demo() -> list[str]:
    from harvesting import services as harvesting_services

    report: list[str] = []
    users = users_ensure()
    harvesting_services.swap_list_import(document=load_json_file(DEMO_DIR / "swaplist.json"))
    services.prices_import(path=DEMO_DIR / "holbrook_prices.csv")
    summary = services.household_import(
        document=load_json_file(DEMO_DIR / "holbrook.household.json")
    )
    Member.objects.filter(household=summary.household, role="primary").update(
        user=users["diana"]
    )
    report.append(f"loaded {Household.objects.count()} households")
    report.append(f"demo logins (password {DEMO_PASSWORD!r}): " + ", ".join(u for u, *_ in DEMO_USERS))
    return report
