"""The breach scan marks each running clock once, and escalates along the chain."""

from datetime import timedelta

from django.utils import timezone

from anju.servicedesk import services
from anju.servicedesk.breaches import scan_breaches
from anju.servicedesk.choices import (
    EventKind,
    PauseReason,
    SLAClock,
    TicketType,
    Urgency,
)
from anju.servicedesk.models import EscalationStep, SLABreach, Ticket

from .factories import make_ticket


def _age(ticket, minutes):
    """Move a ticket's clocks `minutes` into the past, as if logged that long ago."""
    delta = timedelta(minutes=minutes)
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=ticket.created_at - delta,
        ack_due_at=ticket.ack_due_at - delta,
        onsite_due_at=ticket.onsite_due_at - delta,
        resolve_due_at=ticket.resolve_due_at - delta,
    )


def test_unacknowledged_emergency_breaches_ack_once(agent, house):
    # given an emergency logged 10 minutes ago and not accepted (ack limit 5 min)
    ticket = make_ticket(actor=agent, house=house, urgency=Urgency.EMERGENCY)
    _age(ticket, 10)
    # when the scan runs twice
    first = scan_breaches()
    second = scan_breaches()
    # then the ack clock is marked once, with a timeline event, and escalated to level 1
    assert first[SLAClock.ACK] == 1
    assert second[SLAClock.ACK] == 0
    assert list(SLABreach.objects.values_list("clock", flat=True)) == [SLAClock.ACK]
    ticket.refresh_from_db()
    assert ticket.escalated
    assert ticket.escalation_level == 1
    assert ticket.events.filter(kind=EventKind.BREACH).count() == 1


def test_accepted_ticket_is_not_an_ack_breach(agent, house):
    ticket = make_ticket(actor=agent, house=house, urgency=Urgency.EMERGENCY)
    services.ticket_accept(ticket=ticket, actor=agent)
    _age(ticket, 10)
    assert scan_breaches()[SLAClock.ACK] == 0


def test_escalation_climbs_the_chain_with_age(agent, house):
    # given a custom chain: supervisor at once, manager after 30 min
    for level, role, title, after in (
        (1, "supervisor", "主管", 0),
        (2, "manager", "经理", 30),
    ):
        EscalationStep.objects.create(
            community=house.community,
            level=level,
            role=role,
            title=title,
            after_minutes=after,
        )
    ticket = make_ticket(actor=agent, house=house, urgency=Urgency.EMERGENCY)
    _age(ticket, 10)
    scan_breaches()
    ticket.refresh_from_db()
    assert ticket.escalation_level == 1
    # when the ack breach is 40 minutes old
    scan_breaches(now=timezone.now() + timedelta(minutes=40))
    # then
    ticket.refresh_from_db()
    assert ticket.escalation_level == 2
    assert ticket.events.filter(kind=EventKind.ESCALATED).count() == 2


def test_paused_ticket_is_not_scanned_and_resume_restores_time_left(agent, house):
    # given an emergency accepted and started, paused waiting for parts
    ticket = make_ticket(actor=agent, house=house, urgency=Urgency.EMERGENCY)
    ticket = services.ticket_accept(ticket=ticket, actor=agent)
    ticket = services.ticket_pause(
        ticket=ticket, actor=agent, reason=PauseReason.WAITING_PARTS
    )
    left = ticket.resolve_due_at - ticket.paused_at
    # when the scan runs far past the due time while paused
    assert scan_breaches(now=timezone.now() + timedelta(days=2))[SLAClock.RESOLVE] == 0
    # and the ticket is resumed
    ticket = services.ticket_resume(ticket=ticket, actor=agent)
    # then the time left is the same as at the pause
    resumed = ticket.events.get(kind=EventKind.RESUMED).created_at
    assert abs((ticket.resolve_due_at - resumed) - left) < timedelta(seconds=1)
    assert ticket.paused_at is None


def test_complaint_feedback_promise_is_its_own_clock(agent, house):
    ticket = make_ticket(actor=agent, house=house, type=TicketType.COMPLAINT)
    ticket = services.ticket_accept(ticket=ticket, actor=agent)
    later = timezone.now() + timedelta(hours=2, minutes=1)
    assert scan_breaches(now=later)[SLAClock.FEEDBACK] == 1


def test_feedback_given_in_time_stops_the_clock(agent, house):
    ticket = make_ticket(actor=agent, house=house, type=TicketType.COMPLAINT)
    ticket = services.ticket_accept(ticket=ticket, actor=agent)
    services.ticket_feedback(ticket=ticket, actor=agent, note="已联系施工方，明日整改")
    later = timezone.now() + timedelta(hours=3)
    assert scan_breaches(now=later)[SLAClock.FEEDBACK] == 0


def test_resolved_complaint_gets_a_visit_due_within_24h(agent, house):
    ticket = make_ticket(actor=agent, house=house, type=TicketType.COMPLAINT)
    ticket = services.ticket_accept(ticket=ticket, actor=agent)
    ticket = services.ticket_resolve(ticket=ticket, actor=agent, resolution="已协调")
    assert ticket.visit_due_at - ticket.resolved_at == timedelta(hours=24)
    assert scan_breaches(now=timezone.now() + timedelta(hours=25))[SLAClock.VISIT] == 1


def test_normal_ticket_counts_business_hours(agent, house):
    ticket = make_ticket(actor=agent, house=house, urgency=Urgency.NORMAL)
    assert ticket.business_hours
    emergency = make_ticket(actor=agent, house=house, urgency=Urgency.EMERGENCY)
    assert not emergency.business_hours


def test_many_breaches_in_one_scan_reach_a_supervisor_as_one_digest(
    agent, supervisor, technician, house, django_capture_on_commit_callbacks
):
    from anju.notifications.models import Notification
    from anju.servicedesk.notify import DIGEST_AFTER

    # given more emergencies than DIGEST_AFTER, one of them assigned to the technician
    tickets = [
        make_ticket(actor=agent, house=house, urgency=Urgency.EMERGENCY)
        for _ in range(DIGEST_AFTER + 2)
    ]
    services.ticket_assign(
        ticket=services.ticket_accept(ticket=tickets[0], actor=agent),
        assignee=technician,
        actor=agent,
    )
    for t in tickets:
        _age(t, 24 * 60)
    # when one scan finds them all
    with django_capture_on_commit_callbacks(execute=True):
        scan_breaches()
    # then the supervisor gets one digest naming the count, the technician their ticket
    sup = list(Notification.objects.filter(recipient=supervisor))
    assert len(sup) == 1
    assert f"{len(tickets)} 张工单超时" in sup[0].title
    assert tickets[-1].number in sup[0].body
    tech = list(Notification.objects.filter(recipient=technician))
    assert len(tech) == 1
    assert tickets[0].number in tech[0].title
