"""Billing periods: natural months with proration by days, cycles anchored on delivery."""

from datetime import date

from anju.billing.periods import Charge, anchored_charge, natural_charge


def test_natural_month_for_a_house_delivered_before_the_period():
    assert natural_charge(
        date(2026, 1, 1), date(2026, 1, 31), date(2020, 5, 9)
    ) == Charge(date(2026, 1, 1), date(2026, 1, 31), 1, 0, 0)


def test_natural_year_is_twelve_months():
    assert natural_charge(date(2026, 1, 1), date(2026, 12, 31), None).months == 12


def test_delivered_on_the_16th_of_a_31_day_month_pays_16_of_31_days():
    assert natural_charge(
        date(2026, 1, 1), date(2026, 1, 31), date(2026, 1, 16)
    ) == Charge(date(2026, 1, 16), date(2026, 1, 31), 0, 16, 31)


def test_delivered_mid_february_in_common_and_leap_years():
    assert natural_charge(
        date(2026, 2, 1), date(2026, 2, 28), date(2026, 2, 16)
    ) == Charge(date(2026, 2, 16), date(2026, 2, 28), 0, 13, 28)
    assert natural_charge(
        date(2028, 2, 1), date(2028, 2, 29), date(2028, 2, 16)
    ) == Charge(date(2028, 2, 16), date(2028, 2, 29), 0, 14, 29)


def test_delivered_mid_year_in_a_yearly_run_pays_days_then_whole_months():
    assert natural_charge(
        date(2026, 1, 1), date(2026, 12, 31), date(2026, 2, 20)
    ) == Charge(date(2026, 2, 20), date(2026, 12, 31), 10, 9, 28)


def test_delivered_on_the_first_pays_whole_months_only():
    assert natural_charge(
        date(2026, 1, 1), date(2026, 12, 31), date(2026, 3, 1)
    ) == Charge(date(2026, 3, 1), date(2026, 12, 31), 10, 0, 0)


def test_delivered_after_the_period_is_not_billed():
    assert natural_charge(date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1)) is None


def test_anchored_cycle_runs_from_the_16th_to_the_15th():
    assert anchored_charge(
        date(2026, 2, 1), date(2026, 2, 28), date(2025, 8, 16)
    ) == Charge(date(2026, 2, 16), date(2026, 3, 15), 1, 0, 0)


def test_anchored_cycle_on_the_30th_clamps_to_february_end():
    # common year: 28 Feb – 29 Mar; leap year: 29 Feb – 29 Mar
    assert anchored_charge(
        date(2026, 2, 1), date(2026, 2, 28), date(2025, 5, 30)
    ) == Charge(date(2026, 2, 28), date(2026, 3, 29), 1, 0, 0)
    assert anchored_charge(
        date(2028, 2, 1), date(2028, 2, 29), date(2025, 5, 30)
    ) == Charge(date(2028, 2, 29), date(2028, 3, 29), 1, 0, 0)


def test_anchored_cycle_before_february_ends_the_day_before_the_clamped_anchor():
    # anchor 31: 31 Jan – 27 Feb (2026), 31 Jan – 28 Feb (2028)
    assert anchored_charge(
        date(2026, 1, 1), date(2026, 1, 31), date(2025, 3, 31)
    ) == Charge(date(2026, 1, 31), date(2026, 2, 27), 1, 0, 0)
    assert anchored_charge(
        date(2028, 1, 1), date(2028, 1, 31), date(2025, 3, 31)
    ) == Charge(date(2028, 1, 31), date(2028, 2, 28), 1, 0, 0)


def test_anchored_house_delivered_in_the_run_month_starts_on_delivery():
    assert anchored_charge(
        date(2026, 1, 1), date(2026, 1, 31), date(2026, 1, 16)
    ) == Charge(date(2026, 1, 16), date(2026, 2, 15), 1, 0, 0)


def test_anchored_house_delivered_after_the_run_months_waits_for_the_next_run():
    assert (
        anchored_charge(date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 3)) is None
    )


def test_anchored_yearly_run_counts_cycles_from_a_later_delivery():
    assert anchored_charge(
        date(2026, 1, 1), date(2026, 12, 31), date(2026, 4, 16)
    ) == Charge(date(2026, 4, 16), date(2027, 1, 15), 9, 0, 0)
