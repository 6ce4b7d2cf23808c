"""Fast inserts for the projection and large imports.

`bulk_create` prepares every value through the field machinery, which dominates the time
of a 20,000-transaction import. Rows here are plain tuples in column order, adapted once
per column with the backend's own adapters, then sent with COPY on PostgreSQL and
`executemany` elsewhere (issue 2's import target, issue 3's scan); `upsert_rows` does the
same for price imports (insert or update by key). Only for models without save() logic or
signals: the projection caches, the transaction list, proposal legs and prices.
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
    """INSERT rows (tuples in `columns` order; a foreign key column takes the id).

    On PostgreSQL the rows are streamed with COPY (no statement to parse, one round trip);
    elsewhere they go with `executemany` in batches of `batch` rows.
    """
    fields = [model._meta.get_field(name) for name in columns]
    adapters = [_adapter(f) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    adapted = (tuple(adapt(value) for adapt, value in zip(adapters, row, strict=True))
               for row in rows)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in adapted:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
        pending: list[tuple] = []
        for row in adapted:
            pending.append(row)
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                count += len(pending)
                pending = []
        if pending:
            cursor.executemany(sql, pending)
            count += len(pending)
    return count


def upsert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence], *,
                conflict: Sequence[str], update: Sequence[str], batch: int = 5000) -> int:
    """INSERT rows, or UPDATE the `update` columns of the row already holding the same
    `conflict` key (`ON CONFLICT … DO UPDATE`, on PostgreSQL and SQLite alike)."""
    fields = [model._meta.get_field(name) for name in columns]
    adapters = [_adapter(f) for f in fields]
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(model._meta.get_field(name).column)

    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({', '.join(column(c) for c in conflict)}) DO UPDATE SET "
        + ", ".join(f"{column(c)} = excluded.{column(c)}" for c in update)
    )
    count = 0
    pending: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            pending.append(tuple(adapt(value) for adapt, value in zip(adapters, row, strict=True)))
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                count, pending = count + len(pending), []
        if pending:
            cursor.executemany(sql, pending)
            count += len(pending)
    return count
