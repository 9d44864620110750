"""Owner portal for fees: 我的账单, paying online (sandbox, WeChat Pay), 缴费记录, 收据,
预缴 — each owner sees only their own houses."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from anju.billing import online
from anju.billing.choices import IntentStatus, LineStatus
from anju.billing.models import BillLine, Payment, PaymentIntent, Receipt
from anju.billing.services import bill_run_period
from anju.estates.tests.factories import HouseFactory, HouseResidentFactory

from .factories import property_fee
from .online_keys import wechat_callback, wechat_keys, wechat_signed_headers

BILLS = "/portal/bills/"


@pytest.fixture
def billed(house, finance):
    """3-2-1201 billed 300.00 for January and February 2026."""
    property_fee(house.community)
    for month, end in ((1, 31), (2, 28)):
        bill_run_period(
            community=house.community,
            period_start=date(2026, month, 1),
            period_end=date(2026, month, end),
            actor=finance,
        )
    return list(BillLine.objects.filter(house=house).order_by("period_start"))


def pay(client, house, provider="sandbox", lines=None):
    data = {"house": house.pk, "provider": provider}
    if lines is None:
        data["all"] = "1"
    else:
        data["line_ids"] = [line.pk for line in lines]
    return client.post(reverse("portal_billing:pay"), data)


def test_bills_page_lists_own_houses_lines_and_totals_in_constant_queries(
    client,
    owner,
    owner_person,
    house,
    billed,
    community,
    finance,
    django_assert_max_num_queries,
):
    # given a second house of the owner and a neighbour's house, all billed for March
    second = HouseFactory(
        unit__building__community=community, unit__building__number="5"
    )
    HouseResidentFactory(house=second, person=owner_person)
    neighbour = HouseFactory(
        unit__building__community=community, unit__building__number="6"
    )
    bill_run_period(
        community=community,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        actor=finance,
    )
    client.force_login(owner)
    # when the owner opens 我的账单
    with django_assert_max_num_queries(8):
        response = client.get(BILLS)
    # then both own houses are listed with their lines, periods and amounts
    body = response.content.decode()
    assert response.status_code == 200
    assert "待缴合计" in body
    assert "¥1200.00" in body
    assert "3-2-1201" in body
    assert second.number in body
    assert neighbour.number not in body
    assert "2026-01-01 ~ 2026-01-31" in body
    assert body.count('name="line_ids"') == 4
    assert "全部缴清 ¥900.00" in body


def test_owner_pays_all_in_the_sandbox_and_sees_it_paid(client, owner, house, billed):
    # given the owner on 我的账单
    client.force_login(owner)
    # when paying everything with the sandbox
    response = pay(client, house)
    intent = PaymentIntent.objects.get()
    # then the sandbox cashier opens
    assert response["Location"] == reverse(
        "portal_billing:sandbox_pay", args=[intent.pk]
    )
    page = client.get(response["Location"])
    assert "模拟收银台" in page.content.decode()
    assert "¥600.00" in page.content.decode()
    # when the owner confirms, the sandbox calls back and the result page says paid
    done = client.post(response["Location"], {"outcome": "pay"}, follow=True)
    body = done.content.decode()
    assert done.redirect_chain[-1][0] == reverse(
        "portal_billing:intent_detail", args=[intent.pk]
    )
    assert "已支付" in body
    receipt = Receipt.objects.get()
    assert receipt.number in body
    payment = Payment.objects.get()
    assert (payment.amount, payment.idempotency_key[:8]) == (
        Decimal("600.00"),
        "sandbox:",
    )
    assert set(BillLine.objects.values_list("status", flat=True)) == {LineStatus.PAID}
    # and paying again from the sandbox page records nothing new
    client.post(response["Location"], {"outcome": "pay"})
    assert Payment.objects.count() == 1
    # and 我的账单 shows nothing due
    assert "没有待缴费用" in client.get(BILLS).content.decode()


def test_owner_pays_chosen_lines_only(client, owner, house, billed):
    client.force_login(owner)
    response = pay(client, house, lines=[billed[1]])
    client.post(response["Location"], {"outcome": "pay"})
    assert [line.status for line in BillLine.objects.order_by("period_start")] == [
        LineStatus.UNPAID,
        LineStatus.PAID,
    ]


def test_nothing_chosen_is_refused_with_a_message(client, owner, house, billed):
    client.force_login(owner)
    response = client.post(
        reverse("portal_billing:pay"),
        {"house": house.pk, "provider": "sandbox"},
        follow=True,
    )
    assert "请勾选要缴纳的费用" in response.content.decode()
    assert PaymentIntent.objects.count() == 0


def test_failed_sandbox_payment_records_nothing(client, owner, house, billed):
    client.force_login(owner)
    response = pay(client, house)
    done = client.post(response["Location"], {"outcome": "fail"}, follow=True)
    assert "支付失败" in done.content.decode()
    assert (Payment.objects.count(), PaymentIntent.objects.get().status) == (
        0,
        IntentStatus.FAILED,
    )


def test_result_page_waits_then_shows_expired(client, owner, house, billed):
    client.force_login(owner)
    pay(client, house)
    intent = PaymentIntent.objects.get()
    url = reverse("portal_billing:intent_detail", args=[intent.pk])
    waiting = client.get(url).content.decode()
    assert "待支付" in waiting
    assert 'http-equiv="refresh"' in waiting
    PaymentIntent.objects.filter(pk=intent.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    expired = client.get(url).content.decode()
    assert "已过期" in expired
    assert 'http-equiv="refresh"' not in expired


def test_owner_pays_with_wechat_and_returns_to_a_paid_result(
    client, owner, house, billed, settings, tmp_path, monkeypatch
):
    # given WeChat Pay configured and answering the H5 order (no network)
    keys = wechat_keys(tmp_path)
    settings.ANJU_WECHATPAY = keys.config
    settings.ANJU_PAY_NOTIFY_BASE_URL = "https://wy.example.com"
    sent = {}

    def transport(method, url, headers, body):
        sent["order"] = json.loads(body)
        answer = json.dumps({"h5_url": "https://wx.tenpay.com/pay?prepay_id=wx1"})
        signed = wechat_signed_headers(keys, answer.encode(), at=timezone.now())
        return 200, signed, answer.encode()

    monkeypatch.setattr(online, "urllib_transport", transport)
    client.force_login(owner)
    # when the owner pays with WeChat
    response = pay(client, house, provider="wechat")
    intent = PaymentIntent.objects.get()
    result = reverse("portal_billing:intent_detail", args=[intent.pk])
    # then the owner is sent to WeChat, which will bring them back to the result page
    assert response["Location"].startswith("https://wx.tenpay.com/pay?prepay_id=wx1")
    assert response["Location"].endswith(
        "redirect_url=http%3A%2F%2Ftestserver" + result.replace("/", "%2F")
    )
    assert sent["order"]["notify_url"] == (
        "https://wy.example.com/billing/callback/wechat/"
    )
    assert "待支付" in client.get(result).content.decode()
    # when WeChat calls back, the result page shows paid
    body, headers = wechat_callback(
        keys, out_trade_no=intent.out_trade_no, total_fen=60000, at=timezone.now()
    )
    callback = client.post(
        "/billing/callback/wechat/",
        data=body,
        content_type="application/json",
        headers=headers,
    )
    assert callback.status_code == 200
    assert "已支付" in client.get(result).content.decode()


def test_provider_refusing_the_order_shows_a_message(
    client, owner, house, billed, monkeypatch
):
    def transport(method, url, headers, body):
        raise OSError("connection refused")

    monkeypatch.setattr(online, "urllib_transport", transport)
    client.force_login(owner)
    response = pay(client, house, provider="wechat")
    page = client.get(response["Location"]).content.decode()
    assert "支付渠道暂不可用" in page
    assert "支付失败" in page


def test_payments_and_receipts_pages_list_own_records(
    client, owner, house, billed, finance, community
):
    # given a paid order and a neighbour's payment
    client.force_login(owner)
    response = pay(client, house, lines=[billed[0]])
    client.post(response["Location"], {"outcome": "pay"})
    other = HouseFactory(
        unit__building__community=community, unit__building__number="6"
    )
    online.services.payment_record(
        community=community,
        house=other,
        amount=Decimal("77.00"),
        channel="cash",
        idempotency_key="n-1",
        actor=finance,
    )
    receipt = Receipt.objects.get(payment__house=house)
    # when the owner opens 缴费记录 and 收据
    payments = client.get(reverse("portal_billing:payment_list")).content.decode()
    receipts = client.get(reverse("portal_billing:receipt_list")).content.decode()
    # then only the own payment and receipt are there
    assert "¥300.00" in payments
    assert "77.00" not in payments
    assert receipt.number in payments
    assert receipt.number in receipts
    assert "叁佰元整" in receipts
    assert "柒拾柒元整" not in receipts
    # and the printable receipt is linked only where that page exists
    try:
        pdf = reverse("billing:receipt_pdf", args=[receipt.pk])
    except NoReverseMatch:
        pdf = None
    assert (pdf is not None and pdf in receipts) == (pdf is not None)


def test_prepay_a_year_in_the_sandbox_bills_and_pays_the_year(
    client, owner, house, billed
):
    client.force_login(owner)
    page = client.get(reverse("portal_billing:prepay")).content.decode()
    assert "物业费每月 ¥300.00" in page
    assert "¥3600.00" in page
    response = client.post(
        reverse("portal_billing:prepay"),
        {"house": house.pk, "months": "12", "provider": "sandbox"},
    )
    client.post(response["Location"], {"outcome": "pay"})
    payment = Payment.objects.get()
    assert (payment.amount, payment.credit_amount) == (
        Decimal("3600.00"),
        Decimal("0.00"),
    )
    assert payment.prepayment.months == 12
    assert online.services.house_credit_balance(house) == Decimal("0.00")
    # the prepaid year is settled; the older arrears are still shown as owed
    bills = client.get(reverse("portal_billing:bill_list")).content.decode()
    assert "（预缴）" not in bills


def test_prepay_page_shows_the_incentive(client, owner, house, billed, manager):
    from anju.billing.prepay import prepayment_incentive_create

    prepayment_incentive_create(
        community=house.community,
        actor=manager,
        name="预缴一年95折",
        min_months=12,
        kind="percent",
        percent="5",
        valid_from=date(2020, 1, 1),
    )
    client.force_login(owner)
    page = client.get(reverse("portal_billing:prepay")).content.decode()
    assert "¥3420.00" in page
    assert "优惠 ¥180.00" in page
    assert "预缴一年95折" in page


def test_another_owners_order_is_404_everywhere(
    client, owner, house, billed, community, password
):
    # given a neighbour's order
    from anju.accounts.tests.factories import OwnerUserFactory
    from anju.estates.tests.factories import PersonFactory

    other_house = HouseFactory(
        unit__building__community=community, unit__building__number="6"
    )
    neighbour = PersonFactory(company=community.company, phone="13900001111")
    HouseResidentFactory(house=other_house, person=neighbour)
    neighbour.user = OwnerUserFactory(
        username=neighbour.phone, company=community.company
    )
    neighbour.save()
    property_fee_line = BillLine.objects.filter(house=house).first()
    assert property_fee_line is not None
    client.force_login(owner)
    pay(client, house)
    mine = PaymentIntent.objects.get()
    client.force_login(neighbour.user)
    # when the neighbour opens its pages, or pays for the owner's house
    answers = [
        client.get(reverse("portal_billing:intent_detail", args=[mine.pk])),
        client.get(reverse("portal_billing:sandbox_pay", args=[mine.pk])),
        client.post(reverse("portal_billing:sandbox_pay", args=[mine.pk])),
        client.post(reverse("portal_billing:intent_check", args=[mine.pk])),
    ]
    paid_for_me = pay(client, house)
    # then every one is a 404 and nothing is paid or ordered
    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert paid_for_me.status_code == 302
    assert PaymentIntent.objects.count() == 1
    assert Payment.objects.count() == 0
    mine.refresh_from_db()
    assert mine.status == IntentStatus.CREATED


def test_staff_are_sent_back_and_sandbox_off_is_404(
    client, finance, owner, house, billed, settings
):
    client.force_login(finance)
    assert client.get(BILLS)["Location"] == "/"
    client.force_login(owner)
    pay(client, house)
    intent = PaymentIntent.objects.get()
    settings.ANJU_PAY_PROVIDERS = ["wechat"]
    sandbox = reverse("portal_billing:sandbox_pay", args=[intent.pk])
    assert client.get(sandbox).status_code == 404
    assert client.post(sandbox, {"outcome": "pay"}).status_code == 404
    assert Payment.objects.count() == 0
    assert "暂未开通在线缴费" not in client.get(BILLS).content.decode()


def test_house_page_links_to_the_bills(client, owner, house):
    client.force_login(owner)
    body = client.get(reverse("portal:house_detail", args=[house.pk])).content.decode()
    assert f'href="{BILLS}"' in body


def test_bills_page_in_english(client, owner, house, billed):
    client.force_login(owner)
    client.cookies["django_language"] = "en"
    body = client.get(BILLS).content.decode()
    assert "My bills" in body
    assert "Pay all ¥600.00" in body
