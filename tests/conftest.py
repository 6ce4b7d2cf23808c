"""Suite-wide fixtures: the float trap, personas' building blocks, and component checks.

* Every test runs with `decimal.FloatOperation` trapped: a float that meets a Decimal is a
  bug near money (DESIGN.md rule 8).
* Real components: see `tests/support/components.py`.
"""

from __future__ import annotations

import decimal

import pytest


@pytest.fixture(autouse=True)
def _trap_float_operations():
    context = decimal.getcontext()
    previous = context.traps[decimal.FloatOperation]
    context.traps[decimal.FloatOperation] = True
    yield
    context.traps[decimal.FloatOperation] = previous
