"""Demo only: run the real services as if it were a moment of the past weeks.

`seed_demo` tells the story of the last months (bills issued and paid month by month,
tickets logged, dispatched, resolved and visited) through each app's own services, so
that every rule, number, due time, timeline event and audit row is exactly what
production would have written. Those services read the time from
`django.utils.timezone.now()`: directly, through model defaults
(`default=timezone.now`) and through `auto_now_add`. `story_clock()` makes that one
function answer the moment the seeder sets, for the duration of the block:

    with story_clock() as clock:
        clock.set(ticket_logged_at)
        ticket_create(...)            # created_at, due times, the event: that moment
        clock.set(accepted_at)
        ticket_accept(...)

How: `timezone.now()` looks up the `datetime` class in its module's globals; the block
puts a subclass there whose `now()` answers the story's moment (`isinstance` still
accepts real datetimes) and puts the original back on the way out, even on an error.

Rules, because this changes process-wide state:
- only for a management command that seeds a database (never in code that serves
  requests or runs jobs: another thread would read the story's time too);
- one block at a time (nesting is refused);
- the story never reaches the future (a moment after the real now is refused) and never
  goes back (each `set` is at or after the previous one), so rows are written in the
  order of their times.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from typing import Any

from django.utils import timezone as django_timezone

_REAL = django_timezone.datetime


class StoryClockError(RuntimeError):
    """The story clock was misused (nested, naive, in the future, or going back)."""


class _Accepts(type):
    """Metaclass: `isinstance(value, <story datetime>)` holds for real datetimes."""

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, _REAL)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, _REAL)


class StoryClock:
    """The moment `timezone.now()` answers inside `story_clock()`."""

    def __init__(self) -> None:
        self.moment: datetime | None = None

    def set(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise StoryClockError("the story clock takes aware datetimes only")
        if moment > _REAL.now(tz=UTC):
            raise StoryClockError(f"the story may not reach the future: {moment}")
        if self.moment is not None and moment < self.moment:
            raise StoryClockError(
                f"the story may not go back: {moment} is before {self.moment}"
            )
        self.moment = moment
        return moment

    def now(self, tz: tzinfo | None = None) -> datetime:
        if self.moment is None:
            return _REAL.now(tz)
        if tz is None:  # naive local time, as datetime.now() answers without USE_TZ
            return self.moment.astimezone().replace(tzinfo=None)
        return self.moment.astimezone(tz)


@contextmanager
def story_clock() -> Iterator[StoryClock]:
    """Within the block, `django.utils.timezone.now()` answers `clock.moment` (the real
    time until the first `clock.set`)."""
    if django_timezone.datetime is not _REAL:
        raise StoryClockError("a story clock is already running")
    clock = StoryClock()

    class StoryDatetime(_REAL, metaclass=_Accepts):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            return clock.now(tz)

    django_timezone.datetime = StoryDatetime  # type: ignore[misc]
    try:
        yield clock
    finally:
        django_timezone.datetime = _REAL  # type: ignore[misc]


class Story:
    """Steps of a demo story, each at its moment, played in the order of their times.

    Steps added for the same moment keep the order they were added in. A step may add
    later steps while the story plays (a payment that is reversed a little later)."""

    def __init__(self) -> None:
        self._steps: list[tuple[datetime, int, Callable[[], Any]]] = []
        self._added = 0

    def at(self, moment: datetime, step: Callable[[], Any]) -> None:
        self._added += 1
        heapq.heappush(self._steps, (moment, self._added, step))

    def __len__(self) -> int:
        return len(self._steps)

    def play(self, clock: StoryClock) -> int:
        """Run every step with the clock at its moment; returns how many ran."""
        ran = 0
        while self._steps:
            moment, _order, step = heapq.heappop(self._steps)
            clock.set(moment)
            step()
            ran += 1
        return ran
