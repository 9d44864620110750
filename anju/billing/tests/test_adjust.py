"""Split and merge unpaid lines before payment: totals to the fen, history kept,
paid/partly paid/discounted lines refused, late fees never charged twice."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from anju.billing.adjust import (
    bill_line_split,
    bill_lines_merge,
    equal_parts,
    instalment_due_dates,
)
from anju.billing.choices import DiscountKind, LineChangeKind, LineStatus
from anju.billing.latefees import late_fees_assess
from anju.billing.models import Bill, BillLine, BillLineChange, LedgerDeleteRefused
from anju.billing.services import bill_run_period, discount_grant
from anju.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from anju.core.models import AuditEvent

from .cashier import bill_month, charge, late_fee_policy, pay
from .factories import property_fee


def owed(house) -> Decimal:
    """What the house owes in all, from its open lines."""
    return sum(
        (x.outstanding for x in BillLine.objects.filter(house=house)), Decimal("0.00")
    )


def billed(house) -> Decimal:
    """The sum of the house's bill totals."""
    return Bill.objects.filter(house=house).aggregate(s=Sum("total"))["s"]


@pytest.fixture
def year_line(house, finance):
    """3,600.00 of 物业费 for 2026 (120 m² × 2.50 × 12), due 1 January."""
    property_fee(house.community)
    bill_run_period(
        community=house.community,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        actor=finance,
    )
    line = BillLine.objects.get(house=house)
    assert line.amount == Decimal("3600.00")
    return line


def test_equal_parts_put_the_rounding_remainder_on_the_last_part():
    assert equal_parts(Decimal("1000.00"), 3) == [
        Decimal("333.33"),
        Decimal("333.33"),
        Decimal("333.34"),
    ]
    assert equal_parts(Decimal("3600.00"), 4) == [Decimal("900.00")] * 4
    assert equal_parts(Decimal("0.05"), 3) == [
        Decimal("0.01"),
        Decimal("0.01"),
        Decimal("0.03"),
    ]
    assert sum(equal_parts(Decimal("154.84"), 7)) == Decimal("154.84")


def test_instalment_due_dates_keep_the_day_or_the_month_end():
    assert instalment_due_dates(date(2026, 1, 31), 3) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
    ]
    assert instalment_due_dates(date(2026, 1, 1), 4, every_months=3) == [
        date(2026, 1, 1),
        date(2026, 4, 1),
        date(2026, 7, 1),
        date(2026, 10, 1),
    ]


def test_a_year_is_split_into_four_quarterly_instalments(house, finance, year_line):
    # given the 3,600.00 year, owed in all
    before = (owed(house), billed(house))
    dues = instalment_due_dates(date(2026, 1, 1), 4, every_months=3)
    # when it is split into four instalments of 900.00, one per quarter
    change = bill_line_split(
        line=year_line,
        actor=finance,
        amounts=equal_parts(year_line.amount, 4),
        due_dates=dues,
        reason="业主申请按季度分期缴纳",
    )
    # then four open lines of 900.00 with their own due dates replace it in its bill
    parts = list(BillLine.objects.filter(replacement_of=change).order_by("id"))
    assert [(p.amount, p.due_date, p.status) for p in parts] == [
        (Decimal("900.00"), d, LineStatus.UNPAID) for d in dues
    ]
    assert {p.bill_id for p in parts} == {year_line.bill_id}
    assert parts[0].description == "物业费 2026-01-01~2026-12-31（第1/4期）"
    # and the original is kept, amount untouched, superseded with a link to them
    year_line.refresh_from_db()
    assert (year_line.amount, year_line.status, year_line.replaced_by) == (
        Decimal("3600.00"),
        LineStatus.SUPERSEDED,
        change,
    )
    assert list(change.replacements.order_by("id")) == parts
    assert list(change.originals.all()) == [year_line]
    assert (change.kind, change.amount, change.created_by) == (
        LineChangeKind.SPLIT,
        Decimal("3600.00"),
        finance,
    )
    # and the house owes and was billed exactly as much as before
    assert (owed(house), billed(house)) == before
    # and one audit event records the operation with its reason
    event = AuditEvent.objects.get(object_type="billing.billlinechange")
    assert event.reason == "业主申请按季度分期缴纳"
    assert event.changes["replacements"][1] == [p.pk for p in parts]


