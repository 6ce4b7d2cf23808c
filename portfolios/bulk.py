"""Fast inserts for the projection and large imports.

`bulk_create` prepares every value through the field machinery, which dominates the time
of a 20,000-transaction import. Rows here are plain tuples in column order, adapted once
per column with the backend's own adapters, then sent with `executemany` (issue 2's import
target). Only for models without save() logic or signals: the projection caches and the
transaction list.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connection, models


def _adapter(field: models.Field):
    ops = connection.ops
    if isinstance(field, models.DecimalField):
        return lambda v: None if v is None else ops.adapt_decimalfield_value(
            v, field.max_digits, field.decimal_places
        )
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return lambda v: None if v is None else ops.adapt_datefield_value(v)
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v)
    return lambda v: v


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence], *,
                batch: int = 5000) -> int:
    """INSERT rows (tuples in `columns` order; a foreign key column takes the id)."""
    fields = [model._meta.get_field(name) for name in columns]
    adapters = [_adapter(f) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    count = 0
    pending: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            pending.append(tuple(adapt(value) for adapt, value in zip(adapters, row, strict=True)))
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                count += len(pending)
                pending = []
        if pending:
            cursor.executemany(sql, pending)
            count += len(pending)
    return count
