"""Split and merge from the house's billing page and through the API."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from anju.billing.choices import LineStatus
from anju.billing.models import BillLine, BillLineChange

from .cashier import bill_month, pay
from .factories import property_fee


@pytest.fixture
def billed(community, finance, house):
    """3-2-1201 billed 300.00 for January, February and March 2026."""
    property_fee(community)
    for month in (1, 2, 3):
        bill_month(community, finance, 2026, month)
    return house


def lines(house):
    return list(
        BillLine.objects.filter(house=house)
        .order_by("period_start", "id")
        .values_list("amount", "due_date", "status")
    )


def texts(response):
    """The messages this request added (earlier unread ones are left out)."""
    return [str(m) for m in get_messages(response.wsgi_request)._queued_messages]


def test_house_page_offers_split_and_merge_to_cashiers_only(
    client, finance, agent, billed
):
    client.force_login(finance)
    body = client.get(f"/billing/houses/{billed.pk}/").content.decode()
    assert "拆分 / 合并明细" in body
    assert f'action="/billing/houses/{billed.pk}/split/"' in body
    assert f'action="/billing/houses/{billed.pk}/merge/"' in body
    client.force_login(agent)
    body = client.get(f"/billing/houses/{billed.pk}/").content.decode()
    assert "拆分 / 合并明细" not in body
    response = client.post(f"/billing/houses/{billed.pk}/split/", {"reason": "x"})
    assert response.status_code == 403


def test_cashier_splits_a_month_into_three_instalments(client, finance, billed):
    january = BillLine.objects.filter(house=billed).order_by("period_start").first()
    client.force_login(finance)
    response = client.post(
        f"/billing/houses/{billed.pk}/split/",
        {
            "line": january.pk,
            "parts": "3",
            "first_due": "2026-01-10",
            "every_months": "1",
            "reason": "业主经济困难，分三期",
        },
    )
    assert response.status_code == 302
    assert texts(response) == [
        "已拆分为 3 期：100.00（2026-01-10）、100.00（2026-02-10）、100.00（2026-03-10）"
    ]
    january.refresh_from_db()
    assert january.status == LineStatus.SUPERSEDED
    parts = BillLine.objects.filter(replacement_of=january.replaced_by)
    assert sorted(parts.values_list("due_date", flat=True)) == [
        date(2026, 1, 10),
        date(2026, 2, 10),
        date(2026, 3, 10),
    ]
    # the page shows the record of the split
    body = client.get(f"/billing/houses/{billed.pk}/").content.decode()
    assert "拆分 / 合并记录" in body
    assert "业主经济困难，分三期" in body


def test_cashier_splits_by_amounts_and_bad_amounts_are_explained(
    client, finance, billed
):
    january = BillLine.objects.filter(house=billed).order_by("period_start").first()
    client.force_login(finance)
    url = f"/billing/houses/{billed.pk}/split/"
    wrong = client.post(
        url, {"line": january.pk, "amounts": "100，150", "reason": "分期"}
    )
    assert texts(wrong) == ["各期金额合计须等于原金额（合计 250.00，原金额 300.00）"]
    assert BillLineChange.objects.count() == 0
    missing = client.post(url, {"line": january.pk, "reason": "分期"})
    assert texts(missing) == ["请填写期数或各期金额"]
    good = client.post(
        url,
        {
            "line": january.pk,
            "amounts": "100, 200",
            "every_months": "0",
            "reason": "分期",
        },
    )
    assert texts(good) == ["已拆分为 2 期：100.00（2026-01-01）、200.00（2026-01-01）"]


def test_cashier_merges_two_months_and_a_paid_month_is_not_offered(
    client, finance, billed
):
    pay(billed, finance, "300.00", "k-1")  # January paid
    jan, feb, mar = BillLine.objects.filter(house=billed).order_by("period_start")
    client.force_login(finance)
    body = client.get(f"/billing/houses/{billed.pk}/").content.decode()
    assert f'name="merge_lines" value="{feb.pk}"> ' in body
    assert f'name="merge_lines" value="{jan.pk}"> ' not in body
    url = f"/billing/houses/{billed.pk}/merge/"
    refused = client.post(url, {"merge_lines": [jan.pk, feb.pk], "reason": "合并"})
    assert texts(refused) == ["所选明细不能合并，请刷新页面后重选"]
    response = client.post(url, {"merge_lines": [feb.pk, mar.pk], "reason": "合并两月"})
    assert texts(response) == ["已合并 2 条明细为一条：600.00 元，到期日 2026-02-01"]
    merged = BillLine.objects.get(replacement_of__isnull=False)
    assert (merged.amount, merged.due_date, merged.status) == (
        Decimal("600.00"),
        date(2026, 2, 1),
        "unpaid",
    )
    assert [status for *_x, status in lines(billed)] == [
        "paid",
        "superseded",
        "unpaid",
        "superseded",
    ]


def test_outsiders_cannot_reach_another_communitys_house(
    client, other_community, billed
):
    from anju.accounts.choices import Role
    from anju.accounts.tests.factories import StaffFactory

    cashier = StaffFactory(role=Role.FINANCE, communities=[other_community])
    client.force_login(cashier)
    line = BillLine.objects.filter(house=billed).first()
    response = client.post(
        f"/billing/houses/{billed.pk}/split/",
        {"line": line.pk, "parts": "2", "reason": "x"},
    )
    assert response.status_code == 404
    assert BillLineChange.objects.count() == 0


# --- API ---------------------------------------------------------------------------


def test_api_splits_into_equal_parts_with_due_dates(client, finance, billed):
    january = BillLine.objects.filter(house=billed).order_by("period_start").first()
    client.force_login(finance)
    response = client.post(
        "/api/v1/billing/lines/split/",
        {
            "line": january.pk,
            "parts": 2,
            "due_dates": ["2026-01-15", "2026-02-15"],
            "reason": "分两期",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "split"
    assert [o["id"] for o in body["originals"]] == [january.pk]
    assert body["originals"][0]["status"] == "superseded"
    assert [(r["amount"], r["due_date"]) for r in body["replacements"]] == [
        ("150.00", "2026-01-15"),
        ("150.00", "2026-02-15"),
    ]


def test_api_refuses_a_locked_line_and_sums_that_do_not_match(client, finance, billed):
    pay(billed, finance, "100.00", "k-1")  # January partly paid
    jan, feb, _mar = BillLine.objects.filter(house=billed).order_by("period_start")
    client.force_login(finance)
    locked = client.post(
        "/api/v1/billing/lines/split/",
        {"line": jan.pk, "parts": 2, "reason": "分两期"},
        content_type="application/json",
    )
    assert (locked.status_code, locked.json()["code"]) == (409, "billing_line_locked")
    mismatch = client.post(
        "/api/v1/billing/lines/split/",
        {"line": feb.pk, "amounts": ["100.00", "100.00"], "reason": "分两期"},
        content_type="application/json",
    )
    assert (mismatch.status_code, mismatch.json()["code"]) == (
        400,
        "billing_split_sum_mismatch",
    )
    assert BillLineChange.objects.count() == 0


def test_api_merges_and_outsiders_get_a_field_error(
    client, finance, other_community, billed
):
    from anju.accounts.choices import Role
    from anju.accounts.tests.factories import StaffFactory

    _jan, feb, mar = BillLine.objects.filter(house=billed).order_by("period_start")
    client.force_login(StaffFactory(role=Role.FINANCE, communities=[other_community]))
    foreign = client.post(
        "/api/v1/billing/lines/merge/",
        {"lines": [feb.pk, mar.pk], "reason": "合并"},
        content_type="application/json",
    )
    assert foreign.status_code == 400
    assert "lines" in foreign.json()["fields"]
    client.force_login(finance)
    response = client.post(
        "/api/v1/billing/lines/merge/",
        {"lines": [feb.pk, mar.pk], "reason": "合并", "due_date": "2026-03-15"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "merge"
    assert [(r["amount"], r["due_date"]) for r in body["replacements"]] == [
        ("600.00", "2026-03-15")
    ]
