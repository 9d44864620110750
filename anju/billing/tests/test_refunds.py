"""退款 with a second person's review: prepayment credit and deposits given back,
request → approve/reject, no self-approval, amounts bounded (pending requests counted),
the ledger rows on approval, reversals refused afterwards, concurrency on PostgreSQL."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from anju.billing.choices import (
    BillStatus,
    LineKind,
    LineStatus,
    PaymentKind,
    RefundKind,
    RefundStatus,
)
from anju.billing.models import (
    Bill,
    BillLine,
    LedgerDeleteRefused,
    Payment,
    PaymentAllocation,
    Receipt,
    Refund,
)
from anju.billing.refunds import (
    refund_decide,
    refund_options,
    refund_request,
    refundable_credit,
)
from anju.billing.selectors import open_lines
from anju.billing.services import (
    credit_apply,
    house_credit_balance,
    payment_reverse,
)
from anju.billing.settlement import daily_settlement
from anju.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from anju.core.models import AuditEvent

from .cashier import bill_month, charge, local, pay
from .factories import property_fee


@pytest.fixture
def overpaid(community, finance, house):
    """3-2-1201 billed 300.00 for January and paid 800.00 in cash: 500.00 credit."""
    property_fee(community)
    bill_month(community, finance, 2026, 1)
    payment = pay(house, finance, "800.00", "k-over")
    assert house_credit_balance(house) == Decimal("500.00")
    return payment


@pytest.fixture
def deposit(finance, house):
    """A renovation deposit of 2,000.00 charged and paid by bank transfer."""
    line = charge(house, finance, "2000.00", date(2026, 3, 1), name="装修押金")
    payment = pay(house, finance, "2000.00", "k-deposit", "bank_transfer")
    line.refresh_from_db()
    assert line.status == LineStatus.PAID
    return line, payment


def ask(actor, amount, *, payment=None, line=None, channel="cash", **kw):
    return refund_request(
        actor=actor,
        amount=Decimal(amount),
        channel=channel,
        reason=kw.pop("reason", "业主多缴，申请退回"),
        payment=payment,
        line=line,
        **kw,
    )


def test_an_approved_credit_refund_is_a_negative_payment_that_references_the_original(
    finance, manager, house, overpaid
):
    # given the cashier asks to give back 200.00 of the credit in cash
    refund = ask(finance, "200.00", payment=overpaid)
    # then nothing is given back yet
    assert (refund.status, refund.kind) == (RefundStatus.REQUESTED, RefundKind.CREDIT)
    assert house_credit_balance(house) == Decimal("500.00")
    assert Payment.objects.filter(kind=PaymentKind.REFUND).count() == 0
    # when the manager approves it
    refund = refund_decide(refund=refund, actor=manager, approve=True, note="同意")
    # then a negative refund payment references the original, with its own receipt
    out = refund.refund_payment
    assert (out.kind, out.amount, out.credit_amount, out.refund_of) == (
        PaymentKind.REFUND,
        Decimal("-200.00"),
        Decimal("-200.00"),
        overpaid,
    )
    assert (out.channel, out.received_by, out.reason) == (
        "cash",
        finance,
        "业主多缴，申请退回",
    )
    receipt = Receipt.objects.get(payment=out)
    assert (receipt.amount, receipt.amount_in_words) == (
        Decimal("-200.00"),
        "负贰佰元整",
    )
    assert receipt.number.startswith("SJ")
    # and the credit falls by it; the original keeps its figures
    assert house_credit_balance(house) == Decimal("300.00")
    overpaid.refresh_from_db()
    assert (overpaid.amount, overpaid.credit_amount) == (
        Decimal("800.00"),
        Decimal("500.00"),
    )
    assert refundable_credit(overpaid) == Decimal("300.00")
    # and the request says who decided, when, and why
    refund.refresh_from_db()
    assert (refund.status, refund.decided_by, refund.decision_note) == (
        RefundStatus.APPROVED,
        manager,
        "同意",
    )
    assert refund.decided_at is not None
    # and both steps are audited
    events = AuditEvent.objects.filter(object_type="billing.refund").order_by("id")
    assert [(e.action, e.actor_id) for e in events] == [
        ("create", finance.pk),
        ("update", manager.pk),
    ]
    assert events[1].changes["receipt"] == [None, receipt.number]


def test_nobody_approves_their_own_request(manager, house, overpaid):
    # given the manager asked for a refund themselves
    refund = ask(manager, "100.00", payment=overpaid)
    # when they try to approve it
    with pytest.raises(PermissionDenied) as caught:
        refund_decide(refund=refund, actor=manager, approve=True)
    # then it is refused and nothing is given back
    assert caught.value.code == "refund_self_approval"
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REQUESTED
    assert house_credit_balance(house) == Decimal("500.00")
    assert Payment.objects.filter(kind=PaymentKind.REFUND).count() == 0


def test_a_refund_above_the_credit_is_refused_and_nothing_saved(
    finance, house, overpaid
):
    with pytest.raises(ValidationFailed) as caught:
        ask(finance, "500.01", payment=overpaid)
    assert caught.value.code == "refund_amount_invalid"
    assert caught.value.fields == {"amount": ["须在0.01至500.00之间"]}
    assert Refund.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="billing.refund").exists()


@pytest.mark.parametrize("amount", ["0", "-5.00", "abc"])
def test_a_refund_of_nothing_is_refused(finance, overpaid, amount):
    with pytest.raises(ValidationFailed) as caught:
        refund_request(
            actor=finance,
            amount=amount,
            channel="cash",
            reason="退款",
            payment=overpaid,
        )
    assert caught.value.code == "refund_amount_invalid"
    assert Refund.objects.count() == 0


def test_a_reason_is_required(finance, overpaid):
    with pytest.raises(ValidationFailed) as caught:
        ask(finance, "100.00", payment=overpaid, reason="  ")
    assert caught.value.code == "refund_reason_required"
    assert Refund.objects.count() == 0


def test_two_pending_requests_cannot_together_exceed_the_credit(
    finance, house, overpaid
):
    # given 300.00 asked for and waiting
    ask(finance, "300.00", payment=overpaid)
    # when another 300.00 is asked for the same credit
    with pytest.raises(ValidationFailed) as caught:
        ask(finance, "300.00", payment=overpaid)
    # then it is refused: only 200.00 is left to ask for
    assert caught.value.code == "refund_amount_invalid"
    assert caught.value.fields == {"amount": ["须在0.01至200.00之间"]}
    # and 200.00 may still be asked for; the cashier's form offers nothing more
    ask(finance, "200.00", payment=overpaid)
    assert Refund.objects.count() == 2
    assert refund_options(house).credit == []


def test_a_rejected_request_stays_with_its_note_and_the_ledger_is_untouched(
    finance, manager, house, overpaid
):
    refund = ask(finance, "200.00", payment=overpaid)
    payments, receipts = Payment.objects.count(), Receipt.objects.count()
    # a rejection needs a note
    with pytest.raises(ValidationFailed) as caught:
        refund_decide(refund=refund, actor=manager, approve=False, note="")
    assert caught.value.code == "refund_note_required"
    # when the manager rejects it with a reason
    refund = refund_decide(
        refund=refund, actor=manager, approve=False, note="业主已同意转下年物业费"
    )
    # then it is kept, rejected, with the note; nothing is written to the ledger
    refund.refresh_from_db()
    assert (refund.status, refund.decided_by, refund.decision_note) == (
        RefundStatus.REJECTED,
        manager,
        "业主已同意转下年物业费",
    )
    assert refund.refund_payment is None
    assert (Payment.objects.count(), Receipt.objects.count()) == (payments, receipts)
    assert house_credit_balance(house) == Decimal("500.00")
    # and its amount may be asked for again
    assert refund_options(house).credit[0].available == Decimal("500.00")


def test_a_decided_request_cannot_be_decided_again(finance, manager, overpaid):
    refund = ask(finance, "200.00", payment=overpaid)
    refund_decide(refund=refund, actor=manager, approve=True)
    with pytest.raises(InvalidTransition) as caught:
        refund_decide(refund=refund, actor=manager, approve=True)
    assert caught.value.code == "refund_already_decided"
    assert Payment.objects.filter(kind=PaymentKind.REFUND).count() == 1


def test_a_cashier_cannot_approve_and_an_agent_cannot_ask(agent, finance, overpaid):
    refund = ask(finance, "200.00", payment=overpaid)
    with pytest.raises(PermissionDenied) as caught:
        refund_decide(refund=refund, actor=finance, approve=True)
    assert caught.value.code == "billing_permission_denied"
    with pytest.raises(PermissionDenied):
        ask(agent, "100.00", payment=overpaid)
    assert Refund.objects.count() == 1


def test_staff_of_another_community_cannot_ask(outsider, overpaid):
    with pytest.raises(NotFound):
        ask(outsider, "100.00", payment=overpaid)
    assert Refund.objects.count() == 0


def test_an_approval_checks_again_when_the_credit_was_spent_meanwhile(
    community, finance, manager, house, overpaid
):
    # given 500.00 asked for, then February billed: the run sets 300.00 of the credit
    # against it
    refund = ask(finance, "500.00", payment=overpaid)
    bill_month(community, finance, 2026, 2)
    assert house_credit_balance(house) == Decimal("200.00")
    # when the manager approves the request
    with pytest.raises(InvalidTransition) as caught:
        refund_decide(refund=refund, actor=manager, approve=True)
    # then it is refused (reject and ask again) and nothing is given back
    assert caught.value.code == "refund_exceeds_refundable"
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REQUESTED
    assert house_credit_balance(house) == Decimal("200.00")


def test_refunded_credit_is_no_longer_set_against_bills(
    community, finance, manager, house, overpaid
):
    # given 400.00 of the 500.00 credit given back
    refund_decide(
        refund=ask(finance, "400.00", payment=overpaid), actor=manager, approve=True
    )
    # when February (300.00) is billed
    bill_month(community, finance, 2026, 2)
    # then only the 100.00 left settles it, and it owes 200.00
    feb = BillLine.objects.get(house=house, period_start=date(2026, 2, 1))
    assert (feb.paid_amount, feb.status) == (Decimal("100.00"), LineStatus.PARTIAL)
    assert house_credit_balance(house) == Decimal("0.00")
    assert credit_apply(house=house, actor=finance).total == Decimal("0.00")
    # and the original payment still adds up: allocations + credit = amount
    overpaid.refresh_from_db()
    allocated = sum(a.amount for a in overpaid.allocations.all())
    assert allocated + overpaid.credit_amount == overpaid.amount


def test_a_refunded_payment_cannot_be_reversed(finance, manager, house, overpaid):
    refund_decide(
        refund=ask(finance, "100.00", payment=overpaid), actor=manager, approve=True
    )
    with pytest.raises(InvalidTransition) as caught:
        payment_reverse(payment=overpaid, actor=finance, reason="收错")
    assert caught.value.code == "payment_has_refund"
    assert Payment.objects.filter(kind=PaymentKind.REVERSAL).count() == 0


def test_a_refund_cannot_be_reversed_or_refunded(finance, manager, overpaid):
    out = refund_decide(
        refund=ask(finance, "100.00", payment=overpaid), actor=manager, approve=True
    ).refund_payment
    with pytest.raises(InvalidTransition):
        payment_reverse(payment=out, actor=finance, reason="退错")
    with pytest.raises(InvalidTransition) as caught:
        ask(finance, "1.00", payment=out)
    assert caught.value.code == "refund_not_refundable"


def test_a_reversed_payment_cannot_be_refunded(finance, manager, house, overpaid):
    refund = ask(finance, "100.00", payment=overpaid)
    payment_reverse(payment=overpaid, actor=finance, reason="收错房屋")
    # a new request is refused, and the waiting one cannot be approved
    with pytest.raises(InvalidTransition) as caught:
        ask(finance, "100.00", payment=overpaid)
    assert caught.value.code == "refund_not_refundable"
    with pytest.raises(InvalidTransition) as caught:
        refund_decide(refund=refund, actor=manager, approve=True)
    assert caught.value.code == "refund_not_refundable"
    assert house_credit_balance(house) == Decimal("0.00")


def test_money_goes_back_by_cash_transfer_or_its_own_online_channel(
    community, finance, manager, house
):
    # given an overpayment by WeChat Pay
    property_fee(community)
    paid = pay(house, finance, "100.00", "k-wx", "wechat")
    # then it cannot go back by Alipay or POS
    for channel in ("alipay", "pos", "nonsense"):
        with pytest.raises(ValidationFailed) as caught:
            ask(finance, "10.00", payment=paid, channel=channel)
        assert caught.value.code == "refund_channel_invalid"
    # but by WeChat Pay, cash or bank transfer
    for channel in ("wechat", "cash", "bank_transfer"):
        ask(finance, "10.00", payment=paid, channel=channel)
    assert Refund.objects.count() == 3


def test_the_same_key_asks_once(finance, overpaid):
    first = ask(finance, "100.00", payment=overpaid, idempotency_key="ui-1")
    again = ask(finance, "100.00", payment=overpaid, idempotency_key="ui-1")
    assert again.pk == first.pk
    assert Refund.objects.count() == 1
    with pytest.raises(Conflict) as caught:
        ask(finance, "90.00", payment=overpaid, idempotency_key="ui-1")
    assert caught.value.code == "refund_idempotency_key_reused"


def test_payment_or_line_exactly_one(finance, overpaid, deposit):
    line, _payment = deposit
    for kw in ({}, {"payment": overpaid, "line": line}):
        with pytest.raises(ValidationFailed) as caught:
            ask(finance, "1.00", **kw)
        assert caught.value.code == "refund_target_invalid"


def test_a_deposit_is_given_back_by_a_refund_line_and_the_paid_line_is_kept(
    finance, manager, house, deposit
):
    line, paid = deposit
    # given the cashier asks to give back 1,500.00 of the deposit (500.00 kept for
    # damage to the corridor) by bank transfer
    refund = ask(
        finance,
        "1500.00",
        line=line,
        channel="bank_transfer",
        reason="装修验收合格退押金，扣除楼道损坏修复费500元",
    )
    assert (refund.kind, refund.payment, refund.line) == (RefundKind.LINE, paid, line)
    # when the manager approves it
    refund = refund_decide(refund=refund, actor=manager, approve=True)
    # then the paid line is as it was
    line.refresh_from_db()
    assert (line.amount, line.paid_amount, line.status) == (
        Decimal("2000.00"),
        Decimal("2000.00"),
        LineStatus.PAID,
    )
    # and a negative 退还 line in the same bill references it, settled by the refund
    back = refund.refund_line
    assert (back.kind, back.refund_of, back.bill_id, back.fee_item_id) == (
        LineKind.REFUND,
        line,
        line.bill_id,
        line.fee_item_id,
    )
    assert (back.amount, back.paid_amount, back.status) == (
        Decimal("-1500.00"),
        Decimal("-1500.00"),
        LineStatus.PAID,
    )
    out = refund.refund_payment
    assert (out.amount, out.credit_amount, out.refund_of, out.channel) == (
        Decimal("-1500.00"),
        Decimal("0.00"),
        paid,
        "bank_transfer",
    )
    allocation = PaymentAllocation.objects.get(payment=out)
    assert (allocation.line, allocation.amount) == (back, Decimal("-1500.00"))
    # and the bill keeps 500.00, paid; nobody owes the deposit again
    bill = Bill.objects.get(pk=line.bill_id)
    assert (bill.total, bill.paid_total, bill.status) == (
        Decimal("500.00"),
        Decimal("500.00"),
        BillStatus.PAID,
    )
    assert open_lines(house) == []
    assert house_credit_balance(house) == Decimal("0.00")
    # and only the 500.00 kept may still be given back
    with pytest.raises(ValidationFailed) as caught:
        ask(finance, "500.01", line=line)
    assert caught.value.code == "refund_amount_invalid"
    rest = refund_decide(
        refund=ask(finance, "500.00", line=line, reason="修复费未发生，余款退回"),
        actor=manager,
        approve=True,
    )
    bill.refresh_from_db()
    assert (bill.total, bill.paid_total, bill.status) == (
        Decimal("0.00"),
        Decimal("0.00"),
        BillStatus.PAID,
    )
    assert rest.refund_line.amount == Decimal("-500.00")
    assert refund_options(house).lines == []


def test_an_unpaid_or_periodic_line_is_not_refunded(finance, community, house):
    property_fee(community)
    bill_month(community, finance, 2026, 1)
    pay(house, finance, "300.00", "k-jan")
    periodic = BillLine.objects.get(house=house)
    unpaid = charge(house, finance, "2000.00", date(2026, 3, 1), name="装修押金")
    for line in (periodic, unpaid):
        with pytest.raises(InvalidTransition) as caught:
            ask(finance, "100.00", line=line)
        assert caught.value.code == "refund_not_refundable"
    assert Refund.objects.count() == 0


def test_a_payment_whose_deposit_was_given_back_cannot_be_reversed(
    finance, manager, deposit
):
    line, paid = deposit
    refund_decide(
        refund=ask(finance, "2000.00", line=line), actor=manager, approve=True
    )
    with pytest.raises(InvalidTransition) as caught:
        payment_reverse(payment=paid, actor=finance, reason="收错")
    assert caught.value.code == "payment_has_refund"


def test_refunds_cannot_be_deleted(finance, manager, overpaid):
    refund = refund_decide(
        refund=ask(finance, "100.00", payment=overpaid), actor=manager, approve=True
    )
    with pytest.raises(LedgerDeleteRefused):
        refund.delete()
    with pytest.raises(LedgerDeleteRefused):
        Refund.objects.all().delete()
    with pytest.raises(LedgerDeleteRefused):
        refund.refund_payment.delete()
    assert Refund.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_approvals_never_refund_more_than_the_credit(
    community, finance, manager, house
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "row-lock concurrency is proven on PostgreSQL (SQLite has no row locks)"
        )
    # given 1,000.00 of credit and twenty requests of 50.00 each (1,000.00 in all)
    property_fee(community)
    paid = pay(house, finance, "1000.00", "k-credit")
    requests = [ask(finance, "50.00", payment=paid) for _ in range(20)]
    # and then January and February billed: 600.00 of the credit settles them
    bill_month(community, finance, 2026, 1)
    bill_month(community, finance, 2026, 2)
    assert house_credit_balance(house) == Decimal("400.00")
    outcomes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)

    def worker(refund: Refund) -> None:
        try:
            barrier.wait()
            refund_decide(refund=refund, actor=manager, approve=True)
            outcomes.append("approved")
        except InvalidTransition as exc:
            outcomes.append(exc.code)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    # when a manager approves all twenty at the same moment
    threads = [threading.Thread(target=worker, args=(r,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly the 400.00 left is given back, never more
    assert errors == []
    assert sorted(outcomes) == ["approved"] * 8 + ["refund_exceeds_refundable"] * 12
    refunds = Payment.objects.filter(kind=PaymentKind.REFUND)
    assert refunds.count() == 8
    assert sum(p.amount for p in refunds) == Decimal("-400.00")
    assert house_credit_balance(house) == Decimal("0.00")
    assert Refund.objects.filter(status=RefundStatus.APPROVED).count() == 8
    assert len(set(Receipt.objects.values_list("number", flat=True))) == (
        Receipt.objects.count()
    )


# --- 日结 and finance reports ---------------------------------------------------------


def _approve(refund, manager, at):
    """Approve and date the refund (the approval's own moment is `now`)."""
    refund = refund_decide(refund=refund, actor=manager, approve=True)
    Payment.objects.filter(pk=refund.refund_payment_id).update(received_at=at)
    return refund


DAY = date(2026, 3, 2)


def test_a_refund_is_money_out_on_the_cashiers_settlement(
    community, finance, manager, house, client
):
    # given on 2 March finance takes 800.00 in cash for January's 300.00 (500.00
    # credit), asks to give 200.00 of it back in cash, and the manager approves
    property_fee(community)
    bill_month(community, finance, 2026, 1)
    paid = pay(house, finance, "800.00", "k-1", "cash", at=local(DAY, 9))
    refund = _approve(ask(finance, "200.00", payment=paid), manager, local(DAY, 15))
    # when finance settles the day
    s = daily_settlement(community=community, day=DAY, cashier=finance)
    # then the refund is given back in cash: the drawer holds 600.00
    cash = next(c for c in s.channels if c.channel == "cash")
    assert (cash.receipts, cash.reversals, cash.refunds, cash.net) == (
        Decimal("800.00"),
        Decimal("0.00"),
        Decimal("-200.00"),
        Decimal("600.00"),
    )
    assert (cash.count, cash.refund_count) == (1, 1)
    assert (s.refunds, s.net, s.cash_expected) == (
        Decimal("-200.00"),
        Decimal("600.00"),
        Decimal("600.00"),
    )
    # and its voucher is one of the day's receipts, and the day balances
    voucher = refund.refund_payment.receipt
    assert [r.number for r in s.receipts] == [paid.receipt.number, voucher.number]
    assert s.receipt_count == 2
    assert s.balanced
    # and the manager who approved it has handed nothing out
    assert daily_settlement(community=community, day=DAY, cashier=manager).net == 0
    # and the page and the API say the same
    client.force_login(finance)
    page = client.get(f"/billing/settlement/?community={community.pk}&date={DAY}")
    assert f"退款 原收据 {paid.receipt.number}" in page.content.decode()
    body = client.get(
        f"/api/v1/billing/settlement/?community={community.pk}&date={DAY}"
    ).json()
    assert (body["refunds"], body["cash_expected"]) == ("-200.00", "600.00")
    assert body["receipts"][-1]["refund_of"] == paid.receipt.number


def test_a_deposit_refund_balances_the_settlement_by_its_allocation(
    community, finance, manager, house
):
    line = charge(house, finance, "2000.00", DAY, name="装修押金")
    paid = pay(house, finance, "2000.00", "k-dep", "bank_transfer", at=local(DAY, 9))
    _approve(
        ask(finance, "2000.00", line=line, channel="bank_transfer"),
        manager,
        local(DAY, 16),
    )
    s = daily_settlement(community=community, day=DAY, cashier=finance)
    transfer = next(c for c in s.channels if c.channel == "bank_transfer")
    assert (transfer.receipts, transfer.refunds, transfer.net) == (
        Decimal("2000.00"),
        Decimal("-2000.00"),
        Decimal("0.00"),
    )
    assert (s.payments_total, s.allocated_total, s.credit_total) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert s.balanced
    assert paid.receipt.number == s.first_number


@pytest.fixture
def refunded(community, finance, manager, house):
    """March 2026: the property fee (300.00) and a renovation deposit (2,000.00) are
    billed; 800.00 cash on 10 March pays March and leaves 500.00 credit, the deposit is
    paid by transfer on 12 March. April: 200.00 of the credit is refunded in cash on 3
    April and 1,500.00 of the deposit by transfer on 5 April."""
    property_fee(community)
    bill_month(community, finance, 2026, 3)
    deposit_line = charge(house, finance, "2000.00", date(2026, 3, 1), name="装修押金")
    fee_line = BillLine.objects.get(house=house, kind=LineKind.PERIODIC)
    cash = pay(house, finance, "800.00", "k-cash", "cash", line_ids=[fee_line.pk],
               at=local(date(2026, 3, 10), 9))  # fmt: skip
    pay(house, finance, "2000.00", "k-dep", "bank_transfer",
        line_ids=[deposit_line.pk], at=local(date(2026, 3, 12), 9))  # fmt: skip
    assert house_credit_balance(house) == Decimal("500.00")
    _approve(ask(finance, "200.00", payment=cash), manager, local(date(2026, 4, 3), 9))
    _approve(
        ask(finance, "1500.00", line=deposit_line, channel="bank_transfer"),
        manager,
        local(date(2026, 4, 5), 9),
    )
    return house


def _report(community, user, **period):
    from anju.billing import finance as fin

    return fin.finance_report(
        user=user,
        community=community,
        communities=[community],
        period=fin.period_for(year=2026, **period),
        today=date(2026, 12, 31),
    )


def test_refunds_reduce_the_income_of_the_month_they_are_made_in(
    refunded, community, finance
):
    # March keeps what came in: 2,800.00
    march = _report(community, finance, month=3)
    assert (march.income, march.refunded) == (Decimal("2800.00"), Decimal("0.00"))
    # April's income is what went out: −1,700.00, per channel
    april = _report(community, finance, month=4)
    by = {
        c.channel: (c.received, c.refunded, c.refund_count, c.net)
        for c in april.channels
    }
    assert by["cash"] == (Decimal("0.00"), Decimal("-200.00"), 1, Decimal("-200.00"))
    assert by["bank_transfer"] == (
        Decimal("0.00"),
        Decimal("-1500.00"),
        1,
        Decimal("-1500.00"),
    )
    assert (april.income, april.refunded) == (Decimal("-1700.00"), Decimal("-1700.00"))
    # by fee item: the deposit given back, and (last row) the credit given back
    assert [(f["label"], f["amount"]) for f in april.fee_items] == [
        ("装修押金", Decimal("-1500.00")),
        ("预收款（未冲抵账单）", Decimal("-200.00")),
    ]
    # the year: 1,100.00 kept — 300.00 property fee, 500.00 of the deposit, 300.00
    # credit — and the items add up to the income
    year = _report(community, finance)
    assert year.income == Decimal("1100.00")
    assert sorted((f["label"], f["amount"]) for f in year.fee_items) == [
        ("物业费", Decimal("300.00")),
        ("装修押金", Decimal("500.00")),
        ("预收款（未冲抵账单）", Decimal("300.00")),
    ]
    assert sum(f["amount"] for f in year.fee_items) == year.income
    # and the months' income adds up to the year's
    assert sum((m.income for m in year.months), Decimal("0")) == Decimal("1100.00")


def test_refunds_leave_the_collection_rate_of_the_month_as_it_was(
    refunded, community, finance, client
):
    # March billed 2,300.00 (fee and deposit) and got all of it: giving back the
    # deposit or credit later is money out, not a failure to collect
    march = _report(community, finance, month=3).total
    assert (march.billed, march.collected, march.collection_rate) == (
        Decimal("2300.00"),
        Decimal("2300.00"),
        Decimal("100.0"),
    )
    april = _report(community, finance, month=4).total
    assert (april.billed, april.arrears_start, april.recovered) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    # and the API and the page show the refunds
    client.force_login(finance)
    body = client.get(
        f"/api/v1/billing/finance/?community={community.pk}&year=2026&month=4"
    ).json()
    assert (body["totals"]["refunded"], body["totals"]["net_income"]) == (
        "-1700.00",
        "-1700.00",
    )
    page = client.get(f"/billing/finance/?community={community.pk}&year=2026&month=4")
    assert "-1700.00" in page.content.decode()
