"""Payments: allocation, credits, idempotency, reversals, discounts, receipts."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from anju.billing.choices import (
    BillStatus,
    DiscountKind,
    FeeKind,
    LineKind,
    LineStatus,
    PaymentKind,
)
from anju.billing.models import (
    Bill,
    BillLine,
    DiscountLine,
    LedgerDeleteRefused,
    Payment,
    PaymentAllocation,
    Receipt,
)
from anju.billing.services import (
    bill_line_void,
    bill_run_period,
    discount_grant,
    house_credit_balance,
    one_off_charge_create,
    payment_record,
    payment_reverse,
)
from anju.core.errors import (
    Conflict,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)

from .factories import fee_item, property_fee


def bill_months(house, actor, *months):
    """Bill the house's community for each (year, month); returns the lines, oldest first."""
    import calendar

    for year, month in months:
        bill_run_period(
            community=house.community,
            period_start=date(year, month, 1),
            period_end=date(year, month, calendar.monthrange(year, month)[1]),
            actor=actor,
        )
    return list(BillLine.objects.filter(house=house).order_by("period_start"))


def pay(house, actor, amount, key, **kw):
    return payment_record(
        community=house.community,
        house=house,
        amount=Decimal(amount),
        channel="wechat",
        idempotency_key=key,
        actor=actor,
        **kw,
    )


def amounts(lines):
    return [
        (line.paid_amount, line.status)
        for line in BillLine.objects.filter(pk__in=[x.pk for x in lines]).order_by(
            "period_start"
        )
    ]


def test_payment_settles_the_oldest_lines_first(finance, house):
    # given three unpaid months of 300.00
    property_fee(house.community)
    lines = bill_months(house, finance, (2026, 1), (2026, 2), (2026, 3))
    # when 450.00 is paid
    payment = pay(house, finance, "450.00", "k-1")
    # then January is paid, February half paid, March untouched
    assert amounts(lines) == [
        (Decimal("300.00"), LineStatus.PAID),
        (Decimal("150.00"), LineStatus.PARTIAL),
        (Decimal("0.00"), LineStatus.UNPAID),
    ]
    assert list(payment.allocations.values_list("line_id", "amount")) == [
        (lines[0].pk, Decimal("300.00")),
        (lines[1].pk, Decimal("150.00")),
    ]
    statuses = list(
        Bill.objects.order_by("period_start").values_list("status", "paid_total")
    )
    assert statuses == [
        (BillStatus.PAID, Decimal("300.00")),
        (BillStatus.PARTIAL, Decimal("150.00")),
        (BillStatus.UNPAID, Decimal("0.00")),
    ]
    assert payment.credit_amount == Decimal("0.00")


def test_a_bill_paid_in_cents_is_paid_whatever_the_arithmetic(finance, house):
    # given a month of 300.00, paid as 299.90 + 0.03 + 0.03 + 0.04 (in binary floating
    # point, as SQLite adds, that sum is 299.99999999999994)
    property_fee(house.community)
    (line,) = bill_months(house, finance, (2026, 1))
    for i, amount in enumerate(["299.90", "0.03", "0.03", "0.04"]):
        pay(house, finance, amount, f"cents-{i}")
    # then the line and its bill are paid, to the cent
    assert amounts([line]) == [(Decimal("300.00"), LineStatus.PAID)]
    bill = Bill.objects.get()
    assert (bill.status, bill.paid_total) == (BillStatus.PAID, Decimal("300.00"))


def test_cashier_may_choose_the_lines(finance, house):
    property_fee(house.community)
    lines = bill_months(house, finance, (2026, 1), (2026, 2))
    pay(house, finance, "300.00", "k-1", line_ids=[lines[1].pk])
    assert amounts(lines) == [
        (Decimal("0.00"), LineStatus.UNPAID),
        (Decimal("300.00"), LineStatus.PAID),
    ]


def test_choosing_a_paid_line_is_refused_and_nothing_recorded(finance, house):
    property_fee(house.community)
    lines = bill_months(house, finance, (2026, 1))
    pay(house, finance, "300.00", "k-1")
    with pytest.raises(ValidationFailed) as exc:
        pay(house, finance, "300.00", "k-2", line_ids=[lines[0].pk])
    assert exc.value.code == "billing_line_not_payable"
    assert Payment.objects.count() == 1


def test_overpayment_becomes_an_explicit_prepayment_credit(finance, house):
    property_fee(house.community)
    lines = bill_months(house, finance, (2026, 1))
    payment = pay(house, finance, "1000.00", "k-1")
    assert amounts(lines) == [(Decimal("300.00"), LineStatus.PAID)]
    assert payment.credit_amount == Decimal("700.00")
    assert house_credit_balance(house) == Decimal("700.00")