def test_uneven_split_keeps_every_fen(house, finance):
    # given a 1,000.00 one-off charge
    line = charge(house, finance, "1000.00", date(2026, 3, 1))
    # when split in three equal parts
    change = bill_line_split(
        line=line,
        actor=finance,
        amounts=equal_parts(line.amount, 3),
        reason="分三期",
    )
    # then 333.33 + 333.33 + 333.34 = 1,000.00, the last part carries the remainder
    parts = [p.amount for p in change.replacements.order_by("id")]
    assert parts == [Decimal("333.33"), Decimal("333.33"), Decimal("333.34")]
    assert sum(parts) == line.amount == owed(house)
    # and without due dates every part keeps the original's
    assert set(change.replacements.values_list("due_date", flat=True)) == {
        date(2026, 3, 1)
    }


def test_parts_that_do_not_add_up_are_refused_and_nothing_is_written(
    house, finance, year_line
):
    with pytest.raises(ValidationFailed) as exc:
        bill_line_split(
            line=year_line,
            actor=finance,
            amounts=["1200.00", "1200.00", "1199.99"],
            reason="分期",
        )
    assert exc.value.code == "billing_split_sum_mismatch"
    assert "3599.99" in str(exc.value.fields)
    year_line.refresh_from_db()
    assert year_line.status == LineStatus.UNPAID
    assert BillLine.objects.count() == 1
    assert BillLineChange.objects.count() == 0


@pytest.mark.parametrize(
    ("amounts", "code"),
    [
        (["3600.00"], "billing_split_parts_invalid"),
        (["3600.001", "0"], "billing_split_amount_invalid"),
        (["3700.00", "-100.00"], "billing_split_amount_invalid"),
        (["abc", "1"], "billing_split_amount_invalid"),
    ],
)
def test_bad_parts_are_refused(house, finance, year_line, amounts, code):
    with pytest.raises(ValidationFailed) as exc:
        bill_line_split(line=year_line, actor=finance, amounts=amounts, reason="x")
    assert exc.value.code == code
    assert BillLineChange.objects.count() == 0


def test_paid_partly_paid_and_discounted_lines_are_locked(
    house, finance, manager, year_line
):
    # given a partly paid year
    pay(house, finance, "100.00", "k-1")
    # then it can be neither split nor merged
    with pytest.raises(InvalidTransition) as exc:
        bill_line_split(
            line=year_line, actor=finance, amounts=["1800", "1800"], reason="分期"
        )
    assert exc.value.code == "billing_line_locked"
    # given a discounted one-off and a paid one of the same item
    discounted = charge(house, finance, "500.00", date(2026, 3, 1))
    discount_grant(
        line=discounted,
        amount="50.00",
        kind=DiscountKind.OTHER,
        reason="老业主优惠",
        approved_by=manager,
        actor=finance,
    )
    fresh = charge(house, finance, "200.00", date(2026, 4, 1))
    for line in (discounted,):
        with pytest.raises(InvalidTransition) as exc:
            bill_line_split(
                line=line, actor=finance, amounts=["250", "250"], reason="分期"
            )
        assert exc.value.code == "billing_line_locked"
    with pytest.raises(InvalidTransition) as exc:
        bill_lines_merge(lines=[discounted, fresh], actor=finance, reason="合并")
    assert exc.value.code == "billing_line_locked"
    # and nothing changed
    assert BillLineChange.objects.count() == 0
    assert BillLine.objects.filter(status=LineStatus.SUPERSEDED).count() == 0


def test_a_superseded_line_cannot_be_split_again_but_a_part_can(
    house, finance, year_line
):
    change = bill_line_split(
        line=year_line, actor=finance, amounts=["1800", "1800"], reason="分两期"
    )
    with pytest.raises(InvalidTransition):
        bill_line_split(
            line=year_line, actor=finance, amounts=["1800", "1800"], reason="再分"
        )
    part = change.replacements.order_by("id").first()
    again = bill_line_split(
        line=part, actor=finance, amounts=["900", "900"], reason="再分"
    )
    assert sorted(again.replacements.values_list("amount", flat=True)) == [
        Decimal("900.00"),
        Decimal("900.00"),
    ]
    assert owed(house) == Decimal("3600.00")


