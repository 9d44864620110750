"""退款 pages and API: asked for on the house's billing page, decided on 退款审批, shown in
the house's payment history, the owner's portal and the 退款凭证; the API with its
stable error codes, scoped per community."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from anju.billing.choices import PaymentKind, RefundStatus
from anju.billing.models import Payment, Receipt, Refund
from anju.billing.refunds import refund_decide, refund_request
from anju.billing.services import house_credit_balance
from anju.core.tests.pdfs import assert_in_order, pdf_text

from .cashier import bill_month, charge, pay
from .factories import property_fee

REFUNDS = "/api/v1/refunds/"


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)._queued_messages]


def form_key(body: str, action: str) -> str:
    form = body[body.index(f'action="{action}"') :]
    return re.search(r'name="idempotency_key" value="([^"]+)"', form).group(1)


@pytest.fixture
def overpaid(community, finance, house):
    """3-2-1201: January (300.00) paid with 800.00 in cash, 500.00 credit."""
    property_fee(community)
    bill_month(community, finance, 2026, 1)
    return pay(house, finance, "800.00", "k-over")


def ask(actor, payment, amount="200.00", **kw):
    return refund_request(
        actor=actor,
        payment=payment,
        amount=amount,
        channel=kw.pop("channel", "cash"),
        reason=kw.pop("reason", "业主多缴退回"),
        **kw,
    )


# --- pages ------------------------------------------------------------------------


def test_refund_journey_from_the_house_page_to_the_managers_approval(
    client, house, finance, manager, overpaid
):
    # given the cashier opens the house's billing page
    client.force_login(finance)
    url = f"/billing/houses/{house.pk}/"
    body = client.get(url).content.decode()
    # then the 申请退款 card offers the credit of the receipt, with what may go back
    assert "申请退款" in body
    assert f"预收款：收据 {overpaid.receipt.number}（现金），可退 500.00" in body
    # when they ask for 200.00 back in cash (the same form sent twice asks once)
    action = f"/billing/houses/{house.pk}/refund/"
    data = {
        "target": f"payment:{overpaid.pk}",
        "amount": "200.00",
        "channel": "cash",
        "reason": "业主多缴，申请退回",
        "idempotency_key": form_key(body, action),
    }
    response = client.post(action, data)
    assert texts(response) == ["已提交退款申请 200.00 元，待经理审批后退款"]
    client.post(action, data)
    refund = Refund.objects.get()
    # then it waits: the house page lists it, the credit is unchanged
    body = client.get(url).content.decode()
    assert "退款记录" in body
    assert "待审批" in body
    assert house_credit_balance(house) == Decimal("500.00")
    # and the cashier sees the 退款审批 queue but cannot decide
    queue = client.get("/billing/refunds/").content.decode()
    assert "业主多缴，申请退回" in queue
    assert 'value="approve"' not in queue
    assert client.post(f"/billing/refunds/{refund.pk}/decide/").status_code == 403
    # when the manager approves it on 退款审批
    client.force_login(manager)
    queue = client.get("/billing/refunds/").content.decode()
    assert 'value="approve"' in queue
    response = client.post(
        f"/billing/refunds/{refund.pk}/decide/",
        {"decision": "approve", "note": "核实无误"},
    )
    voucher = Receipt.objects.get(payment__kind=PaymentKind.REFUND)
    assert texts(response) == [f"已批准退款 200.00 元，退款凭证 {voucher.number}"]
    # then the house's payment history shows the refund against the original receipt
    body = client.get(url).content.decode()
    assert f"退款 原收据 {overpaid.receipt.number}：业主多缴，申请退回" in body
    assert "已退款 200.00" in body
    assert f"退款凭证 {voucher.number}" in body
    assert house_credit_balance(house) == Decimal("300.00")
    # and the original can no longer be reversed from the page
    assert f'action="/billing/payments/{overpaid.pk}/reverse/"' not in body


def test_a_refund_above_what_is_left_is_explained_and_nothing_saved(
    client, house, finance, overpaid
):
    client.force_login(finance)
    response = client.post(
        f"/billing/houses/{house.pk}/refund/",
        {
            "target": f"payment:{overpaid.pk}",
            "amount": "600.00",
            "channel": "cash",
            "reason": "多缴",
            "idempotency_key": "ui-x",
        },
    )
    assert texts(response) == [
        "退款金额超过可退金额（含待审批的退款）（须在0.01至500.00之间）"
    ]
    assert Refund.objects.count() == 0


def test_a_manager_cannot_approve_their_own_request_on_the_page(
    client, house, manager, overpaid
):
    refund = ask(manager, overpaid)
    client.force_login(manager)
    queue = client.get("/billing/refunds/").content.decode()
    assert "本人申请，须由其他经理审批" in queue
    response = client.post(
        f"/billing/refunds/{refund.pk}/decide/", {"decision": "approve"}
    )
    assert texts(response) == ["不能审批自己申请的退款"]
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REQUESTED


def test_a_rejection_needs_a_note_and_stays_on_the_queue(
    client, finance, manager, overpaid
):
    refund = ask(finance, overpaid)
    client.force_login(manager)
    url = f"/billing/refunds/{refund.pk}/decide/"
    assert texts(client.post(url, {"decision": "reject"})) == [
        "驳回须填写审批意见（请填写驳回原因）"
    ]
    response = client.post(url, {"decision": "reject", "note": "已转抵下年物业费"})
    assert texts(response) == ["已驳回退款申请 200.00 元"]
    rejected = client.get("/billing/refunds/?status=rejected").content.decode()
    assert "已转抵下年物业费" in rejected
    assert Payment.objects.filter(kind=PaymentKind.REFUND).count() == 0


def test_deposit_refund_from_the_house_page(client, house, finance, manager):
    line = charge(house, finance, "2000.00", date(2026, 3, 1), name="装修押金")
    pay(house, finance, "2000.00", "k-dep", "bank_transfer")
    client.force_login(finance)
    body = client.get(f"/billing/houses/{house.pk}/").content.decode()
    assert "装修押金：装修押金 2026-03-01，可退 2000.00" in body
    client.post(
        f"/billing/houses/{house.pk}/refund/",
        {
            "target": f"line:{line.pk}",
            "amount": "1500.00",
            "channel": "bank_transfer",
            "reason": "验收合格，扣除楼道修复费500元",
            "idempotency_key": "ui-dep",
        },
    )
    refund = Refund.objects.get()
    refund_decide(refund=refund, actor=manager, approve=True)
    body = client.get(f"/billing/houses/{house.pk}/").content.decode()
    # the bill shows the 退还 line under the deposit, and 500.00 left to give back
    assert "退还：验收合格，扣除楼道修复费500元" in body
    assert "-1500.00" in body
    assert "装修押金：装修押金 2026-03-01，可退 500.00" in body


def test_the_refund_queue_runs_in_constant_queries(
    client, community, finance, manager, django_assert_max_num_queries
):
    from anju.estates.tests.factories import HouseFactory

    property_fee(community)

    def add(n):
        for _ in range(n):
            house = HouseFactory(unit__building__community=community)
            paid = pay(house, finance, "100.00", f"k-{house.pk}")
            refund_decide(
                refund=ask(finance, paid, "10.00"), actor=manager, approve=True
            )
            ask(finance, paid, "20.00")

    client.force_login(manager)
    add(2)
    with django_assert_max_num_queries(20) as few:
        client.get("/billing/refunds/?status=all")
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/billing/refunds/?status=all")
    assert "共 24 笔" in response.content.decode()


def test_refunds_are_staff_of_the_community_only(
    client, technician, outsider, finance, house, overpaid
):
    refund = ask(finance, overpaid)
    client.force_login(technician)
    assert client.get("/billing/refunds/").status_code == 404
    client.force_login(outsider)
    assert client.post(
        f"/billing/refunds/{refund.pk}/decide/", {"decision": "approve"}
    ).status_code in (403, 404)
    assert client.post(f"/billing/houses/{house.pk}/refund/", {}).status_code in (
        403,
        404,
    )
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REQUESTED


def test_the_refund_voucher_prints_red_with_the_original_and_the_approver(
    client, finance, manager, overpaid
):
    refund = refund_decide(
        refund=ask(finance, overpaid), actor=manager, approve=True, note="同意"
    )
    voucher = refund.refund_payment.receipt
    client.force_login(finance)
    response = client.get(f"/billing/receipts/{voucher.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert_in_order(
        text,
        [
            "退款凭证",
            voucher.number,
            "退款方式",
            "现金",
            "经办人",
            str(finance),
            "原收据",
            overpaid.receipt.number,
            "退款原因",
            "业主多缴退回",
            "审批人",
            str(manager),
            "预收款",
            "退还预收款",
            "-¥200.00",
            "负贰佰元整",
            "领款人（签字）",
        ],
    )


# --- owner portal -------------------------------------------------------------------


def test_owners_see_refunds_in_their_payment_history(
    client, owner, finance, manager, house, overpaid
):
    done = refund_decide(refund=ask(finance, overpaid), actor=manager, approve=True)
    ask(finance, overpaid, "50.00", reason="再退50")
    client.force_login(owner)
    body = client.get("/portal/bills/payments/").content.decode()
    assert "退款申请审批中" in body
    assert "¥50.00" in body
    assert "现金 · 退款" in body
    assert "¥-200.00" in body
    assert f"退回原收据 {overpaid.receipt.number} 的款项：业主多缴退回" in body
    assert done.refund_payment.receipt.number in body


# --- API ----------------------------------------------------------------------------


def test_api_request_replay_and_approval(client, finance, manager, house, overpaid):
    client.force_login(finance)
    data = {
        "payment": overpaid.pk,
        "amount": "200.00",
        "channel": "cash",
        "reason": "多缴退回",
    }
    response = client.post(
        REFUNDS, data, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-1"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["status"], body["amount"]) == (
        "credit",
        "requested",
        "200.00",
    )
    assert body["payment_receipt_number"] == overpaid.receipt.number
    # the same key again answers 200 with the same request
    again = client.post(
        REFUNDS, data, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-1"
    )
    assert (again.status_code, again.json()["id"]) == (200, body["id"])
    assert Refund.objects.count() == 1
    # a cashier cannot decide
    url = f"{REFUNDS}{body['id']}/decide/"
    denied = client.post(url, {"approve": True}, content_type="application/json")
    assert denied.status_code == 403
    # the manager approves
    client.force_login(manager)
    decided = client.post(
        url, {"approve": True, "note": "同意"}, content_type="application/json"
    )
    assert decided.status_code == 200
    out = decided.json()
    assert out["status"] == "approved"
    assert out["refund_receipt_number"].startswith("SJ")
    # deciding again is a conflict
    twice = client.post(url, {"approve": True}, content_type="application/json")
    assert (twice.status_code, twice.json()["code"]) == (409, "refund_already_decided")
    # and the refund shows in the payments API, referencing the original
    payments = client.get(f"/api/v1/payments/?house={house.pk}").json()["results"]
    refund_row = next(p for p in payments if p["kind"] == "refund")
    assert (refund_row["amount"], refund_row["refund_of"]) == ("-200.00", overpaid.pk)


def test_api_error_codes(client, finance, manager, house, overpaid):
    client.force_login(finance)

    def post(data, **headers):
        return client.post(REFUNDS, data, content_type="application/json", **headers)

    base = {"payment": overpaid.pk, "channel": "cash", "reason": "多缴"}
    too_much = post({**base, "amount": "500.01"})
    assert (too_much.status_code, too_much.json()["code"]) == (
        400,
        "refund_amount_invalid",
    )
    assert too_much.json()["fields"] == {"amount": ["须在0.01至500.00之间"]}
    neither = post({"amount": "1.00", "channel": "cash", "reason": "x"})
    assert (neither.status_code, neither.json()["code"]) == (
        400,
        "refund_target_invalid",
    )
    wrong_channel = post({**base, "amount": "1.00", "channel": "wechat"})
    assert wrong_channel.json()["code"] == "refund_channel_invalid"
    post({**base, "amount": "100.00"}, HTTP_IDEMPOTENCY_KEY="k")
    reused = post({**base, "amount": "90.00"}, HTTP_IDEMPOTENCY_KEY="k")
    assert (reused.status_code, reused.json()["code"]) == (
        409,
        "refund_idempotency_key_reused",
    )
    # the manager's own request
    client.force_login(manager)
    own = post({**base, "amount": "50.00"}).json()
    selfie = client.post(
        f"{REFUNDS}{own['id']}/decide/",
        {"approve": True},
        content_type="application/json",
    )
    assert (selfie.status_code, selfie.json()["code"]) == (403, "refund_self_approval")
    # a rejection without a note
    other = Refund.objects.exclude(pk=own["id"]).get()
    bare = client.post(
        f"{REFUNDS}{other.pk}/decide/",
        {"approve": False},
        content_type="application/json",
    )
    assert (bare.status_code, bare.json()["code"]) == (400, "refund_note_required")
    assert Payment.objects.filter(kind=PaymentKind.REFUND).count() == 0


def test_api_is_scoped_per_community(
    client, finance, outsider, owner, house, overpaid, django_assert_num_queries
):
    refund = ask(finance, overpaid)
    # another community's staff see nothing and cannot ask or decide
    client.force_login(outsider)
    assert client.get(REFUNDS).json()["results"] == []
    asked = client.post(
        REFUNDS,
        {"payment": overpaid.pk, "amount": "1.00", "channel": "cash", "reason": "x"},
        content_type="application/json",
    )
    assert asked.status_code in (400, 403)
    assert (
        client.post(
            f"{REFUNDS}{refund.pk}/decide/",
            {"approve": True},
            content_type="application/json",
        ).status_code
        == 403
    )
    # the owner reads their house's refunds only
    client.force_login(owner)
    assert [r["id"] for r in client.get(REFUNDS).json()["results"]] == [refund.pk]
    assert (
        client.post(
            REFUNDS,
            {"payment": overpaid.pk, "amount": "1", "channel": "cash", "reason": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
    # the list runs in constant queries
    client.force_login(finance)
    for _ in range(5):
        ask(finance, overpaid, "10.00")
    with django_assert_num_queries(5):
        rows = client.get(f"{REFUNDS}?status=requested").json()["results"]
    assert len(rows) == 6
    assert Refund.objects.filter(status=RefundStatus.REQUESTED).count() == 6
