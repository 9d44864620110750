"""自动识别 at intake: the proposal the agent saw is stored with the ticket they saved."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from anju.servicedesk.choices import Category, TicketType, Urgency
from anju.servicedesk.models import Ticket
from anju.triage.models import TriageCorrection

pytestmark = pytest.mark.django_db

TEXT = "楼上水管爆了，水从天花板往下灌，赶紧派人关阀门！"


def _post(client, house, **extra):
    data = {
        "house": house.pk,
        "type": TicketType.REPAIR,
        "channel": "phone",
        "category": Category.PLUMBING,
        "urgency": Urgency.EMERGENCY,
        "contact_name": "张三",
        "description": TEXT,
    }
    data.update(extra)
    return client.post(reverse("servicedesk:intake"), data)


def test_agent_confirming_the_proposal_is_stored_unchanged(client, agent, house):
    client.force_login(agent)
    proposal = client.post(reverse("servicedesk:intake_triage"), {"text": TEXT}).json()
    assert proposal["urgency"] == "emergency"
    kept = {"text": TEXT, **{k: proposal[k] for k in ("type", "category", "urgency")}}
    response = _post(
        client,
        house,
        type=proposal["type"],
        category=proposal["category"],
        triage_proposal=json.dumps(kept),
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    correction = TriageCorrection.objects.get()
    assert correction.ticket_id == ticket.pk
    assert correction.actor == agent
    assert correction.changed is False
    assert correction.urgency == "emergency"


def test_agent_correction_is_stored_as_changed(client, agent, house):
    client.force_login(agent)
    proposal = {
        "text": TEXT,
        "type": "complaint",
        "category": "neighbor",
        "urgency": "normal",
    }
    _post(client, house, triage_proposal=json.dumps(proposal))
    correction = TriageCorrection.objects.get()
    assert correction.changed is True
    assert correction.predicted["category"] == "neighbor"
    assert (correction.type, correction.category, correction.urgency) == (
        "repair",
        "plumbing",
        "emergency",
    )


def test_no_or_malformed_proposal_stores_nothing_and_saves_the_ticket(
    client, agent, house
):
    client.force_login(agent)
    _post(client, house)
    _post(client, house, triage_proposal="{not json")
    _post(client, house, triage_proposal=json.dumps({"text": TEXT, "type": "x"}))
    assert Ticket.objects.count() == 3
    assert not TriageCorrection.objects.exists()