def test_same_idempotency_key_records_one_payment(finance, house):
    # given
    property_fee(house.community)
    lines = bill_months(house, finance, (2026, 1))
    first = pay(house, finance, "100.00", "wx-20260105-001")
    # when the cashier's client retries the same request
    again = pay(house, finance, "100.00", "wx-20260105-001")
    # then the first payment comes back and nothing is recorded twice
    assert again.pk == first.pk
    assert (
        Payment.objects.count(),
        Receipt.objects.count(),
        PaymentAllocation.objects.count(),
    ) == (1, 1, 1)
    assert amounts(lines) == [(Decimal("100.00"), LineStatus.PARTIAL)]


def test_idempotency_key_reused_for_another_amount_is_a_conflict(finance, house):
    property_fee(house.community)
    bill_months(house, finance, (2026, 1))
    pay(house, finance, "100.00", "k-1")
    with pytest.raises(Conflict) as exc:
        pay(house, finance, "200.00", "k-1")
    assert exc.value.code == "payment_idempotency_key_reused"
    assert Payment.objects.count() == 1


def test_each_payment_gets_a_receipt_with_a_unique_number_and_capitals(finance, house):
    property_fee(house.community)
    bill_months(house, finance, (2026, 1))
    a = pay(house, finance, "3600.00", "k-1")
    b = pay(house, finance, "1234.56", "k-2")
    year = timezone.localtime().year
    assert (a.receipt.number, a.receipt.amount_in_words) == (
        f"SJ{year}-000001",
        "叁仟陆佰元整",
    )
    assert (b.receipt.number, b.receipt.amount_in_words) == (
        f"SJ{year}-000002",
        "壹仟贰佰叁拾肆元伍角陆分",
    )


def test_reversal_is_a_negative_payment_that_references_the_original(finance, house):
    # given a yearly fee paid in full
    property_fee(house.community)
    bill_run_period(
        community=house.community,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        actor=finance,
    )
    payment = pay(house, finance, "3600.00", "k-1")
    original_allocation = payment.allocations.get()
    # when it is reversed
    reversal = payment_reverse(payment=payment, actor=finance, reason="重复收款")
    # then
    assert (reversal.kind, reversal.amount, reversal.reversal_of) == (
        PaymentKind.REVERSAL,
        Decimal("-3600.00"),
        payment,
    )
    undo = reversal.allocations.get()
    assert (undo.amount, undo.reversal_of, undo.line_id) == (
        Decimal("-3600.00"),
        original_allocation,
        original_allocation.line_id,
    )
    line = BillLine.objects.get()
    assert (line.paid_amount, line.status) == (Decimal("0.00"), LineStatus.UNPAID)
    assert Bill.objects.get().status == BillStatus.UNPAID
    assert reversal.receipt.amount_in_words == "负叁仟陆佰元整"
    assert Payment.objects.count() == 2  # the original stays


def test_a_payment_is_reversed_once_only(finance, house):
    property_fee(house.community)
    bill_months(house, finance, (2026, 1))
    payment = pay(house, finance, "300.00", "k-1")
    reversal = payment_reverse(payment=payment, actor=finance, reason="收错房屋")
    with pytest.raises(InvalidTransition):
        payment_reverse(payment=payment, actor=finance, reason="again")
    with pytest.raises(InvalidTransition):
        payment_reverse(payment=reversal, actor=finance, reason="again")
    assert Payment.objects.count() == 2


def test_reversing_an_overpayment_takes_back_its_credit(finance, house):
    property_fee(house.community)
    bill_months(house, finance, (2026, 1))
    payment = pay(house, finance, "500.00", "k-1")
    payment_reverse(payment=payment, actor=finance, reason="退款")
    assert house_credit_balance(house) == Decimal("0.00")


def test_compensation_month_is_an_explicit_approved_discount_line(
    finance, manager, house
):
    # given a yearly bill of 3,600.00
    property_fee(house.community)
    bill_run_period(
        community=house.community,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        actor=finance,
    )
    line = BillLine.objects.get()
    # when the manager approves one month (300.00) as compensation
    discount = discount_grant(
        line=line,
        amount="300.00",
        kind=DiscountKind.COMPENSATION,
        reason="TS2026-0568 漏水赔偿一个月物业费",
        approved_by=manager,
        actor=finance,
    )
    # then it is its own line with the approver; the owner owes 3,300.00
    assert (discount.amount, discount.approved_by, discount.created_by) == (
        Decimal("300.00"),
        manager,
        finance,
    )
    line.refresh_from_db()
    assert (line.amount, line.discount_amount, line.outstanding) == (
        Decimal("3600.00"),
        Decimal("300.00"),
        Decimal("3300.00"),
    )
    assert Bill.objects.get().discount_total == Decimal("300.00")
    payment = pay(house, finance, "3300.00", "k-1")
    assert payment.credit_amount == Decimal("0.00")
    assert BillLine.objects.get().status == LineStatus.PAID


def test_discount_without_an_approver_is_refused(finance, house):
    property_fee(house.community)
    line = bill_months(house, finance, (2026, 1))[0]
    with pytest.raises(PermissionDenied) as exc:
        discount_grant(
            line=line,
            amount="100",
            kind=DiscountKind.OTHER,
            reason="x",
            approved_by=finance,
            actor=finance,
        )
    assert exc.value.code == "discount_approver_required"
    assert DiscountLine.objects.count() == 0
    assert BillLine.objects.get().discount_amount == Decimal("0.00")


