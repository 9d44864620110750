"""Pages and API of 预缴, 预缴优惠 and 减免审批."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from anju.billing.choices import DiscountStatus, IncentiveKind
from anju.billing.models import DiscountLine, Payment, Prepayment, PrepaymentIncentive
from anju.billing.prepay import prepayment_incentive_create
from anju.billing.services import discount_request

from .cashier import charge
from .factories import property_fee


@pytest.fixture
def fee(community):
    return property_fee(community)


@pytest.fixture
def incentive(community, manager):
    return prepayment_incentive_create(
        community=community,
        actor=manager,
        name="预缴一年95折",
        min_months=12,
        kind=IncentiveKind.PERCENT,
        percent="5",
        valid_from=date(2020, 1, 1),
    )


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)._queued_messages]


def form_key(body: str, action: str) -> str:
    import re

    form = body[body.index(f'action="{action}"') :]
    return re.search(r'name="idempotency_key" value="([^"]+)"', form).group(1)


def test_cashier_prepays_a_year_from_the_house_page(
    client, fee, incentive, house, finance
):
    client.force_login(finance)
    body = client.get(f"/billing/houses/{house.pk}/").content.decode()
    # the card quotes 12 months with the incentive: 3,600.00 − 180.00 = 3,420.00
    assert "预缴物业费" in body
    assert "<b>3420.00</b>" in body
    assert "预缴一年95折" in body
    url = f"/billing/houses/{house.pk}/prepay/"
    key = form_key(body, url)
    data = {"months": "12", "channel": "cash", "idempotency_key": key}
    response = client.post(url, data)
    assert response.status_code == 302
    prepayment = Prepayment.objects.get()
    [text] = texts(response)
    assert text.startswith("已预缴 12 个月（")
    assert "应收 3600.00 元，优惠 180.00 元，实收 3420.00 元，收据号 SJ" in text
    # the same form sent twice records once
    client.post(url, data)
    assert (Prepayment.objects.count(), Payment.objects.count()) == (1, 1)
    assert prepayment.payment.amount == Decimal("3420.00")
    # the discounts show on the house page with their approver
    body = client.get(f"/billing/houses/{house.pk}/").content.decode()
    assert "减免记录" in body
    assert "按预缴优惠政策" in body


def test_bad_prepay_input_is_explained(client, fee, house, finance):
    client.force_login(finance)
    url = f"/billing/houses/{house.pk}/prepay/"
    response = client.post(
        url, {"months": "30", "channel": "cash", "idempotency_key": "k"}
    )
    assert texts(response) == ["预缴月数须在1至24之间"]
    assert Prepayment.objects.count() == 0


def test_agents_neither_prepay_nor_request_discounts(client, fee, house, agent):
    client.force_login(agent)
    body = client.get(f"/billing/houses/{house.pk}/").content.decode()
    assert "确认预缴并收款" not in body
    assert (
        client.post(f"/billing/houses/{house.pk}/prepay/", {"months": "1"}).status_code
        == 403
    )
    assert client.post(f"/billing/houses/{house.pk}/discount/", {}).status_code == 403


def test_discount_is_requested_on_the_house_page_and_approved_by_a_manager(
    client, fee, house, finance, manager
):
    line = charge(house, finance, "500.00", date(2026, 3, 1))
    client.force_login(finance)
    response = client.post(
        f"/billing/houses/{house.pk}/discount/",
        {"line": line.pk, "amount": "50.00", "kind": "other", "reason": "老业主"},
    )
    assert texts(response) == ["已提交减免申请 50.00 元，待经理审批后生效"]
    discount = DiscountLine.objects.get()
    assert discount.status == DiscountStatus.REQUESTED
    # the cashier sees the queue but may not decide
    page = client.get("/billing/discounts/").content.decode()
    assert "老业主" in page
    assert 'value="approve"' not in page
    assert client.post(f"/billing/discounts/{discount.pk}/decide/").status_code == 403
    # the manager approves it
    client.force_login(manager)
    page = client.get("/billing/discounts/").content.decode()
    assert 'value="approve"' in page
    response = client.post(
        f"/billing/discounts/{discount.pk}/decide/",
        {"decision": "approve", "note": "同意"},
    )
    assert texts(response) == ["已批准减免 50.00 元"]
    line.refresh_from_db()
    assert line.outstanding == Decimal("450.00")
    again = client.post(
        f"/billing/discounts/{discount.pk}/decide/", {"decision": "reject"}
    )
    assert texts(again) == ["该减免已审批"]


def test_discount_queue_runs_in_constant_queries(
    client, fee, house, finance, manager, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            line = charge(house, finance, "100.00", date(2026, 3, 1))
            discount_request(
                line=line, amount="1.00", kind="other", reason=f"r{i}", actor=finance
            )

    client.force_login(manager)
    add(2)
    with django_assert_max_num_queries(20) as few:
        client.get("/billing/discounts/")
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/billing/discounts/")


def test_managers_set_and_end_incentives_finance_only_reads(
    client, community, finance, manager
):
    client.force_login(manager)
    response = client.post(
        "/billing/incentives/new/",
        {
            "community": community.pk,
            "name": "预缴一年送一个月",
            "min_months": "12",
            "kind": "free_months",
            "free_months": "1",
            "valid_from": "2026-01-01",
        },
    )
    assert texts(response) == ["已设置预缴优惠：预缴满12个月免收1个月（由您审批）"]
    incentive = PrepaymentIncentive.objects.get()
    assert incentive.approved_by == manager
    bad = client.post(
        "/billing/incentives/new/",
        {
            "community": community.pk,
            "name": "x",
            "min_months": "12",
            "kind": "percent",
            "percent": "",
            "valid_from": "2026-01-01",
        },
    )
    assert texts(bad) == ["预缴优惠设置有误（优惠比例须大于0且小于100）"]
    ended = client.post(
        f"/billing/incentives/{incentive.pk}/end/", {"valid_to": "2026-12-31"}
    )
    assert texts(ended) == ["预缴优惠“预缴一年送一个月”截止于 2026-12-31"]
    incentive.refresh_from_db()
    assert incentive.valid_to == date(2026, 12, 31)
    client.force_login(finance)
    page = client.get("/billing/incentives/").content.decode()
    assert "预缴满12个月免收1个月" in page
    assert "新增预缴优惠" not in page
    assert client.post("/billing/incentives/new/", {}).status_code == 403


# --- API -----------------------------------------------------------------------------


def test_api_quote_and_prepayment_with_an_idempotency_key(
    client, fee, incentive, house, finance, owner
):
    client.force_login(finance)
    quote = client.get(
        "/api/v1/billing/prepayments/quote/", {"house": house.pk, "months": 12}
    ).json()
    assert (quote["gross"], quote["discount"], quote["net"], quote["incentive"]) == (
        "3600.00",
        "180.00",
        "3420.00",
        incentive.pk,
    )
    url = "/api/v1/billing/prepayments/"
    body = {"house": house.pk, "months": 12, "channel": "pos"}
    missing = client.post(url, body, content_type="application/json")
    assert missing.json()["code"] == "idempotency_key_required"
    first = client.post(
        url, body, content_type="application/json", headers={"Idempotency-Key": "p-1"}
    )
    again = client.post(
        url, body, content_type="application/json", headers={"Idempotency-Key": "p-1"}
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["net"] == "3420.00"
    assert first.json()["receipt_number"].startswith("SJ")
    # the owner reads their house's prepayments
    client.force_login(owner)
    mine = client.get(url).json()
    assert [p["id"] for p in mine["results"]] == [first.json()["id"]]


def test_api_incentives_and_discount_decisions(
    client, community, fee, house, finance, manager
):
    client.force_login(finance)
    refused = client.post(
        "/api/v1/billing/incentives/",
        {
            "community": community.pk,
            "name": "x",
            "min_months": 12,
            "kind": "percent",
            "percent": "5",
            "valid_from": "2026-01-01",
        },
        content_type="application/json",
    )
    assert refused.status_code == 403
    line = charge(house, finance, "500.00", date(2026, 3, 1))
    asked = client.post(
        "/api/v1/billing/discounts/",
        {"line": line.pk, "amount": "20.00", "kind": "other", "reason": "x"},
        content_type="application/json",
    )
    assert (asked.status_code, asked.json()["status"]) == (201, "requested")
    client.force_login(manager)
    created = client.post(
        "/api/v1/billing/incentives/",
        {
            "community": community.pk,
            "name": "一年95折",
            "min_months": 12,
            "kind": "percent",
            "percent": "5",
            "valid_from": "2026-01-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["approved_by"] == manager.pk
    pending = client.get("/api/v1/billing/discounts/", {"status": "requested"}).json()
    assert [d["id"] for d in pending["results"]] == [asked.json()["id"]]
    decided = client.post(
        f"/api/v1/billing/discounts/{asked.json()['id']}/decide/",
        {"approve": True, "note": "ok"},
        content_type="application/json",
    )
    assert (decided.status_code, decided.json()["status"]) == (200, "approved")
    assert decided.json()["approved_by"] == manager.pk
