"""Business numbers such as TS2026-0568 and receipt numbers: duplicate-free under concurrency.

One atomic upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING) both creates the counter row
and takes the next value; the database serialises concurrent callers on the row, so two
callers never get the same number (PostgreSQL row lock; SQLite's single writer).
"""

from __future__ import annotations

from django.db import connection, transaction

from .models import Counter


def next_value(*, company_id: int, key: str) -> int:
    """Take the next value of the company's sequence `key` (starts at 1)."""
    table = connection.ops.quote_name(Counter._meta.db_table)
    sql = (
        f"INSERT INTO {table} (company_id, key, value) VALUES (%s, %s, 1) "
        f"ON CONFLICT (company_id, key) DO UPDATE SET value = {table}.value + 1 "
        "RETURNING value"
    )
    # one statement: no savepoint needed inside the caller's transaction
    with transaction.atomic(savepoint=False), connection.cursor() as cur:
        cur.execute(sql, [company_id, key])
        return int(cur.fetchone()[0])


def next_number(*, company_id: int, prefix: str, year: int, width: int = 4) -> str:
    """`TS2026-0568`: prefix + year + '-' + a sequence of at least `width` digits."""
    value = next_value(company_id=company_id, key=f"{prefix}{year}")
    return f"{prefix}{year}-{value:0{width}d}"
