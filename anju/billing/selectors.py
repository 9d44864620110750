"""Billing reads shared by the staff pages and the API; every one starts from
`visible_to`, so another community's rows are never returned."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.http import Http404

from anju.core.money import money
from anju.estates.choices import Relation
from anju.estates.models import Community, House, HouseResident

from .choices import OPEN_LINE_STATUSES, LineKind, PaymentKind
from .models import (
    Bill,
    BillLine,
    BillLineChange,
    DiscountLine,
    Payment,
    PaymentAllocation,
    Refund,
)
from .periods import add_months, month_end


def billing_communities(user: Any) -> list[Community]:
    """Communities the user may see bills of (none without `billing.view`)."""
    if user.is_owner_account or not user.has_role_perm("billing.view"):
        return []
    return list(Community.objects.visible_to(user).order_by("name").only("pk", "name"))


def pick_community(user: Any, wanted: Any) -> tuple[Community, list[Community]]:
    """The community asked for (or the first visible one) and the choices.

    Http404 when it is not one the user works in, or when there is none."""
    communities = billing_communities(user)
    if not communities:
        raise Http404
    if wanted in (None, ""):
        return communities[0], communities
    chosen = next((c for c in communities if str(c.pk) == str(wanted)), None)
    if chosen is None:
        raise Http404
    return chosen, communities


def parse_month(value: str) -> tuple[date, date] | None:
    """ "2026-03" → (1 Mar, 31 Mar); None for anything else."""
    try:
        year, _, mon = (value or "").partition("-")
        first = date(int(year), int(mon), 1)
    except (TypeError, ValueError):
        return None
    return first, month_end(first)


def bill_list(
    *,
    user: Any,
    community_id: int,
    q: str = "",
    status: str = "",
    month: str = "",
) -> QuerySet[Bill]:
    """A community's bills, newest period first; `q` is a house-number prefix,
    `month` (YYYY-MM) keeps bills whose period overlaps that month."""
    qs = Bill.objects.visible_to(user).filter(community_id=community_id)
    if q:
        qs = qs.filter(house__number__startswith=q.strip())
    if status:
        qs = qs.filter(status=status)
    bounds = parse_month(month) if month else None
    if bounds:
        qs = qs.filter(period_start__lte=bounds[1], period_end__gte=bounds[0])
    return qs.select_related("house").order_by("-period_start", "house__number", "-id")


def house_for_billing(*, user: Any, pk: int) -> House:
    """A house the user may see bills of; 404 otherwise (never a 403 that confirms it)."""
    if user.is_owner_account or not user.has_role_perm("billing.view"):
        raise Http404
    house = (
        House.objects.visible_to(user)
        .select_related("community__company", "building", "unit")
        .filter(pk=pk)
        .first()
    )
    if house is None:
        raise Http404
    return house


def owner_names(house: House) -> list[str]:
    return list(
        HouseResident.objects.filter(house=house, active=True, relation=Relation.OWNER)
        .order_by("-is_primary", "id")
        .values_list("person__name", flat=True)
    )


def open_lines(house: House) -> list[BillLine]:
    """Lines the house still owes, oldest first (the order payments settle them)."""
    return list(
        BillLine.objects.filter(house=house, status__in=OPEN_LINE_STATUSES)
        .exclude(kind=LineKind.REVERSAL)
        .select_related("fee_item")
        .order_by("period_start", "id")
    )


def house_bills(house: House, limit: int = 60) -> list[Bill]:
    """The house's bills, newest first, with their lines (two queries)."""
    lines = BillLine.objects.select_related("fee_item").order_by("period_start", "id")
    return list(
        Bill.objects.filter(house=house)
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("-period_start", "-id")[:limit]
    )


def house_payments(house: House, limit: int = 60) -> list[Payment]:
    """The house's payments, reversals and refunds, newest first, with receipts and
    lines; each payment knows whether it was reversed and how much of it was refunded
    (`refunded`, positive)."""
    allocations = PaymentAllocation.objects.select_related("line__fee_item").order_by(
        "id"
    )
    payments = list(
        Payment.objects.filter(house=house)
        .select_related(
            "receipt",
            "received_by",
            "reversal_of__receipt",
            "refund_of__receipt",
            "refund_request__decided_by",
        )
        .prefetch_related(Prefetch("allocations", queryset=allocations))
        .order_by("-received_at", "-id")[:limit]
    )
    ids = [p.pk for p in payments]
    reversed_ids = set(
        Payment.objects.filter(reversal_of__in=ids).values_list(
            "reversal_of_id", flat=True
        )
    )
    refunded = dict(
        Payment.objects.filter(kind=PaymentKind.REFUND, refund_of__in=ids)
        .values("refund_of_id")
        .annotate(s=Sum("amount"))
        .order_by()
        .values_list("refund_of_id", "s")
    )
    for p in payments:
        p.is_reversed = p.pk in reversed_ids
        p.refunded = -money(refunded.get(p.pk) or 0)
    return payments


def house_refunds(house: House, limit: int = 30) -> list[Refund]:
    """The house's refund requests (waiting, approved, rejected), newest first."""
    return list(
        Refund.objects.filter(house=house)
        .select_related(
            "payment__receipt",
            "line__fee_item",
            "created_by",
            "decided_by",
            "refund_payment__receipt",
        )
        .order_by("-created_at", "-id")[:limit]
    )


def refund_queue(*, user: Any, community_id: int, status: str = "") -> QuerySet[Refund]:
    """退款审批: a community's refund requests, newest first (`status` narrows)."""
    qs = Refund.objects.visible_to(user).filter(community_id=community_id)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related(
        "house",
        "payment__receipt",
        "line__fee_item",
        "created_by",
        "decided_by",
        "refund_payment__receipt",
    ).order_by("-created_at", "-id")


def house_line_changes(house: House, limit: int = 20) -> list[BillLineChange]:
    """The house's splits and merges, newest first, with the lines on both sides (three
    queries)."""
    lines = BillLine.objects.filter(house=house).order_by("due_date", "id")
    return list(
        BillLineChange.objects.filter(house=house)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("originals", queryset=lines),
            Prefetch("replacements", queryset=lines),
        )
        .order_by("-created_at", "-id")[:limit]
    )


def credit_applications(house: House, limit: int = 30) -> list[PaymentAllocation]:
    """Prepayment credit set against the house's lines (and reversals of that), newest
    first."""
    return list(
        PaymentAllocation.objects.filter(payment__house=house, from_credit=True)
        .select_related("line__fee_item", "payment__receipt")
        .order_by("-created_at", "-id")[:limit]
    )


def house_discounts(house: House, limit: int = 30) -> list[DiscountLine]:
    """The house's discounts (requested, approved, rejected), newest first."""
    return list(
        DiscountLine.objects.filter(line__house=house)
        .select_related("line__fee_item", "created_by", "approved_by", "incentive")
        .order_by("-created_at", "-id")[:limit]
    )


def late_fee_lines(*, user: Any, community_id: int) -> QuerySet[BillLine]:
    """The community's late-fee lines, newest first."""
    return (
        BillLine.objects.visible_to(user)
        .filter(kind=LineKind.LATE_FEE, bill__community_id=community_id)
        .select_related("house", "late_fee_of")
        .order_by("-period_end", "-id")
    )


def recent_months(today: date, n: int = 12) -> list[str]:
    out = []
    for i in range(n):
        y, m = add_months(today.year, today.month, -i)
        out.append(f"{y:04d}-{m:02d}")
    return out
