"""日结: a cashier's day and a community's day — channels, cash in the drawer, receipt
numbers, reversals and the reconciliation (平/不平); page, Excel, PDF and API."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from anju.billing.models import Payment, Receipt
from anju.billing.services import payment_reverse
from anju.billing.settlement import daily_settlement
from anju.core.models import AuditAction, AuditEvent
from anju.core.tests.pdfs import assert_in_order, pdf_text

from .cashier import bill_month, local, pay
from .factories import property_fee

DAY = date(2026, 3, 2)


@pytest.fixture
def day_of_cash(community, finance, manager, house):
    """On 2 March: finance takes cash 300, WeChat 450, POS 120 and reverses the cash
    one; the manager takes cash 80. Payments the day before and after stay out."""
    property_fee(community)
    bill_month(community, finance, 2026, 1)
    bill_month(community, finance, 2026, 2)
    bill_month(community, finance, 2026, 3)
    pay(house, finance, "50.00", "k-0", "cash", at=local(date(2026, 3, 1), 23, 59))
    cash = pay(house, finance, "300.00", "k-1", "cash", at=local(DAY, 0, 0))
    pay(house, finance, "450.00", "k-2", "wechat", at=local(DAY, 10, 5))
    pay(house, finance, "120.00", "k-3", "pos", at=local(DAY, 11, 30))
    reversal = payment_reverse(payment=cash, actor=finance, reason="收错房屋")
    Payment.objects.filter(pk=reversal.pk).update(received_at=local(DAY, 15, 0))
    pay(house, manager, "80.00", "k-4", "cash", at=local(DAY, 16, 0))
    pay(house, finance, "60.00", "k-5", "alipay", at=local(date(2026, 3, 3), 0, 0))
    return cash


def channel(s, code):
    return next(c for c in s.channels if c.channel == code)


def test_a_cashiers_day(community, finance, day_of_cash):
    # when finance settles 2 March
    s = daily_settlement(community=community, day=DAY, cashier=finance)
    # then per channel: taken, given back, net
    cash = channel(s, "cash")
    assert (cash.receipts, cash.reversals, cash.net, cash.count) == (
        Decimal("300.00"),
        Decimal("-300.00"),
        Decimal("0.00"),
        1,
    )
    assert channel(s, "wechat").net == Decimal("450.00")
    assert channel(s, "pos").net == Decimal("120.00")
    assert [c.channel for c in s.channels] == [
        "cash",
        "bank_transfer",
        "pos",
        "wechat",
        "alipay",
        "withholding",
    ]
    assert (s.gross, s.reversals, s.net, s.cash_expected) == (
        Decimal("870.00"),
        Decimal("-300.00"),
        Decimal("570.00"),
        Decimal("0.00"),
    )
    # four receipts: three payments and the red one; numbers from first to last
    numbers = sorted(r.number for r in s.receipts)
    assert s.receipt_count == 4
    assert (s.first_number, s.last_number) == (numbers[0], numbers[-1])
    assert [r.amount for r in s.receipts][-1] == Decimal("-300.00")
    assert s.balanced


def test_a_communitys_day_adds_every_cashier(community, finance, manager, day_of_cash):
    s = daily_settlement(community=community, day=DAY)
    assert (s.net, s.cash_expected, s.receipt_count) == (
        Decimal("650.00"),
        Decimal("80.00"),
        5,
    )
    by = {c["name"]: (c["count"], c["net"], c["cash"]) for c in s.cashiers}
    assert by == {
        str(finance): (4, Decimal("570.00"), Decimal("0.00")),
        str(manager): (1, Decimal("80.00"), Decimal("80.00")),
    }
    # receipts = payments = allocations + prepayment credit
    assert s.receipts_total == s.payments_total == Decimal("650.00")
    assert s.allocated_total + s.credit_total == Decimal("650.00")
    assert s.balanced


def test_a_receipt_that_does_not_match_its_payment_is_not_balanced(
    community, finance, day_of_cash
):
    # given a receipt altered behind the system's back
    receipt = Receipt.objects.filter(payment__idempotency_key="k-2").get()
    Receipt.objects.filter(pk=receipt.pk).update(amount=Decimal("400.00"))
    # then the settlement says 不平 and by how much
    s = daily_settlement(community=community, day=DAY, cashier=finance)
    assert not s.balanced
    assert s.receipt_difference == Decimal("-50.00")
    assert s.allocation_difference == Decimal("0.00")


def test_settlement_page_shows_totals_and_balance(
    client, finance, day_of_cash, community, django_assert_max_num_queries
):
    client.force_login(finance)
    url = f"/billing/settlement/?community={community.pk}&date={DAY}"
    with django_assert_max_num_queries(16):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-figure="receipt_count">4<' in body
    assert 'data-figure="net">570.00<' in body
    assert 'data-figure="cash">0.00<' in body
    assert ">平<" in body
    assert "冲正 " + day_of_cash.receipt.number in body
    # the community's day, for finance
    everybody = client.get(url + "&cashier=all").content.decode()
    assert 'data-figure="net">650.00<' in everybody
    assert "按收款员" in everybody


def test_settlement_excel_and_pdf(client, finance, day_of_cash, community):
    client.force_login(finance)
    query = f"?community={community.pk}&date={DAY}&cashier={finance.pk}"
    # Excel
    response = client.get("/billing/settlement.xlsx" + query)
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = list(book["日结汇总"].values)
    cash_row = next(r for r in summary if r and r[0] == "现金")
    # taken, count, reversed, count, refunded, count, net
    assert [Decimal(str(v)) for v in cash_row[1:]] == [
        Decimal("300"),
        Decimal("1"),
        Decimal("-300"),
        Decimal("1"),
        Decimal("0"),
        Decimal("0"),
        Decimal("0"),
    ]
    assert ("对账结果", "平") in [tuple(r[:2]) for r in summary if r and r[0]]
    assert len(list(book["收据明细"].values)) == 1 + 4
    # PDF
    response = client.get("/billing/settlement.pdf" + query)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert_in_order(
        text,
        [
            "安居物业",
            "收费日结单",
            "绿水苑",
            "2026-03-02",
            str(finance),
            "平",
            "现金",
            "300.00",
            "-300.00",
            "微信",
            "450.00",
            "收据明细",
            day_of_cash.receipt.number,
            "收款员（签字）",
        ],
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="billing.settlement"
    ).exists()


def test_settlement_api(client, finance, manager, day_of_cash, community):
    client.force_login(finance)
    body = client.get(
        f"/api/v1/billing/settlement/?community={community.pk}&date={DAY}"
    ).json()
    assert (body["cashier"], body["net"], body["receipt_count"]) == (
        finance.pk,
        "570.00",
        4,
    )
    assert body["reconciliation"]["balanced"] is True
    assert body["receipts"][-1]["reversal_of"] == day_of_cash.receipt.number
    everybody = client.get(
        f"/api/v1/billing/settlement/?community={community.pk}&date={DAY}&cashier=all"
    ).json()
    assert (everybody["cashier"], everybody["cash_expected"]) == (None, "80.00")
    assert len(everybody["cashiers"]) == 2
    bad = client.get(f"/api/v1/billing/settlement/?community={community.pk}&date=x")
    assert bad.status_code == 400


def test_settlement_is_for_cashiers_of_the_community_only(
    client, agent, other_community, finance, day_of_cash, community
):
    from anju.accounts.choices import Role
    from anju.accounts.tests.factories import StaffFactory

    # an agent reads bills but does not settle
    client.force_login(agent)
    assert client.get("/billing/settlement/").status_code == 403
    assert client.get("/api/v1/billing/settlement/").status_code == 403
    # a cashier of another community gets nothing of this one
    cashier_b = StaffFactory(
        role=Role.FINANCE, company=community.company, communities=[other_community]
    )
    client.force_login(cashier_b)
    url = f"?community={community.pk}&date={DAY}&cashier=all"
    assert client.get("/billing/settlement/" + url).status_code == 404
    assert client.get("/billing/settlement.pdf" + url).status_code == 404
    assert client.get("/api/v1/billing/settlement/" + url).status_code == 404
    own = client.get(f"/api/v1/billing/settlement/?date={DAY}&cashier=all").json()
    assert (own["community"], own["receipt_count"]) == (other_community.pk, 0)
    # a cashier id that is nobody of the company is not found either
    client.force_login(finance)
    assert (
        client.get(f"/billing/settlement/?cashier={cashier_b.pk + 999}").status_code
        == 404
    )
