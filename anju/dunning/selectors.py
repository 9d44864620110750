"""Dunning reads shared by pages, the API and the services.

What a house owes comes from billing, read-only: its open bill lines (unpaid or partly
paid, not reversal lines) whose due date has come. Everything a user sees starts from
`visible_to`, so another community's case is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from anju.billing.choices import LineKind, LineStatus
from anju.billing.models import BillLine
from anju.core.money import money
from anju.estates.choices import Occupancy, Relation
from anju.estates.models import Community, House, HouseResident

from .choices import CaseStatus, ContactStatus, Segment
from .models import CaseEvent, Contact, DunningCase, FaqEntry

ZERO = Decimal("0.00")
OPEN_LINE_STATUSES = (LineStatus.UNPAID, LineStatus.PARTIAL)
# A house becomes a case when its oldest arrears are this many days overdue.
OPEN_AFTER_DAYS = 30
# Oldest arrears more than this many days overdue: long overdue (3 months).
LONG_AFTER_DAYS = 90
# 诉讼时效 (Civil Code art. 188): three years; warn when fewer than 90 days are left.
LIMITATION_YEARS = 3
WARN_DAYS = 90

MONEY = DecimalField(max_digits=14, decimal_places=2)


def today_local() -> date:
    return timezone.localdate()


# --- arrears (billing, read-only) ------------------------------------------------------


def _outstanding() -> ExpressionWrapper:
    return ExpressionWrapper(
        F("amount") - F("discount_amount") - F("paid_amount"), output_field=MONEY
    )


def arrears_lines(*, today: date) -> QuerySet[BillLine]:
    """Every line in arrears on `today`: still owing and due."""
    return BillLine.objects.filter(
        status__in=OPEN_LINE_STATUSES, due_date__lte=today
    ).exclude(kind=LineKind.REVERSAL)


def house_arrears_lines(house_id: int, *, today: date) -> list[BillLine]:
    """A house's lines in arrears, oldest due first (what a notice lists)."""
    return list(
        arrears_lines(today=today)
        .filter(house_id=house_id)
        .select_related("fee_item")
        .order_by("due_date", "period_start", "id")
    )


def house_owed(house_id: int, *, today: date) -> Decimal:
    total = (
        arrears_lines(today=today)
        .filter(house_id=house_id)
        .aggregate(s=Sum(_outstanding(), output_field=MONEY))["s"]
    )
    return money(total or ZERO)


def _per_house(today: date, value: Any, output_field: Any) -> Subquery:
    lines = (
        arrears_lines(today=today)
        .filter(house_id=OuterRef("house_id"))
        .order_by()
        .values("house_id")
        .annotate(v=value)
        .values("v")
    )
    return Subquery(lines, output_field=output_field)


def owed_of(case: Any) -> Decimal:
    """The `owed` annotation as money (SQLite hands back subquery sums unrounded)."""
    return money(getattr(case, "owed", None) or ZERO)


def with_arrears(qs: QuerySet, *, today: date) -> QuerySet:
    """Annotate cases with `owed`, `oldest_due` and `segment`."""
    long_before = today - timedelta(days=LONG_AFTER_DAYS)
    return qs.annotate(
        owed=_per_house(today, Sum(_outstanding(), output_field=MONEY), MONEY),
        oldest_due=_per_house(today, Min("due_date"), DateField()),
    ).annotate(
        segment=Case(
            When(disputed=True, then=Value(Segment.DISPUTED.value)),
            When(
                house__occupancy=Occupancy.VACANT,
                then=Value(Segment.VACANT.value),
            ),
            When(oldest_due__lte=long_before, then=Value(Segment.LONG_OVERDUE.value)),
            default=Value(Segment.SHORT_OVERDUE.value),
            output_field=CharField(),
        )
    )


# --- limitation period (诉讼时效) --------------------------------------------------------


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February falls on the 28th (art. 202: a period
    without the corresponding day ends on the last day of that month)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def warning_boundary(today: date) -> date:
    """A period that started before this day has fewer than WARN_DAYS days left."""
    return add_years(today + timedelta(days=WARN_DAYS), -LIMITATION_YEARS)


@dataclass(frozen=True)
class Limitation:
    """Where a case stands against the three-year limitation period."""

    start: date  # the oldest due date, or the last interruption if later
    expires: date  # the last day a claim on the oldest arrears is in time
    days_left: int
    interrupted: bool  # the period restarted from a demand or a filing
    reason: str

    @property
    def warning(self) -> bool:
        return self.days_left < WARN_DAYS

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def limitation_for(
    *, oldest_due: date | None, limitation_from: date | None, reason: str, today: date
) -> Limitation | None:
    """The period runs three years from the oldest arrears' due date (art. 188); a
    demand delivered to the owner, or filing for mediation or a lawsuit, interrupts it
    and it runs afresh from that day (art. 195). None when nothing is in arrears."""
    if oldest_due is None:
        return None
    interrupted = limitation_from is not None and limitation_from > oldest_due
    start = limitation_from if interrupted else oldest_due
    assert start is not None
    expires = add_years(start, LIMITATION_YEARS)
    return Limitation(
        start=start,
        expires=expires,
        days_left=(expires - today).days,
        interrupted=interrupted,
        reason=reason if interrupted else "最早欠费到期日",
    )


