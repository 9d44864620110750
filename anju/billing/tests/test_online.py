"""Online payment: WeChat Pay v3 and Alipay callbacks recorded once, forged or stale
ones refused and logged, orders created and queried with signed requests (no network:
every key is generated here and every HTTP answer comes from a fake transport)."""

import json
import logging
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from anju.billing import online
from anju.billing.choices import IntentPurpose, IntentStatus, LineStatus
from anju.billing.models import BillLine, Payment, PaymentIntent, Receipt
from anju.billing.services import bill_run_period, payment_record
from anju.core.errors import NotFound, ValidationFailed
from anju.estates.tests.factories import HouseFactory

from .factories import property_fee
from .online_keys import (
    MCHID,
    alipay_callback,
    alipay_content,
    alipay_keys,
    rsa_key,
    sign,
    wechat_callback,
    wechat_keys,
    wechat_signed_headers,
)

WECHAT_URL = "/billing/callback/wechat/"
ALIPAY_URL = "/billing/callback/alipay/"
LOGGER = "anju.billing.online"


@pytest.fixture
def wechat(settings, tmp_path):
    keys = wechat_keys(tmp_path)
    settings.ANJU_WECHATPAY = keys.config
    return keys


@pytest.fixture
def alipay(settings, tmp_path):
    keys = alipay_keys(tmp_path)
    settings.ANJU_ALIPAY = keys.config
    return keys


@pytest.fixture
def billed(house, finance):
    """3-2-1201 billed 300.00 for January and 300.00 for February 2026."""
    property_fee(house.community)
    for month, end in ((1, 31), (2, 28)):
        bill_run_period(
            community=house.community,
            period_start=date(2026, month, 1),
            period_end=date(2026, month, end),
            actor=finance,
        )
    return list(BillLine.objects.filter(house=house).order_by("period_start"))


def intent_for(owner, house, provider="wechat", **kw):
    return online.payment_intent_create(
        actor=owner, house=house, provider=provider, **kw
    )


def post_wechat(client, body, headers):
    return client.post(
        WECHAT_URL, data=body, content_type="application/json", headers=headers
    )


def post_alipay(client, body):
    return client.post(
        ALIPAY_URL,
        data=body,
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )


def rejected_codes(caplog):
    return [
        r.getMessage().split("code=")[1].split()[0]
        for r in caplog.records
        if r.name == LOGGER and "callback_rejected" in r.getMessage()
    ]


# --- orders -------------------------------------------------------------------------


def test_owner_orders_all_unpaid_lines_of_own_house(owner, house, billed):
    # when the owner pays everything online
    intent = intent_for(owner, house)
    # then the order covers both months, oldest first, and waits for the provider
    assert (intent.amount, intent.line_ids) == (
        Decimal("600.00"),
        [billed[0].pk, billed[1].pk],
    )
    assert (intent.status, intent.provider, intent.created_by) == (
        IntentStatus.CREATED,
        "wechat",
        owner,
    )
    assert (intent.out_trade_no[:2], len(intent.out_trade_no)) == ("AJ", 28)


def test_owner_chooses_lines_and_cannot_order_for_another_house(
    owner, finance, house, billed, community
):
    # given a neighbour's house billed for March
    other = HouseFactory(
        unit__building__community=community, unit__building__number="8"
    )
    bill_run_period(
        community=community,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        actor=finance,
    )
    # when the owner chooses February only
    intent = intent_for(owner, house, line_ids=[billed[1].pk])
    # then only February is in the order
    assert (intent.amount, intent.line_ids) == (Decimal("300.00"), [billed[1].pk])
    # and the neighbour's house is not found, a line of it not payable
    with pytest.raises(NotFound):
        intent_for(owner, other)
    other_line = BillLine.objects.get(house=other)
    with pytest.raises(ValidationFailed) as exc:
        intent_for(owner, house, line_ids=[other_line.pk])
    assert exc.value.code == "billing_line_not_payable"
    assert PaymentIntent.objects.count() == 1


def test_nothing_due_and_disabled_provider_are_refused(owner, house, settings):
    with pytest.raises(ValidationFailed) as nothing:
        intent_for(owner, house)
    settings.ANJU_PAY_PROVIDERS = ["wechat"]
    with pytest.raises(ValidationFailed) as disabled:
        intent_for(owner, house, provider="alipay")
    assert (nothing.value.code, disabled.value.code) == (
        "online_payment_nothing_due",
        "online_payment_provider_disabled",
    )
    assert PaymentIntent.objects.count() == 0


