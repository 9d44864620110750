"""Billing periods: natural months and cycles anchored on the delivery day.

Pure date arithmetic, no database: a natural cycle runs from the 1st to the month end; an
anchored cycle runs from the anchor day (the delivery day, e.g. the 16th) to the day
before the next month's anchor (the 15th). An anchor past a month's end falls on its last
day (anchor 31 → 28 or 29 February).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def anchor_date(year: int, month: int, anchor_day: int) -> date:
    """The anchor day in a month, clamped to the month's last day."""
    return date(year, month, min(anchor_day, days_in_month(year, month)))


def month_end(day: date) -> date:
    return day.replace(day=days_in_month(day.year, day.month))


def months_between(start: date, end: date) -> int:
    """Whole calendar months of a run period [1st of a month, end of a month]."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


@dataclass(frozen=True)
class Charge:
    """What one house is charged for in a run: dates and the month fraction."""

    start: date
    end: date
    months: int  # whole months
    days: int  # extra days of a partial month …
    month_days: int  # … out of this many days (0 when there is no partial month)


def natural_charge(
    period_start: date, period_end: date, delivered: date | None
) -> Charge | None:
    """Natural months; a house delivered inside the period pays its first month by days.

    Delivered on the 16th of a 31-day month → days 16…31 = 16/31 of that month.
    """
    if delivered is None or delivered <= period_start:
        months = months_between(period_start, period_end)
        return Charge(period_start, period_end, months, 0, 0)
    if delivered > period_end:
        return None
    first_days = days_in_month(delivered.year, delivered.month)
    partial = first_days - delivered.day + 1
    if delivered.day == 1:
        months = months_between(delivered, period_end)
        return Charge(delivered, period_end, months, 0, 0)
    full = months_between(month_end(delivered) + timedelta(days=1), period_end)
    return Charge(delivered, period_end, max(full, 0), partial, first_days)


def anchored_charge(
    period_start: date, period_end: date, delivered: date | None
) -> Charge | None:
    """Cycles anchored on the delivery day: those starting inside the run's months.

    A run of February 2026 bills a house delivered on a 16th for 16 Feb – 15 Mar; one
    delivered on the 31st for 28 Feb – 30 Mar (29 Feb – 30 Mar in 2028).
    """
    anchor = delivered.day if delivered else 1
    months = months_between(period_start, period_end)
    start = anchor_date(period_start.year, period_start.month, anchor)
    y, m = add_months(period_start.year, period_start.month, months)
    end = anchor_date(y, m, anchor) - timedelta(days=1)
    if delivered is not None and delivered > start:
        # Delivered in a later month of the run: its cycles start on the delivery day.
        if delivered > period_end:
            return None  # its first cycle starts in the next run's months
        start = delivered
        months = months_between(delivered.replace(day=1), period_end)
    return Charge(start, end, months, 0, 0)
