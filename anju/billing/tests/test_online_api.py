"""Online payment API: owners and cashiers create orders; the order is read back
paid once the provider's callback landed; other houses' orders are 404."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from anju.billing import online
from anju.billing.models import Payment, PaymentIntent
from anju.billing.services import bill_run_period
from anju.estates.tests.factories import HouseFactory

from .factories import property_fee

URL = "/api/v1/payment-intents/"


@pytest.fixture
def billed(house, finance):
    property_fee(house.community)
    bill_run_period(
        community=house.community,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        actor=finance,
    )


def create(client, house, **extra):
    body = {"house": house.pk, "provider": "sandbox", **extra}
    return client.post(URL, body, content_type="application/json")


def test_owner_creates_an_order_and_reads_it_paid_after_the_callback(
    client, owner, house, billed
):
    # given the owner signed in to the API
    client.force_login(owner)
    # when ordering the January bill
    response = create(client, house)
    # then the order is created with where to send the owner
    assert response.status_code == 201
    data = response.json()
    intent = PaymentIntent.objects.get()
    assert (data["id"], data["amount"], data["status"], data["house_number"]) == (
        intent.pk,
        "300.00",
        "created",
        "3-2-1201",
    )
    assert data["redirect_url"] == reverse(
        "portal_billing:sandbox_pay", args=[intent.pk]
    )
    # when the provider calls back
    body, headers = online.Sandbox().simulate(intent)
    online.callback_handle(provider_name="sandbox", body=body, headers=headers)
    # then the order reads paid, with its receipt
    paid = client.get(f"{URL}{intent.pk}/").json()
    payment = Payment.objects.get()
    assert (paid["status"], paid["payment"], paid["receipt_number"]) == (
        "paid",
        payment.pk,
        payment.receipt.number,
    )


def test_cashier_creates_an_order_agent_may_not(client, finance, agent, house, billed):
    client.force_login(agent)
    refused = create(client, house)
    client.force_login(finance)
    created = create(client, house, purpose="prepay", months=3)
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert (created.status_code, created.json()["amount"]) == (201, "900.00")
    assert PaymentIntent.objects.get().created_by == finance


def test_owner_cannot_order_for_another_house(client, owner, house, billed, community):
    other = HouseFactory(
        unit__building__community=community, unit__building__number="6"
    )
    client.force_login(owner)
    response = create(client, other)
    assert (response.status_code, sorted(response.json()["fields"])) == (
        400,
        ["house"],
    )
    assert PaymentIntent.objects.count() == 0


def test_nothing_due_and_bad_lines_answer_with_stable_codes(client, owner, house):
    client.force_login(owner)
    nothing = create(client, house)
    bad = create(client, house, line_ids=[987654])
    assert (nothing.status_code, nothing.json()["code"]) == (
        400,
        "online_payment_nothing_due",
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "billing_line_not_payable")


def test_other_owners_and_outsiders_get_404(
    client, owner, outsider, finance, house, billed
):
    client.force_login(owner)
    intent_id = create(client, house).json()["id"]
    client.force_login(outsider)
    outsider_answer = client.get(f"{URL}{intent_id}/")
    client.force_login(finance)
    finance_answer = client.get(f"{URL}{intent_id}/")
    assert outsider_answer.status_code == 404
    assert (finance_answer.status_code, finance_answer.json()["amount"]) == (
        200,
        "300.00",
    )


def test_amount_and_status_are_not_client_writable(client, owner, house, billed):
    client.force_login(owner)
    response = create(client, house, amount="0.01", status="paid")
    assert response.json()["amount"] == "300.00"
    assert PaymentIntent.objects.get().amount == Decimal("300.00")
    assert PaymentIntent.objects.get().status == "created"
