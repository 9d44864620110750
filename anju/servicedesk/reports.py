"""Service-desk report per community and period: counts, SLA attainment, times, satisfaction.

Set-based: grouped counts in the database, durations pulled as one column each for the
median and p90 (a community-month is tens of thousands of rows at most).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .choices import OPEN_STATUSES, Category, Channel, Status, TicketType
from .models import ReturnVisit, SLABreach, Ticket


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


def _minutes(qs: Any, start: str, end: str) -> list[float]:
    return [
        (b - a).total_seconds() / 60
        for a, b in qs.filter(**{f"{end}__isnull": False})
        .values_list(start, end)
        .iterator()
    ]


def _counts(qs: Any, field: str, choices: Any) -> dict[str, int]:
    got = dict(qs.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
    return {code: got.get(code, 0) for code in choices.values}


def month_bounds(month: str | None, today: date | None = None) -> tuple[date, date]:
    """[first day, first day of next month) of "YYYY-MM"; this month when absent.
    Raises ValueError for anything else."""
    if month:
        year, _, mon = month.partition("-")
        first = date(int(year), int(mon), 1)
    else:
        first = (today or timezone.localdate()).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


def _by_day(qs: Any, start: datetime, end: datetime) -> list[tuple[str, int]]:
    got = dict(
        qs.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    first = timezone.localtime(start).date()
    last = timezone.localtime(end - timedelta(microseconds=1)).date()
    days = []
    day = first
    while day <= last and len(days) < 400:
        days.append((day.isoformat(), got.get(day, 0)))
        day += timedelta(days=1)
    return days


def servicedesk_report(
    *, community_id: int, start: datetime, end: datetime
) -> dict[str, Any]:
    """Figures for tickets logged in [start, end) in one community."""
    tickets = Ticket.objects.filter(
        community_id=community_id, created_at__gte=start, created_at__lt=end
    )
    total = tickets.count()
    breached = (
        SLABreach.objects.filter(ticket__in=tickets.values("pk"))
        .values("ticket_id")
        .distinct()
        .count()
    )
    ack = _minutes(tickets, "created_at", "accepted_at")
    resolve = _minutes(tickets, "created_at", "resolved_at")
    visits = ReturnVisit.objects.filter(ticket__in=tickets.values("pk"))
    sat = visits.aggregate(
        avg=Avg("satisfaction"),
        n=Count("pk"),
        good=Count("pk", filter=Q(satisfaction__gte=4)),
    )
    due_visits = tickets.filter(visit_due_at__isnull=False)
    due_count = due_visits.count()
    visited = due_visits.filter(
        Exists(ReturnVisit.objects.filter(ticket_id=OuterRef("pk")))
    ).count()
    return {
        "total": total,
        "by_type": _counts(tickets, "type", TicketType),
        "by_category": _counts(tickets, "category", Category),
        "by_channel": _counts(tickets, "channel", Channel),
        "by_status": _counts(tickets, "status", Status),
        "open": tickets.filter(status__in=OPEN_STATUSES).count(),
        "sla_attainment_pct": round(100 * (total - breached) / total, 1)
        if total
        else None,
        "ack_minutes_median": round(median(ack), 1) if ack else None,
        "ack_minutes_p90": round(_p90(ack), 1) if ack else None,
        "resolve_minutes_median": round(median(resolve), 1) if resolve else None,
        "resolve_minutes_p90": round(_p90(resolve), 1) if resolve else None,
        "satisfaction_avg": round(sat["avg"], 2) if sat["avg"] is not None else None,
        "satisfaction_good_pct": round(100 * sat["good"] / sat["n"], 1)
        if sat["n"]
        else None,
        "visit_completion_pct": round(100 * visited / due_count, 1)
        if due_count
        else None,
        "repeat_complaints": tickets.filter(
            is_repeat=True, type=TicketType.COMPLAINT
        ).count(),
        "by_day": _by_day(tickets, start, end),
    }
