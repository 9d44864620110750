"""REST API for tickets: scoping, transitions through services, the one error shape."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from anju.estates.tests.factories import HouseFactory
from anju.servicedesk import services
from anju.servicedesk.choices import (
    Category,
    Channel,
    CompensationStatus,
    EventKind,
    Status,
    TicketType,
)
from anju.servicedesk.models import Compensation, Ticket

from .factories import make_ticket

URL = "/api/v1/tickets/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _accepted(agent, house, **kw):
    return services.ticket_accept(
        ticket=make_ticket(actor=agent, house=house, **kw), actor=agent
    )


def test_list_is_masked_and_scoped(agent, outsider, house):
    # given
    ticket = make_ticket(actor=agent, house=house)
    # when
    mine = api(agent).get(URL)
    theirs = api(outsider).get(URL)
    # then
    assert mine.status_code == 200
    assert [r["number"] for r in mine.json()["results"]] == [ticket.number]
    row = mine.json()["results"][0]
    assert (row["contact_phone"], row["house_number"], row["status"]) == (
        "138****1234",
        "3-2-1201",
        "new",
    )
    assert theirs.json()["results"] == []


def test_list_query_count_is_constant(
    agent, technician, house, django_assert_num_queries
):
    # given 3 assigned tickets, then 15
    client = api(agent)
    categories = list(Category)

    def add(n):
        for i in range(n):
            t = _accepted(agent, house, category=categories[i % len(categories)])
            services.ticket_assign(ticket=t, assignee=technician, actor=agent)

    add(3)
    with django_assert_num_queries(2):
        small = client.get(URL)
    add(12)
    # when / then
    with django_assert_num_queries(2):
        big = client.get(URL)
    assert (small.json()["count"], big.json()["count"]) == (3, 15)
    assert len(big.json()["results"]) == 15


def test_list_by_queue_and_filter(agent, technician, house):
    new = make_ticket(actor=agent, house=house, category=Category.NOISE)
    assigned = services.ticket_assign(
        ticket=_accepted(agent, house, category=Category.PLUMBING),
        assignee=technician,
        actor=agent,
    )
    client = api(agent)
    unassigned = client.get(URL, {"queue": "unassigned"}).json()["results"]
    team = client.get(URL, {"queue": "team"}).json()["results"]
    noise = client.get(URL, {"category": "noise"}).json()["results"]
    assert [r["id"] for r in unassigned] == [new.pk]
    assert [r["id"] for r in team] == [assigned.pk]
    assert [r["id"] for r in noise] == [new.pk]


def test_retrieve_has_the_timeline(agent, house):
    ticket = _accepted(agent, house)
    response = api(agent).get(f"{URL}{ticket.pk}/")
    assert response.status_code == 200
    timeline = response.json()["timeline"]
    assert [(e["kind"], e["from_status"], e["to_status"]) for e in timeline] == [
        ("created", "", "new"),
        ("accepted", "new", "accepted"),
    ]
    assert timeline[1]["actor_name"] == str(agent)


def test_staff_create(agent, house):
    response = api(agent).post(
        URL,
        {
            "house": house.pk,
            "type": "repair",
            "category": "plumbing",
            "urgency": "urgent",
            "contact_name": "张三",
            "contact_phone": "13812341234",
            "description": "卫生间漏水到楼下",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get()
    assert body["number"] == ticket.number
    assert (ticket.channel, ticket.community, ticket.created_by) == (
        Channel.PHONE,
        house.community,
        agent,
    )
    assert body["contact_phone"] == "138****1234"
    assert response["Location"].endswith(f"/api/v1/tickets/{ticket.pk}/")
    assert body["ack_due_at"] is not None
    detail = api(agent).get(response["Location"]).json()
    assert detail["timeline"][0]["kind"] == "created"


def test_create_validation_error_shape(agent, community):
    response = api(agent).post(
        URL,
        {"community": community.pk, "type": "nope", "category": "plumbing"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert set(body["fields"]) == {"type", "contact_name", "description"}
    assert Ticket.objects.count() == 0


def test_create_in_another_community_is_refused(agent, other_community):
    foreign = HouseFactory(unit__building__community=other_community)
    response = api(agent).post(
        URL,
        {
            "house": foreign.pk,
            "type": "repair",
            "category": "plumbing",
            "contact_name": "x",
            "description": "漏水",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "house" in response.json()["fields"]
    assert Ticket.objects.count() == 0


def test_transitions_accept_assign_start_resolve_visit(agent, technician, house):
    # given
    ticket = make_ticket(actor=agent, house=house)
    url = f"{URL}{ticket.pk}/"
    # when
    a = api(agent).post(f"{url}accept/", {"note": "已告知时限"}, format="json")
    b = api(agent).post(
        f"{url}assign/",
        {"assignee": technician.pk, "department": "工程部"},
        format="json",
    )
    c = api(technician).post(f"{url}start/", {}, format="json")
    d = api(technician).post(f"{url}resolve/", {"resolution": "已修好"}, format="json")
    e = api(agent).post(
        f"{url}visit/", {"method": "phone", "satisfaction": 4}, format="json"
    )
    # then
    assert [r.status_code for r in (a, b, c, d, e)] == [200] * 5
    assert [r.json()["status"] for r in (a, b, c, d, e)] == [
        "accepted",
        "assigned",
        "in_progress",
        "resolved",
        "closed",
    ]
    assert b.json()["assignee_name"] == str(technician)
    ticket.refresh_from_db()
    assert ticket.visits.get().satisfaction == 4


def test_invalid_transition_is_409_and_changes_nothing(agent, house):
    ticket = make_ticket(actor=agent, house=house)
    events = ticket.events.count()
    response = api(agent).post(f"{URL}{ticket.pk}/resolve/", {"resolution": "x"})
    assert response.status_code == 409
    assert response.json() == {
        "code": "ticket_invalid_transition",
        "message": "工单当前状态为「待受理」，不能办结",
        "fields": {},
    }
    ticket.refresh_from_db()
    assert (ticket.status, ticket.events.count()) == (Status.NEW, events)


def test_missing_permission_is_403(agent, technician, house):
    ticket = make_ticket(actor=agent, house=house)
    response = api(technician).post(f"{URL}{ticket.pk}/accept/", {})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_not_the_assignee_is_403_from_the_service(agent, technician, supervisor, house):
    ticket = services.ticket_assign(
        ticket=_accepted(agent, house), assignee=supervisor, actor=agent
    )
    response = api(technician).post(f"{URL}{ticket.pk}/start/", {})
    assert response.status_code == 403
    assert response.json()["code"] == "ticket_not_assignee"


def test_cancel_needs_a_reason_field(agent, house):
    ticket = make_ticket(actor=agent, house=house)
    response = api(agent).post(f"{URL}{ticket.pk}/cancel/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"reason": ["该字段是必填项。"]}


def test_assign_to_someone_outside_the_community_is_400(agent, outsider, house):
    ticket = _accepted(agent, house)
    response = api(agent).post(
        f"{URL}{ticket.pk}/assign/", {"assignee": outsider.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"assignee": ["责任人不在该小区"]}


def test_other_actions(agent, supervisor, house):
    ticket = _accepted(agent, house, type=TicketType.COMPLAINT)
    url = f"{URL}{ticket.pk}/"
    client = api(agent)
    results = [
        client.post(f"{url}pause/", {"reason": "waiting_parts"}, format="json"),
        client.post(f"{url}resume/", {}, format="json"),
        client.post(f"{url}feedback/", {"note": "已回电"}, format="json"),
        client.post(f"{url}record/", {"handling_steps": "协调"}, format="json"),
        client.post(f"{url}escalate/", {"reason": "升级"}, format="json"),
        client.post(
            f"{url}urgency/", {"urgency": "urgent", "reason": "扩大"}, format="json"
        ),
        client.post(f"{url}comment/", {"note": "催办"}, format="json"),
    ]
    comp = client.post(
        f"{url}compensation/", {"amount": "100.00", "reason": "减免"}, format="json"
    )
    assert [r.status_code for r in results] == [200] * 7
    assert comp.status_code == 201
    assert comp.json()["status"] == CompensationStatus.REQUESTED
    ticket.refresh_from_db()
    assert ticket.handling_steps == "协调"
    kinds = list(ticket.events.values_list("kind", flat=True))[2:]
    assert kinds == [
        EventKind.PAUSED,
        EventKind.RESUMED,
        EventKind.FEEDBACK,
        EventKind.COMMENT,
        EventKind.ESCALATED,
        EventKind.URGENCY,
        EventKind.COMMENT,
        EventKind.COMPENSATION,
    ]
    assert Compensation.objects.get().amount == 100


def test_close_and_reopen(agent, house):
    ticket = services.ticket_resolve(
        ticket=_accepted(agent, house), actor=agent, resolution="ok"
    )
    client = api(agent)
    closed = client.post(f"{URL}{ticket.pk}/close/", {}, format="json")
    reopened = client.post(f"{URL}{ticket.pk}/reopen/", {"reason": "复发"})
    assert (closed.json()["status"], reopened.json()["status"]) == (
        "closed",
        "in_progress",
    )


ACTIONS = [
    "accept", "assign", "start", "pause", "resume", "feedback", "record", "resolve",
    "close", "reopen", "cancel", "escalate", "urgency", "comment", "visit",
    "compensation",
]  # fmt: skip


@pytest.mark.parametrize("name", [None, *ACTIONS])
def test_outsider_gets_404_on_every_ticket_endpoint(name, agent, outsider, house):
    ticket = make_ticket(actor=agent, house=house)
    events = ticket.events.count()
    client = api(outsider)
    if name is None:
        response = client.get(f"{URL}{ticket.pk}/")
    else:
        response = client.post(
            f"{URL}{ticket.pk}/{name}/", {"reason": "x", "note": "x"}, format="json"
        )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    ticket.refresh_from_db()
    assert (ticket.status, ticket.events.count()) == (Status.NEW, events)


# --- owners -------------------------------------------------------------------------


def test_owner_lists_and_creates_for_own_house(owner, agent, house, community):
    # given another house's ticket in the same community
    other = HouseFactory(unit__building__community=community, room="902")
    make_ticket(actor=agent, house=other, category=Category.NOISE)
    mine = make_ticket(actor=agent, house=house)
    client = api(owner)
    # when
    listed = client.get(URL)
    created = client.post(
        URL,
        {
            "house": house.pk,
            "type": "repair",
            "category": "electrical",
            "contact_name": "张三",
            "description": "客厅灯不亮",
        },
        format="json",
    )
    # then
    assert [r["id"] for r in listed.json()["results"]] == [mine.pk]
    assert created.status_code == 201
    ticket = Ticket.objects.get(pk=created.json()["id"])
    assert (ticket.channel, ticket.created_by, ticket.house) == (
        Channel.PORTAL,
        owner,
        house,
    )


def test_owner_cannot_create_for_another_house(owner, community):
    other = HouseFactory(unit__building__community=community, room="902")
    response = api(owner).post(
        URL,
        {
            "house": other.pk,
            "type": "repair",
            "category": "electrical",
            "contact_name": "张三",
            "description": "x",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "house" in response.json()["fields"]
    assert Ticket.objects.count() == 0


def test_owner_rates_the_result_and_may_not_transition(owner, agent, house):
    ticket = services.ticket_resolve(
        ticket=_accepted(agent, house), actor=agent, resolution="ok"
    )
    client = api(owner)
    close = client.post(f"{URL}{ticket.pk}/close/", {}, format="json")
    rated = client.post(f"{URL}{ticket.pk}/visit/", {"satisfaction": 5}, format="json")
    assert close.status_code == 403
    assert rated.status_code == 200
    assert rated.json()["status"] == "closed"
    visit = ticket.visits.get()
    assert (visit.visitor, visit.method, visit.satisfaction) == (owner, "portal", 5)


def test_owner_rating_out_of_range_is_400(owner, agent, house):
    ticket = services.ticket_resolve(
        ticket=_accepted(agent, house), actor=agent, resolution="ok"
    )
    response = api(owner).post(
        f"{URL}{ticket.pk}/visit/", {"satisfaction": 6}, format="json"
    )
    assert response.status_code == 400
    assert "satisfaction" in response.json()["fields"]
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


# --- incoming call ------------------------------------------------------------------


def test_incoming_call_api_returns_masked_matches(agent, house, owner_person):
    ticket = make_ticket(actor=agent, house=house)
    response = api(agent).post(
        "/api/v1/servicedesk/incoming-call/", {"phone": "13812341234"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["phone"] == "138****1234"
    assert body["exact"] is True
    assert body["people"] == [
        {"id": owner_person.pk, "name": "张三", "phone": "138****1234"}
    ]
    assert [h["number"] for h in body["houses"]] == ["3-2-1201"]
    assert [t["number"] for t in body["houses"][0]["open_tickets"]] == [ticket.number]
    assert "13812341234" not in response.content.decode()


def test_incoming_call_api_is_scoped_and_closed_to_owners(outsider, owner, house):
    theirs = api(outsider).post(
        "/api/v1/servicedesk/incoming-call/", {"phone": "13812341234"}, format="json"
    )
    owners = api(owner).post(
        "/api/v1/servicedesk/incoming-call/", {"phone": "13812341234"}, format="json"
    )
    assert theirs.json()["people"] == []
    assert owners.status_code == 403


def test_list_by_logging_time_range(agent, house):
    from datetime import timedelta

    from django.utils import timezone

    old, new = (
        make_ticket(actor=agent, house=house),
        make_ticket(actor=agent, house=house),
    )
    Ticket.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    cutoff = (timezone.now() - timedelta(days=30)).isoformat()
    after = api(agent).get(URL, {"created_after": cutoff}).json()
    before = api(agent).get(URL, {"created_before": cutoff}).json()
    assert [t["id"] for t in after["results"]] == [new.pk]
    assert [t["id"] for t in before["results"]] == [old.pk]
    assert after["count_capped"] is False
