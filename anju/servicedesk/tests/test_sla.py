"""Clock arithmetic pinned across a weekend, a holiday, an adjusted workday and a pause."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from anju.core.models import CalendarDay, DayKind
from anju.servicedesk.sla import ServiceHours, WallClock, shift_for_pause

SH = ZoneInfo("Asia/Shanghai")
HOURS = ServiceHours(tz="Asia/Shanghai", opens=time(8, 30), closes=time(17, 30))


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.mark.django_db
def test_within_one_working_day():
    # Thursday 2026-11-26 10:00 + 2 h
    assert HOURS.add(at(2026, 11, 26, 10, 0), timedelta(hours=2)) == at(
        2026, 11, 26, 12, 0
    )


@pytest.mark.django_db
def test_friday_afternoon_rolls_over_the_weekend():
    # Friday 16:30 + 2 h: 1 h on Friday, 1 h on Monday from 08:30
    assert HOURS.add(at(2026, 11, 27, 16, 30), timedelta(hours=2)) == at(
        2026, 11, 30, 9, 30
    )


@pytest.mark.django_db
def test_logged_at_night_starts_next_morning():
    assert HOURS.add(at(2026, 11, 26, 22, 0), timedelta(hours=2)) == at(
        2026, 11, 27, 10, 30
    )


@pytest.mark.django_db
def test_normal_ticket_over_national_day_resumes_on_adjusted_saturday():
    # Wednesday 2026-09-30 17:00 + 72 business hours (8 days of 9 h):
    # 0.5 h on 09-30; holidays 10-01..10-07 (and the weekend); 10-08, 10-09 (Thu, Fri);
    # 10-10 is an adjusted working Saturday; then 10-12.. onwards.
    due = HOURS.add(at(2026, 9, 30, 17, 0), timedelta(hours=72))
    # 0.5 + 9 (10-08) + 9 (10-09) + 9 (10-10) + 9*5 (10-12..10-16) = 72.5 ≥ 72
    assert due == at(2026, 10, 16, 17, 0)


@pytest.mark.django_db
def test_admin_entered_holiday_is_skipped():
    CalendarDay.objects.create(date=at(2026, 11, 30, 0, 0).date(), kind=DayKind.HOLIDAY)
    assert HOURS.add(at(2026, 11, 27, 16, 30), timedelta(hours=2)) == at(
        2026, 12, 1, 9, 30
    )


@pytest.mark.django_db
def test_business_time_between_skips_night_and_weekend():
    assert HOURS.between(
        at(2026, 11, 27, 16, 30), at(2026, 11, 30, 9, 30)
    ) == timedelta(hours=2)


@pytest.mark.django_db
def test_pause_pushes_due_by_the_time_left():
    # given a ticket due Friday 12:00, paused Thursday 10:00 (11 business hours left)
    due = at(2026, 11, 27, 12, 0)
    # when resumed Monday 08:30
    new_due = shift_for_pause(
        HOURS,
        due=due,
        paused_at=at(2026, 11, 26, 10, 0),
        resumed_at=at(2026, 11, 30, 8, 30),
    )
    # then 11 h from Monday 08:30 = Monday 17:30 (9 h) + Tuesday 10:30 (2 h)
    assert new_due == at(2026, 12, 1, 10, 30)


def test_wall_clock_pause_for_emergencies():
    clock = WallClock()
    due = at(2026, 11, 26, 23, 30)
    new_due = shift_for_pause(
        clock,
        due=due,
        paused_at=at(2026, 11, 26, 23, 0),
        resumed_at=at(2026, 11, 27, 1, 0),
    )
    assert new_due == at(2026, 11, 27, 1, 30)


def test_pause_after_breach_keeps_the_breach():
    due = at(2026, 11, 26, 9, 0)
    assert (
        shift_for_pause(
            WallClock(),
            due=due,
            paused_at=at(2026, 11, 26, 10, 0),
            resumed_at=at(2026, 11, 26, 11, 0),
        )
        == due
    )


@pytest.mark.django_db
def test_add_many_reads_the_calendar_once_and_matches_add(django_assert_num_queries):
    CalendarDay.objects.create(date=at(2026, 11, 30, 0, 0).date(), kind=DayKind.HOLIDAY)
    start = at(2026, 11, 27, 16, 30)
    limits = [timedelta(minutes=30), timedelta(hours=4), timedelta(hours=48)]
    expected = [HOURS.add(start, d) for d in limits]
    with django_assert_num_queries(1):
        assert HOURS.add_many(start, limits) == expected
    assert expected[1] == at(2026, 12, 1, 11, 30)
