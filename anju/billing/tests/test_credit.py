"""Prepayment credit set against new bills: after a billing run and on demand,
oldest lines first, idempotent, reversible, the receipt as issued, visible on the
house's page."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from anju.billing.choices import LineStatus
from anju.billing.models import Bill, BillLine, Payment, PaymentAllocation
from anju.billing.receipt_pdf import receipt_pdf
from anju.billing.services import (
    credit_apply,
    credits_apply_community,
    house_credit_balance,
    payment_reverse,
)
from anju.billing.settlement import daily_settlement
from anju.core.errors import NotFound, PermissionDenied
from anju.core.models import AuditEvent
from anju.estates.tests.factories import HouseFactory

from .cashier import bill_month, charge, pay
from .factories import property_fee


@pytest.fixture
def prepaid(community, finance, house):
    """3-2-1201 (300.00 a month) paid 700.00 before anything was billed: all credit."""
    property_fee(community)
    payment = pay(house, finance, "700.00", "k-prepay")
    assert payment.credit_amount == Decimal("700.00")
    return payment


def lines_of(house):
    return list(
        BillLine.objects.filter(house=house)
        .order_by("period_start", "id")
        .values_list("period_start", "paid_amount", "status")
    )


def test_a_billing_run_sets_the_credit_against_the_new_bill(
    community, finance, house, prepaid
):
    # when January is billed
    bill_month(community, finance, 2026, 1)
    # then the credit pays it and 400.00 is left
    assert lines_of(house) == [(date(2026, 1, 1), Decimal("300.00"), LineStatus.PAID)]
    assert Bill.objects.get(house=house).status == "paid"
    assert house_credit_balance(house) == Decimal("400.00")
    allocation = PaymentAllocation.objects.get()
    assert (allocation.payment, allocation.amount, allocation.from_credit) == (
        prepaid,
        Decimal("300.00"),
        True,
    )
    # and February and March use up the rest, March partly
    bill_month(community, finance, 2026, 2)
    bill_month(community, finance, 2026, 3)
    assert lines_of(house)[1:] == [
        (date(2026, 2, 1), Decimal("300.00"), LineStatus.PAID),
        (date(2026, 3, 1), Decimal("100.00"), LineStatus.PARTIAL),
    ]
    assert house_credit_balance(house) == Decimal("0.00")
    # and the payment still adds up: allocations + credit left = amount
    prepaid.refresh_from_db()
    allocated = sum(a.amount for a in prepaid.allocations.all())
    assert allocated + prepaid.credit_amount == prepaid.amount


def test_applying_twice_changes_nothing(community, finance, house, prepaid):
    bill_month(community, finance, 2026, 1)
    again = credit_apply(house=house, actor=finance)
    assert (again.total, again.allocations) == (Decimal("0.00"), [])
    assert PaymentAllocation.objects.count() == 1
    assert (
        credits_apply_community(community=community, actor=finance).credit_houses == 0
    )


def test_the_oldest_payments_credit_is_used_first_and_only_what_is_owed(
    community, finance, house
):
    property_fee(community)
    first = pay(house, finance, "100.00", "k-1")
    second = pay(house, finance, "500.00", "k-2")
    bill_month(community, finance, 2026, 1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.credit_amount, second.credit_amount) == (
        Decimal("0.00"),
        Decimal("300.00"),
    )
    assert list(
        PaymentAllocation.objects.order_by("id").values_list("payment_id", "amount")
    ) == [(first.pk, Decimal("100.00")), (second.pk, Decimal("200.00"))]


def test_on_demand_the_credit_settles_a_new_one_off_charge(
    community, finance, house, prepaid
):
    # given a one-off charge written after the payment (runs would not see it)
    line = charge(house, finance, "250.00", date(2026, 2, 1))
    # when the cashier applies the credit
    applied = credit_apply(house=house, actor=finance)
    # then the charge is paid from it, recorded in the audit log
    line.refresh_from_db()
    assert (applied.total, line.status) == (Decimal("250.00"), LineStatus.PAID)
    event = AuditEvent.objects.get(reason="预收款冲抵账单")
    assert event.object_id == str(house.pk)
    assert event.changes["credit_applied"] == [None, "250.00"]


def test_a_reversed_payments_credit_is_not_used(community, finance, house, prepaid):
    payment_reverse(payment=prepaid, actor=finance, reason="退款")
    bill_month(community, finance, 2026, 1)
    assert lines_of(house) == [(date(2026, 1, 1), Decimal("0.00"), LineStatus.UNPAID)]


def test_reversing_after_the_credit_was_used_reopens_the_lines(
    community, finance, house, prepaid
):
    # given January and February paid from the 700.00 credit
    bill_month(community, finance, 2026, 1)
    bill_month(community, finance, 2026, 2)
    # when the payment is reversed
    reversal = payment_reverse(payment=prepaid, actor=finance, reason="收错房屋")
    # then both months are owed again and no credit is left
    assert [s for *_x, s in lines_of(house)] == [LineStatus.UNPAID, LineStatus.UNPAID]
    assert house_credit_balance(house) == Decimal("0.00")
    allocated = sum(a.amount for a in reversal.allocations.all())
    assert allocated + reversal.credit_amount == Decimal("-700.00")
    assert all(a.from_credit for a in reversal.allocations.all())


def test_settlement_of_the_payment_day_still_balances(
    community, finance, house, prepaid
):
    bill_month(community, finance, 2026, 1)
    day = timezone.localdate(prepaid.received_at)  # the cashier's day, not UTC's
    s = daily_settlement(community=community, day=day, cashier=finance)
    assert s.payments_total == Decimal("700.00")
    assert s.allocated_total + s.credit_total == Decimal("700.00")


def test_the_receipt_still_shows_the_credit_as_issued(
    community, finance, house, prepaid, monkeypatch
):
    bill_month(community, finance, 2026, 1)
    rows = []
    from anju.core import pdf

    real = pdf.steps_table

    def spy(headers, body, *args, **kwargs):
        rows.extend(body)
        return real(headers, body, *args, **kwargs)

    monkeypatch.setattr(pdf, "steps_table", spy)
    receipt_pdf(actor=finance, receipt=Payment.objects.get(pk=prepaid.pk).receipt)
    assert [r[0] for r in rows] == ["预收款"]
    assert rows[0][-1].text.endswith("700.00")


def test_only_the_communitys_cashiers_apply_credit(house, prepaid, agent, outsider):
    with pytest.raises(PermissionDenied):
        credit_apply(house=house, actor=agent)
    with pytest.raises(NotFound):
        credit_apply(house=house, actor=outsider)


def test_other_houses_credit_is_not_touched(community, finance, house, prepaid):
    neighbour = HouseFactory(unit__building__community=community)
    bill_month(community, finance, 2026, 1)
    assert BillLine.objects.get(house=neighbour).status == LineStatus.UNPAID


# --- page and API --------------------------------------------------------------------


def test_house_page_offers_the_credit_and_shows_what_it_settled(
    client, community, finance, house, prepaid
):
    line = charge(house, finance, "250.00", date(2026, 2, 1))
    client.force_login(finance)
    body = client.get(f"/billing/houses/{house.pk}/").content.decode()
    assert "用预收款冲抵欠费" in body
    response = client.post(f"/billing/houses/{house.pk}/apply-credit/")
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "已用预收款冲抵 250.00 元（1 条明细）"
    ]
    line.refresh_from_db()
    assert line.status == LineStatus.PAID
    body = client.get(f"/billing/houses/{house.pk}/").content.decode()
    assert "预收冲抵记录" in body
    assert "用预收款冲抵欠费" not in body  # nothing left to settle
    assert 'data-figure="credit">450.00<' in body


def test_api_applies_credit_once(client, finance, house, prepaid):
    charge(house, finance, "250.00", date(2026, 2, 1))
    client.force_login(finance)
    url = "/api/v1/billing/credit/apply/"
    first = client.post(url, {"house": house.pk}, content_type="application/json")
    assert first.status_code == 200
    body = first.json()
    assert (body["applied"], body["credit"]) == ("250.00", "450.00")
    assert body["allocations"][0]["from_credit"] is True
    second = client.post(url, {"house": house.pk}, content_type="application/json")
    assert (second.json()["applied"], second.json()["allocations"]) == ("0.00", [])


@pytest.mark.django_db(transaction=True)
def test_concurrent_applications_use_the_credit_once(community, finance, house):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row-lock concurrency is proven on PostgreSQL")
    # given 700.00 of credit and three months (900.00) billed without the after-run step
    import anju.billing.services as services

    property_fee(community)
    pay(house, finance, "700.00", "k-prepay")
    real = services.after_run
    services.after_run = lambda **kw: services.AfterRun()
    try:
        for month in (1, 2, 3):
            bill_month(community, finance, 2026, month)
    finally:
        services.after_run = real
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            barrier.wait()
            credit_apply(house=house, actor=finance)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    # when eight cashiers apply the credit at the same moment
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly 700.00 is set against the months, oldest first
    assert errors == []
    assert sum(a.amount for a in PaymentAllocation.objects.all()) == Decimal("700.00")
    assert [paid for _d, paid, _s in lines_of(house)] == [
        Decimal("300.00"),
        Decimal("300.00"),
        Decimal("100.00"),
    ]
    assert house_credit_balance(house) == Decimal("0.00")
