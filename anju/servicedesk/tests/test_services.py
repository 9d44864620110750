"""Ticket lifecycle: numbering, transitions with guards, timeline, repeats, SLA due times."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from anju.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from anju.servicedesk import services
from anju.servicedesk.choices import Category, EventKind, Status, TicketType, Urgency
from anju.servicedesk.models import Ticket
from anju.servicedesk.services import clock_for

from .factories import make_ticket


def test_complaint_gets_ts_number_of_the_year(agent, house):
    # when
    ticket = make_ticket(actor=agent, house=house, type=TicketType.COMPLAINT)
    # then
    year = timezone.localtime().year
    assert ticket.number == f"TS{year}-0001"
    assert ticket.status == Status.NEW
    assert ticket.feedback_due_at == ticket.created_at + timedelta(hours=2)


def test_full_lifecycle_writes_a_timeline(agent, supervisor, technician, house):
    # given
    ticket = make_ticket(actor=agent, house=house)
    # when
    ticket = services.ticket_accept(
        ticket=ticket, actor=agent, note="已告知业主24小时内上门"
    )
    ticket = services.ticket_assign(
        ticket=ticket, assignee=technician, actor=supervisor, department="工程部"
    )
    ticket = services.ticket_start(ticket=ticket, actor=technician)
    ticket = services.ticket_resolve(
        ticket=ticket, actor=technician, resolution="更换阀芯"
    )
    ticket = services.ticket_close(ticket=ticket, actor=agent)
    # then
    assert ticket.status == Status.CLOSED
    kinds = list(ticket.events.values_list("kind", "from_status", "to_status"))
    assert kinds == [
        (EventKind.CREATED, "", Status.NEW),
        (EventKind.ACCEPTED, Status.NEW, Status.ACCEPTED),
        (EventKind.ASSIGNED, Status.ACCEPTED, Status.ASSIGNED),
        (EventKind.STARTED, Status.ASSIGNED, Status.IN_PROGRESS),
        (EventKind.RESOLVED, Status.IN_PROGRESS, Status.RESOLVED),
        (EventKind.CLOSED, Status.RESOLVED, Status.CLOSED),
    ]
    assert ticket.assignee == technician
    assert ticket.department == "工程部"


def test_invalid_transition_is_refused_and_changes_nothing(agent, house):
    # given a new ticket
    ticket = make_ticket(actor=agent, house=house)
    # when closing it straight away
    with pytest.raises(InvalidTransition) as exc:
        services.ticket_close(ticket=ticket, actor=agent)
    # then
    assert exc.value.code == "ticket_invalid_transition"
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert ticket.events.count() == 1


def test_cancel_needs_a_reason(agent, house):
    ticket = make_ticket(actor=agent, house=house)
    with pytest.raises(ValidationFailed):
        services.ticket_cancel(ticket=ticket, actor=agent, reason="  ")
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    ticket = services.ticket_cancel(ticket=ticket, actor=agent, reason="业主来电撤销")
    assert ticket.status == Status.CANCELLED
    assert ticket.cancel_reason == "业主来电撤销"


def test_reopen_goes_back_to_in_progress(agent, house):
    ticket = make_ticket(actor=agent, house=house)
    ticket = services.ticket_accept(ticket=ticket, actor=agent)
    ticket = services.ticket_resolve(ticket=ticket, actor=agent, resolution="已处理")
    # when the owner is not satisfied
    ticket = services.ticket_reopen(ticket=ticket, actor=agent, reason="业主反映仍漏水")
    # then
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.reopen_count == 1
    assert ticket.resolved_at is None


def test_third_noise_complaint_in_three_weeks_is_flagged_and_escalated(agent, house):
    # given two earlier noise complaints from the same house
    first = make_ticket(
        actor=agent, house=house, type=TicketType.COMPLAINT, category=Category.NOISE
    )
    Ticket.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - timedelta(days=14)
    )
    second = make_ticket(
        actor=agent, house=house, type=TicketType.COMPLAINT, category=Category.NOISE
    )
    Ticket.objects.filter(pk=second.pk).update(
        created_at=timezone.now() - timedelta(days=7)
    )
    # when the third arrives
    third = make_ticket(
        actor=agent, house=house, type=TicketType.COMPLAINT, category=Category.NOISE
    )
    # then
    assert third.is_repeat
    assert third.escalated
    assert third.repeat_of == second
    assert third.events.filter(kind=EventKind.REPEAT).count() == 1


def test_same_category_older_than_thirty_days_is_not_a_repeat(agent, house):
    old = make_ticket(actor=agent, house=house, category=Category.NOISE)
    Ticket.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    assert not make_ticket(actor=agent, house=house, category=Category.NOISE).is_repeat


def test_emergency_due_times_and_urgency_change(agent, house):
    ticket = make_ticket(actor=agent, house=house, urgency=Urgency.EMERGENCY)
    assert ticket.ack_due_at - ticket.created_at == timedelta(minutes=5)
    assert ticket.onsite_due_at - ticket.created_at == timedelta(minutes=30)
    # when downgraded
    ticket = services.ticket_change_urgency(
        ticket=ticket, actor=agent, urgency=Urgency.NORMAL, reason="现场确认非紧急"
    )
    # then due times are recomputed from creation, in business hours for normal tickets
    assert ticket.business_hours
    assert ticket.resolve_due_at == clock_for(ticket).add(
        ticket.created_at, timedelta(hours=72)
    )
    assert ticket.resolve_due_at - ticket.created_at > timedelta(hours=72)


def test_technician_cannot_start_a_ticket_of_someone_else(agent, technician, house):
    ticket = make_ticket(actor=agent, house=house)
    services.ticket_accept(ticket=ticket, actor=agent)
    with pytest.raises(PermissionDenied):
        services.ticket_start(ticket=ticket, actor=technician)


def test_assignee_must_work_in_the_community(agent, outsider, house):
    ticket = services.ticket_accept(
        ticket=make_ticket(actor=agent, house=house), actor=agent
    )
    with pytest.raises(ValidationFailed):
        services.ticket_assign(ticket=ticket, assignee=outsider, actor=agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.ACCEPTED
    assert ticket.assignee is None


def test_outsider_cannot_log_a_ticket_in_another_community(outsider, house):
    with pytest.raises(NotFound):
        make_ticket(actor=outsider, house=house)
    assert not Ticket.objects.exists()


def test_bad_input_is_refused_with_field_errors(agent, house):
    with pytest.raises(ValidationFailed) as exc:
        make_ticket(actor=agent, house=house, description=" ", contact_phone="12345")
    assert set(exc.value.fields) == {"description", "contact_phone"}
    assert not Ticket.objects.exists()


def test_escalation_is_a_flag_and_an_event(agent, house):
    ticket = make_ticket(actor=agent, house=house)
    ticket = services.ticket_escalate(ticket=ticket, actor=agent, reason="业主情绪激动")
    assert ticket.escalated
    assert ticket.status == Status.NEW
    assert ticket.events.filter(kind=EventKind.ESCALATED).count() == 1


def test_numbers_are_per_type(agent, house):
    repair = make_ticket(actor=agent, house=house)
    consult = make_ticket(actor=agent, house=house, type=TicketType.CONSULT)
    assert repair.number.startswith("BX")
    assert consult.number.startswith("ZX")
    assert repair.number.endswith("-0001")
    assert consult.number.endswith("-0001")


def test_created_at_year_follows_the_community_timezone(agent, house, monkeypatch):
    # 2026-12-31 16:30 UTC is already 2027-01-01 00:30 in Shanghai
    fixed = datetime(
        2026, 12, 31, 16, 30, tzinfo=timezone.UTC if hasattr(timezone, "UTC") else None
    )

    fixed = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    monkeypatch.setattr(services.timezone, "now", lambda: fixed)
    assert make_ticket(actor=agent, house=house).number == "BX2027-0001"


@pytest.mark.django_db(transaction=True)
def test_parallel_intake_numbers_every_ticket_once():
    import threading

    from django.db import connection

    from anju.accounts.choices import Role
    from anju.accounts.tests.factories import StaffFactory
    from anju.estates.tests.factories import HouseFactory

    if connection.vendor != "postgresql":
        pytest.skip("concurrent intake is proven on PostgreSQL (CI runs it)")
    # given an agent and a house
    house = HouseFactory()
    agent = StaffFactory(role=Role.AGENT, communities=[house.community])
    numbers: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(10):
                numbers.append(make_ticket(actor=agent, house=house).number)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    # when 6 agents log 10 tickets each at the same time
    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then every ticket has its own number, and the numbers are the first 60
    assert errors == []
    assert len(set(numbers)) == 60
    year = timezone.localtime().year
    assert sorted(numbers) == [f"BX{year}-{n:04d}" for n in range(1, 61)]
    assert Ticket.objects.count() == 60
