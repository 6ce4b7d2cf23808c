"""Every replay-core module's worked example (its docstring) stays true (DESIGN.md rule 1)."""

import doctest

import pytest

from portfolios.taxlots import booking, holding, replay


@pytest.mark.parametrize("module", [holding, booking, replay], ids=lambda m: m.__name__)
def test_module_docstring_examples_hold(module):
    assert module.__doc__ and "R" in module.__doc__  # states its rule, cites rule numbers
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0