def test_prepay_quote_is_monthly_property_fee_times_months(owner, house, billed):
    # given 2.50 元/m² × 120 m² = 300.00 a month
    quote = online.prepay_quote(house, 12)
    # when the owner prepays a year
    intent = intent_for(owner, house, purpose=IntentPurpose.PREPAY, months=12)
    # then it costs 3,600.00 and settles no line
    assert (quote.monthly, quote.amount, quote.items) == (
        Decimal("300.00"),
        Decimal("3600.00"),
        ("物业费",),
    )
    assert (intent.amount, intent.line_ids, intent.months) == (
        Decimal("3600.00"),
        [],
        12,
    )


# --- WeChat Pay v3 callbacks ----------------------------------------------------------


def test_valid_wechat_callback_records_one_payment_and_receipt(
    client, owner, house, billed, wechat
):
    # given the owner's order for both months
    intent = intent_for(owner, house)
    body, headers = wechat_callback(
        wechat, out_trade_no=intent.out_trade_no, total_fen=60000, at=timezone.now()
    )
    # when WeChat Pay calls back
    response = post_wechat(client, body, headers)
    # then it is answered with success, and one payment with its receipt is recorded
    assert (response.status_code, response.content) == (200, b"")
    payment = Payment.objects.get()
    assert (payment.amount, payment.channel, payment.idempotency_key) == (
        Decimal("600.00"),
        "wechat",
        "wechat:4200001234202601150123456789",
    )
    assert str(payment.received_by) == "线上支付"
    assert not payment.received_by.is_active
    assert Receipt.objects.get().amount_in_words == "陆佰元整"
    assert [line.status for line in BillLine.objects.filter(house=house)] == [
        LineStatus.PAID,
        LineStatus.PAID,
    ]
    intent.refresh_from_db()
    assert (intent.status, intent.payment, intent.provider_txn_id) == (
        IntentStatus.PAID,
        payment,
        "4200001234202601150123456789",
    )


def test_replayed_wechat_callback_records_nothing_new(
    client, owner, house, billed, wechat
):
    # given a callback that was recorded
    intent = intent_for(owner, house)
    body, headers = wechat_callback(
        wechat, out_trade_no=intent.out_trade_no, total_fen=60000, at=timezone.now()
    )
    first = post_wechat(client, body, headers)
    # when WeChat Pay sends it again (its retries), and once more freshly signed
    again = post_wechat(client, body, headers)
    body2, headers2 = wechat_callback(
        wechat, out_trade_no=intent.out_trade_no, total_fen=60000, at=timezone.now()
    )
    third = post_wechat(client, body2, headers2)
    # then each is answered with success and there is still one payment and receipt
    assert [r.status_code for r in (first, again, third)] == [200, 200, 200]
    assert (Payment.objects.count(), Receipt.objects.count()) == (1, 1)


def test_forged_wechat_signature_is_refused_logged_and_records_nothing(
    client, owner, house, billed, wechat, caplog
):
    # given a callback signed with a key that is not WeChat's
    intent = intent_for(owner, house)
    body, headers = wechat_callback(
        wechat,
        out_trade_no=intent.out_trade_no,
        total_fen=60000,
        at=timezone.now(),
        signer=rsa_key("attacker"),
    )
    # when it is posted
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        response = post_wechat(client, body, headers)
    # then it is refused with WeChat's failure body, logged, and nothing is recorded
    assert response.status_code == 401
    assert response.json()["code"] == "FAIL"
    assert rejected_codes(caplog) == ["online_payment_bad_signature"]
    assert (Payment.objects.count(), Receipt.objects.count()) == (0, 0)
    intent.refresh_from_db()
    assert intent.status == IntentStatus.CREATED
    assert set(BillLine.objects.values_list("status", flat=True)) == {"unpaid"}


def test_wechat_body_changed_after_signing_is_refused(
    client, owner, house, billed, wechat, caplog
):
    intent = intent_for(owner, house)
    body, headers = wechat_callback(
        wechat, out_trade_no=intent.out_trade_no, total_fen=60000, at=timezone.now()
    )
    event = json.loads(body)
    event["summary"] = "改过"
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        response = post_wechat(
            client, json.dumps(event, ensure_ascii=False).encode(), headers
        )
    assert response.status_code == 401
    assert rejected_codes(caplog) == ["online_payment_bad_signature"]
    assert Payment.objects.count() == 0


