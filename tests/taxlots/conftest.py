"""Pure tax-core tests: binary floats must never meet Decimals (DESIGN.md rules 1 and 8)."""

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