def case_limitation(case: DunningCase, *, today: date) -> Limitation | None:
    oldest = getattr(case, "oldest_due", None)
    if not hasattr(case, "oldest_due"):
        oldest = (
            arrears_lines(today=today)
            .filter(house_id=case.house_id)
            .aggregate(d=Min("due_date"))["d"]
        )
    return limitation_for(
        oldest_due=oldest,
        limitation_from=case.limitation_from,
        reason=case.limitation_reason,
        today=today,
    )


def line_expiry(due: date, limitation_from: date | None) -> date:
    """The last day a claim on one line is in time."""
    start = max(due, limitation_from) if limitation_from else due
    return add_years(start, LIMITATION_YEARS)


# --- cases ------------------------------------------------------------------------------


def _owner_ties() -> Prefetch:
    return Prefetch(
        "house__residents",
        queryset=HouseResident.objects.filter(active=True, relation=Relation.OWNER)
        .select_related("person")
        .order_by("-is_primary", "id"),
        to_attr="owner_ties",
    )


def owner_names(house: House) -> list[str]:
    ties = getattr(house, "owner_ties", None)
    if ties is None:
        ties = (
            HouseResident.objects.filter(
                house=house, active=True, relation=Relation.OWNER
            )
            .select_related("person")
            .order_by("-is_primary", "id")
        )
    return [t.person.name for t in ties]


def case_list(
    *,
    user: Any,
    community_id: int | None = None,
    status: str = CaseStatus.OPEN,
    stage: str = "",
    segment: str = "",
    warning: bool = False,
    follow_up: bool = False,
    q: str = "",
    today: date | None = None,
) -> QuerySet[DunningCase]:
    """Cases the user may see, with what is owed, the segment and the limitation
    start; `warning` keeps those with fewer than 90 days of limitation left."""
    today = today or today_local()
    qs = DunningCase.objects.visible_to(user)
    if community_id:
        qs = qs.filter(community_id=community_id)
    if status:
        qs = qs.filter(status=status)
    if stage:
        qs = qs.filter(stage=stage)
    if follow_up:
        qs = qs.filter(needs_follow_up=True)
    if q:
        qs = qs.filter(house__number__startswith=q.strip())
    qs = with_arrears(qs, today=today)
    if segment:
        qs = qs.filter(segment=segment)
    if warning:
        boundary = warning_boundary(today)
        qs = qs.filter(oldest_due__lt=boundary).filter(
            Q(limitation_from__isnull=True) | Q(limitation_from__lt=boundary)
        )
    return (
        qs.select_related("house", "community")
        .prefetch_related(_owner_ties())
        .order_by("-needs_follow_up", "oldest_due", "house__number", "id")
    )


def case_get(*, user: Any, pk: int, action: str = "view") -> DunningCase:
    """A case the user may see (or change); Http404 otherwise, never a 403."""
    found = (
        with_arrears(DunningCase.objects.visible_to(user, action), today=today_local())
        .select_related("house__community__company", "community")
        .prefetch_related(_owner_ties())
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def case_timeline(case: DunningCase) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(case=case)
        .select_related("actor", "contact", "evidence", "document")
        .order_by("at", "id")
    )


def case_contacts(case: DunningCase) -> list[Contact]:
    return list(
        Contact.objects.filter(case=case)
        .select_related("assigned_to", "contacted_by", "campaign")
        .order_by("-created_at", "-id")
    )


def dunning_communities(user: Any) -> list[Community]:
    if user.is_owner_account or not user.has_role_perm("dunning.view"):
        return []
    return list(Community.objects.visible_to(user).order_by("name").only("pk", "name"))


def my_tasks(*, user: Any) -> QuerySet[Contact]:
    """Phone and visit tasks waiting for the user, oldest first."""
    return (
        Contact.objects.visible_to(user)
        .filter(assigned_to=user, status=ContactStatus.PENDING)
        .select_related("house", "case", "campaign")
        .order_by("created_at", "id")
    )


def faq_search(*, user: Any, q: str = "") -> QuerySet[FaqEntry]:
    qs = FaqEntry.objects.visible_to(user).filter(active=True)
    for word in (q or "").split():
        qs = qs.filter(
            Q(question__contains=word)
            | Q(answer__contains=word)
            | Q(keywords__contains=word)
        )
    return qs.order_by("position", "id")


def local_day_start(day: date, tz: Any) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=tz)
