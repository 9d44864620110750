"""API of the cashier's side: reversal, late fees (list and run) and the late-fee page."""

from datetime import date
from decimal import Decimal

import pytest

from anju.billing.choices import LineKind, PaymentKind
from anju.billing.models import BillLine, Payment
from anju.estates.tests.factories import HouseFactory

from .cashier import bill_month, late_fee_policy, pay
from .factories import property_fee


@pytest.fixture
def billed(community, finance, house):
    property_fee(community)
    bill_month(community, finance, 2026, 1)
    return house


def test_payment_reversal_by_api(client, finance, billed):
    payment = pay(billed, finance, "300.00", "k-1")
    client.force_login(finance)
    url = f"/api/v1/payments/{payment.pk}/reverse/"
    # without a reason
    missing = client.post(url, {}, content_type="application/json")
    assert (missing.status_code, missing.json()["code"]) == (400, "validation_error")
    # with one
    response = client.post(url, {"reason": "重复收款"}, content_type="application/json")
    body = response.json()
    assert response.status_code == 201
    assert (body["kind"], body["amount"], body["reversal_of"]) == (
        "reversal",
        "-300.00",
        payment.pk,
    )
    assert body["amount_in_words"] == "负叁佰元整"
    # twice
    again = client.post(url, {"reason": "再次"}, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (
        409,
        "payment_already_reversed",
    )
    assert Payment.objects.filter(kind=PaymentKind.REVERSAL).count() == 1


def test_reversal_by_api_is_refused_to_readers_and_outsiders(
    client, agent, outsider, finance, billed
):
    payment = pay(billed, finance, "300.00", "k-1")
    url = f"/api/v1/payments/{payment.pk}/reverse/"
    client.force_login(agent)
    assert (
        client.post(url, {"reason": "x"}, content_type="application/json").status_code
        == 403
    )
    client.force_login(outsider)
    assert client.post(
        url, {"reason": "x"}, content_type="application/json"
    ).status_code in (
        403,
        404,
    )
    assert Payment.objects.count() == 1


@pytest.fixture
def overdue(community, finance, billed):
    late_fee_policy(community, late_fee_grace_days=10)
    return BillLine.objects.get(house=billed)


def test_late_fee_run_and_list_by_api(client, finance, community, overdue):
    client.force_login(finance)
    body = {"community": community.pk, "as_of": "2026-02-10"}
    first = client.post(
        "/api/v1/billing/late-fees/assess/", body, content_type="application/json"
    ).json()
    second = client.post(
        "/api/v1/billing/late-fees/assess/", body, content_type="application/json"
    ).json()
    # 300.00 × 0.0003 × 30 days = 2.70, once
    assert (first["line_count"], first["total"]) == (1, "2.70")
    assert (second["line_count"], second["total"]) == (0, "0.00")
    rows = client.get(f"/api/v1/billing/late-fees/?community={community.pk}").json()
    assert [
        (r["house_number"], r["amount"], r["days"], r["late_fee_of"])
        for r in rows["results"]
    ] == [("3-2-1201", "2.70", 30, overdue.pk)]


def test_late_fee_run_refusals_by_api(
    client, finance, agent, community, other_community, billed
):
    client.force_login(finance)
    # off by default
    off = client.post(
        "/api/v1/billing/late-fees/assess/",
        {"community": community.pk, "as_of": "2026-02-10"},
        content_type="application/json",
    )
    assert (off.status_code, off.json()["code"]) == (409, "late_fee_disabled")
    # another community
    other = client.post(
        "/api/v1/billing/late-fees/assess/",
        {"community": other_community.pk, "as_of": "2026-02-10"},
        content_type="application/json",
    )
    assert other.status_code == 404
    # agents read but do not run
    client.force_login(agent)
    denied = client.post(
        "/api/v1/billing/late-fees/assess/",
        {"community": community.pk, "as_of": "2026-02-10"},
        content_type="application/json",
    )
    assert denied.status_code == 403
    assert client.get("/api/v1/billing/late-fees/").status_code == 200
    assert not BillLine.objects.filter(kind=LineKind.LATE_FEE).exists()


def test_late_fee_page_runs_and_lists(client, finance, community, overdue):
    client.force_login(finance)
    page = client.get("/billing/late-fees/").content.decode()
    assert "已启用" in page
    assert "0.0003" in page
    response = client.post(
        "/billing/late-fees/run/",
        {"community": community.pk, "as_of": "2026-02-10"},
        follow=True,
    )
    body = response.content.decode()
    assert "已计收滞纳金 1 笔，涉及 1 户，共 2.70 元" in body
    assert "2026-01-12 ~ 2026-02-10" in body
    again = client.post(
        "/billing/late-fees/run/",
        {"community": community.pk, "as_of": "2026-02-10"},
        follow=True,
    ).content.decode()
    assert "没有需要计收的滞纳金" in again
    bad = client.post(
        "/billing/late-fees/run/",
        {"community": community.pk, "as_of": "2999-01-01"},
        follow=True,
    ).content.decode()
    assert "不能为将来的日期计算滞纳金" in bad
    assert BillLine.objects.filter(kind=LineKind.LATE_FEE).count() == 1
    assert BillLine.objects.get(kind=LineKind.LATE_FEE).amount == Decimal("2.70")


def test_late_fee_page_says_when_late_fees_are_off(client, agent, billed):
    client.force_login(agent)
    page = client.get("/billing/late-fees/").content.decode()
    assert "本小区未启用滞纳金" in page
    assert "计算滞纳金" not in page
    assert (
        client.post("/billing/late-fees/run/", {"as_of": "2026-02-10"}).status_code
        == 403
    )


def test_owner_reads_own_house_late_fees_as_bill_lines(
    client, owner, finance, community, overdue
):
    from anju.billing.latefees import late_fees_assess

    neighbour = HouseFactory(
        unit__building__community=community, unit__building__number="9"
    )
    bill_month(community, finance, 2026, 2)
    late_fees_assess(community=community, as_of=date(2026, 3, 31))
    client.force_login(owner)
    bills = client.get("/api/v1/bills/").json()["results"]
    kinds = {line["kind"] for b in bills for line in b["lines"]}
    assert "late_fee" in kinds
    assert {b["house"] for b in bills} == {overdue.house_id}
    assert neighbour.pk not in {b["house"] for b in bills}
