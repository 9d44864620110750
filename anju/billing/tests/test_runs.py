"""Billing runs: the fee formula, proration, cycles, idempotent reruns, restarts."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest

from anju.billing import services
from anju.billing.choices import Cycle, FeeKind, LineStatus, RunStatus
from anju.billing.models import (
    Bill,
    BillingPolicy,
    BillLine,
    BillRun,
    LedgerDeleteRefused,
    MeterReading,
)
from anju.billing.services import bill_run_period, price_plan_create
from anju.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from anju.estates.choices import Occupancy, Usage
from anju.estates.tests.factories import HouseFactory

from .factories import fee_item, price, property_fee

JAN = (date(2026, 1, 1), date(2026, 1, 31))
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def run(community, actor, period, **kw):
    return bill_run_period(
        community=community,
        period_start=period[0],
        period_end=period[1],
        actor=actor,
        **kw,
    )


def new_house(community, **kw):
    return HouseFactory(unit__building__community=community, **kw)


def test_property_fee_is_price_times_area_times_months(finance, house):
    # given 物业费 2.50 元/m²/月 and a 120 m² house
    property_fee(house.community, "2.50")
    # when a yearly run bills 12 months
    billrun = run(house.community, finance, YEAR)
    # then 120 × 2.50 × 12 = 3,600.00
    line = BillLine.objects.get()
    assert (line.quantity, line.unit_price, line.months, line.amount) == (
        Decimal("120.000"),
        Decimal("2.5000"),
        12,
        Decimal("3600.00"),
    )
    bill = Bill.objects.get()
    assert (bill.house, bill.period_start, bill.period_end, bill.total) == (
        house,
        date(2026, 1, 1),
        date(2026, 12, 31),
        Decimal("3600.00"),
    )
    assert (billrun.status, billrun.bill_count, billrun.total_amount) == (
        RunStatus.COMPLETED,
        1,
        Decimal("3600.00"),
    )


def test_house_delivered_on_the_16th_pays_16_of_31_days(finance, community):
    # given
    property_fee(community, "2.50")
    house = new_house(community, delivery_date=date(2026, 1, 16))
    # when
    run(community, finance, JAN)
    # then 120 × 2.50 × 16/31 = 154.8387… → 154.84
    line = BillLine.objects.get(house=house)
    assert (line.days, line.month_days, line.amount) == (16, 31, Decimal("154.84"))
    assert line.period_start == date(2026, 1, 16)


def test_leap_february_prorates_by_29_days(finance, community):
    # given
    property_fee(community, "2.50")
    house = new_house(community, delivery_date=date(2028, 2, 16))
    # when
    run(community, finance, (date(2028, 2, 1), date(2028, 2, 29)))
    # then 300 × 14/29 = 144.827… → 144.83
    line = BillLine.objects.get(house=house)
    assert (line.days, line.month_days, line.amount) == (14, 29, Decimal("144.83"))


def test_anchored_cycle_bills_from_delivery_day_across_february(finance, community):
    # given a community billing on the delivery day; houses delivered on the 16th and 30th
    BillingPolicy.objects.create(community=community, cycle=Cycle.DELIVERY_ANCHORED)
    property_fee(community, "2.50")
    on16 = new_house(community, delivery_date=date(2025, 6, 16))
    on30 = new_house(community, delivery_date=date(2025, 6, 30))
    # when February 2028 (leap year) is billed
    billrun = run(community, finance, (date(2028, 2, 1), date(2028, 2, 29)))
    # then each house pays one whole cycle from its anchor day
    periods = {
        b.house_id: (b.period_start, b.period_end, b.total) for b in Bill.objects.all()
    }
    assert periods == {
        on16.pk: (date(2028, 2, 16), date(2028, 3, 15), Decimal("300.00")),
        on30.pk: (date(2028, 2, 29), date(2028, 3, 29), Decimal("300.00")),
    }
    assert billrun.cycle == Cycle.DELIVERY_ANCHORED


def test_vacant_house_gets_the_community_discount(finance, community):
    # given 空置房 pays 70 %
    BillingPolicy.objects.create(
        community=community, vacant_discount_percent=Decimal("30")
    )
    property_fee(community, "2.50")
    vacant = new_house(community, occupancy=Occupancy.VACANT)
    occupied = new_house(community)
    # when
    run(community, finance, JAN)
    # then
    assert BillLine.objects.get(house=vacant).amount == Decimal("210.00")
    assert BillLine.objects.get(house=vacant).rate == Decimal("0.7000")
    assert BillLine.objects.get(house=occupied).amount == Decimal("300.00")


def test_unsold_houses_and_houses_delivered_later_are_not_billed(finance, community):
    property_fee(community)
    new_house(community, occupancy=Occupancy.UNSOLD)
    new_house(community, delivery_date=date(2026, 2, 1))
    billrun = run(community, finance, JAN)
    assert (billrun.bill_count, Bill.objects.count()) == (0, 0)


def test_price_by_usage_and_fixed_monthly_parking_fee(finance, community):
    # given shops pay 6.00, everyone else 2.50; parking spaces pay 80 元 a month
    item = property_fee(community, "2.50")
    price(item, "6.00", usage=Usage.SHOP)
    parking = fee_item(
        community, code="cwf", name="车位管理费", kind=FeeKind.FIXED_MONTHLY
    )
    price(parking, "80.00", usage=Usage.PARKING)
    shop = new_house(community, usage=Usage.SHOP, building_area=Decimal("50.00"))
    space = new_house(community, usage=Usage.PARKING, building_area=Decimal("12.50"))
    # when
    run(community, finance, (date(2026, 1, 1), date(2026, 3, 31)))
    # then
    assert [
        (line.fee_item.code, line.amount)
        for line in BillLine.objects.filter(house=shop)
    ] == [("wyf", Decimal("900.00"))]
    assert sorted(
        (line.fee_item.code, line.amount)
        for line in BillLine.objects.filter(house=space)
    ) == [("cwf", Decimal("240.00")), ("wyf", Decimal("93.75"))]
    assert Bill.objects.get(house=space).total == Decimal("333.75")


def test_metered_fee_bills_consumption_times_price(finance, house):
    # given water at 3.45 元/m³ read on 31 Dec and 31 Jan
    water = fee_item(house.community, code="sf", name="水费", kind=FeeKind.METERED)
    price(water, "3.45")
    for day, value in ((date(2025, 12, 31), "100.000"), (date(2026, 1, 31), "112.500")):
        MeterReading.objects.create(
            community=house.community,
            house=house,
            fee_item=water,
            reading=Decimal(value),
            read_on=day,
        )
    # when
    run(house.community, finance, JAN)
    # then 12.5 × 3.45 = 43.125 → 43.13
    line = BillLine.objects.get()
    assert (line.quantity, line.amount) == (Decimal("12.500"), Decimal("43.13"))


def test_many_small_lines_round_half_up_and_totals_sum_rounded_lines(
    finance, community
):
    # given 0.0050 元 a month on 1 m²: every line is half a fen
    property_fee(community, "0.0050")
    for _ in range(7):
        new_house(community, building_area=Decimal("1.00"))
    # when
    billrun = run(community, finance, JAN)
    # then each line rounds up to 0.01 (not to even), the total is the sum of lines
    assert (
        list(BillLine.objects.values_list("amount", flat=True)) == [Decimal("0.01")] * 7
    )
    assert billrun.total_amount == Decimal("0.07")  # not round(7 × 0.005) = 0.04
    assert sum(b.total for b in Bill.objects.all()) == Decimal("0.07")


def test_rounding_is_exact_for_fractions_of_a_month(finance, community):
    # given a price and area whose day fractions have long decimals
    property_fee(community, "1.8800")
    days = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
    for d in days:
        new_house(
            community, building_area=Decimal("87.65"), delivery_date=date(2026, 1, d)
        )
    # when
    billrun = run(community, finance, JAN)
    # then every line is 1.88 × 87.65 × (32 − d)/31 rounded half up, exactly
    expected = [
        (Decimal("1.88") * Decimal("87.65") * (32 - d) / 31).quantize(
            Decimal("0.01"), "ROUND_HALF_UP"
        )
        for d in days
    ]
    assert (
        list(BillLine.objects.order_by("house_id").values_list("amount", flat=True))
        == expected
    )
    assert billrun.total_amount == sum(expected)


def test_rerun_of_the_same_period_never_duplicates(finance, community):
    # given a billed month
    property_fee(community)
    first = [new_house(community) for _ in range(3)]
    run(community, finance, JAN)
    # when it is run again, with one house added meanwhile
    late = new_house(community)
    billrun = run(community, finance, JAN)
    # then only the new house gets a bill; one run row, one line per house
    assert BillRun.objects.count() == 1
    assert sorted(BillLine.objects.values_list("house_id", flat=True)) == sorted(
        [h.pk for h in first] + [late.pk]
    )
    assert (billrun.bill_count, billrun.total_amount) == (4, Decimal("1200.00"))


def test_database_refuses_a_second_periodic_line(finance, house):
    from django.db import IntegrityError, transaction

    property_fee(house.community)
    run(house.community, finance, JAN)
    line = BillLine.objects.get()
    line.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save(force_insert=True)
    assert BillLine.objects.count() == 1


def test_interrupted_run_restarts_without_duplicates_or_gaps(finance, community):
    # given five houses billed two at a time, and a crash while writing the second batch
    property_fee(community)
    houses = [new_house(community) for _ in range(5)]
    real_write = services._write_batch
    calls = []

    def crash_on_second_batch(batch):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        real_write(batch)

    with (
        mock.patch.object(services, "_write_batch", crash_on_second_batch),
        pytest.raises(RuntimeError),
    ):
        run(community, finance, JAN, batch_size=2)
    billrun = BillRun.objects.get()
    assert billrun.status == RunStatus.RUNNING
    assert billrun.checkpoint_house_id == houses[1].pk
    assert Bill.objects.count() == 2
    # when the run is started again
    billrun = run(community, finance, JAN, batch_size=2)
    # then every house has exactly one bill and one line
    assert billrun.status == RunStatus.COMPLETED
    assert sorted(BillLine.objects.values_list("house_id", flat=True)) == [
        h.pk for h in houses
    ]
    assert sorted(Bill.objects.values_list("house_id", flat=True)) == [
        h.pk for h in houses
    ]
    assert (billrun.bill_count, billrun.total_amount) == (5, Decimal("1500.00"))


def test_dry_run_returns_totals_and_writes_nothing(finance, community):
    property_fee(community)
    new_house(community)
    new_house(community, delivery_date=date(2026, 1, 16))
    preview = run(community, finance, JAN, dry_run=True)
    assert (preview.bill_count, preview.line_count, preview.total_amount) == (
        2,
        2,
        Decimal("454.84"),
    )
    assert preview.by_item == {"wyf": Decimal("454.84")}
    assert (
        BillRun.objects.count(),
        Bill.objects.count(),
        BillLine.objects.count(),
    ) == (0, 0, 0)


def test_price_change_mid_year_does_not_rewrite_issued_bills(finance, manager, house):
    # given January billed at 2.50
    item = property_fee(house.community, "2.50")
    run(house.community, finance, JAN)
    # when the price rises to 3.00 from July and July is billed
    price_plan_create(
        fee_item=item, unit_price="3.00", effective_from=date(2026, 7, 1), actor=manager
    )
    run(house.community, finance, (date(2026, 7, 1), date(2026, 7, 31)))
    # then January keeps its price; July uses the new one
    lines = list(
        BillLine.objects.order_by("period_start").values_list("unit_price", "amount")
    )
    assert lines == [
        (Decimal("2.5000"), Decimal("300.00")),
        (Decimal("3.0000"), Decimal("360.00")),
    ]


def test_overlapping_period_is_refused(finance, house):
    property_fee(house.community)
    run(house.community, finance, JAN)
    with pytest.raises(Conflict) as exc:
        run(house.community, finance, YEAR)
    assert exc.value.code == "billing_period_overlap"
    assert BillRun.objects.count() == 1


def test_period_must_be_whole_months(finance, house):
    with pytest.raises(ValidationFailed) as exc:
        run(house.community, finance, (date(2026, 1, 2), date(2026, 1, 31)))
    assert exc.value.code == "billing_period_invalid"


def test_agent_cannot_run_bills_and_nothing_is_written(agent, house):
    property_fee(house.community)
    with pytest.raises(PermissionDenied):
        run(house.community, agent, JAN)
    assert (BillRun.objects.count(), Bill.objects.count()) == (0, 0)


def test_finance_of_another_community_sees_no_community(outsider, house):
    property_fee(house.community)
    with pytest.raises(NotFound):
        run(house.community, outsider, JAN)
    assert Bill.objects.count() == 0


def test_nothing_financial_can_be_deleted(finance, house):
    # given a bill
    property_fee(house.community)
    run(house.community, finance, JAN)
    bill = Bill.objects.get()
    # when / then deleting a row or a queryset is refused
    with pytest.raises(LedgerDeleteRefused):
        bill.delete()
    with pytest.raises(LedgerDeleteRefused):
        BillLine.objects.all().delete()
    with pytest.raises(LedgerDeleteRefused):
        BillRun.objects.filter(pk__gt=0).delete()
    assert (
        Bill.objects.count(),
        BillLine.objects.count(),
        BillRun.objects.count(),
    ) == (1, 1, 1)
    assert BillLine.objects.get().status == LineStatus.UNPAID


def test_admin_offers_no_delete_for_the_ledger(rf, finance):
    from django.contrib import admin

    request = rf.get("/")
    request.user = finance
    for model in (Bill, BillLine, BillRun):
        model_admin = admin.site._registry[model]
        assert model_admin.has_delete_permission(request) is False
        assert model_admin.has_change_permission(request) is False


def test_a_meter_reading_below_the_previous_one_is_refused(finance, house):
    from anju.billing.services import meter_reading_record

    water = fee_item(house.community, code="sf", name="水费", kind=FeeKind.METERED)
    meter_reading_record(
        house=house,
        fee_item=water,
        reading="120.5",
        read_on=date(2026, 1, 31),
        actor=finance,
    )
    with pytest.raises(ValidationFailed) as exc:
        meter_reading_record(
            house=house,
            fee_item=water,
            reading="99",
            read_on=date(2026, 2, 28),
            actor=finance,
        )
    assert exc.value.code == "meter_reading_decreasing"
    assert MeterReading.objects.count() == 1
