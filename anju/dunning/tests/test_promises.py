"""Contacts and promises: outcomes are logged; a promise that passes unpaid brings the
case back to someone's desk."""

from __future__ import annotations

from datetime import timedelta

import pytest

from anju.accounts.choices import Role
from anju.accounts.tests.factories import StaffFactory
from anju.billing.models import Payment
from anju.billing.refunds import refund_decide, refund_request
from anju.billing.tests.cashier import charge
from anju.billing.tests.cashier import pay as pay_lines
from anju.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from anju.dunning import services
from anju.dunning.choices import (
    Channel,
    ContactStatus,
    DisputeKind,
    EventKind,
    Outcome,
    PromiseStatus,
    Segment,
)
from anju.dunning.models import CaseEvent, Contact
from anju.dunning.scripts import DEFAULT_SCRIPTS

from .conftest import NOW, TODAY
from .factories import at, pay


def promise(case, actor, days=5, amount=None):
    return services.contact_log(
        case=case,
        actor=actor,
        channel=Channel.PHONE,
        outcome=Outcome.PROMISED,
        promised_date=TODAY + timedelta(days=days),
        promised_amount=amount,
        note="业主答应发工资后缴纳",
        now=NOW,
    )


def test_a_promise_records_the_day_and_the_amount_owed(case, finance):
    contact = promise(case, finance)
    case.refresh_from_db()
    assert (contact.promised_date, str(contact.promised_amount)) == (
        TODAY + timedelta(days=5),
        "900.00",
    )
    assert contact.promise_status == PromiseStatus.OPEN
    assert case.hold_until == TODAY + timedelta(days=5)
    event = CaseEvent.objects.get(kind=EventKind.CONTACT)
    assert "电话 · 承诺缴费（2026-06-20 前缴 900.00 元）" in event.note


def test_a_promise_needs_a_day_within_180_days(case, finance):
    for days in (-1, 181):
        with pytest.raises(ValidationFailed) as err:
            promise(case, finance, days=days)
        assert "promised_date" in err.value.fields
    assert Contact.objects.count() == 0


def test_a_kept_promise_closes_quietly(case, finance, arrears_house):
    promise(case, finance, amount="600.00")
    pay(arrears_house, finance, "600.00", "k-1", when=at(TODAY + timedelta(days=3)))
    result = services.promises_check(now=at(TODAY + timedelta(days=6)))
    assert (result.kept, result.broken) == (1, 0)
    case.refresh_from_db()
    assert case.needs_follow_up is False
    assert Contact.objects.get().promise_status == PromiseStatus.KEPT


def test_a_deposit_given_back_does_not_break_a_kept_promise(
    finance, manager, arrears_house
):
    # given a renovation deposit of 2,000.00 paid before the call
    deposit = charge(arrears_house, finance, "2000.00", TODAY, name="装修押金")
    pay_lines(arrears_house, finance, "2000.00", "k-dep", line_ids=[deposit.pk],
              at=at(TODAY, 9))  # fmt: skip
    case = services.case_open(house=arrears_house, actor=finance, now=NOW)
    # and a promise of 600.00, paid in time, while 1,500.00 of the deposit is given back
    promise(case, finance, amount="600.00")
    pay(arrears_house, finance, "600.00", "k-1", when=at(TODAY + timedelta(days=2)))
    refund = refund_decide(
        refund=refund_request(
            actor=finance,
            line=deposit,
            amount="1500.00",
            channel="cash",
            reason="装修验收合格退押金",
        ),
        actor=manager,
        approve=True,
    )
    Payment.objects.filter(pk=refund.refund_payment_id).update(
        received_at=at(TODAY + timedelta(days=3))
    )
    # when the day has passed, the promise was kept: the refund is not a payment
    result = services.promises_check(now=at(TODAY + timedelta(days=6)))
    assert (result.kept, result.broken) == (1, 0)