def test_a_paid_line_cannot_be_voided(finance, house):
    property_fee(house.community)
    line = bill_months(house, finance, (2026, 1))[0]
    pay(house, finance, "300.00", "k-1")
    with pytest.raises(InvalidTransition) as exc:
        bill_line_void(line=line, actor=finance, reason="面积录错")
    assert exc.value.code == "billing_line_locked"
    line.refresh_from_db()
    assert (line.status, line.amount) == (LineStatus.PAID, Decimal("300.00"))


def test_an_unpaid_line_is_voided_by_a_reversal_line(finance, house):
    property_fee(house.community)
    line = bill_months(house, finance, (2026, 1))[0]
    reversal = bill_line_void(line=line, actor=finance, reason="面积录错")
    line.refresh_from_db()
    assert (line.status, reversal.kind, reversal.amount, reversal.reversal_of) == (
        LineStatus.VOID,
        LineKind.REVERSAL,
        Decimal("-300.00"),
        line,
    )
    bill = Bill.objects.get()
    assert (bill.total, bill.status) == (Decimal("0.00"), BillStatus.PAID)
    assert BillLine.objects.count() == 2


def test_one_off_charge_is_paid_like_any_line(finance, house):
    deposit = fee_item(
        house.community, code="zxyj", name="装修押金", kind=FeeKind.ONE_OFF
    )
    line = one_off_charge_create(
        house=house,
        fee_item=deposit,
        amount="2000",
        description="装修押金",
        actor=finance,
    )
    pay(house, finance, "2000.00", "k-1")
    line.refresh_from_db()
    assert (line.kind, line.status) == (LineKind.ONE_OFF, LineStatus.PAID)


def test_payments_cannot_be_deleted(finance, house):
    property_fee(house.community)
    bill_months(house, finance, (2026, 1))
    payment = pay(house, finance, "300.00", "k-1")
    with pytest.raises(LedgerDeleteRefused):
        payment.delete()
    with pytest.raises(LedgerDeleteRefused):
        Receipt.objects.all().delete()
    with pytest.raises(LedgerDeleteRefused):
        PaymentAllocation.objects.all().delete()
    assert (
        Payment.objects.count(),
        Receipt.objects.count(),
        PaymentAllocation.objects.count(),
    ) == (1, 1, 1)


def test_agent_cannot_take_payments(agent, finance, house):
    property_fee(house.community)
    bill_months(house, finance, (2026, 1))
    with pytest.raises(PermissionDenied):
        pay(house, agent, "300.00", "k-1")
    assert Payment.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_payments_never_over_allocate(finance, house):
    if connection.vendor != "postgresql":
        pytest.skip(
            "row-lock concurrency is proven on PostgreSQL (SQLite has no row locks)"
        )
    # given one bill of 3,600.00
    property_fee(house.community)
    bill_run_period(
        community=house.community,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        actor=finance,
    )
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            pay(house, finance, "200.00", f"k-{n}")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    # when 20 cashiers take 200.00 each at the same moment
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then the line takes exactly 3,600.00 and 400.00 is credit
    assert errors == []
    line = BillLine.objects.get()
    assert (line.paid_amount, line.status) == (Decimal("3600.00"), LineStatus.PAID)
    assert sum(a.amount for a in PaymentAllocation.objects.all()) == Decimal("3600.00")
    assert house_credit_balance(house) == Decimal("400.00")
    assert Payment.objects.count() == 20
    assert len(set(Receipt.objects.values_list("number", flat=True))) == 20
    assert Bill.objects.get().paid_total == Decimal("3600.00")


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_of_one_key_record_one_payment(finance, house):
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent inserts are proven on PostgreSQL (SQLite serialises writers)"
        )
    property_fee(house.community)
    bill_months(house, finance, (2026, 1))
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            barrier.wait()
            results.append(pay(house, finance, "300.00", "same-key").pk)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Payment.objects.count() == 1
    assert BillLine.objects.get().paid_amount == Decimal("300.00")


def test_a_line_of_another_house_cannot_be_chosen(finance, community, house):
    # given a neighbour's unpaid line
    property_fee(community)
    from anju.estates.tests.factories import HouseFactory

    neighbour = HouseFactory(
        unit__building__community=community, unit__building__number="8"
    )
    bill_months(house, finance, (2026, 1))
    other_line = BillLine.objects.get(house=neighbour)
    # when the cashier picks it for this house's payment
    with pytest.raises(ValidationFailed):
        pay(house, finance, "300.00", "k-1", line_ids=[other_line.pk])
    # then nothing is recorded and the neighbour still owes
    assert Payment.objects.count() == 0
    other_line.refresh_from_db()
    assert other_line.paid_amount == Decimal("0.00")
