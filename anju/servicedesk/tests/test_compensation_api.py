"""补偿审批 over the API: the queue, approve/reject, refusals with stable codes, scope."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anju.servicedesk import services
from anju.servicedesk.choices import TicketType

from .factories import make_ticket

pytestmark = pytest.mark.django_db

API = "/api/v1/compensations/"


@pytest.fixture
def compensation(agent, house):
    ticket = make_ticket(actor=agent, house=house, type=TicketType.COMPLAINT)
    return services.compensation_request(
        ticket=ticket, actor=agent, amount=Decimal("280.00"), reason="减免一个月物业费"
    )


def test_supervisor_sees_the_queue_and_approves(client, supervisor, compensation):
    client.force_login(supervisor)
    queue = client.get(API, {"status": "requested"}).json()
    assert [c["id"] for c in queue["results"]] == [compensation.pk]
    assert queue["results"][0]["amount"] == "280.00"
    response = client.post(
        f"{API}{compensation.pk}/decide/",
        {"approve": True, "note": "同意"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert client.get(API, {"status": "requested"}).json()["results"] == []
    billable = services.compensations_for_billing(
        community_id=compensation.community_id
    )
    assert list(billable) == [compensation]
    again = client.post(
        f"{API}{compensation.pk}/decide/",
        {"approve": False},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "compensation_already_decided"


def test_requester_and_agents_cannot_decide(
    client, agent, supervisor, house, compensation
):
    client.force_login(agent)
    refused = client.post(
        f"{API}{compensation.pk}/decide/",
        {"approve": True},
        content_type="application/json",
    )
    assert refused.status_code == 403
    own = services.compensation_request(
        ticket=compensation.ticket,
        actor=supervisor,
        amount=Decimal("50.00"),
        reason="上门道歉礼品",
    )
    client.force_login(supervisor)
    self_approval = client.post(
        f"{API}{own.pk}/decide/", {"approve": True}, content_type="application/json"
    )
    assert self_approval.status_code == 403
    assert self_approval.json()["code"] == "compensation_self_approval"
    own.refresh_from_db()
    assert own.status == "requested"


def test_outsider_gets_404_and_bad_input_400(
    client, outsider, supervisor, compensation
):
    client.force_login(outsider)
    assert client.get(f"{API}{compensation.pk}/").status_code == 404
    assert client.get(API).json()["results"] == []
    assert (
        client.post(
            f"{API}{compensation.pk}/decide/",
            {"approve": True},
            content_type="application/json",
        ).status_code
        == 404
    )
    client.force_login(supervisor)
    bad = client.post(
        f"{API}{compensation.pk}/decide/", {}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert "approve" in bad.json()["fields"]


def test_owner_sees_only_own_house_compensations(client, owner, compensation):
    client.force_login(owner)
    assert [c["id"] for c in client.get(API).json()["results"]] == [compensation.pk]
    assert (
        client.post(
            f"{API}{compensation.pk}/decide/",
            {"approve": True},
            content_type="application/json",
        ).status_code
        == 403
    )
