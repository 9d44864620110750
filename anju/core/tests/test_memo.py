"""Configuration tables kept in memory: edits through the ORM are seen at once."""

from __future__ import annotations

from datetime import date

import pytest

from anju.core import calendars
from anju.core.memo import TableMemo
from anju.core.models import CalendarDay, DayKind

pytestmark = pytest.mark.django_db


def test_memo_loads_once_within_the_period(settings):
    settings.ANJU_CONFIG_CACHE_SECONDS = 30
    loads = []
    memo = TableMemo(lambda: loads.append(1) or len(loads))
    assert memo.get() == 1
    assert memo.get() == 1
    memo.clear()
    assert memo.get() == 2


def test_memo_off_reads_every_time(settings):
    settings.ANJU_CONFIG_CACHE_SECONDS = 0
    loads = []
    memo = TableMemo(lambda: loads.append(1) or len(loads))
    assert (memo.get(), memo.get()) == (1, 2)


def test_an_admin_holiday_is_seen_immediately(settings, django_assert_num_queries):
    settings.ANJU_CONFIG_CACHE_SECONDS = 30
    calendars._ENTRIES.clear()
    day = date(2026, 12, 2)
    assert calendars.overrides_between(day, day) == {}
    with django_assert_num_queries(0):
        calendars.overrides_between(day, day)
    CalendarDay.objects.create(date=day, kind=DayKind.HOLIDAY)
    assert calendars.overrides_between(day, day) == {day: DayKind.HOLIDAY}
    CalendarDay.objects.filter(date=day).get().delete()
    assert calendars.overrides_between(day, day) == {}
    calendars._ENTRIES.clear()