def test_a_broken_promise_brings_the_case_back_once(case, finance, arrears_house):
    # given a promise to pay 900.00 by 20 June, of which only 100.00 came
    promise(case, finance)
    pay(arrears_house, finance, "100.00", "k-1", when=at(TODAY + timedelta(days=2)))
    # when the day has passed
    later = at(TODAY + timedelta(days=6), 9)
    assert services.promises_check(now=later).broken == 1
    assert services.promises_check(now=later).broken == 0
    # then the case is back: no hold, marked for follow-up, a call for finance
    case.refresh_from_db()
    assert (case.hold_until, case.needs_follow_up) == (None, True)
    follow = Contact.objects.get(status=ContactStatus.PENDING)
    assert (follow.channel, follow.assigned_to) == (Channel.PHONE, finance)
    assert "到期仅收到 100.00 元" in follow.script_text
    assert CaseEvent.objects.filter(kind=EventKind.PROMISE_BROKEN).count() == 1
    # and when the owner is reached again, the follow-up mark goes
    services.contact_record(
        contact=follow, actor=finance, outcome=Outcome.REFUSED, now=later
    )
    case.refresh_from_db()
    assert case.needs_follow_up is False


def test_a_new_promise_replaces_the_earlier_one(case, finance):
    first = promise(case, finance, days=3)
    promise(case, finance, days=10)
    first.refresh_from_db()
    assert first.promise_status == PromiseStatus.REPLACED
    assert services.promises_check(now=at(TODAY + timedelta(days=5))).broken == 0


def test_a_dispute_outcome_needs_its_reason_and_marks_the_case(case, finance):
    with pytest.raises(ValidationFailed):
        services.contact_log(
            case=case,
            actor=finance,
            channel=Channel.VISIT,
            outcome=Outcome.DISPUTED,
            now=NOW,
        )
    services.contact_log(
        case=case,
        actor=finance,
        channel=Channel.VISIT,
        outcome=Outcome.DISPUTED,
        dispute_kind=DisputeKind.HOUSE_QUALITY,
        dispute_reason="卫生间渗水，开发商未维修",
        now=NOW,
    )
    case.refresh_from_db()
    assert (case.disputed, case.dispute_kind) == (True, DisputeKind.HOUSE_QUALITY)


def test_a_task_is_recorded_by_its_assignee_or_by_finance(
    case, community, finance, agent
):
    other = StaffFactory(role=Role.AGENT, username="agent2", communities=[community])
    c = services.campaign_create(
        community=community,
        actor=finance,
        name="长期欠费电话",
        segment=Segment.LONG_OVERDUE,
        channel=Channel.PHONE,
        script=DEFAULT_SCRIPTS[Segment.LONG_OVERDUE],
        assignees=[agent],
    )
    services.campaign_run(campaign=c, actor=finance, now=NOW)
    task = Contact.objects.get(campaign=c)
    # another agent may not record it
    with pytest.raises(PermissionDenied) as err:
        services.contact_record(
            contact=task, actor=other, outcome=Outcome.NO_ANSWER, now=NOW
        )
    assert err.value.code == "dunning_not_assignee"
    # the assignee may, once
    done = services.contact_record(
        contact=task,
        actor=agent,
        outcome=Outcome.WRONG_NUMBER,
        note="空号",
        now=NOW,
    )
    assert (done.status, done.outcome, done.contacted_by) == (
        ContactStatus.DONE,
        Outcome.WRONG_NUMBER,
        agent,
    )
    assert done.window_end == NOW + timedelta(days=30)
    with pytest.raises(InvalidTransition):
        services.contact_record(
            contact=task, actor=finance, outcome=Outcome.REACHED, now=NOW
        )


def test_closing_a_case_cancels_its_pending_tasks(case, finance, arrears_house):
    promise(case, finance)
    pay(arrears_house, finance, "100.00", "k-1", when=at(TODAY + timedelta(days=1)))
    services.promises_check(now=at(TODAY + timedelta(days=6)))
    pay(arrears_house, finance, "800.00", "k-2")
    services.case_close(case=case, actor=finance, reason="paid")
    assert Contact.objects.filter(status=ContactStatus.PENDING).count() == 0
    assert Contact.objects.filter(status=ContactStatus.CANCELLED).count() == 1
