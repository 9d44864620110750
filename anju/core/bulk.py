"""Fast inserts for billing runs: COPY on PostgreSQL, INSERT OR IGNORE executemany on SQLite.

Rows come as tuples in the order of `columns`. Ids of parent rows (bills) are reserved
up front so child rows (lines) can point at them without reading anything back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model`; call inside the writing transaction."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                "FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cur.fetchall()]
        # SQLite: the IMMEDIATE transaction already holds the write lock, so nobody
        # else can take ids between this read and our insert.
        cur.execute(
            f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}"
        )
        start = int(cur.fetchone()[0]) + 1
        return list(range(start, start + count))


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """Insert rows fast. Conflicts with a unique constraint are skipped off PostgreSQL;
    on PostgreSQL the caller excludes existing rows first and a conflict aborts the
    batch (its transaction rolls back, nothing half-written)."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cur:
            raw = cur.cursor
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    _executemany_ignore(model, columns, rows)


def _executemany_ignore(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """SQLite: one prepared INSERT OR IGNORE run over all rows (bulk_create's
    ignore_conflicts without its per-value Python overhead, about 10× slower here).
    Decimals go through the adapter Django registers; dates as Django writes them."""
    ops = connection.ops
    converters: dict[int, Callable[[Any], Any]] = {}
    for index, name in enumerate(columns):
        field = model._meta.get_field(name.removesuffix("_id"))
        if isinstance(field, models.DateTimeField):
            converters[index] = ops.adapt_datetimefield_value
        elif isinstance(field, models.DateField):
            converters[index] = ops.adapt_datefield_value

    def prepared() -> Iterable[list[Any]]:
        memo: dict[tuple[int, Any], Any] = {}
        for row in rows:
            out = list(row)
            for index, convert in converters.items():
                value = out[index]
                if value is not None:
                    key = (index, value)
                    if key not in memo:
                        memo[key] = convert(value)
                    out[index] = memo[key]
            yield out

    table = ops.quote_name(model._meta.db_table)
    cols = ", ".join(ops.quote_name(c) for c in columns)
    marks = ", ".join("?" * len(columns))
    connection.ensure_connection()
    connection.connection.executemany(
        f"INSERT OR IGNORE INTO {table} ({cols}) VALUES ({marks})", prepared()
    )