def test_two_months_are_merged_into_one_line(community, house, finance):
    # given January and February billed separately (300.00 each)
    property_fee(community)
    bill_month(community, finance, 2026, 1)
    bill_month(community, finance, 2026, 2)
    jan, feb = BillLine.objects.filter(house=house).order_by("period_start")
    before = (owed(house), billed(house))
    # when they are merged
    change = bill_lines_merge(lines=[feb, jan], actor=finance, reason="合并两个月")
    # then one line of 600.00 covers both months, due with the earlier one
    merged = change.replacements.get()
    assert (
        merged.amount,
        merged.period_start,
        merged.period_end,
        merged.due_date,
        merged.status,
    ) == (
        Decimal("600.00"),
        date(2026, 1, 1),
        date(2026, 2, 28),
        date(2026, 1, 1),
        LineStatus.UNPAID,
    )
    assert merged.bill.total == Decimal("600.00")
    # and the months are kept, superseded, their bills no longer counting them
    for line in (jan, feb):
        line.refresh_from_db()
        assert (line.status, line.replaced_by, line.amount) == (
            LineStatus.SUPERSEDED,
            change,
            Decimal("300.00"),
        )
        assert line.bill.total == Decimal("0.00")
    assert (owed(house), billed(house)) == before
    # and paying 600.00 settles the merged line
    payment = pay(house, finance, "600.00", "k-merge")
    merged.refresh_from_db()
    assert (merged.status, payment.credit_amount) == (LineStatus.PAID, Decimal("0"))


def test_merge_needs_one_house_and_one_fee_item(community, house, finance):
    from anju.estates.tests.factories import HouseFactory

    property_fee(community)
    other = HouseFactory(unit__building__community=community)
    bill_month(community, finance, 2026, 1)
    mine = BillLine.objects.get(house=house)
    theirs = BillLine.objects.get(house=other)
    with pytest.raises(ValidationFailed) as exc:
        bill_lines_merge(lines=[mine, theirs], actor=finance, reason="合并")
    assert exc.value.code == "billing_merge_lines_invalid"
    deposit = charge(house, finance, "300.00", date(2026, 1, 1), name="装修押金")
    with pytest.raises(ValidationFailed):
        bill_lines_merge(lines=[mine, deposit], actor=finance, reason="合并")
    with pytest.raises(ValidationFailed):
        bill_lines_merge(lines=[mine], actor=finance, reason="合并")
    assert BillLineChange.objects.count() == 0


def test_only_cashiers_of_the_community_adjust_lines(
    house, agent, outsider, finance, year_line
):
    with pytest.raises(PermissionDenied):
        bill_line_split(
            line=year_line, actor=agent, amounts=["1800", "1800"], reason="x"
        )
    with pytest.raises(NotFound):
        bill_line_split(
            line=year_line, actor=outsider, amounts=["1800", "1800"], reason="x"
        )
    with pytest.raises(ValidationFailed):
        bill_line_split(
            line=year_line, actor=finance, amounts=["1800", "1800"], reason=" "
        )
    assert BillLineChange.objects.count() == 0


def test_changes_and_superseded_lines_are_never_deleted(house, finance, year_line):
    change = bill_line_split(
        line=year_line, actor=finance, amounts=["1800", "1800"], reason="分两期"
    )
    with pytest.raises(LedgerDeleteRefused):
        change.delete()
    with pytest.raises(LedgerDeleteRefused):
        BillLineChange.objects.all().delete()


def test_a_rerun_of_the_period_does_not_bill_the_split_line_again(
    house, finance, year_line
):
    bill_line_split(
        line=year_line, actor=finance, amounts=["1800", "1800"], reason="分两期"
    )
    bill_run_period(
        community=house.community,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        actor=finance,
    )
    assert owed(house) == Decimal("3600.00")
    assert BillLine.objects.filter(house=house).count() == 3


def test_late_fees_already_charged_are_not_charged_again_on_the_parts(
    community, house, finance
):
    # given 1,000.00 due 1 January with late fees charged up to 31 January
    late_fee_policy(community)
    line = charge(house, finance, "1000.00", date(2026, 1, 1))
    late_fees_assess(community=community, as_of=date(2026, 1, 31), actor=finance)
    first_fee = BillLine.objects.get(late_fee_of=line)
    assert first_fee.days == 30
    # when the line is split in two, both parts still due 1 January
    change = bill_line_split(
        line=line, actor=finance, amounts=["500", "500"], reason="分两期"
    )
    late_fees_assess(community=community, as_of=date(2026, 2, 10), actor=finance)
    # then each part is charged only 1–10 February (10 days on 500.00 = 1.50)
    for part in change.replacements.all():
        fee = BillLine.objects.get(late_fee_of=part)
        assert (fee.period_start, fee.days, fee.amount) == (
            date(2026, 2, 1),
            10,
            Decimal("1.50"),
        )
    # and the superseded line accrues nothing more
    assert BillLine.objects.filter(late_fee_of=line).count() == 1
