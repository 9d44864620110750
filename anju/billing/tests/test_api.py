"""Billing API: scoped reads, payments recorded once per Idempotency-Key."""

from datetime import date
from decimal import Decimal

from anju.billing.models import Payment
from anju.billing.services import bill_run_period
from anju.estates.tests.factories import HouseFactory

from .factories import property_fee


def bill_january(community, actor):
    bill_run_period(
        community=community,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        actor=actor,
    )


def post_payment(client, house, key, amount="300.00", **extra):
    headers = {"Idempotency-Key": key} if key else {}
    body = {"house": house.pk, "amount": amount, "channel": "cash", **extra}
    return client.post(
        "/api/v1/payments/", body, content_type="application/json", headers=headers
    )


def test_finance_lists_bills_with_lines_in_constant_queries(
    client, finance, house, django_assert_num_queries
):
    # given three billed houses
    property_fee(house.community)
    for n in range(2):
        HouseFactory(
            unit__building__community=house.community, unit__building__number=f"7{n}"
        )
    bill_january(house.community, finance)
    client.force_login(finance)
    # when / then: session, user, communities, count, bills+houses, lines, fee items
    with django_assert_num_queries(7):
        response = client.get("/api/v1/bills/")
    rows = response.json()["results"]
    assert len(rows) == 3
    mine = next(r for r in rows if r["house"] == house.pk)
    assert (mine["house_number"], mine["total"], mine["status"]) == (
        "3-2-1201",
        "300.00",
        "unpaid",
    )
    assert [(x["fee_item_name"], x["amount"]) for x in mine["lines"]] == [
        ("物业费", "300.00")
    ]


def test_owner_reads_only_own_house_bills(client, owner, finance, house):
    property_fee(house.community)
    HouseFactory(unit__building__community=house.community, unit__building__number="70")
    bill_january(house.community, finance)
    client.force_login(owner)
    rows = client.get("/api/v1/bills/").json()["results"]
    assert [r["house"] for r in rows] == [house.pk]


def test_technician_may_not_read_bills(client, technician, finance, house):
    property_fee(house.community)
    bill_january(house.community, finance)
    client.force_login(technician)
    assert client.get("/api/v1/bills/").status_code == 403


def test_payment_posted_twice_with_one_key_is_recorded_once(client, finance, house):
    # given
    property_fee(house.community)
    bill_january(house.community, finance)
    client.force_login(finance)
    # when the same request is sent twice
    first = post_payment(client, house, "pos-0001")
    second = post_payment(client, house, "pos-0001")
    # then
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    body = first.json()
    assert (body["amount"], body["amount_in_words"], body["credit_amount"]) == (
        "300.00",
        "叁佰元整",
        "0.00",
    )
    assert body["receipt_number"].startswith("SJ")
    assert [a["amount"] for a in body["allocations"]] == ["300.00"]
    assert Payment.objects.count() == 1


def test_a_payment_over_several_bills_costs_a_fixed_number_of_queries(
    client, finance, house, django_assert_num_queries
):
    # given three unpaid months
    property_fee(house.community)
    for month in (1, 2, 3):
        bill_run_period(
            community=house.community,
            period_start=date(2026, month, 1),
            period_end=date(2026, month, 28 if month == 2 else 31),
            actor=finance,
        )
    client.force_login(finance)
    # when 750.00 settles two months and half the third: session, user, communities,
    # house, then one write transaction — payment, lines (read, one update), allocations,
    # bills (one update), audit, receipt number and receipt — and no read-back
    with django_assert_num_queries(14):
        response = post_payment(client, house, "pos-three", amount="750.00")
    # then the answer holds the allocations as written
    assert response.status_code == 201
    assert [a["amount"] for a in response.json()["allocations"]] == [
        "300.00",
        "300.00",
        "150.00",
    ]
    statuses = sorted(
        Payment.objects.get().allocations.values_list("line__bill__status", flat=True)
    )
    assert statuses == ["paid", "paid", "partial"]


def test_payment_without_idempotency_key_is_refused(client, finance, house):
    property_fee(house.community)
    bill_january(house.community, finance)
    client.force_login(finance)
    response = post_payment(client, house, "")
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"
    assert Payment.objects.count() == 0


