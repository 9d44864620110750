"""Workbench queues and the community-period report."""

from datetime import timedelta

from django.utils import timezone

from anju.servicedesk import services
from anju.servicedesk.breaches import scan_breaches
from anju.servicedesk.choices import Category, TicketType, Urgency, VisitMethod
from anju.servicedesk.models import Ticket
from anju.servicedesk.reports import servicedesk_report
from anju.servicedesk.selectors import QUEUE_LABELS, Queue, queue_counts, ticket_queue

from .factories import make_ticket


def test_queues_split_the_work(agent, technician, outsider, house):
    # given one ticket in each situation
    new = make_ticket(actor=agent, house=house)
    mine = services.ticket_accept(
        ticket=make_ticket(actor=agent, house=house), actor=agent
    )
    mine = services.ticket_assign(ticket=mine, assignee=agent, actor=agent)
    team = services.ticket_accept(
        ticket=make_ticket(actor=agent, house=house), actor=agent
    )
    team = services.ticket_assign(ticket=team, assignee=technician, actor=agent)
    visit = services.ticket_accept(
        ticket=make_ticket(actor=agent, house=house), actor=agent
    )
    visit = services.ticket_resolve(ticket=visit, actor=agent, resolution="ok")
    late = make_ticket(actor=agent, house=house, urgency=Urgency.EMERGENCY)
    Ticket.objects.filter(pk=late.pk).update(
        ack_due_at=timezone.now() - timedelta(minutes=1)
    )

    # then
    def q(name, user=agent):
        return set(ticket_queue(user=user, queue=name).values_list("pk", flat=True))

    assert q(Queue.UNASSIGNED) == {new.pk, late.pk}
    assert q(Queue.MINE) == {mine.pk}
    assert q(Queue.TEAM) == {team.pk}
    assert q(Queue.AWAITING_VISIT) == {visit.pk}
    assert q(Queue.OVERDUE) == {late.pk}
    assert q(Queue.ALL, outsider) == set()
    # the tab counts (one aggregate) agree with every queue's own list
    counts = queue_counts(user=agent)
    assert counts == {name: len(q(name)) for name in QUEUE_LABELS if name != Queue.ALL}
    assert counts[Queue.UNASSIGNED] == 2
    assert set(queue_counts(user=outsider).values()) == {0}


def test_queue_query_count_is_constant(agent, house, django_assert_num_queries):
    for _ in range(3):
        make_ticket(actor=agent, house=house)
    with django_assert_num_queries(1):
        rows = [
            (t.number, t.house.number, t.community.name)
            for t in ticket_queue(user=agent)
        ]
    assert len(rows) == 3
    for _ in range(10):
        make_ticket(actor=agent, house=house)
    with django_assert_num_queries(1):
        assert len([t.house.number for t in ticket_queue(user=agent)]) == 13


def test_report_figures(agent, house):
    # given two complaints (one repeat), a repair, visits scoring 5 and 3, one breach
    start = timezone.now() - timedelta(hours=1)
    a = make_ticket(
        actor=agent, house=house, type=TicketType.COMPLAINT, category=Category.NOISE
    )
    b = make_ticket(
        actor=agent, house=house, type=TicketType.COMPLAINT, category=Category.NOISE
    )
    c = make_ticket(actor=agent, house=house, urgency=Urgency.EMERGENCY)
    for t, score in ((a, 5), (b, 3)):
        t = services.ticket_accept(ticket=t, actor=agent)
        t = services.ticket_resolve(ticket=t, actor=agent, resolution="ok")
        services.visit_record(
            ticket=t, actor=agent, method=VisitMethod.PHONE, satisfaction=score
        )
    scan_breaches(
        now=timezone.now() + timedelta(minutes=10)
    )  # c was never acknowledged
    # when
    report = servicedesk_report(
        community_id=house.community_id,
        start=start,
        end=timezone.now() + timedelta(hours=1),
    )
    # then
    assert report["total"] == 3
    assert report["by_type"]["complaint"] == 2
    assert report["by_type"]["repair"] == 1
    assert report["repeat_complaints"] == 1
    assert report["satisfaction_avg"] == 4.0
    assert report["satisfaction_good_pct"] == 50.0
    assert report["visit_completion_pct"] == 100.0
    assert report["sla_attainment_pct"] == round(100 * 2 / 3, 1)
    assert report["open"] == 1
    assert c.pk not in [a.pk, b.pk]
