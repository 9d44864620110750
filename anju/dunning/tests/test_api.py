"""API /api/v1/dunning/…: cases, stage moves, contacts and outcomes, FAQ, figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from anju.accounts.choices import Role
from anju.accounts.tests.factories import StaffFactory
from anju.dunning import services
from anju.dunning.choices import Channel, Segment
from anju.dunning.models import Contact, DunningCase
from anju.dunning.scripts import DEFAULT_SCRIPTS

from .factories import house_in, owe

CASES = "/api/v1/dunning/cases/"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def live_case(house, owner, finance, today):
    owe(house, "300.00", today - timedelta(days=100))
    owe(house, "300.00", today - timedelta(days=40))
    return services.case_open(house=house, actor=finance)


def test_cases_list_what_is_owed_the_segment_and_the_limitation(
    client, finance, live_case, today
):
    client.force_login(finance)
    body = client.get(CASES).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["house_number"], row["owners"], row["owed"]) == (
        "3-2-1201",
        ["张三"],
        "600.00",
    )
    assert (row["stage"], row["segment"], row["status"]) == (
        "reminder",
        "long_overdue",
        "open",
    )
    assert row["limitation"]["start"] == (today - timedelta(days=100)).isoformat()
    assert row["limitation"]["warning"] is False
    assert client.get(CASES, {"warning": "true"}).json()["count"] == 0
    assert client.get(CASES, {"segment": "short_overdue"}).json()["count"] == 0
    assert client.get(CASES, {"stage": "reminder"}).json()["count"] == 1


@pytest.mark.parametrize("n", [2, 12])
def test_the_case_list_query_count_does_not_grow(
    client, finance, community, today, n, django_assert_max_num_queries
):
    for i in range(n):
        h = house_in(community, f"4-1-{i + 100}")
        owe(h, "300.00", today - timedelta(days=50))
        services.case_open(house=h, actor=finance)
    client.force_login(finance)
    with django_assert_max_num_queries(10):
        assert client.get(CASES).json()["count"] == n


def test_only_staff_of_the_community_see_cases(
    client, live_case, outsider, owner, technician
):
    client.force_login(outsider)
    assert client.get(CASES).json()["count"] == 0
    assert client.get(f"{CASES}{live_case.pk}/").status_code == 404
    for user in (owner, technician):
        client.force_login(user)
        assert client.get(CASES).status_code == 403


def test_moving_a_case_through_the_api(client, finance, agent, live_case):
    url = f"{CASES}{live_case.pk}/move/"
    # agents read but do not move
    client.force_login(agent)
    assert client.post(url, {"to_stage": "notice"}).json()["code"] == (
        "permission_denied"
    )
    client.force_login(finance)
    # no skipping to court
    skip = client.post(url, {"to_stage": "lawsuit"}, content_type="application/json")
    assert (skip.status_code, skip.json()["code"]) == (
        409,
        "dunning_invalid_transition",
    )
    # a stage that does not exist
    bad = client.post(url, {"to_stage": "cut_water"}, content_type="application/json")
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["to_stage"])
    # the notice
    done = client.post(
        url, {"to_stage": "notice", "note": "API"}, content_type="application/json"
    )
    assert done.status_code == 200
    body = done.json()
    assert body["stage"] == "notice"
    assert [
        (d["kind"], d["total"], d["total_in_words"]) for d in body["documents"]
    ] == [("notice", "600.00", "陆佰元整")]
    assert [e["kind"] for e in body["timeline"]] == ["opened", "stage"]
    # and not on to court before it is delivered
    court = client.post(url, {"to_stage": "lawsuit"}, content_type="application/json")
    assert court.json()["code"] == "dunning_notice_not_delivered"


def test_logging_a_call_with_a_promise(client, finance, live_case, today):
    client.force_login(finance)
    url = f"{CASES}{live_case.pk}/contacts/"
    missing = client.post(
        url,
        {"channel": "phone", "outcome": "promised"},
        content_type="application/json",
    )
    assert (missing.status_code, list(missing.json()["fields"])) == (
        400,
        ["promised_date"],
    )
    made = client.post(
        url,
        {
            "channel": "phone",
            "outcome": "promised",
            "promised_date": (today + timedelta(days=3)).isoformat(),
            "note": "月底前缴清",
        },
        content_type="application/json",
    )
    assert made.status_code == 201
    assert (made.json()["promised_amount"], made.json()["promise_status"]) == (
        "600.00",
        "open",
    )
    sms = client.post(
        url, {"channel": "sms", "outcome": "reached"}, content_type="application/json"
    )
    assert sms.status_code == 400


def test_a_task_outcome_by_its_assignee_only(
    client, finance, agent, community, live_case
):
    other = StaffFactory(role=Role.AGENT, username="agent2", communities=[community])
    campaign = services.campaign_create(
        community=community,
        actor=finance,
        name="电话",
        segment=Segment.LONG_OVERDUE,
        channel=Channel.PHONE,
        script=DEFAULT_SCRIPTS[Segment.LONG_OVERDUE],
        assignees=[agent],
    )
    services.campaign_run(campaign=campaign, actor=finance)
    task = Contact.objects.get()
    url = f"/api/v1/dunning/contacts/{task.pk}/outcome/"
    client.force_login(agent)
    mine = client.get("/api/v1/dunning/contacts/", {"mine": "true"}).json()
    assert [r["id"] for r in mine["results"]] == [task.pk]
    client.force_login(other)
    refused = client.post(url, {"outcome": "reached"}, content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (
        403,
        "dunning_not_assignee",
    )
    client.force_login(agent)
    done = client.post(url, {"outcome": "no_answer"}, content_type="application/json")
    assert (done.status_code, done.json()["status"]) == (200, "done")
    again = client.post(url, {"outcome": "reached"}, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (
        409,
        "dunning_contact_not_pending",
    )


def test_the_faq_over_the_api(client, agent, owner):
    client.force_login(agent)
    body = client.get("/api/v1/dunning/faq/", {"q": "不满意"}).json()
    assert [r["question"] for r in body["results"]] == [
        "对物业服务不满意，可以不交物业费吗？"
    ]
    assert "课件" in body["results"][0]["source"]
    client.force_login(owner)
    assert client.get("/api/v1/dunning/faq/").status_code == 403


def test_effectiveness_figures(client, finance, live_case, today):
    services.contact_log(
        case=live_case,
        actor=finance,
        channel=Channel.VISIT,
        outcome="promised",
        promised_date=today + timedelta(days=2),
    )
    client.force_login(finance)
    body = client.get("/api/v1/dunning/effectiveness/").json()
    assert body["total"]["houses"] == 1
    assert body["total"]["promises"] == 1
    assert body["total"]["recovered"] == "0.00"
    assert [s["key"] for s in body["stages"]] == [
        "reminder",
        "notice",
        "lawyer_letter",
        "mediation",
        "lawsuit",
    ]
    bad = client.get("/api/v1/dunning/effectiveness/", {"from": "2026-13-01"})
    assert (bad.status_code, bad.json()["code"]) == (400, "validation_error")
    assert DunningCase.objects.count() == 1
