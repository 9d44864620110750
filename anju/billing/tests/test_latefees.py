"""滞纳金: worked examples, idempotency per line and day, cap, no compounding, off by
default."""

from datetime import date
from decimal import Decimal

import pytest

from anju.billing.choices import LineKind, LineStatus
from anju.billing.latefees import LateFeeDisabled, late_fee_amount, late_fees_assess
from anju.billing.models import Bill, BillLine
from anju.billing.services import bill_line_void
from anju.billing.tasks import assess_late_fees
from anju.core.errors import PermissionDenied, ValidationFailed
from anju.estates.tests.factories import HouseFactory

from .cashier import bill_month, charge, late_fee_policy, pay
from .factories import property_fee


@pytest.fixture
def thousand(community, finance):
    """A 100 m² house billed 1,000.00 of 物业费 for January 2026 (due 1 January)."""
    property_fee(community, "10.00")
    house = HouseFactory(
        unit__building__community=community,
        unit__building__number="5",
        building_area=Decimal("100.00"),
    )
    bill_month(community, finance, 2026, 1)
    line = BillLine.objects.get(house=house)
    assert (line.amount, line.due_date) == (Decimal("1000.00"), date(2026, 1, 1))
    return line


def fees(line):
    return list(
        BillLine.objects.filter(late_fee_of=line)
        .order_by("period_end")
        .values_list("period_start", "period_end", "days", "amount")
    )


def test_worked_example_forty_days_with_ten_grace_days_is_9_00(
    community, finance, thousand
):
    # given 0.03 %/day after 10 grace days
    late_fee_policy(community, late_fee_grace_days=10)
    # when assessed on 10 February: 40 days overdue, 30 of them chargeable
    result = late_fees_assess(
        community=community, as_of=date(2026, 2, 10), actor=finance
    )
    # then 1,000.00 × 0.0003 × 30 = 9.00, an explicit line of its own bill
    assert (result.line_count, result.house_count, result.total) == (
        1,
        1,
        Decimal("9.00"),
    )
    fee = BillLine.objects.get(kind=LineKind.LATE_FEE)
    assert (fee.late_fee_of, fee.amount, fee.days, fee.unit_price, fee.quantity) == (
        thousand,
        Decimal("9.00"),
        30,
        Decimal("0.0003"),
        Decimal("1000.000"),
    )
    assert (fee.period_start, fee.period_end, fee.due_date) == (
        date(2026, 1, 12),
        date(2026, 2, 10),
        date(2026, 2, 10),
    )
    assert fee.fee_item.name == "滞纳金"
    assert fee.description.startswith("滞纳金 2026-01-12~2026-02-10 30天")
    assert (fee.bill.run, fee.bill.total) == (None, Decimal("9.00"))


def test_the_pure_formula_matches_the_worked_examples():
    assert late_fee_amount(
        outstanding=Decimal("1000.00"), daily_rate=Decimal("0.0003"), days=30
    ) == Decimal("9.00")
    # half a fen rounds up (ROUND_HALF_UP): 150.00 × 0.0003 × 1 = 0.045 → 0.05
    assert late_fee_amount(
        outstanding=Decimal("150.00"), daily_rate=Decimal("0.0003"), days=1
    ) == Decimal("0.05")
    # the cap is what is left of cap % of the principal
    assert late_fee_amount(
        outstanding=Decimal("1000.00"),
        daily_rate=Decimal("0.0003"),
        days=200,
        cap_percent=Decimal("5"),
        charged=Decimal("45.00"),
    ) == Decimal("5.00")
    assert late_fee_amount(
        outstanding=Decimal("1000.00"), daily_rate=Decimal("0.0003"), days=0
    ) == Decimal("0.00")


def test_running_twice_on_a_day_charges_once_and_later_runs_only_new_days(
    community, finance, thousand
):
    late_fee_policy(community, late_fee_grace_days=10)
    # when the job runs twice on 10 February, then on 10 March
    late_fees_assess(community=community, as_of=date(2026, 2, 10), actor=finance)
    again = late_fees_assess(community=community, as_of=date(2026, 2, 10))
    late_fees_assess(community=community, as_of=date(2026, 3, 10))
    # then the second run wrote nothing, the third charged 11 Feb – 10 Mar (28 days)
    assert again.line_count == 0
    assert fees(thousand) == [
        (date(2026, 1, 12), date(2026, 2, 10), 30, Decimal("9.00")),
        (date(2026, 2, 11), date(2026, 3, 10), 28, Decimal("8.40")),
    ]
    # and an earlier day after a later one changes nothing
    assert late_fees_assess(community=community, as_of=date(2026, 3, 1)).total == 0


def test_late_fees_never_compound(community, finance, thousand):
    # given a late fee that is itself long overdue
    late_fee_policy(community)
    late_fees_assess(community=community, as_of=date(2026, 2, 10))
    first_fee = BillLine.objects.get(kind=LineKind.LATE_FEE)
    # when the job runs months later
    late_fees_assess(community=community, as_of=date(2026, 6, 30))
    # then fees accrue on the principal only: 1,000.00 × 0.0003 × 140 = 42.00
    assert not BillLine.objects.filter(late_fee_of=first_fee).exists()
    assert set(
        BillLine.objects.filter(kind=LineKind.LATE_FEE).values_list(
            "late_fee_of", flat=True
        )
    ) == {thousand.pk}
    assert fees(thousand)[-1][2:] == (140, Decimal("42.00"))


