"""Dunning effectiveness (催缴成效) for the finance report: per campaign and per stage,
how many houses were contacted, how many promised to pay, and how much of their
arrears was paid within 30 days after a contact.

A contact counts when a message went out (SMS/WeChat) or a call/visit was recorded,
on a day in the period. A payment counts for a group when it was received within 30
days after one of that group's contacts with the house — once per group, however many
contacts cover it; only the part that settled bill lines counts (prepayment credit is
not arrears recovered). The same payment may count for a campaign and for a stage, and
for two campaigns that both reached the house: each figure answers "what came in after
this", not a share of the total.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F

from anju.billing.choices import PaymentKind
from anju.billing.models import Payment
from anju.core.money import money

from .choices import ContactStatus, Outcome, Stage
from .models import Contact

ZERO = Decimal("0.00")
COUNTED = (ContactStatus.SENT, ContactStatus.DONE)


@dataclass
class Figure:
    key: str
    label: str
    houses: int = 0
    contacts: int = 0
    promises: int = 0
    recovered: Decimal = ZERO

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "houses": self.houses,
            "contacts": self.contacts,
            "promises": self.promises,
            "recovered": str(self.recovered),
        }


@dataclass
class _Group:
    figure: Figure
    windows: dict[int, list[tuple[datetime, datetime]]] = field(
        default_factory=lambda: defaultdict(list)
    )


def _bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(date_from, datetime.min.time(), zone)
    end = datetime.combine(date_to + timedelta(days=1), datetime.min.time(), zone)
    return start, end


def _recovered(
    windows: dict[int, list[tuple[datetime, datetime]]],
    payments: dict[int, list[tuple[datetime, Decimal]]],
) -> Decimal:
    total = ZERO
    for house_id, spans in windows.items():
        spans.sort()
        starts = [s for s, _ in spans]
        for received_at, amount in payments.get(house_id, ()):
            i = bisect_right(starts, received_at) - 1
            # any window opened at or before the payment that is still open
            if any(end > received_at for _, end in spans[: i + 1]):
                total += amount
    return money(total)


def effectiveness(
    *, user: Any, date_from: date, date_to: date, community_id: int | None = None
) -> dict[str, Any]:
    """Figures per campaign and per stage for contacts made in [date_from, date_to]."""
    start, end = _bounds(date_from, date_to)
    contacts = Contact.objects.visible_to(user).filter(
        status__in=COUNTED, contacted_at__gte=start, contacted_at__lt=end
    )
    if community_id:
        contacts = contacts.filter(community_id=community_id)
    rows = list(
        contacts.order_by("contacted_at", "id").values(
            "house_id",
            "campaign_id",
            "campaign__name",
            "stage",
            "outcome",
            "contacted_at",
            "window_end",
        )
    )
    campaigns: dict[Any, _Group] = {}
    stages: dict[str, _Group] = {
        s.value: _Group(Figure(s.value, str(s.label))) for s in Stage
    }
    total = _Group(Figure("total", "合计"))
    houses: set[int] = set()
    last_end = start
    for row in rows:
        key = row["campaign_id"]
        if key not in campaigns:
            label = row["campaign__name"] or "手工联系与跟进"
            campaigns[key] = _Group(Figure(str(key or "manual"), label))
        span = (row["contacted_at"], row["window_end"] or row["contacted_at"])
        last_end = max(last_end, span[1])
        houses.add(row["house_id"])
        for group in (campaigns[key], stages[row["stage"]], total):
            group.figure.contacts += 1
            group.figure.promises += row["outcome"] == Outcome.PROMISED
            group.windows[row["house_id"]].append(span)
    payments: dict[int, list[tuple[datetime, Decimal]]] = defaultdict(list)
    if houses:
        first = rows[0]["contacted_at"]
        for house_id, received_at, settled in (
            Payment.objects.filter(
                house_id__in=houses, received_at__gte=first, received_at__lt=last_end
            )
            # money given back (a deposit, an overpayment) after approval is not a
            # payment towards the bills; reversals are, negatively
            .exclude(kind=PaymentKind.REFUND)
            .annotate(settled=F("amount") - F("credit_amount"))
            .order_by("received_at", "id")
            .values_list("house_id", "received_at", "settled")
        ):
            payments[house_id].append((received_at, Decimal(settled)))
    for group in [*campaigns.values(), *stages.values(), total]:
        group.figure.houses = len(group.windows)
        group.figure.recovered = _recovered(group.windows, payments)
    return {
        "date_from": date_from,
        "date_to": date_to,
        "campaigns": [g.figure for g in campaigns.values()],
        "stages": [g.figure for g in stages.values()],
        "total": total.figure,
    }
