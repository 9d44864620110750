"""SLA breaches reach the assignee and the community's supervisors (inbox + email)."""

from __future__ import annotations

from datetime import timedelta

from anju.notifications.models import Delivery, Notification
from anju.servicedesk.breaches import scan_breaches
from anju.servicedesk.choices import Urgency
from anju.servicedesk.models import Ticket
from anju.servicedesk.tests.factories import make_ticket


def test_a_breach_reaches_the_assignee_and_supervisors_in_inbox_and_by_email(
    recording,
    agent,
    technician,
    supervisor,
    outsider,
    house,
    django_capture_on_commit_callbacks,
):
    # given an emergency, assigned to a technician, not accepted for 10 minutes
    supervisor.email = "zhuguan@example.com"
    supervisor.save()
    outsider.email = "other@example.com"
    outsider.save()
    ticket = make_ticket(actor=agent, house=house, urgency=Urgency.EMERGENCY)
    delta = timedelta(minutes=10)
    Ticket.objects.filter(pk=ticket.pk).update(
        assignee=technician,
        created_at=ticket.created_at - delta,
        ack_due_at=ticket.ack_due_at - delta,
        onsite_due_at=ticket.onsite_due_at - delta,
        resolve_due_at=ticket.resolve_due_at - delta,
    )
    # when the scan runs and commits
    with django_capture_on_commit_callbacks(execute=True):
        scan_breaches()
    # then the technician and the supervisor have it in their inbox, nobody else
    notes = Notification.objects.order_by("recipient__username")
    assert [n.recipient.username for n in notes] == ["supervisor", "tech"]
    assert {n.title for n in notes} == {f"工单 {ticket.number} 受理超时"}
    assert all(n.urgent and n.community_id == house.community_id for n in notes)
    # and the supervisor, who has an address, by email at once (an emergency)
    assert [(m.to, m.subject) for m in recording] == [
        ("zhuguan@example.com", f"【安居】工单 {ticket.number} 受理超时提醒")
    ]
    assert Delivery.objects.filter(channel="email").get().status == "sent"
