"""/api/v1/triage/ and /api/v1/triage/corrections/."""

from __future__ import annotations

import pytest

from anju.triage.models import TriageCorrection
from anju.triage.services import TriageInvalidCode, triage_correction_record

pytestmark = pytest.mark.django_db
URL = "/api/v1/triage/"
CORRECTIONS = "/api/v1/triage/corrections/"


def test_triage_needs_login(client):
    # when an anonymous client asks
    response = client.post(URL, {"text": "电梯困人"}, content_type="application/json")
    # then
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_agent_gets_the_same_answer_as_the_command(client, agent):
    # given
    client.force_login(agent)
    # when
    response = client.post(
        URL,
        {"text": "5号楼电梯突然停了，我被关在里面"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["type"], body["category"], body["urgency"]) == (
        "repair",
        "elevator",
        "emergency",
    )
    assert body["urgency_source"] == "rule"
    assert body["cues"][0]["kind"] == "trapped"


def test_owner_may_ask_for_a_proposal_in_the_portal(client, owner):
    client.force_login(owner)
    response = client.post(
        URL, {"text": "物业费怎么交"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["category"] == "fees"


@pytest.mark.parametrize("body", [{"text": ""}, {"text": "   "}, {}, {"text": None}])
def test_empty_text_is_a_400_with_a_stable_code(client, agent, body):
    client.force_login(agent)
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "triage_text_required",
        "message": "请输入要分类的文字。",
        "fields": {"text": ["不能为空"]},
    }


def test_agent_records_a_correction(client, agent):
    # given the model's proposal and the agent's choice
    client.force_login(agent)
    payload = {
        "text": "楼下的狗天天叫",
        "predicted": {"type": "complaint", "category": "noise", "urgency": "normal"},
        "corrected": {"type": "complaint", "category": "pets", "urgency": "normal"},
        "ticket_id": 42,
    }
    # when
    response = client.post(CORRECTIONS, payload, content_type="application/json")
    # then it is stored with who, the ticket and that it changed
    assert response.status_code == 201
    row = TriageCorrection.objects.get()
    assert (row.text, row.category, row.changed, row.ticket_id, row.actor) == (
        "楼下的狗天天叫",
        "pets",
        True,
        42,
        agent,
    )
    assert row.predicted == payload["predicted"]
    assert response.json()["corrected"] == payload["corrected"]


def test_owner_cannot_record_a_correction(client, owner):
    client.force_login(owner)
    response = client.post(
        CORRECTIONS,
        {
            "text": "x",
            "corrected": {"type": "consult", "category": "fees", "urgency": "normal"},
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert TriageCorrection.objects.count() == 0


def test_correction_with_an_unknown_code_is_refused(client, agent):
    client.force_login(agent)
    response = client.post(
        CORRECTIONS,
        {
            "text": "楼道灯坏了",
            "corrected": {"type": "repair", "category": "lights", "urgency": "normal"},
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "triage_invalid_code"
    assert response.json()["fields"] == {"corrected.category": ["无效的代码：'lights'"]}
    assert TriageCorrection.objects.count() == 0


def test_service_records_a_confirmation_as_unchanged(agent):
    # when the agent confirms the proposal as it was
    row = triage_correction_record(
        text=" 物业费怎么交 ",
        predicted={"type": "consult", "category": "fees", "urgency": "normal"},
        corrected={"type": "consult", "category": "fees", "urgency": "normal"},
        actor=agent,
    )
    # then
    assert (row.text, row.changed, row.ticket_id) == ("物业费怎么交", False, None)
    assert row.model_version.startswith("train+dev:")


def test_service_refuses_a_missing_corrected_field(agent):
    with pytest.raises(TriageInvalidCode):
        triage_correction_record(
            text="楼道灯坏了",
            predicted={},
            corrected={"type": "repair", "category": "electrical"},
            actor=agent,
        )
    assert TriageCorrection.objects.count() == 0