def test_cap_stops_the_fees_of_a_line_at_a_share_of_its_principal(community, finance):
    # given 1,000.00 due 1 January 2025 and a cap of 5 % of the principal
    property_fee(community, "10.00")
    house = HouseFactory(
        unit__building__community=community,
        unit__building__number="6",
        building_area=Decimal("100.00"),
    )
    bill_month(community, finance, 2025, 1)
    line = BillLine.objects.get(house=house)
    late_fee_policy(community, late_fee_cap_percent=Decimal("5"))
    # when assessed after 100 days (30.00), then after a year (would be 109.50)
    late_fees_assess(community=community, as_of=date(2025, 4, 11))
    late_fees_assess(community=community, as_of=date(2026, 1, 1))
    late_fees_assess(community=community, as_of=date(2026, 3, 1))
    # then the second run tops up to 50.00 and the third charges nothing
    assert [f[3] for f in fees(line)] == [Decimal("30.00"), Decimal("20.00")]


def test_a_partial_payment_lowers_what_later_days_accrue_on(
    community, finance, thousand
):
    late_fee_policy(community, late_fee_grace_days=10)
    late_fees_assess(community=community, as_of=date(2026, 2, 10))
    # when the owner pays 500.00 (oldest first: the principal, due before the fee)
    pay(thousand.house, finance, "500.00", "k-1")
    thousand.refresh_from_db()
    assert thousand.outstanding == Decimal("500.00")
    late_fees_assess(community=community, as_of=date(2026, 3, 10))
    # then 11 Feb – 10 Mar accrue on 500.00: 500 × 0.0003 × 28 = 4.20
    assert fees(thousand)[-1][2:] == (28, Decimal("4.20"))


def test_days_before_the_policy_start_date_are_not_charged(
    community, finance, thousand
):
    late_fee_policy(community, late_fee_start_date=date(2026, 2, 1))
    late_fees_assess(community=community, as_of=date(2026, 2, 10))
    assert fees(thousand) == [
        (date(2026, 2, 1), date(2026, 2, 10), 10, Decimal("3.00"))
    ]


def test_paid_lines_and_lines_in_grace_accrue_nothing(community, finance, house):
    # given one line paid and one due 5 days ago, with 10 grace days
    late_fee_policy(community, late_fee_grace_days=10)
    paid = charge(house, finance, "200.00", date(2026, 1, 1))
    pay(house, finance, "200.00", "k-1", line_ids=[paid.pk])
    charge(house, finance, "300.00", date(2026, 2, 5))
    # when
    result = late_fees_assess(community=community, as_of=date(2026, 2, 10))
    # then
    assert result.line_count == 0
    assert not BillLine.objects.filter(kind=LineKind.LATE_FEE).exists()


def test_a_waived_late_fee_is_not_charged_again(community, finance, thousand):
    late_fee_policy(community, late_fee_grace_days=10)
    late_fees_assess(community=community, as_of=date(2026, 2, 10))
    fee = BillLine.objects.get(kind=LineKind.LATE_FEE)
    # when the manager waives it (a void by reversal line) and the job reruns
    bill_line_void(line=fee, actor=finance, reason="业主首次逾期，免收")
    late_fees_assess(community=community, as_of=date(2026, 2, 10))
    late_fees_assess(community=community, as_of=date(2026, 2, 20))
    # then the waived days stay waived; only 11–20 February are charged
    fee.refresh_from_db()
    assert fee.status == LineStatus.VOID
    assert fees(thousand)[-1] == (
        date(2026, 2, 11),
        date(2026, 2, 20),
        10,
        Decimal("3.00"),
    )


def test_late_fees_are_off_by_default(community, finance, thousand):
    with pytest.raises(LateFeeDisabled) as exc:
        late_fees_assess(community=community, as_of=date(2026, 2, 10), actor=finance)
    assert exc.value.code == "late_fee_disabled"
    assert not BillLine.objects.filter(kind=LineKind.LATE_FEE).exists()


def test_the_monthly_job_runs_only_where_late_fees_are_on(
    community, other_community, finance, thousand
):
    # given late fees on here, and an overdue 1,000.00 in a community without them
    late_fee_policy(community, late_fee_grace_days=10)
    other = HouseFactory(unit__building__community=other_community)
    property_fee(other_community, "10.00")
    from anju.billing.models import FeeItem

    item = FeeItem.objects.get(community=other_community)
    other_line = BillLine.objects.create(
        bill=Bill.objects.create(
            community=other_community,
            house=other,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31),
            total=Decimal("1000.00"),
        ),
        house=other,
        fee_item=item,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        unit_price=Decimal("10"),
        amount=Decimal("1000.00"),
    )
    # when the scheduled job runs (twice, as a retried job would)
    assess_late_fees(as_of="2026-02-10")
    assess_late_fees(as_of="2026-02-10")
    # then only this community's line was charged, once
    assert fees(thousand)[0][3] == Decimal("9.00")
    assert len(fees(thousand)) == 1
    assert fees(other_line) == []


def test_agents_may_not_run_late_fees_and_future_days_are_refused(
    community, agent, finance, thousand
):
    late_fee_policy(community)
    with pytest.raises(PermissionDenied):
        late_fees_assess(community=community, as_of=date(2026, 2, 10), actor=agent)
    with pytest.raises(ValidationFailed) as exc:
        late_fees_assess(community=community, as_of=date(2999, 1, 1), actor=finance)
    assert exc.value.code == "late_fee_date_invalid"
    assert not BillLine.objects.filter(kind=LineKind.LATE_FEE).exists()
