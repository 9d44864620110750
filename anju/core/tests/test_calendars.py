"""Business calendar: official holidays, 调休, admin entries and unknown years."""

from datetime import date

from anju.core.calendars import day_kind, is_workday, unknown_years_ahead, year_is_known
from anju.core.models import CalendarDay, DayKind


def test_national_day_is_a_holiday(db):
    assert day_kind(date(2026, 10, 1)) == DayKind.HOLIDAY


def test_adjusted_sunday_is_a_workday(db):
    # 2026-10-10 is a Saturday worked in exchange for the National Day week
    assert date(2026, 10, 10).weekday() == 5
    assert is_workday(date(2026, 10, 10))


def test_plain_weekend_and_weekday(db):
    assert day_kind(date(2026, 11, 28)) == DayKind.WEEKEND
    assert day_kind(date(2026, 11, 26)) == DayKind.WORKDAY


def test_unknown_year_falls_back_to_weekdays_without_failing(db):
    # given a year the package does not know
    assert not year_is_known(2031)
    # then weekends and weekdays still answer
    assert day_kind(date(2031, 10, 1)) == DayKind.WORKDAY  # a Wednesday
    assert day_kind(date(2031, 10, 4)) == DayKind.WEEKEND
    assert 2031 in unknown_years_ahead(date(2030, 6, 1), years=1)


def test_admin_entries_fill_an_unknown_year(db):
    # given the admin entered the 2031 National Day and an adjusted working Sunday
    CalendarDay.objects.create(
        date=date(2031, 10, 1), kind=DayKind.HOLIDAY, name="国庆节"
    )
    CalendarDay.objects.create(
        date=date(2031, 9, 28), kind=DayKind.WORKDAY, name="国庆调休"
    )
    # then
    assert year_is_known(2031)
    assert day_kind(date(2031, 10, 1)) == DayKind.HOLIDAY
    assert is_workday(date(2031, 9, 28))
