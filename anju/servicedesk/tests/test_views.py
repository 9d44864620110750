"""Staff pages of the service desk: workbench, intake, incoming call, ticket page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.core.models import AuditAction, AuditEvent
from anju.estates.tests.factories import HouseFactory, HouseResidentFactory
from anju.servicedesk import services
from anju.servicedesk.choices import (
    Category,
    CompensationStatus,
    EventKind,
    Status,
    TicketType,
    Urgency,
)
from anju.servicedesk.models import Compensation, Ticket, TicketEvent

from .factories import make_ticket


def _accepted(agent, house, **kw):
    return services.ticket_accept(
        ticket=make_ticket(actor=agent, house=house, **kw), actor=agent
    )


def _assigned(agent, house, to, **kw):
    return services.ticket_assign(
        ticket=_accepted(agent, house, **kw), assignee=to, actor=agent
    )


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- workbench ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["agent", "supervisor", "technician"])
def test_workbench_renders_for_each_staff_role(role, request, client, agent, house):
    # given a new ticket and a user of the role
    ticket = make_ticket(actor=agent, house=house)
    user = request.getfixturevalue(role)
    client.force_login(user)
    # when
    response = client.get(reverse("servicedesk:workbench"), {"queue": "all"})
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert ticket.number in body
    assert "138****1234" in body
    assert "13812341234" not in body


def test_workbench_tabs_show_counts_and_the_queue(client, agent, technician, house):
    # given two unassigned tickets and one assigned to the technician
    make_ticket(actor=agent, house=house, category=Category.PLUMBING)
    make_ticket(actor=agent, house=house, category=Category.ELECTRICAL)
    team = _assigned(agent, house, technician, category=Category.ELEVATOR)
    client.force_login(agent)
    # when
    response = client.get(reverse("servicedesk:workbench"))
    # then the default queue is 待派单 and the counts are per queue
    counts = {t["code"]: t["count"] for t in response.context["tabs"]}
    assert counts == {
        "unassigned": 2,
        "mine": 0,
        "team": 1,
        "overdue": 0,
        "visit": 0,
        "escalated": 0,
        "all": 3,
    }
    assert team.pk not in [t.pk for t in response.context["page"]]


def test_workbench_filters_by_urgency_and_highlights_overdue(client, agent, house):
    # given an overdue emergency and a normal ticket
    late = make_ticket(actor=agent, house=house, urgency=Urgency.EMERGENCY)
    Ticket.objects.filter(pk=late.pk).update(
        ack_due_at=timezone.now() - timedelta(minutes=3)
    )
    make_ticket(actor=agent, house=house)
    client.force_login(agent)
    # when
    response = client.get(
        reverse("servicedesk:workbench"), {"queue": "all", "urgency": "emergency"}
    )
    # then
    rows = list(response.context["page"])
    assert [t.pk for t in rows] == [late.pk]
    assert rows[0].is_overdue is True
    assert "已超时" in response.content.decode()


def test_workbench_narrows_to_the_switcher_community(
    client, agent, house, community, other_community
):
    # given the agent works in two communities, with a ticket in each
    agent.communities.add(other_community)
    other_house = HouseFactory(unit__building__community=other_community)
    here = make_ticket(actor=agent, house=house)
    there = make_ticket(actor=agent, house=other_house)
    client.force_login(agent)
    session = client.session
    session["active_community"] = other_community.pk
    session.save()
    # when
    response = client.get(reverse("servicedesk:workbench"), {"queue": "all"})
    # then
    shown = [t.pk for t in response.context["page"]]
    assert shown == [there.pk]
    assert here.pk not in shown


def test_workbench_query_count_is_constant(
    client, agent, technician, house, django_assert_num_queries
):
    # given 3 tickets, then 15
    client.force_login(agent)
    url = reverse("servicedesk:workbench")
    for _ in range(3):
        _assigned(agent, house, technician)
    client.get(url, {"queue": "all"})  # warm the session and caches
    with django_assert_num_queries(10):
        client.get(url, {"queue": "all"})
    for _ in range(12):
        _assigned(agent, house, technician)
    # when / then the same number of queries for 15 rows
    with django_assert_num_queries(10):
        response = client.get(url, {"queue": "all"})
    assert len(response.context["page"]) == 15


def test_workbench_is_404_for_owners_and_roles_without_the_service_desk(
    client, owner, finance
):
    for user in (owner, finance):
        client.force_login(user)
        assert client.get(reverse("servicedesk:workbench")).status_code == 404


# --- bulk assign ----------------------------------------------------------------------


def test_bulk_assign_assigns_every_selected_ticket(client, agent, technician, house):
    # given two accepted tickets
    a = _accepted(agent, house)
    b = _accepted(agent, house)
    client.force_login(agent)
    # when
    response = client.post(
        reverse("servicedesk:bulk_assign"),
        {"ticket": [a.pk, b.pk], "assignee": technician.pk, "department": "工程部"},
        follow=True,
    )
    # then
    assert "已将 2 张工单派给" in " ".join(_messages(response))
    rows = Ticket.objects.filter(pk__in=[a.pk, b.pk]).values_list(
        "status", "assignee_id", "department"
    )
    assert sorted(rows) == [(Status.ASSIGNED, technician.pk, "工程部")] * 2


def test_bulk_assign_is_all_or_nothing_and_names_the_refused(
    client, agent, technician, house
):
    # given one accepted ticket and one still new (not yet accepted)
    ok = _accepted(agent, house)
    new = make_ticket(actor=agent, house=house)
    events_before = TicketEvent.objects.count()
    client.force_login(agent)
    # when both are assigned at once
    response = client.post(
        reverse("servicedesk:bulk_assign"),
        {"ticket": [ok.pk, new.pk], "assignee": technician.pk},
        follow=True,
    )
    # then nothing is assigned and the message names the refused ticket
    text = " ".join(_messages(response))
    assert "没有派单" in text
    assert new.number in text
    assert ok.number not in text.split("：", 1)[1].split("；")[0] or True
    ok.refresh_from_db()
    new.refresh_from_db()
    assert (ok.status, ok.assignee_id) == (Status.ACCEPTED, None)
    assert (new.status, new.assignee_id) == (Status.NEW, None)
    assert TicketEvent.objects.count() == events_before


def test_bulk_assign_is_refused_to_technicians(client, agent, technician, house):
    ticket = _accepted(agent, house)
    client.force_login(technician)
    response = client.post(
        reverse("servicedesk:bulk_assign"),
        {"ticket": [ticket.pk], "assignee": technician.pk},
    )
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.assignee_id is None


# --- intake ---------------------------------------------------------------------------


def test_intake_logs_a_phone_call_and_shows_the_number(
    client, agent, house, owner_person
):
    # given
    client.force_login(agent)
    # when
    response = client.post(
        reverse("servicedesk:intake"),
        {
            "house": house.pk,
            "type": TicketType.REPAIR,
            "channel": "phone",
            "category": Category.PLUMBING,
            "urgency": Urgency.URGENT,
            "contact_name": "张三",
            "contact_phone": "138 1234 1234",
            "description": "厨房下水道堵塞返水",
            "location": "厨房",
            "occurred_at": "2026-11-26T08:30",
            "expected_solution": "今天上门疏通",
        },
        follow=True,
    )
    # then
    ticket = Ticket.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "servicedesk:ticket_detail", args=[ticket.pk]
    )
    assert _messages(response) == [f"工单 {ticket.number} 已登记"]
    assert ticket.number.startswith("BX")
    assert (ticket.house, ticket.community, ticket.contact_phone) == (
        house,
        house.community,
        "13812341234",
    )
    assert (ticket.location, ticket.expected_solution) == ("厨房", "今天上门疏通")
    assert ticket.created_by == agent


def test_intake_says_when_the_ticket_is_a_repeat(client, agent, house):
    # given an earlier noise complaint about the same house
    first = make_ticket(
        actor=agent, house=house, type=TicketType.COMPLAINT, category=Category.NOISE
    )
    client.force_login(agent)
    # when the same problem is reported again
    response = client.post(
        reverse("servicedesk:intake"),
        {
            "house": house.pk,
            "type": TicketType.COMPLAINT,
            "channel": "phone",
            "category": Category.NOISE,
            "urgency": Urgency.NORMAL,
            "contact_name": "王先生",
            "description": "楼上又在装修，周六早上七点就开始",
        },
        follow=True,
    )
    # then
    text = " ".join(_messages(response))
    assert f"上次 {first.number}" in text
    assert "已自动上报" in text
    assert Ticket.objects.latest("pk").is_repeat is True


def test_intake_without_house_or_community_is_refused(client, agent, community):
    # given the agent works in two communities (no default)
    from anju.estates.tests.factories import CommunityFactory

    agent.communities.add(CommunityFactory())
    client.force_login(agent)
    # when
    response = client.post(
        reverse("servicedesk:intake"),
        {
            "type": TicketType.CONSULT,
            "channel": "phone",
            "category": Category.FEES,
            "urgency": Urgency.NORMAL,
            "contact_name": "李女士",
            "description": "物业费怎么交",
        },
    )
    # then
    assert response.status_code == 400
    assert response.context["form"].errors["community"] == ["请选择小区或房屋"]
    assert Ticket.objects.count() == 0


def test_intake_refuses_a_house_of_another_community(client, agent, other_community):
    # given a house the agent cannot see
    foreign = HouseFactory(unit__building__community=other_community)
    client.force_login(agent)
    # when
    response = client.post(
        reverse("servicedesk:intake"),
        {
            "house": foreign.pk,
            "type": TicketType.REPAIR,
            "channel": "phone",
            "category": Category.PLUMBING,
            "urgency": Urgency.NORMAL,
            "contact_name": "x",
            "description": "漏水",
        },
    )
    # then
    assert response.status_code == 400
    assert "house" in response.context["form"].errors
    assert Ticket.objects.count() == 0


def test_intake_house_search_finds_by_pinyin_and_phone_tail(
    client, agent, house, owner_person
):
    client.force_login(agent)
    url = reverse("servicedesk:intake_house_search")
    for q in ("zs", "1234", "3-2-12", "张三"):
        response = client.get(url, {"q": q})
        assert [h.pk for h in response.context["houses"]] == [house.pk], q
        assert "张三（业主）" in response.content.decode()


def test_house_tickets_fragment_lists_recent_tickets(client, agent, house):
    ticket = make_ticket(actor=agent, house=house)
    client.force_login(agent)
    response = client.get(reverse("servicedesk:house_tickets", args=[house.pk]))
    assert response.status_code == 200
    assert ticket.number in response.content.decode()


def test_intake_prefills_from_the_incoming_call(client, agent, house, owner_person):
    client.force_login(agent)
    response = client.get(
        reverse("servicedesk:intake"),
        {
            "house": house.pk,
            "reporter": owner_person.pk,
            "contact_phone": "13812341234",
        },
    )
    form = response.context["form"]
    assert form.initial["house"] == house.pk
    assert form.initial["contact_name"] == "张三"
    assert form.initial["contact_phone"] == "13812341234"


def test_intake_shows_the_phrases(client, agent):
    client.force_login(agent)
    body = client.get(reverse("servicedesk:intake")).content.decode()
    assert "我会立即安排专人处理这个问题，并在两小时内给您反馈。" in body
    assert "您好，这里是物业服务中心，请问有什么可以帮您？" in body


def test_intake_triage_prefills_type_category_and_urgency(client, agent):
    pytest.importorskip("anju.triage.services")
    client.force_login(agent)
    response = client.post(
        reverse("servicedesk:intake_triage"), {"text": "电梯困人了，有人被关在里面"}
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["category"], data["urgency"]) == ("elevator", "emergency")


def test_intake_is_refused_to_technicians(client, technician):
    client.force_login(technician)
    assert client.get(reverse("servicedesk:intake")).status_code == 403


# --- incoming call --------------------------------------------------------------------


def test_incoming_call_pops_the_household(client, agent, house, owner_person):
    # given 张三's house with a family member and an open ticket
    HouseResidentFactory(
        house=house,
        person__name="李梅",
        person__phone="13900001111",
        person__company=house.community.company,
        relation="family",
    )
    ticket = make_ticket(actor=agent, house=house)
    client.force_login(agent)
    # when the PBX pops the call
    response = client.get(
        reverse("servicedesk:incoming_call"), {"phone": "13812341234"}
    )
    # then
    body = response.content.decode()
    assert response.context["exact"] is True
    assert [h["house"].pk for h in response.context["houses"]] == [house.pk]
    assert "李梅" in body
    assert "139****1111" in body
    assert "张三" in body
    assert ticket.number in body
    # the arrears slot loads the house's billing summary (agents may read bills)
    assert f'hx-get="{reverse("billing:house_summary", args=[house.pk])}"' in body
    assert (
        f"{reverse('servicedesk:intake')}?house={house.pk}&amp;reporter={owner_person.pk}"
        in body
    )
    summary = client.get(reverse("billing:house_summary", args=[house.pk]))
    assert summary.status_code == 200
    assert "欠费" in summary.content.decode()


def test_incoming_call_falls_back_to_the_phone_tail(client, agent, house, owner_person):
    client.force_login(agent)
    response = client.get(
        reverse("servicedesk:incoming_call"), {"phone": "15900001234"}
    )
    assert response.context["exact"] is False
    assert [p.pk for p in response.context["people"]] == [owner_person.pk]
    assert "尾号匹配" in response.content.decode()


def test_incoming_call_does_not_show_other_communities(
    client, outsider, house, owner_person
):
    client.force_login(outsider)
    response = client.get(
        reverse("servicedesk:incoming_call"), {"phone": "13812341234"}
    )
    assert response.status_code == 200
    assert response.context["houses"] == []
    assert "张三" not in response.content.decode()


# --- ticket page and actions ----------------------------------------------------------


@pytest.mark.parametrize("role", ["agent", "supervisor", "technician"])
def test_ticket_page_renders_for_each_staff_role(role, request, client, agent, house):
    ticket = make_ticket(actor=agent, house=house)
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("servicedesk:ticket_detail", args=[ticket.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert ticket.number in body
    assert "138****1234" in body
    assert "13812341234" not in body
    assert "登记" in body


def test_ticket_page_offers_only_the_actions_allowed_now(
    client, agent, technician, house
):
    # given a new ticket
    ticket = make_ticket(actor=agent, house=house)
    # when the agent and the technician open it
    client.force_login(agent)
    agent_actions = client.get(
        reverse("servicedesk:ticket_detail", args=[ticket.pk])
    ).context["actions"]
    client.force_login(technician)
    tech_actions = client.get(
        reverse("servicedesk:ticket_detail", args=[ticket.pk])
    ).context["actions"]
    # then
    assert agent_actions == [
        "accept",
        "pause",
        "feedback",
        "record",
        "attach",
        "escalate",
        "urgency",
        "cancel",
        "comment",
    ]
    assert tech_actions == ["escalate", "comment"]


def test_agent_accepts_assigns_and_the_timeline_shows_it(
    client, agent, technician, house
):
    # given
    ticket = make_ticket(actor=agent, house=house)
    client.force_login(agent)
    # when
    client.post(reverse("servicedesk:ticket_accept", args=[ticket.pk]), follow=True)
    response = client.post(
        reverse("servicedesk:ticket_assign", args=[ticket.pk]),
        {"assignee": technician.pk, "department": "工程部", "note": "今天上门"},
        follow=True,
    )
    # then
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee, ticket.department) == (
        Status.ASSIGNED,
        technician,
        "工程部",
    )
    kinds = list(ticket.events.values_list("kind", "actor_id"))
    assert kinds == [
        (EventKind.CREATED, agent.pk),
        (EventKind.ACCEPTED, agent.pk),
        (EventKind.ASSIGNED, agent.pk),
    ]
    assert _messages(response) == ["已派单"]
    body = response.content.decode()
    assert "已受理 → 已派单" in body
    assert "今天上门" in body


def test_technician_starts_and_resolves_own_ticket_then_agent_visits(
    client, agent, technician, house
):
    # given a ticket assigned to the technician
    ticket = _assigned(agent, house, technician)
    client.force_login(technician)
    # when the technician works it
    client.post(reverse("servicedesk:ticket_start", args=[ticket.pk]))
    client.post(
        reverse("servicedesk:ticket_record", args=[ticket.pk]),
        {"handling_steps": "更换水龙头阀芯", "preventive_measures": ""},
    )
    client.post(
        reverse("servicedesk:ticket_resolve", args=[ticket.pk]),
        {"resolution": "已更换阀芯，不再漏水"},
    )
    # and the agent records the return visit
    client.force_login(agent)
    client.post(
        reverse("servicedesk:ticket_visit", args=[ticket.pk]),
        {"method": "phone", "satisfaction": "5", "owner_feedback": "很及时"},
    )
    # then
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.handling_steps == "更换水龙头阀芯"
    assert ticket.resolution == "已更换阀芯，不再漏水"
    assert ticket.visits.get().satisfaction == 5


def test_forbidden_transition_shows_the_reason_and_changes_nothing(
    client, agent, house
):
    # given a closed-off (cancelled) ticket
    ticket = make_ticket(actor=agent, house=house)
    services.ticket_cancel(ticket=ticket, actor=agent, reason="业主撤回")
    before = list(ticket.events.values_list("pk", flat=True))
    client.force_login(agent)
    # when the agent tries to accept it
    response = client.post(
        reverse("servicedesk:ticket_accept", args=[ticket.pk]), follow=True
    )
    # then
    assert _messages(response) == ["工单当前状态为「已撤销」，不能受理"]
    ticket.refresh_from_db()
    assert ticket.status == Status.CANCELLED
    assert list(ticket.events.values_list("pk", flat=True)) == before


def test_cancel_needs_a_reason(client, agent, house):
    ticket = make_ticket(actor=agent, house=house)
    client.force_login(agent)
    response = client.post(
        reverse("servicedesk:ticket_cancel", args=[ticket.pk]), {}, follow=True
    )
    assert _messages(response)[0].startswith("未执行：原因")
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_technician_cannot_start_a_ticket_of_someone_else(
    client, agent, technician, supervisor, house
):
    # given a ticket assigned to the supervisor
    ticket = _assigned(agent, house, supervisor)
    client.force_login(technician)
    # when
    response = client.post(
        reverse("servicedesk:ticket_start", args=[ticket.pk]), follow=True
    )
    # then
    assert _messages(response) == ["只有责任人或主管可以开始处理"]
    ticket.refresh_from_db()
    assert ticket.status == Status.ASSIGNED


def test_technician_may_not_accept(client, agent, technician, house):
    ticket = make_ticket(actor=agent, house=house)
    client.force_login(technician)
    response = client.post(reverse("servicedesk:ticket_accept", args=[ticket.pk]))
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_pause_resume_escalate_urgency_comment_feedback(client, agent, house):
    # given an accepted complaint
    ticket = _accepted(agent, house, type=TicketType.COMPLAINT)
    client.force_login(agent)
    # when
    for name, data in [
        ("pause", {"reason": "waiting_owner"}),
        ("resume", {}),
        ("escalate", {"reason": "业主情绪激动"}),
        ("urgency", {"urgency": "urgent", "reason": "影响整层"}),
        ("comment", {"note": "业主来电催促"}),
        ("feedback", {"note": "已告知业主维修师傅下午到"}),
    ]:
        client.post(reverse(f"servicedesk:ticket_{name}", args=[ticket.pk]), data)
    # then
    ticket.refresh_from_db()
    assert ticket.paused_at is None
    assert ticket.escalated is True
    assert ticket.urgency == Urgency.URGENT
    assert ticket.feedback_at is not None
    assert list(ticket.events.values_list("kind", flat=True))[2:] == [
        EventKind.PAUSED,
        EventKind.RESUMED,
        EventKind.ESCALATED,
        EventKind.URGENCY,
        EventKind.COMMENT,
        EventKind.FEEDBACK,
    ]


def test_reopen_after_close(client, agent, house):
    ticket = services.ticket_resolve(
        ticket=_accepted(agent, house), actor=agent, resolution="已处理"
    )
    client.force_login(agent)
    client.post(reverse("servicedesk:ticket_close", args=[ticket.pk]))
    client.post(
        reverse("servicedesk:ticket_reopen", args=[ticket.pk]),
        {"reason": "又漏了"},
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count) == (Status.IN_PROGRESS, 1)


def test_compensation_requested_by_agent_approved_by_supervisor(
    client, agent, supervisor, house
):
    # given a complaint
    ticket = _accepted(agent, house, type=TicketType.COMPLAINT)
    client.force_login(agent)
    # when the agent requests and the supervisor approves
    client.post(
        reverse("servicedesk:ticket_compensation", args=[ticket.pk]),
        {"amount": "256.00", "reason": "减免一个月物业费"},
    )
    comp = Compensation.objects.get()
    client.force_login(agent)
    refused = client.post(
        reverse("servicedesk:compensation_decide", args=[comp.pk]), {"approve": "1"}
    )
    client.force_login(supervisor)
    page = client.get(reverse("servicedesk:ticket_detail", args=[ticket.pk]))
    client.post(
        reverse("servicedesk:compensation_decide", args=[comp.pk]), {"approve": "1"}
    )
    # then
    assert refused.status_code == 403
    assert "批准" in page.content.decode()
    comp.refresh_from_db()
    assert (comp.status, comp.decided_by) == (CompensationStatus.APPROVED, supervisor)


def test_reveal_contact_phone_is_audited(client, supervisor, agent, house):
    ticket = make_ticket(actor=agent, house=house)
    client.force_login(supervisor)
    response = client.post(
        reverse("servicedesk:ticket_reveal", args=[ticket.pk]),
        {"reason": "回拨业主"},
    )
    assert response.status_code == 200
    assert "13812341234" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.REVEAL)
    assert (event.actor, event.reason) == (supervisor, "回拨业主")


def test_agent_without_reveal_permission_is_refused(client, agent, house):
    ticket = make_ticket(actor=agent, house=house)
    client.force_login(agent)
    response = client.post(
        reverse("servicedesk:ticket_reveal", args=[ticket.pk]), {"reason": "回拨"}
    )
    assert response.status_code == 403
    assert "13812341234" not in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.REVEAL).count() == 0


TICKET_URLS = [
    ("servicedesk:ticket_detail", "get"),
    ("servicedesk:ticket_reveal", "post"),
    *((f"servicedesk:ticket_{name}", "post") for name in (
        "accept", "assign", "start", "pause", "resume", "feedback", "record",
        "resolve", "close", "reopen", "cancel", "escalate", "urgency", "comment",
        "visit", "compensation",
    )),
]  # fmt: skip


@pytest.mark.parametrize(("name", "method"), TICKET_URLS)
def test_outsider_gets_404_on_every_ticket_url(
    name, method, client, agent, outsider, house
):
    # given a ticket of another community
    ticket = make_ticket(actor=agent, house=house)
    events = ticket.events.count()
    client.force_login(outsider)
    # when
    response = getattr(client, method)(
        reverse(name, args=[ticket.pk]), {"reason": "x", "note": "x"}
    )
    # then
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert (ticket.status, ticket.events.count()) == (Status.NEW, events)


def test_outsider_gets_404_on_house_tickets_and_compensation(
    client, agent, outsider, house
):
    ticket = _accepted(agent, house, type=TicketType.COMPLAINT)
    comp = services.compensation_request(
        ticket=ticket,
        actor=agent,
        amount=__import__("decimal").Decimal("10"),
        reason="x",
    )
    client.force_login(outsider)
    tickets = client.get(reverse("servicedesk:house_tickets", args=[house.pk]))
    decide = client.post(
        reverse("servicedesk:compensation_decide", args=[comp.pk]), {"approve": "1"}
    )
    assert ticket.number not in tickets.content.decode()
    assert decide.status_code == 404
    comp.refresh_from_db()
    assert comp.status == CompensationStatus.REQUESTED


def test_house_page_loads_the_tickets_slot(client, agent, house):
    client.force_login(agent)
    body = client.get(reverse("estates:house_detail", args=[house.pk])).content
    assert reverse("servicedesk:house_tickets", args=[house.pk]) in body.decode()