def test_wechat_callback_with_tampered_amount_is_refused(
    client, owner, house, billed, wechat, caplog
):
    # given a genuinely signed callback that says 0.01 was paid for a 600.00 order
    intent = intent_for(owner, house)
    body, headers = wechat_callback(
        wechat, out_trade_no=intent.out_trade_no, total_fen=1, at=timezone.now()
    )
    # when it is posted
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        response = post_wechat(client, body, headers)
    # then it is refused and nothing is recorded
    assert response.status_code == 400
    assert rejected_codes(caplog) == ["online_payment_amount_mismatch"]
    assert Payment.objects.count() == 0
    intent.refresh_from_db()
    assert intent.status == IntentStatus.CREATED


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("stale", 401, "online_payment_stale_timestamp"),
        ("future", 401, "online_payment_stale_timestamp"),
        ("unknown_order", 400, "online_payment_unknown_order"),
        ("other_merchant", 400, "online_payment_merchant_mismatch"),
        ("no_signature", 400, "online_payment_signature_missing"),
    ],
)
def test_wechat_callbacks_that_do_not_match_are_refused(
    client, owner, house, billed, wechat, caplog, case, status, code
):
    intent = intent_for(owner, house)
    now = timezone.now()
    kw = {"out_trade_no": intent.out_trade_no, "total_fen": 60000, "at": now}
    if case == "stale":
        kw["at"] = now - timedelta(minutes=6)
    elif case == "future":
        kw["at"] = now + timedelta(minutes=6)
    elif case == "unknown_order":
        kw["out_trade_no"] = "AJ20260101000000FFFFFFFFFFFF"
    elif case == "other_merchant":
        kw["mchid"] = "1900000999"
    body, headers = wechat_callback(wechat, **kw)
    if case == "no_signature":
        headers.pop("Wechatpay-Signature")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        response = post_wechat(client, body, headers)
    assert response.status_code == status
    assert rejected_codes(caplog) == [code]
    assert Payment.objects.count() == 0


def test_callback_that_fails_halfway_saves_nothing(
    owner, house, billed, wechat, monkeypatch
):
    # given a callback whose last step (the intent's audit event) fails
    intent = intent_for(owner, house)
    body, headers = wechat_callback(
        wechat, out_trade_no=intent.out_trade_no, total_fen=60000, at=timezone.now()
    )

    class BrokenAudit:
        @staticmethod
        def record(**kw):
            raise RuntimeError("disk full")

    monkeypatch.setattr(online, "audit", BrokenAudit)
    # when it is handled
    with pytest.raises(RuntimeError):
        online.callback_handle(provider_name="wechat", body=body, headers=headers)
    # then neither the payment, its receipt nor the intent's status was kept
    assert (Payment.objects.count(), Receipt.objects.count()) == (0, 0)
    intent.refresh_from_db()
    assert intent.status == IntentStatus.CREATED
    assert set(BillLine.objects.values_list("paid_amount", flat=True)) == {
        Decimal("0.00")
    }


def test_lines_paid_at_the_desk_meanwhile_turn_the_online_money_into_credit(
    client, owner, finance, house, billed, wechat
):
    # given an order for January, which the owner's spouse then pays in cash
    intent = intent_for(owner, house, line_ids=[billed[0].pk])
    payment_record(
        community=house.community,
        house=house,
        amount=Decimal("300.00"),
        channel="cash",
        idempotency_key="desk-1",
        actor=finance,
        line_ids=[billed[0].pk],
    )
    body, headers = wechat_callback(
        wechat, out_trade_no=intent.out_trade_no, total_fen=30000, at=timezone.now()
    )
    # when the online payment's callback arrives
    response = post_wechat(client, body, headers)
    # then the money is recorded as the house's prepayment credit; February stays
    assert response.status_code == 200
    online_payment = Payment.objects.get(channel="wechat")
    assert (online_payment.credit_amount, online_payment.allocations.count()) == (
        Decimal("300.00"),
        0,
    )
    assert BillLine.objects.get(pk=billed[1].pk).status == LineStatus.UNPAID


def test_prepayment_bills_and_settles_the_prepaid_months_only(
    client, owner, house, billed, wechat
):
    intent = intent_for(owner, house, purpose=IntentPurpose.PREPAY, months=3)
    body, headers = wechat_callback(
        wechat, out_trade_no=intent.out_trade_no, total_fen=90000, at=timezone.now()
    )
    assert post_wechat(client, body, headers).status_code == 200
    # the three months prepaid are billed and settled by the payment (no credit left)
    payment = Payment.objects.get()
    assert (payment.amount, payment.credit_amount) == (
        Decimal("900.00"),
        Decimal("0.00"),
    )
    prepaid = BillLine.objects.filter(bill__prepayment__payment=payment)
    assert sorted(prepaid.values_list("status", flat=True)) == ["paid"] * 3
    # the arrears of January and February are left as they were
    assert [BillLine.objects.get(pk=line.pk).status for line in billed] == [
        "unpaid",
        "unpaid",
    ]


