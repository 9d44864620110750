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
