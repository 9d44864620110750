"""欠费账龄: arrears by how long they have been overdue (DOMAIN §5).

A line is in arrears on day D when it still owes money (unpaid or partly paid) and its
due date is on or before D; it is `D − due date` days overdue. Buckets: 0–30, 31–90,
91–180, 181–365 and more than 365 days. Everything is one grouped SQL query per level
(community, building, house): the bucket of a line is decided by comparing its due
date with dates computed once in Python, so no per-house loop runs and both databases
answer the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from anju.core.money import MONEY_FIELD, money

from .choices import OPEN_LINE_STATUSES, LineKind
from .models import ZERO, BillLine


@dataclass(frozen=True)
class Bucket:
    key: str
    low: int  # days overdue, inclusive
    high: int | None  # inclusive; None: no upper end
    label: Any


BUCKETS = (
    Bucket("d0_30", 0, 30, _("0–30天")),
    Bucket("d31_90", 31, 90, _("31–90天")),
    Bucket("d91_180", 91, 180, _("91–180天")),
    Bucket("d181_365", 181, 365, _("181–365天")),
    Bucket("d365_plus", 366, None, _(">365天")),
)
KEYS = [b.key for b in BUCKETS]
LEVELS = ("community", "building", "house")

MONEY = MONEY_FIELD


def _outstanding() -> ExpressionWrapper:
    return ExpressionWrapper(
        F("amount") - F("discount_amount") - F("paid_amount"), output_field=MONEY
    )


def _bucket_sums(as_of: date) -> dict[str, Any]:
    """Sum of what is owed per bucket, decided on the due date (as_of − days)."""
    owed = _outstanding()
    sums: dict[str, Any] = {}
    for b in BUCKETS:
        cond = Q(due_date__lte=as_of - timedelta(days=b.low))
        if b.high is not None:
            cond &= Q(due_date__gte=as_of - timedelta(days=b.high))
        sums[b.key] = Sum(
            Case(When(cond, then=owed), default=Value(ZERO), output_field=MONEY),
            output_field=MONEY,
        )
    sums["total"] = Sum(owed, output_field=MONEY)
    sums["lines"] = Count("pk")
    return sums


def arrears_lines(*, community_id: int, as_of: date) -> QuerySet[BillLine]:
    """The community's lines in arrears on `as_of` (open and due)."""
    return BillLine.objects.filter(
        house__community_id=community_id,
        status__in=OPEN_LINE_STATUSES,
        due_date__lte=as_of,
    ).exclude(kind=LineKind.REVERSAL)


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    # SQLite sums decimals as floats and hands back unrounded values: round once here.
    for key in [*KEYS, "total"]:
        row[key] = money(row.get(key) or ZERO)
    return row


def community_aging(
    *, community_id: int, as_of: date, building_id: int | None = None
) -> dict[str, Any]:
    """Totals per bucket, the number of houses and lines in arrears."""
    qs = arrears_lines(community_id=community_id, as_of=as_of)
    if building_id:
        qs = qs.filter(house__building_id=building_id)
    row = qs.aggregate(**_bucket_sums(as_of), houses=Count("house", distinct=True))
    return _clean(row)


def building_aging(*, community_id: int, as_of: date) -> list[dict[str, Any]]:
    """One row per building that has arrears, in building order."""
    rows = (
        arrears_lines(community_id=community_id, as_of=as_of)
        .values("house__building_id", "house__building__number")
        .annotate(**_bucket_sums(as_of), houses=Count("house", distinct=True))
        .order_by("house__building__number", "house__building_id")
    )
    return [
        _clean(
            {
                "building_id": r.pop("house__building_id"),
                "building": r.pop("house__building__number"),
                **r,
            }
        )
        for r in rows
    ]


def house_aging(
    *,
    community_id: int,
    as_of: date,
    building_id: int | None = None,
    q: str = "",
) -> QuerySet:
    """One row per house in arrears, largest arrears first (a lazy, pageable query)."""
    qs = arrears_lines(community_id=community_id, as_of=as_of)
    if building_id:
        qs = qs.filter(house__building_id=building_id)
    if q:
        qs = qs.filter(house__number__startswith=q)
    return (
        qs.values("house_id", "house__number")
        .annotate(**_bucket_sums(as_of))
        .order_by("-total", "house__number")
    )


def house_row(row: dict[str, Any]) -> dict[str, Any]:
    return _clean(
        {"house_id": row.pop("house_id"), "house": row.pop("house__number"), **row}
    )


def single_house_aging(*, house_id: int, as_of: date) -> dict[str, Any]:
    """A house's arrears per bucket (for its billing page)."""
    qs = BillLine.objects.filter(
        house_id=house_id, status__in=OPEN_LINE_STATUSES, due_date__lte=as_of
    ).exclude(kind=LineKind.REVERSAL)
    return _clean(qs.aggregate(**_bucket_sums(as_of)))


def chart_items(row: dict[str, Any]) -> list[tuple[str, Decimal]]:
    return [(str(b.label), row[b.key]) for b in BUCKETS]