# --- WeChat Pay v3 orders and queries (fake transport) ------------------------------


def test_wechat_h5_order_is_a_signed_request_and_sends_the_owner_to_h5_url(
    owner, house, billed, wechat
):
    # given WeChat Pay answering the H5 order with a signed h5_url
    intent = intent_for(owner, house)
    sent = {}

    def transport(method, url, headers, body):
        sent.update(method=method, url=url, headers=headers, body=body)
        answer = json.dumps({"h5_url": "https://wx.tenpay.com/cgi-bin/mmpayweb?x=1"})
        signed = wechat_signed_headers(wechat, answer.encode(), at=timezone.now())
        return 200, signed, answer.encode()

    provider = online.WeChatPayV3(transport=transport)
    # when the order is created
    order = provider.create_order(
        intent,
        subject="绿水苑 3-2-1201 物业费",
        notify_url="https://wy.example.com/billing/callback/wechat/",
        return_url="https://wy.example.com/portal/bills/intents/1/",
        client_ip="1.2.3.4",
    )
    # then the request carries the order and a signature WeChat can check
    payload = json.loads(sent["body"])
    assert (sent["method"], sent["url"]) == (
        "POST",
        "https://api.mch.weixin.qq.com/v3/pay/transactions/h5",
    )
    assert (payload["mchid"], payload["out_trade_no"], payload["amount"]) == (
        MCHID,
        intent.out_trade_no,
        {"total": 60000, "currency": "CNY"},
    )
    auth = sent["headers"]["Authorization"]
    assert auth.startswith('WECHATPAY2-SHA256-RSA2048 mchid="1900000109"')
    fields = dict(part.split("=", 1) for part in auth.split(" ", 1)[1].split(","))
    fields = {k: v.strip('"') for k, v in fields.items()}
    message = (
        f"POST\n/v3/pay/transactions/h5\n{fields['timestamp']}\n"
        f"{fields['nonce_str']}\n{sent['body'].decode()}\n"
    ).encode()
    wechat.merchant.public_key().verify(
        __import__("base64").b64decode(fields["signature"]),
        message,
        *_pkcs1_sha256(),
    )
    # and the owner is sent to the h5_url, coming back to the result page
    assert order.redirect_url == (
        "https://wx.tenpay.com/cgi-bin/mmpayweb?x=1&redirect_url="
        "https%3A%2F%2Fwy.example.com%2Fportal%2Fbills%2Fintents%2F1%2F"
    )


def _pkcs1_sha256():
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    return padding.PKCS1v15(), hashes.SHA256()


def test_wechat_answer_with_a_forged_signature_is_not_trusted(
    owner, house, billed, wechat
):
    intent = intent_for(owner, house)

    def transport(method, url, headers, body):
        answer = json.dumps({"h5_url": "https://evil.example.com/"}).encode()
        forged = wechat_signed_headers(
            wechat, answer, at=timezone.now(), signer=rsa_key("attacker")
        )
        return 200, forged, answer

    with pytest.raises(online.CallbackRejected):
        online.WeChatPayV3(transport=transport).create_order(
            intent, subject="x", notify_url="", return_url="", client_ip=""
        )


def test_lost_callback_is_settled_by_querying_the_order(owner, house, billed, wechat):
    # given a paid order whose callback never arrived
    intent = intent_for(owner, house)

    def transport(method, url, headers, body):
        assert method == "GET"
        assert url.endswith(f"/out-trade-no/{intent.out_trade_no}?mchid={MCHID}")
        answer = json.dumps(
            {
                "mchid": MCHID,
                "appid": wechat.config["appid"],
                "out_trade_no": intent.out_trade_no,
                "transaction_id": "4200009999",
                "trade_state": "SUCCESS",
                "amount": {"total": 60000, "currency": "CNY"},
            }
        ).encode()
        return 200, wechat_signed_headers(wechat, answer, at=timezone.now()), answer

    # when the result page asks the provider
    intent = online.payment_intent_refresh(
        intent=intent,
        ask_provider=True,
        provider=online.WeChatPayV3(transport=transport),
    )
    # then the payment is recorded as by the callback
    assert intent.status == IntentStatus.PAID
    assert Payment.objects.get().idempotency_key == "wechat:4200009999"


