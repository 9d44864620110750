"""SLA clock arithmetic: wall-clock for emergencies, business hours for normal tickets.

Business time runs only inside the community's service hours on working days, where
working days come from `anju.core.calendars` (statutory holidays and 调休 included).
Pauses (waiting on the owner or on parts) push the remaining time past the resume.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from anju.core.calendars import day_kind, overrides_between
from anju.core.models import DayKind

DEFAULT_OPEN = time(8, 30)
DEFAULT_CLOSE = time(17, 30)
_MAX_DAYS = 3660  # never loop forever on a misconfigured calendar


class ServiceHours:
    """Daily opening hours in a time zone, on working days only."""

    def __init__(
        self,
        *,
        tz: str = "Asia/Shanghai",
        opens: time = DEFAULT_OPEN,
        closes: time = DEFAULT_CLOSE,
    ) -> None:
        if closes <= opens:
            raise ValueError("closing time must be after opening time")
        self.tz = ZoneInfo(tz)
        self.opens = opens
        self.closes = closes

    def _window(self, day: date) -> tuple[datetime, datetime]:
        return (
            datetime.combine(day, self.opens, self.tz),
            datetime.combine(day, self.closes, self.tz),
        )

    def add(
        self,
        start: datetime,
        duration: timedelta,
        overrides: dict[date, str] | None = None,
    ) -> datetime:
        """The moment when `duration` of business time has passed since `start`."""
        remaining = duration
        local = start.astimezone(self.tz)
        day = local.date()
        if overrides is None:
            overrides = overrides_between(day, day + timedelta(days=_MAX_DAYS))
        for _ in range(_MAX_DAYS):
            if day_kind(day, overrides) == DayKind.WORKDAY:
                opens, closes = self._window(day)
                begin = max(local, opens)
                if begin < closes:
                    available = closes - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += timedelta(days=1)
        raise ValueError("no working day found within ten years")

    def add_many(self, start: datetime, durations: list[timedelta]) -> list[datetime]:
        """`add` for several durations from one start, reading the calendar once
        (a new ticket's acknowledge, on-site and resolve due times)."""
        day = start.astimezone(self.tz).date()
        overrides = overrides_between(day, day + timedelta(days=_MAX_DAYS))
        return [self.add(start, d, overrides) for d in durations]

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Business time elapsed from `start` to `end` (zero if end <= start)."""
        if end <= start:
            return timedelta(0)
        total = timedelta(0)
        a, b = start.astimezone(self.tz), end.astimezone(self.tz)
        overrides = overrides_between(a.date(), b.date())
        day = a.date()
        while day <= b.date():
            if day_kind(day, overrides) == DayKind.WORKDAY:
                opens, closes = self._window(day)
                lo, hi = max(a, opens), min(b, closes)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total


class WallClock:
    """24/7: emergencies and anything configured to run around the clock."""

    def add(self, start: datetime, duration: timedelta) -> datetime:
        return start + duration

    def add_many(self, start: datetime, durations: list[timedelta]) -> list[datetime]:
        return [start + d for d in durations]

    def between(self, start: datetime, end: datetime) -> timedelta:
        return max(end - start, timedelta(0))


def shift_for_pause(
    clock: ServiceHours | WallClock,
    *,
    due: datetime,
    paused_at: datetime,
    resumed_at: datetime,
) -> datetime:
    """A due time after a pause: the time that was left at the pause, counted from resume."""
    remaining = clock.between(paused_at, due)
    if due <= paused_at:
        return due  # already breached before the pause; a pause does not hide a breach
    return clock.add(resumed_at, remaining)
