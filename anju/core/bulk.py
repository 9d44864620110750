"""Fast inserts for batch jobs (bill runs, Excel import): COPY on PostgreSQL, one
prepared executemany on SQLite.

Rows come as tuples in the order of `columns`. Ids of parent rows (bills, houses) are
reserved up front so child rows (lines, residents) can point at them without reading
anything back. Django's bulk_create spends most of its time preparing each value in
Python; these paths hand the values to the driver directly (≈5–10× faster at 100,000
rows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


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
        # else can take ids between this read and our insert. AUTOINCREMENT never
        # reuses the id of a deleted row; neither do we (sqlite_sequence).
        cur.execute(
            f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}"
        )
        start = int(cur.fetchone()[0]) + 1
        cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        seq = cur.fetchone()
        if seq is not None:
            start = max(start, int(seq[0]) + 1)
        return list(range(start, start + count))


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
    *,
    ignore_conflicts: bool = True,
) -> None:
    """Insert rows fast. With `ignore_conflicts` (the bill run's default) a row that
    breaks a unique constraint is skipped on SQLite; on PostgreSQL, and on SQLite
    without it, a conflict raises IntegrityError and the caller's transaction rolls
    back, nothing half-written (callers exclude existing rows first)."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cur:
            raw = cur.cursor
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    _executemany(model, columns, rows, ignore_conflicts)


def insert_objects(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """bulk_create for plain rows, fast: reserves ids (set on the objects), fills
    auto_now/auto_now_add fields, and inserts every concrete column as the object holds
    it. Nothing else of save() runs (no signals, no derived fields): set those first.
    A unique conflict raises IntegrityError; call inside a transaction."""
    if not objs:
        return
    now = timezone.now()
    fields = list(model._meta.concrete_fields)
    always = [f.attname for f in fields if getattr(f, "auto_now", False)]
    if_empty = [f.attname for f in fields if getattr(f, "auto_now_add", False)]
    for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
        for name in always:
            setattr(obj, name, now)
        for name in if_empty:
            if getattr(obj, name) is None:
                setattr(obj, name, now)
        obj._state.adding = False
        obj._state.db = connection.alias
    columns = [f.column for f in fields]
    attnames = [f.attname for f in fields]
    prep = {
        i: f.get_db_prep_save
        for i, f in enumerate(fields)
        if isinstance(f, models.JSONField)
    }

    def rows() -> Iterable[tuple[Any, ...]]:
        for obj in objs:
            values = [getattr(obj, name) for name in attnames]
            for i, convert in prep.items():
                values[i] = convert(values[i], connection)
            yield tuple(values)

    insert_rows(model, columns, rows(), ignore_conflicts=False)


def _executemany(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
    ignore_conflicts: bool,
) -> None:
    """SQLite: one prepared INSERT (OR IGNORE) run over all rows. Decimals go through
    the adapter Django registers; dates as Django writes them."""
    ops = connection.ops
    converters: dict[int, Callable[[Any], Any]] = {}
    by_column = {f.column: f for f in model._meta.concrete_fields}
    for index, name in enumerate(columns):
        field = by_column.get(name) or model._meta.get_field(name.removesuffix("_id"))
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
    verb = "INSERT OR IGNORE" if ignore_conflicts else "INSERT"
    connection.connection.executemany(
        f"{verb} INTO {table} ({cols}) VALUES ({marks})", prepared()
    )