def test_unpaid_order_expires_after_its_time(owner, house, billed):
    intent = intent_for(owner, house)
    soon = online.payment_intent_refresh(intent=intent).status
    later = online.payment_intent_refresh(
        intent=intent, now=intent.expires_at + timedelta(seconds=1)
    ).status
    assert (soon, later) == (IntentStatus.CREATED, IntentStatus.EXPIRED)


# --- Alipay -------------------------------------------------------------------------


def test_valid_alipay_notification_records_one_payment(
    client, owner, house, billed, alipay
):
    # given the owner's Alipay order for January
    intent = intent_for(owner, house, provider="alipay", line_ids=[billed[0].pk])
    body = alipay_callback(
        alipay,
        out_trade_no=intent.out_trade_no,
        total_amount="300.00",
        at=timezone.now(),
    )
    # when Alipay notifies, twice
    first = post_alipay(client, body)
    again = post_alipay(client, body)
    # then both are answered "success" and one payment settles January
    assert [(r.status_code, r.content) for r in (first, again)] == [
        (200, b"success"),
        (200, b"success"),
    ]
    payment = Payment.objects.get()
    assert (payment.channel, payment.amount, payment.idempotency_key) == (
        "alipay",
        Decimal("300.00"),
        "alipay:2026011522001483010501234567",
    )
    assert BillLine.objects.get(pk=billed[0].pk).status == LineStatus.PAID
    assert Receipt.objects.count() == 1


def test_forged_alipay_notification_is_refused_and_logged(
    client, owner, house, billed, alipay, caplog
):
    intent = intent_for(owner, house, provider="alipay")
    body = alipay_callback(
        alipay,
        out_trade_no=intent.out_trade_no,
        total_amount="600.00",
        at=timezone.now(),
        signer=rsa_key("attacker"),
    )
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        response = post_alipay(client, body)
    assert (response.status_code, response.content) == (401, b"fail")
    assert rejected_codes(caplog) == ["online_payment_bad_signature"]
    assert Payment.objects.count() == 0


def test_alipay_notification_with_another_amount_is_refused(
    client, owner, house, billed, alipay, caplog
):
    intent = intent_for(owner, house, provider="alipay")
    body = alipay_callback(
        alipay,
        out_trade_no=intent.out_trade_no,
        total_amount="6.00",
        at=timezone.now(),
    )
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        response = post_alipay(client, body)
    assert (response.status_code, response.content) == (400, b"fail")
    assert rejected_codes(caplog) == ["online_payment_amount_mismatch"]
    assert Payment.objects.count() == 0


def test_closed_alipay_trade_marks_the_order_failed(
    client, owner, house, billed, alipay
):
    intent = intent_for(owner, house, provider="alipay")
    body = alipay_callback(
        alipay,
        out_trade_no=intent.out_trade_no,
        total_amount="600.00",
        at=timezone.now(),
        trade_status="TRADE_CLOSED",
    )
    assert post_alipay(client, body).content == b"success"
    intent.refresh_from_db()
    assert (intent.status, Payment.objects.count()) == (IntentStatus.FAILED, 0)


def test_alipay_wap_order_url_is_signed_with_the_app_key(owner, house, billed, alipay):
    # given an Alipay order
    intent = intent_for(owner, house, provider="alipay")
    # when the pay URL is built
    order = online.Alipay().create_order(
        intent,
        subject="绿水苑 3-2-1201 物业费",
        notify_url="https://wy.example.com/billing/callback/alipay/",
        return_url="https://wy.example.com/portal/bills/intents/1/",
        client_ip="",
    )
    # then it goes to the gateway with an RSA2 signature over the sorted parameters
    url = urlsplit(order.redirect_url)
    params = dict(parse_qsl(url.query))
    assert f"{url.scheme}://{url.netloc}{url.path}" == alipay.config["gateway"]
    assert (params["method"], params["sign_type"], params["app_id"]) == (
        "alipay.trade.wap.pay",
        "RSA2",
        alipay.config["app_id"],
    )
    biz = json.loads(params["biz_content"])
    assert (biz["out_trade_no"], biz["total_amount"], biz["product_code"]) == (
        intent.out_trade_no,
        "600.00",
        "QUICK_WAP_WAY",
    )
    content = alipay_content(params, exclude=("sign",))
    assert sign(alipay.app, content) == params["sign"]  # PKCS#1 v1.5 is deterministic


def test_callbacks_answer_get_with_405_and_need_no_csrf_token(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert client.get(WECHAT_URL).status_code == 405
    # an unsigned post reaches the check (400), not a CSRF refusal (403)
    assert (
        strict.post(ALIPAY_URL, data=b"a=1", content_type="text/plain").status_code
        == 400
    )
