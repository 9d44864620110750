"""Owner portal 报事: submit for my house, list my tickets, follow progress, rate."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.core.errors import NotFound, PermissionDenied, ValidationFailed
from anju.estates.tests.factories import HouseFactory
from anju.servicedesk import services
from anju.servicedesk.choices import Category, Channel, EventKind, Status
from anju.servicedesk.models import Ticket
from anju.servicedesk.owner_services import ticket_submit_by_owner

from .factories import make_ticket


def _resolved(agent, house, **kw):
    ticket = services.ticket_accept(
        ticket=make_ticket(actor=agent, house=house, **kw), actor=agent
    )
    return services.ticket_resolve(ticket=ticket, actor=agent, resolution="已更换灯管")


# --- the service ----------------------------------------------------------------------


def test_owner_submits_for_own_house(owner, owner_person, house):
    # when
    ticket = ticket_submit_by_owner(
        actor=owner,
        house=house,
        type="repair",
        category=Category.ELECTRICAL,
        description="客厅灯不亮",
        contact_name="张三",
        contact_phone="13812341234",
    )
    # then
    assert ticket.number.startswith("BX")
    assert (ticket.channel, ticket.created_by, ticket.reporter, ticket.status) == (
        Channel.PORTAL,
        owner,
        owner_person,
        Status.NEW,
    )
    assert ticket.ack_due_at is not None
    assert list(ticket.events.values_list("kind", "actor_id")) == [
        (EventKind.CREATED, owner.pk)
    ]


def test_owner_cannot_submit_for_someone_elses_house(owner, community):
    other = HouseFactory(unit__building__community=community, room="902")
    with pytest.raises(NotFound):
        ticket_submit_by_owner(
            actor=owner,
            house=other,
            type="repair",
            category=Category.ELECTRICAL,
            description="x",
            contact_name="张三",
        )
    assert Ticket.objects.count() == 0


def test_staff_cannot_use_the_owner_path(agent, house):
    with pytest.raises(PermissionDenied):
        ticket_submit_by_owner(
            actor=agent,
            house=house,
            type="repair",
            category=Category.ELECTRICAL,
            description="x",
            contact_name="x",
        )
    assert Ticket.objects.count() == 0


def test_owner_submission_is_validated_like_any_ticket(owner, house):
    with pytest.raises(ValidationFailed) as err:
        ticket_submit_by_owner(
            actor=owner,
            house=house,
            type="repair",
            category=Category.ELECTRICAL,
            description=" ",
            contact_name="张三",
            contact_phone="12345",
        )
    assert set(err.value.fields) == {"description", "contact_phone"}
    assert Ticket.objects.count() == 0


# --- the pages ------------------------------------------------------------------------


def test_owner_submits_a_repair_and_sees_it_in_my_tickets(client, owner, house):
    client.force_login(owner)
    # when
    form = client.get(reverse("portal_tickets:ticket_create"))
    response = client.post(
        reverse("portal_tickets:ticket_create"),
        {
            "house": house.pk,
            "type": "repair",
            "category": "electrical",
            "description": "客厅灯不亮",
            "contact_name": "张三",
            "contact_phone": "13812341234",
        },
        follow=True,
    )
    listing = client.get(reverse("portal_tickets:ticket_list"))
    # then
    ticket = Ticket.objects.get()
    assert form.context["form"].initial["contact_name"] == "张三"
    assert response.redirect_chain[-1][0] == reverse(
        "portal_tickets:ticket_detail", args=[ticket.pk]
    )
    assert f"已提交，工单号 {ticket.number}" in response.content.decode()
    body = listing.content.decode()
    assert "客厅灯不亮" in body
    assert "待受理" in body


def test_owner_form_refuses_a_foreign_house(client, owner, community):
    other = HouseFactory(unit__building__community=community, room="902")
    client.force_login(owner)
    response = client.post(
        reverse("portal_tickets:ticket_create"),
        {
            "house": other.pk,
            "type": "repair",
            "category": "electrical",
            "description": "x",
            "contact_name": "张三",
        },
    )
    assert response.status_code == 400
    assert "house" in response.context["form"].errors
    assert Ticket.objects.count() == 0


def test_my_tickets_shows_only_my_houses(client, owner, agent, house, community):
    other = HouseFactory(unit__building__community=community, room="902")
    theirs = make_ticket(actor=agent, house=other, description="别人的问题")
    mine = make_ticket(actor=agent, house=house)
    client.force_login(owner)
    response = client.get(reverse("portal_tickets:ticket_list"))
    assert [t.pk for t in response.context["tickets"]] == [mine.pk]
    assert (
        client.get(
            reverse("portal_tickets:ticket_detail", args=[theirs.pk])
        ).status_code
        == 404
    )


def test_my_tickets_query_count_is_constant(
    client, owner, agent, house, django_assert_num_queries
):
    client.force_login(owner)
    url = reverse("portal_tickets:ticket_list")
    categories = list(Category)
    for i in range(3):
        make_ticket(actor=agent, house=house, category=categories[i])
    client.get(url)
    with django_assert_num_queries(4):
        client.get(url)
    for i in range(3, 15):
        make_ticket(actor=agent, house=house, category=categories[i])
    with django_assert_num_queries(4):
        response = client.get(url)
    assert len(response.context["tickets"]) == 15


def test_owner_timeline_hides_internal_notes(client, owner, agent, house):
    ticket = services.ticket_accept(
        ticket=make_ticket(actor=agent, house=house), actor=agent
    )
    services.ticket_comment(ticket=ticket, actor=agent, note="内部：业主难沟通")
    services.ticket_escalate(ticket=ticket, actor=agent, reason="内部上报")
    client.force_login(owner)
    response = client.get(reverse("portal_tickets:ticket_detail", args=[ticket.pk]))
    body = response.content.decode()
    assert [e.kind for e in response.context["events"]] == ["created", "accepted"]
    assert "内部" not in body
    assert str(agent) not in body


def test_owner_rates_a_resolved_ticket(client, owner, agent, house):
    ticket = _resolved(agent, house)
    client.force_login(owner)
    page = client.get(reverse("portal_tickets:ticket_detail", args=[ticket.pk]))
    response = client.post(
        reverse("portal_tickets:ticket_rate", args=[ticket.pk]),
        {"satisfaction": "5", "owner_feedback": "师傅很专业"},
        follow=True,
    )
    assert page.context["can_rate"] is True
    assert "感谢您的评价" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    visit = ticket.visits.get()
    assert (visit.visitor, visit.method, visit.satisfaction, visit.owner_feedback) == (
        owner,
        "portal",
        5,
        "师傅很专业",
    )


def test_low_rating_reopens(client, owner, agent, house):
    ticket = _resolved(agent, house)
    client.force_login(owner)
    client.post(
        reverse("portal_tickets:ticket_rate", args=[ticket.pk]),
        {"satisfaction": "1", "owner_feedback": "还是不亮"},
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count) == (Status.IN_PROGRESS, 1)


def test_rating_before_resolution_is_refused(client, owner, agent, house):
    ticket = make_ticket(actor=agent, house=house)
    client.force_login(owner)
    response = client.post(
        reverse("portal_tickets:ticket_rate", args=[ticket.pk]),
        {"satisfaction": "5"},
        follow=True,
    )
    assert "只有已办结待回访的工单可以回访" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert ticket.visits.count() == 0


def test_staff_are_sent_back_and_anonymous_to_login(client, agent, house):
    ticket = make_ticket(actor=agent, house=house)
    anonymous = client.get(reverse("portal_tickets:ticket_list"))
    client.force_login(agent)
    staff_get = client.get(reverse("portal_tickets:ticket_list"))
    staff_post = client.post(
        reverse("portal_tickets:ticket_rate", args=[ticket.pk]), {"satisfaction": "5"}
    )
    assert anonymous["Location"].startswith("/portal/login/")
    assert staff_get["Location"] == "/"
    assert staff_post.status_code == 404
