"""The pure tax core: money, lots, booking, wash sales, holding periods, Form 8949 rows,
Schedule D netting and the 2026 tables. No Django, no clock, no floats (DESIGN.md rule 1);
TAX_RULES.md is its specification."""
