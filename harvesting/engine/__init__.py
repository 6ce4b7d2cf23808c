"""The pure harvest engine (DESIGN.md rule 1): values in, a `HarvestPlan` out.

candidates → open-proposal check → restrictions → wash-sale guard → replacement → leg;
see `plan.plan_harvest`. Stdlib and `portfolios.taxlots` only; no Django, no clock.
"""
