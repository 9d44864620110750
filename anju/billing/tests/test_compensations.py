"""Compensations of the service desk carried out on bills: the courseware case (one
month's property fee waived) as an approved discount line, billed once."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from anju.billing.choices import DiscountKind, DiscountStatus, LineStatus
from anju.billing.compensations import (
    compensations_apply,
    compensations_apply_community,
)
from anju.billing.models import BillLine, DiscountLine
from anju.core.errors import PermissionDenied
from anju.core.models import AuditEvent
from anju.servicedesk import services as desk
from anju.servicedesk.choices import TicketType
from anju.servicedesk.tests.factories import make_ticket

from .cashier import bill_month, pay
from .factories import property_fee


@pytest.fixture
def waived(agent, supervisor, house):
    """A complaint about a leak settled by waiving one month's fee (300.00), approved
    by the supervisor."""
    ticket = make_ticket(actor=agent, house=house, type=TicketType.COMPLAINT)
    comp = desk.compensation_request(
        ticket=ticket,
        actor=agent,
        amount=Decimal("300.00"),
        reason="楼上漏水处理不及时，免除一个月物业费",
    )
    return desk.compensation_decide(compensation=comp, actor=supervisor, approve=True)


def test_one_months_fee_waived_becomes_an_approved_discount_on_the_next_bill(
    community, finance, supervisor, house, waived
):
    # given 300.00 of 物业费 billed for January 2026; the run carries the compensation
    property_fee(community)
    bill_month(community, finance, 2026, 1)
    # then January is waived by an approved compensation discount
    line = BillLine.objects.get(house=house)
    discount = DiscountLine.objects.get()
    assert (line.amount, line.discount_amount, line.status) == (
        Decimal("300.00"),
        Decimal("300.00"),
        LineStatus.PAID,
    )
    assert (
        discount.kind,
        discount.status,
        discount.amount,
        discount.approved_by,
        discount.compensation,
        discount.created_by,
    ) == (
        DiscountKind.COMPENSATION,
        DiscountStatus.APPROVED,
        Decimal("300.00"),
        supervisor,
        waived,
        finance,
    )
    assert discount.reason.startswith(f"工单{waived.ticket.number}补偿：")
    # and the compensation is marked billed with the discount it became, once
    waived.refresh_from_db()
    assert waived.billed_ref == f"billing.discount:{discount.pk}"
    assert list(desk.compensations_for_billing(community_id=community.pk)) == []
    again = compensations_apply_community(community=community, actor=finance)
    assert (again.applied, again.waiting) == ([], [])
    assert DiscountLine.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="servicedesk.compensation").exists()


def test_a_compensation_is_applied_whole_or_waits(
    community, finance, agent, supervisor, house
):
    property_fee(community)
    bill_month(community, finance, 2026, 1)
    pay(house, finance, "300.00", "k-1")  # January paid
    ticket = make_ticket(actor=agent, house=house, type=TicketType.COMPLAINT)
    comp = desk.compensation_decide(
        compensation=desk.compensation_request(
            ticket=ticket, actor=agent, amount=Decimal("450.00"), reason="一个半月"
        ),
        actor=supervisor,
        approve=True,
    )
    # nothing is open: it waits
    waiting = compensations_apply(community=community, actor=finance)
    assert (waiting.applied, waiting.waiting) == ([], [comp])
    # February (300.00) is billed: still less than 450.00, it waits
    bill_month(community, finance, 2026, 2)
    assert DiscountLine.objects.count() == 0
    # March too: 600.00 owed, it is carried out over both months, oldest first
    bill_month(community, finance, 2026, 3)
    feb, mar = (
        BillLine.objects.filter(house=house, status__in=["paid", "unpaid"])
        .exclude(period_start__month=1)
        .order_by("period_start")
    )
    assert (feb.discount_amount, mar.discount_amount) == (
        Decimal("300.00"),
        Decimal("150.00"),
    )
    assert (feb.status, mar.status, mar.outstanding) == (
        LineStatus.PAID,
        LineStatus.UNPAID,
        Decimal("150.00"),
    )
    comp.refresh_from_db()
    assert comp.billed_ref.startswith("billing.discount:")


def test_only_cashiers_carry_compensations_out(community, agent, waived):
    with pytest.raises(PermissionDenied):
        compensations_apply(community=community, actor=agent)


def test_the_discounts_page_lists_pending_compensations_and_applies_them(
    client, community, finance, house, waived
):
    property_fee(community)
    client.force_login(finance)
    page = client.get("/billing/discounts/").content.decode()
    assert "工单补偿待入账" in page
    assert "免除一个月物业费" in page
    # nothing billed yet: it waits, and says why
    response = client.post("/billing/compensations/apply/", {"community": community.pk})
    assert [str(m) for m in get_messages(response.wsgi_request)._queued_messages] == [
        "1 笔补偿暂未入账：该房屋未缴的物业费不足，出账后自动入账"
    ]
    # the next run carries it out
    bill_month(community, finance, 2026, 1)
    page = client.get("/billing/discounts/?status=approved").content.decode()
    assert "工单补偿待入账" not in page
    assert "楼上漏水处理不及时" in page


def test_api_applies_compensations(
    client, community, finance, house, waived, monkeypatch
):
    # given January billed by a run that stopped before its after-run step
    import anju.billing.services as services

    property_fee(community)
    monkeypatch.setattr(services, "after_run", lambda **kw: services.AfterRun())
    bill_month(community, finance, 2026, 1)
    monkeypatch.undo()
    assert DiscountLine.objects.count() == 0
    # when a cashier applies the compensations
    client.force_login(finance)
    response = client.post(
        "/api/v1/billing/compensations/apply/",
        {"community": community.pk},
        content_type="application/json",
    )
    # then the compensation is carried out on January
    assert response.json() == {
        "community": community.pk,
        "applied": [waived.pk],
        "waiting": [],
        "total": "300.00",
    }
    assert BillLine.objects.get(house=house).status == LineStatus.PAID
