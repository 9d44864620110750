"""Business calendar: statutory holidays and adjusted working days (调休).

Source order for a date: an admin-entered `CalendarDay`, then the official calendar from
the `chinese_calendar` package, then — for a year the package does not know yet — plain
weekdays/weekends, with `year_is_known()` False so the admin is warned to enter that
year's holidays. Never raises for a later year.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache

import chinese_calendar

from .memo import TableMemo
from .models import CalendarDay, DayKind

log = logging.getLogger(__name__)

# Admin entries: a few dozen rows, read on every due-time computation.
_ENTRIES: TableMemo[dict[date, str]] = TableMemo(
    lambda: dict(CalendarDay.objects.values_list("date", "kind"))
).clear_on_change(CalendarDay)


def _package_years() -> tuple[int, int]:
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR = _package_years()


def year_is_known(year: int) -> bool:
    """True when the official calendar or admin entries cover `year`."""
    if PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR:
        return True
    return CalendarDay.objects.filter(date__year=year, kind=DayKind.HOLIDAY).exists()


def day_kind(day: date, overrides: dict[date, str] | None = None) -> str:
    """`workday`, `weekend` or `holiday` for one date.

    `overrides` lets batch callers pass the admin entries they loaded once
    (see `overrides_between`) instead of one query per day.
    """
    if overrides is None:
        entry = (
            CalendarDay.objects.filter(date=day).values_list("kind", flat=True).first()
        )
    else:
        entry = overrides.get(day)
    if entry:
        return entry
    return _official_kind(day)


@lru_cache(maxsize=4096)
def _official_kind(day: date) -> str:
    """The package's answer for one date: fixed data, so kept per process (the package
    scans its whole holiday table on every call, about 0.1 ms, and a due-time
    computation asks for a dozen days)."""
    if PACKAGE_FIRST_YEAR <= day.year <= PACKAGE_LAST_YEAR:
        if chinese_calendar.is_workday(day):
            return DayKind.WORKDAY
        on_holiday, _name = chinese_calendar.get_holiday_detail(day)
        return DayKind.HOLIDAY if on_holiday and _name else DayKind.WEEKEND
    return DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY


def is_workday(day: date, overrides: dict[date, str] | None = None) -> bool:
    return day_kind(day, overrides) == DayKind.WORKDAY


def overrides_between(start: date, end: date) -> dict[date, str]:
    """Admin entries between two dates (inclusive), for batch use with `day_kind`."""
    return {day: kind for day, kind in _ENTRIES.get().items() if start <= day <= end}


def unknown_years_ahead(today: date, years: int = 1) -> list[int]:
    """Years from `today` to `today + years` with no holiday data: warn the admin."""
    return [
        y for y in range(today.year, today.year + years + 1) if not year_is_known(y)
    ]
