"""Pure harvest-engine tests: binary floats must never meet Decimals (DESIGN.md rules 1, 8).

No database, no Django: run with `python -m pytest tests/engine -p no:django -q`.
"""

import decimal

import pytest


@pytest.fixture(autouse=True)
def _float_operation_trap():
    """Turn on the decimal.FloatOperation trap for every test."""
    context = decimal.getcontext()
    previous = context.traps[decimal.FloatOperation]
    context.traps[decimal.FloatOperation] = True
    yield
    context.traps[decimal.FloatOperation] = previous
