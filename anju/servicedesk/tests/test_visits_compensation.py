"""Return visits close or reopen; compensations need a second person's approval."""

from decimal import Decimal

import pytest

from anju.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from anju.servicedesk import services
from anju.servicedesk.choices import (
    CompensationStatus,
    EventKind,
    Status,
    TicketType,
    VisitMethod,
)
from anju.servicedesk.models import Compensation, ReturnVisit

from .factories import make_ticket


def _resolved(agent, house, **kw):
    ticket = make_ticket(actor=agent, house=house, **kw)
    ticket = services.ticket_accept(ticket=ticket, actor=agent)
    return services.ticket_resolve(ticket=ticket, actor=agent, resolution="已处理")


def test_satisfied_visit_closes_the_ticket(agent, house):
    ticket = _resolved(agent, house)
    visit = services.visit_record(
        ticket=ticket,
        actor=agent,
        method=VisitMethod.PHONE,
        satisfaction=5,
        content="业主表示满意",
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert visit.satisfaction == 5


def test_low_satisfaction_reopens(agent, house):
    ticket = _resolved(agent, house)
    services.visit_record(
        ticket=ticket,
        actor=agent,
        method=VisitMethod.PHONE,
        satisfaction=2,
        owner_feedback="还在漏",
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.reopen_count == 1
    assert ticket.events.filter(kind=EventKind.REOPENED).count() == 1


def test_visit_with_bad_score_saves_nothing(agent, house):
    ticket = _resolved(agent, house)
    with pytest.raises(ValidationFailed):
        services.visit_record(
            ticket=ticket, actor=agent, method=VisitMethod.PHONE, satisfaction=6
        )
    assert not ReturnVisit.objects.exists()
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


def test_visit_before_resolution_is_refused(agent, house):
    ticket = make_ticket(actor=agent, house=house)
    with pytest.raises(InvalidTransition):
        services.visit_record(
            ticket=ticket, actor=agent, method=VisitMethod.PHONE, satisfaction=4
        )


def test_owner_answers_the_survey_in_the_portal(agent, owner, house):
    ticket = _resolved(agent, house)
    visit = services.visit_record(
        ticket=ticket, actor=owner, method="phone", satisfaction=4
    )
    assert visit.method == VisitMethod.PORTAL


def test_owner_cannot_answer_for_another_house(agent, owner, community):
    from anju.estates.tests.factories import HouseFactory

    other = HouseFactory(unit__building__community=community)
    ticket = _resolved(agent, other)
    with pytest.raises(NotFound):
        services.visit_record(
            ticket=ticket, actor=owner, method="portal", satisfaction=1
        )


def test_compensation_needs_supervisor_approval(agent, supervisor, house):
    ticket = make_ticket(actor=agent, house=house, type=TicketType.COMPLAINT)
    comp = services.compensation_request(
        ticket=ticket, actor=agent, amount=Decimal("300.00"), reason="免除一个月物业费"
    )
    # an agent cannot approve
    with pytest.raises(PermissionDenied):
        services.compensation_decide(compensation=comp, actor=agent, approve=True)
    comp.refresh_from_db()
    assert comp.status == CompensationStatus.REQUESTED
    assert (
        list(services.compensations_for_billing(community_id=house.community_id)) == []
    )
    # the supervisor approves; billing sees it once
    services.compensation_decide(compensation=comp, actor=supervisor, approve=True)
    assert list(
        services.compensations_for_billing(community_id=house.community_id)
    ) == [comp]
    services.compensation_mark_billed(compensation=comp, billed_ref="BL2026-12-0001")
    assert (
        list(services.compensations_for_billing(community_id=house.community_id)) == []
    )
    with pytest.raises(InvalidTransition):
        services.compensation_mark_billed(compensation=comp, billed_ref="again")


def test_compensation_only_on_complaints_and_never_deleted(agent, house):
    repair = make_ticket(actor=agent, house=house)
    with pytest.raises(ValidationFailed):
        services.compensation_request(
            ticket=repair, actor=agent, amount=Decimal("10"), reason="x"
        )
    complaint = make_ticket(actor=agent, house=house, type=TicketType.COMPLAINT)
    comp = services.compensation_request(
        ticket=complaint, actor=agent, amount=Decimal("10.005"), reason="误工"
    )
    assert comp.amount == Decimal("10.01")
    with pytest.raises(PermissionError):
        comp.delete()
    assert Compensation.objects.count() == 1