def test_payment_for_a_house_of_another_community_is_refused(
    client, outsider, finance, house
):
    property_fee(house.community)
    bill_january(house.community, finance)
    client.force_login(outsider)
    response = post_payment(client, house, "k-1")
    assert response.status_code in (400, 403)
    assert Payment.objects.count() == 0


def test_owner_cannot_record_payments(client, owner, finance, house):
    property_fee(house.community)
    bill_january(house.community, finance)
    client.force_login(owner)
    assert post_payment(client, house, "k-1").status_code == 403
    assert Payment.objects.count() == 0


def test_same_key_for_another_amount_is_a_conflict(client, finance, house):
    property_fee(house.community)
    bill_january(house.community, finance)
    client.force_login(finance)
    post_payment(client, house, "k-1")
    response = post_payment(client, house, "k-1", amount="100.00")
    assert response.status_code == 409
    assert response.json()["code"] == "payment_idempotency_key_reused"
    assert Payment.objects.filter(amount=Decimal("300.00")).count() == 1


# --- batches (bank withholding results, settlement files) ---------------------------


def post_batch(client, items):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/payments/batch/", {"payments": items}, content_type="application/json"
    )


def test_a_batch_records_each_payment_and_answers_per_item(client, finance, house):
    # given two billed houses of the community and one of another community
    property_fee(house.community)
    second = HouseFactory(
        unit__building__community=house.community, unit__building__number="71"
    )
    elsewhere = HouseFactory()
    bill_january(house.community, finance)
    client.force_login(finance)
    items = [
        {"house": house.pk, "amount": "300.00", "channel": "withholding",
         "idempotency_key": "bank-0001"},
        {"house": elsewhere.pk, "amount": "300.00", "channel": "withholding",
         "idempotency_key": "bank-0002"},
        {"house": second.pk, "amount": "100.00", "channel": "withholding",
         "idempotency_key": "bank-0003"},
        {"house": second.pk, "amount": "999.00", "channel": "withholding",
         "idempotency_key": "bank-0001"},
    ]  # fmt: skip
    # when
    response = post_batch(client, items)
    # then the good items are recorded, each bad one fails alone with its code
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["replayed"], body["failed"]) == (2, 0, 2)
    results = body["results"]
    assert [r["status"] for r in results] == ["created", "failed", "created", "failed"]
    assert results[1]["error"]["code"] == "house_not_found"
    assert results[3]["error"]["code"] == "payment_idempotency_key_reused"
    assert results[0]["payment"]["receipt_number"].startswith("SJ")
    assert [a["amount"] for a in results[2]["payment"]["allocations"]] == ["100.00"]
    assert sorted(Payment.objects.values_list("idempotency_key", flat=True)) == [
        "bank-0001",
        "bank-0003",
    ]


def test_a_batch_sent_again_records_nothing_new(client, finance, house):
    property_fee(house.community)
    bill_january(house.community, finance)
    client.force_login(finance)
    items = [
        {"house": house.pk, "amount": "120.00", "channel": "pos",
         "idempotency_key": f"pos-{i}"}
        for i in range(3)
    ]  # fmt: skip
    first = post_batch(client, items).json()
    again = post_batch(client, items).json()
    assert (again["created"], again["replayed"]) == (0, 3)
    assert [r["payment"]["id"] for r in again["results"]] == [
        r["payment"]["id"] for r in first["results"]
    ]
    assert [r["payment"]["allocations"] for r in again["results"]] == [
        r["payment"]["allocations"] for r in first["results"]
    ]
    assert Payment.objects.count() == 3


def test_a_batch_is_bounded_and_needs_the_cashier_right(
    client, finance, technician, house
):
    client.force_login(finance)
    item = {"house": house.pk, "amount": "1.00", "channel": "cash"}
    too_many = [{**item, "idempotency_key": f"k{i}"} for i in range(501)]
    response = post_batch(client, too_many)
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert post_batch(client, []).status_code == 400
    client.force_login(technician)
    assert post_batch(client, too_many[:1]).status_code == 403
    assert Payment.objects.count() == 0
