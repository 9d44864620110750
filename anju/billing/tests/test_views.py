"""The cashier's pages: bills list, a house's bills and payments, taking a payment once
per rendered form, reversing with a reason, the 账单 slot of the house page."""

import re
from decimal import Decimal

import pytest

from anju.billing.choices import LineStatus, PaymentKind
from anju.billing.models import BillLine, Payment, Receipt
from anju.estates.tests.factories import HouseFactory, UnitFactory

from .cashier import bill_month, pay
from .factories import property_fee


@pytest.fixture
def billed(community, finance, house):
    """3-2-1201 billed 300.00 for January, February and March 2026."""
    property_fee(community)
    for month in (1, 2, 3):
        bill_month(community, finance, 2026, month)
    return house


def form_key(body: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', body).group(1)


# --- bills list --------------------------------------------------------------------


def test_bill_list_filters_by_house_status_and_period(
    client, finance, billed, community
):
    neighbour = HouseFactory(
        unit__building__community=community, unit__building__number="7", room="101"
    )
    bill_month(community, finance, 2026, 4)
    pay(billed, finance, "300.00", "k-1")
    client.force_login(finance)

    def houses(query):
        body = client.get(f"/billing/?community={community.pk}&{query}").content
        return re.findall(
            r"<b>([\d-]+)</b></a></td>\s*<td[^>]*>([\d-]+)", body.decode()
        )

    assert houses("q=3-2-")[0] == ("3-2-1201", "2026-04-01")
    assert len(houses("q=3-2-")) == 4
    assert houses("status=paid") == [("3-2-1201", "2026-01-01")]
    assert houses("month=2026-04") == [
        ("3-2-1201", "2026-04-01"),
        (neighbour.number, "2026-04-01"),
    ]
    assert houses("q=7-&status=unpaid&month=2026-01") == []


def test_bill_list_runs_in_constant_queries(
    client, finance, community, django_assert_max_num_queries
):
    property_fee(community)
    unit = UnitFactory(building__community=community, building__number="5")
    HouseFactory(unit=unit, room="101")
    bill_month(community, finance, 2026, 1)
    client.force_login(finance)
    with django_assert_max_num_queries(9) as few:
        client.get("/billing/")
    for n in range(2, 30):
        HouseFactory(unit=unit, room=f"{n}01")
    bill_month(community, finance, 2026, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/billing/")
    assert "共 30 张账单" in response.content.decode()


def test_bills_are_staff_of_the_community_only(
    client, technician, outsider, billed, community
):
    client.force_login(technician)
    assert client.get("/billing/").status_code == 404
    client.force_login(outsider)
    assert client.get(f"/billing/?community={community.pk}").status_code == 404
    body = client.get("/billing/").content.decode()
    assert "<b>3-2-1201</b>" not in body
    assert client.get(f"/billing/houses/{billed.pk}/").status_code == 404


# --- a house's bills and payments --------------------------------------------------


def test_house_page_shows_what_is_owed_and_the_payment_form(
    client, finance, billed, owner
):
    client.force_login(finance)
    body = client.get(f"/billing/houses/{billed.pk}/").content.decode()
    assert 'data-figure="owed">900.00<' in body
    assert "张三" in body
    assert body.count('name="lines"') == 3
    assert "确认收款" in body
    # a fresh key each time the form is rendered
    again = client.get(f"/billing/houses/{billed.pk}/").content.decode()
    assert form_key(body) != form_key(again)


def test_agents_see_bills_but_take_no_payments(client, agent, billed):
    client.force_login(agent)
    body = client.get(f"/billing/houses/{billed.pk}/").content.decode()
    assert 'data-figure="owed">900.00<' in body
    assert "确认收款" not in body
    response = client.post(
        f"/billing/houses/{billed.pk}/pay/",
        {"amount": "300.00", "channel": "cash", "idempotency_key": "ui-x"},
    )
    assert response.status_code == 403
    assert Payment.objects.count() == 0


def test_cashier_takes_a_payment_once_even_when_the_form_is_sent_twice(
    client, finance, billed
):
    client.force_login(finance)
    key = form_key(client.get(f"/billing/houses/{billed.pk}/").content.decode())
    data = {"amount": "450.00", "channel": "wechat", "idempotency_key": key}
    # when the cashier double-clicks
    first = client.post(f"/billing/houses/{billed.pk}/pay/", data)
    second = client.post(f"/billing/houses/{billed.pk}/pay/", data, follow=True)
    # then one payment, one receipt, and the page offers to print it
    payment = Payment.objects.get()
    receipt = Receipt.objects.get()
    assert first.status_code == 302
    assert first["Location"].endswith(f"?receipt={receipt.pk}")
    assert (payment.amount, payment.channel, payment.received_by) == (
        Decimal("450.00"),
        "wechat",
        finance,
    )
    body = second.content.decode()
    assert f"已收款 450.00 元，收据号 {receipt.number}" in body
    assert f"/billing/receipts/{receipt.pk}/pdf/" in body
    assert 'data-figure="owed">450.00<' in body


def test_cashier_may_choose_the_lines_and_overpay_into_credit(client, finance, billed):
    march = BillLine.objects.get(period_start__month=3)
    client.force_login(finance)
    key = form_key(client.get(f"/billing/houses/{billed.pk}/").content.decode())
    response = client.post(
        f"/billing/houses/{billed.pk}/pay/",
        {
            "amount": "500.00",
            "channel": "cash",
            "lines": [str(march.pk)],
            "idempotency_key": key,
        },
        follow=True,
    )
    march.refresh_from_db()
    assert march.status == LineStatus.PAID
    assert Payment.objects.get().credit_amount == Decimal("200.00")
    assert "其中 200.00 元未冲抵账单，已转为预收款" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "", "channel": "cash"}, "请填写收款金额"),
        ({"amount": "-5", "channel": "cash"}, "收款金额须大于0"),
        ({"amount": "12.345", "channel": "cash"}, "金额最多两位小数"),
        ({"amount": "abc", "channel": "cash"}, "请填写正确的金额"),
        ({"amount": "100", "channel": "bitcoin"}, "请选择有效的收款方式"),
        ({"amount": "100", "channel": "cash", "lines": ["999999"]}, "所选明细不可收款"),
    ],
)
def test_bad_input_is_explained_in_chinese_and_nothing_is_saved(
    client, finance, billed, data, message
):
    client.force_login(finance)
    response = client.post(
        f"/billing/houses/{billed.pk}/pay/", {**data, "idempotency_key": "ui-1"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Payment.objects.count() == 0
    assert Receipt.objects.count() == 0


def test_a_reused_key_for_another_amount_is_refused_with_a_message(
    client, finance, billed
):
    client.force_login(finance)
    data = {"amount": "100.00", "channel": "cash", "idempotency_key": "ui-1"}
    client.post(f"/billing/houses/{billed.pk}/pay/", data)
    response = client.post(
        f"/billing/houses/{billed.pk}/pay/", {**data, "amount": "200.00"}
    )
    assert response.status_code == 400
    assert "该幂等键已用于另一笔收款" in response.content.decode()
    assert Payment.objects.count() == 1


def test_reversal_needs_a_reason_and_happens_once(client, finance, billed):
    payment = pay(billed, finance, "300.00", "k-1")
    client.force_login(finance)
    url = f"/billing/payments/{payment.pk}/reverse/"
    # without a reason: refused, nothing recorded
    refused = client.post(url, {"reason": " "})
    assert refused.status_code == 400
    assert "请填写冲正原因" in refused.content.decode()
    assert Payment.objects.count() == 1
    # with one: a red receipt and the line owed again
    done = client.post(url, {"reason": "收错房屋"}, follow=True)
    reversal = Payment.objects.get(kind=PaymentKind.REVERSAL)
    body = done.content.decode()
    assert (
        f"已冲正收据 {payment.receipt.number}，红字收据 {reversal.receipt.number}"
        in body
    )
    assert 'data-figure="owed">900.00<' in body
    assert "已冲正" in body
    # a second time: a message, no second reversal
    again = client.post(url, {"reason": "再次"}, follow=True)
    assert "该收款已冲正" in again.content.decode()
    assert Payment.objects.filter(kind=PaymentKind.REVERSAL).count() == 1


def test_reverse_form_page(client, finance, billed):
    payment = pay(billed, finance, "300.00", "k-1")
    client.force_login(finance)
    body = client.get(f"/billing/payments/{payment.pk}/reverse/").content.decode()
    assert payment.receipt.number in body
    assert "冲正原因" in body


# --- the house page slot and navigation ---------------------------------------------


def test_house_page_loads_the_bills_slot_for_billing_staff_only(
    client, finance, technician, billed
):
    client.force_login(finance)
    page = client.get(f"/estates/houses/{billed.pk}/").content.decode()
    assert f'hx-get="/billing/houses/{billed.pk}/summary/"' in page
    assert ">收费<" in page
    slot = client.get(f"/billing/houses/{billed.pk}/summary/").content.decode()
    assert "<b>900.00</b>" in slot
    assert "3 笔未缴" in slot
    client.force_login(technician)
    page = client.get(f"/estates/houses/{billed.pk}/").content.decode()
    assert "/summary/" not in page
    assert ">收费<" not in page
    assert client.get(f"/billing/houses/{billed.pk}/summary/").status_code == 404
