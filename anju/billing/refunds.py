"""退款: money given back to an owner, with a second person's review (退款审批).

A cashier (`billing.change`) asks for a refund; a manager (`billing.approve`) who did not
ask for it approves or rejects it with a note. Nothing is given back before approval,
and nothing is ever deleted: a rejected request stays with its note.

Two things may be refunded:

- **prepayment credit** (`credit`): the part of one payment no bill line took (an
  overpayment, money paid ahead). The refund payment carries the amount as its own
  negative `credit_amount`, so the house's credit balance falls by it and the original
  payment keeps its figures (its 日结 still balances). What refunds gave back of a
  payment is no longer available to `credit_apply` (`services.refunded_credit`).
- **a paid one-off line** (`line`, e.g. 装修押金): the paid line is never edited. A
  negative 退还 line (kind `refund`, `refund_of` → the original) is written in the same
  bill, settled at once by the refund payment's negative allocation; the bill's total
  and paid total both fall by the amount, so the bill stays paid and nobody owes the
  deposit again. Part of a deposit may be kept (deductions): refund less, with the
  reason.

Each refund references the payment whose money goes back (`Payment.refund_of`); money
goes back by cash or bank transfer, or by the original payment's own channel (POS,
WeChat Pay, Alipay). The amount asked for may not exceed what may still be refunded,
counting the other requests waiting for approval; an approval checks again under the
row locks (the credit may have been set against a bill meanwhile). A payment with a
refund can no longer be reversed (`payment_has_refund`).

Lock order, the same as payments, reversals and `credit_apply`: the refund request,
then the original payment, then the line.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from anju.core import audit
from anju.core.errors import (
    Conflict,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from anju.core.models import AuditAction
from anju.core.money import money
from anju.estates.models import House

from .choices import (
    REFUND_ANY_CHANNELS,
    REFUND_ORIGINAL_ONLY_CHANNELS,
    Channel,
    LineKind,
    LineStatus,
    PaymentKind,
    RefundKind,
    RefundStatus,
)
from .models import ZERO, Bill, BillLine, Payment, PaymentAllocation, Refund
from .services import (
    ONE,
    _issue_receipt,
    _refresh_bills,
    _require,
    refunded_credit,
)

__all__ = [
    "RefundOptions",
    "allowed_channels",
    "refund_decide",
    "refund_options",
    "refund_request",
    "refundable_credit",
    "refundable_line",
]


# --- what may be refunded -------------------------------------------------------------


def _is_reversed(payment: Payment) -> bool:
    return Payment.objects.filter(reversal_of=payment).exists()


def refundable_credit(payment: Payment) -> Decimal:
    """The payment's prepayment credit not set against bills nor refunded yet."""
    if payment.kind != PaymentKind.PAYMENT or _is_reversed(payment):
        return ZERO
    left = payment.credit_amount - refunded_credit([payment.pk]).get(payment.pk, ZERO)
    return max(left, ZERO)


def _refunded_on_lines(line_ids: list[int]) -> dict[int, Decimal]:
    """What 退还 lines gave back of each line (positive)."""
    rows = (
        BillLine.objects.filter(kind=LineKind.REFUND, refund_of_id__in=line_ids)
        .values("refund_of_id")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    return {r["refund_of_id"]: -money(r["s"]) for r in rows if r["s"]}


def refundable_line(line: BillLine) -> Decimal:
    """What may still be given back of a paid one-off line: the money received on it
    less what was given back already."""
    if line.kind != LineKind.ONE_OFF or line.status != LineStatus.PAID:
        return ZERO
    left = line.paid_amount - _refunded_on_lines([line.pk]).get(line.pk, ZERO)
    return max(left, ZERO)


def _pending(**filters: Any) -> Decimal:
    total = Refund.objects.filter(status=RefundStatus.REQUESTED, **filters).aggregate(
        s=Sum("amount")
    )["s"]
    return money(total or ZERO)


def _line_payment(line: BillLine) -> Payment | None:
    """The payment whose money a line refund gives back: the latest payment (not
    reversed) that paid something on the line."""
    reversed_ids = Payment.objects.filter(
        house_id=line.house_id, reversal_of__isnull=False
    ).values("reversal_of_id")
    return (
        Payment.objects.filter(
            kind=PaymentKind.PAYMENT, allocations__line=line, allocations__amount__gt=0
        )
        .exclude(pk__in=reversed_ids)
        .order_by("-received_at", "-id")
        .first()
    )


def allowed_channels(payment: Payment) -> list[str]:
    """Cash and bank transfer always; POS, WeChat Pay or Alipay only back to where the
    money came from."""
    out = [str(c) for c in REFUND_ANY_CHANNELS]
    if payment.channel in REFUND_ORIGINAL_ONLY_CHANNELS:
        out.append(payment.channel)
    return out


@dataclass
class RefundOption:
    """One thing of a house that may be refunded now (for the cashier's form)."""

    kind: str
    payment: Payment
    line: BillLine | None
    available: Decimal  # refundable less the requests waiting for approval

    @property
    def value(self) -> str:
        return f"line:{self.line.pk}" if self.line else f"payment:{self.payment.pk}"


@dataclass
class RefundOptions:
    credit: list[RefundOption] = field(default_factory=list)
    lines: list[RefundOption] = field(default_factory=list)

    @property
    def all(self) -> list[RefundOption]:
        return [*self.credit, *self.lines]


def refund_options(house: House) -> RefundOptions:
    """The house's payments holding credit and its paid one-off lines, with what may
    still be asked for (refundable less pending requests). A handful of queries."""
    out = RefundOptions()
    reversed_ids = Payment.objects.filter(
        house=house, reversal_of__isnull=False
    ).values("reversal_of_id")
    payments = list(
        Payment.objects.filter(
            house=house, kind=PaymentKind.PAYMENT, credit_amount__gt=0
        )
        .exclude(pk__in=reversed_ids)
        .select_related("receipt")
        .order_by("received_at", "id")
    )
    pending: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    for row in (
        Refund.objects.filter(house=house, status=RefundStatus.REQUESTED)
        .values("kind", "payment_id", "line_id")
        .annotate(s=Sum("amount"))
        .order_by()
    ):
        key = row["line_id"] if row["kind"] == RefundKind.LINE else row["payment_id"]
        pending[(row["kind"], key)] += money(row["s"] or ZERO)
    refunded = refunded_credit(p.pk for p in payments)
    for p in payments:
        left = p.credit_amount - refunded.get(p.pk, ZERO)
        left -= pending[(RefundKind.CREDIT, p.pk)]
        if left > 0:
            out.credit.append(RefundOption(RefundKind.CREDIT, p, None, left))
    lines = list(
        BillLine.objects.filter(
            house=house, kind=LineKind.ONE_OFF, status=LineStatus.PAID
        )
        .select_related("fee_item")
        .order_by("period_start", "id")
    )
    if lines:
        given = _refunded_on_lines([x.pk for x in lines])
        payers = {
            a.line_id: a.payment
            for a in PaymentAllocation.objects.filter(
                line__in=lines,
                amount__gt=0,
                payment__kind=PaymentKind.PAYMENT,
            )
            .exclude(payment_id__in=reversed_ids)
            .select_related("payment__receipt")
            .order_by("payment__received_at", "payment_id")
        }
        for line in lines:
            left = line.paid_amount - given.get(line.pk, ZERO)
            left -= pending[(RefundKind.LINE, line.pk)]
            if left > 0 and line.pk in payers:
                out.lines.append(
                    RefundOption(RefundKind.LINE, payers[line.pk], line, left)
                )
    return out


# --- request ------------------------------------------------------------------------


def _amount(value: Decimal | str) -> Decimal:
    try:
        out = money(value)
    except (InvalidOperation, TypeError, ValueError):
        out = ZERO
    if out <= 0:
        raise ValidationFailed(
            "退款金额须大于0",
            code="refund_amount_invalid",
            fields={"amount": ["退款金额须大于0"]},
        )
    return out


def _replay(existing: Refund, *, payment: Payment, line: BillLine | None, amount):  # type: ignore[no-untyped-def]
    if (
        existing.payment_id != payment.pk
        or existing.line_id != (line.pk if line else None)
        or existing.amount != amount
    ):
        raise Conflict(
            "该幂等键已用于另一笔退款申请", code="refund_idempotency_key_reused"
        )
    return existing


def refund_request(
    *,
    actor: Any,
    amount: Decimal | str,
    channel: str,
    reason: str,
    payment: Payment | None = None,
    line: BillLine | None = None,
    idempotency_key: str = "",
) -> Refund:
    """申请退款: of a payment's prepayment credit (`payment`) or of a paid one-off line
    (`line`, e.g. a deposit). Nothing is given back until another person approves
    (`refund_decide`). The amount may not exceed what may still be refunded less the
    requests already waiting; the same idempotency key again returns the first
    request."""
    if (payment is None) == (line is None):
        raise ValidationFailed(
            "请选择要退的预收款（原收款）或押金等已缴明细，二者选一",
            code="refund_target_invalid",
            fields={"payment": ["二者选一"], "line": ["二者选一"]},
        )
    community_id = payment.community_id if payment else line.bill.community_id  # type: ignore[union-attr]
    _require(actor, "billing.change", community_id)
    if not (reason or "").strip():
        raise ValidationFailed(
            "请填写退款原因",
            code="refund_reason_required",
            fields={"reason": ["请填写退款原因"]},
        )
    value = _amount(amount)
    if channel not in Channel.values:
        raise ValidationFailed(
            "退款方式无效",
            code="refund_channel_invalid",
            fields={"channel": ["退款方式无效"]},
        )
    key = (idempotency_key or "").strip()
    if len(key) > 80:
        raise ValidationFailed(
            "幂等键过长", fields={"idempotency_key": ["须为1-80个字符"]}
        )
    if line is not None:
        payment = _line_payment(line)
        if payment is None:
            raise InvalidTransition(
                "该明细没有可退的缴费记录", code="refund_not_refundable"
            )
    assert payment is not None
    if key:
        existing = Refund.objects.filter(
            community_id=community_id, idempotency_key=key
        ).first()
        if existing is not None:
            return _replay(existing, payment=payment, line=line, amount=value)
    try:
        with transaction.atomic():
            return _request_locked(
                actor=actor,
                payment=payment,
                line=line,
                value=value,
                channel=channel,
                reason=reason.strip(),
                key=key,
            )
    except IntegrityError:
        existing = (
            Refund.objects.filter(
                community_id=community_id, idempotency_key=key
            ).first()
            if key
            else None
        )
        if existing is None:
            raise
        return _replay(existing, payment=payment, line=line, amount=value)


def _request_locked(
    *,
    actor: Any,
    payment: Payment,
    line: BillLine | None,
    value: Decimal,
    channel: str,
    reason: str,
    key: str,
) -> Refund:
    # The payment (then the line) is locked: two requests at once are checked one
    # after the other, so together they never ask for more than there is.
    original = Payment.objects.select_for_update().get(pk=payment.pk)
    if key:
        existing = Refund.objects.filter(
            community_id=original.community_id, idempotency_key=key
        ).first()
        if existing is not None:
            return _replay(existing, payment=original, line=line, amount=value)
    if line is not None:
        line = BillLine.objects.select_for_update().get(pk=line.pk)
        if line.kind != LineKind.ONE_OFF or line.status != LineStatus.PAID:
            raise InvalidTransition(
                "只有已缴清的押金或一次性费用可以退还", code="refund_not_refundable"
            )
        room = refundable_line(line) - _pending(line=line)
    else:
        if original.kind != PaymentKind.PAYMENT or _is_reversed(original):
            raise InvalidTransition(
                "冲正、退款记录或已冲正的收款不能退款", code="refund_not_refundable"
            )
        room = refundable_credit(original) - _pending(
            payment=original, kind=RefundKind.CREDIT
        )
    if channel not in allowed_channels(original):
        raise ValidationFailed(
            "退款只能以现金、银行转账或原收款渠道退回",
            code="refund_channel_invalid",
            fields={"channel": [f"可选：{'、'.join(allowed_channels(original))}"]},
        )
    if value > room:
        raise ValidationFailed(
            "退款金额超过可退金额（含待审批的退款）",
            code="refund_amount_invalid",
            fields={"amount": [f"须在0.01至{max(room, ZERO)}之间"]},
        )
    refund = Refund.objects.create(
        community_id=original.community_id,
        house_id=original.house_id,
        kind=RefundKind.LINE if line is not None else RefundKind.CREDIT,
        payment=original,
        line=line,
        amount=value,
        channel=channel,
        reason=reason[:200],
        idempotency_key=key,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=refund,
        changes={
            "kind": [None, refund.kind],
            "amount": [None, str(value)],
            "payment": [None, original.pk],
            "line": [None, line.pk if line else None],
            "channel": [None, channel],
            "status": [None, RefundStatus.REQUESTED],
        },
        reason=reason,
    )
    return refund


# --- decision -----------------------------------------------------------------------


def refund_decide(
    *, refund: Refund, actor: Any, approve: bool, note: str = ""
) -> Refund:
    """A manager approves (the money goes back now: refund payment, receipt, 退还 line)
    or rejects (with a note; nothing is written) a requested refund. Nobody reviews
    their own request."""
    _require(actor, "billing.approve", refund.community_id)
    note = (note or "").strip()
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.status != RefundStatus.REQUESTED:
            raise InvalidTransition("该退款申请已审批", code="refund_already_decided")
        if locked.created_by_id == actor.pk:
            raise PermissionDenied(
                "不能审批自己申请的退款", code="refund_self_approval"
            )
        if not approve and not note:
            raise ValidationFailed(
                "驳回须填写审批意见",
                code="refund_note_required",
                fields={"note": ["请填写驳回原因"]},
            )
        before = locked.status
        now = timezone.now()
        if approve:
            _give_back(locked, now=now)
        locked.status = RefundStatus.APPROVED if approve else RefundStatus.REJECTED
        locked.decided_by = actor
        locked.decided_at = now
        locked.decision_note = note[:200]
        locked.save(
            update_fields=[
                "status",
                "decided_by",
                "decided_at",
                "decision_note",
                "refund_payment",
                "refund_line",
            ]
        )
        changes: dict[str, Any] = {"status": [before, locked.status]}
        if approve:
            changes["refund_payment"] = [None, locked.refund_payment_id]
            changes["receipt"] = [None, locked.refund_payment.receipt.number]
            if locked.refund_line_id:
                changes["refund_line"] = [None, locked.refund_line_id]
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            changes=changes,
            reason=note,
        )
    return locked


def _give_back(refund: Refund, *, now: Any) -> None:
    """Write the ledger rows of an approved refund (in the caller's transaction, the
    request locked): the original payment and the line are locked and what may be
    refunded is checked again."""
    original = Payment.objects.select_for_update().get(pk=refund.payment_id)
    value = refund.amount
    line: BillLine | None = None
    if refund.kind == RefundKind.LINE:
        line = BillLine.objects.select_for_update().get(pk=refund.line_id)
        if _is_reversed(original) or line.status != LineStatus.PAID:
            raise InvalidTransition(
                "原收款已冲正或该明细已不是已缴清状态，请驳回",
                code="refund_not_refundable",
            )
        room = refundable_line(line)
    else:
        if _is_reversed(original):
            raise InvalidTransition(
                "原收款已冲正，请驳回", code="refund_not_refundable"
            )
        room = refundable_credit(original)
    if value > room:
        raise InvalidTransition(
            f"可退金额已不足（目前可退 {room}），请驳回后重新申请",
            code="refund_exceeds_refundable",
        )
    payment = Payment.objects.create(
        company_id=original.company_id,
        community_id=original.community_id,
        house_id=original.house_id,
        kind=PaymentKind.REFUND,
        channel=refund.channel,
        amount=-value,
        credit_amount=ZERO if line is not None else -value,
        idempotency_key=f"refund:{refund.pk}",
        # The cashier who asked hands the money back: it leaves their drawer, and the
        # refund is on their 日结 of the day it was approved.
        received_by_id=refund.created_by_id,
        received_at=now,
        refund_of=original,
        reason=refund.reason,
    )
    if line is not None:
        refund_line = BillLine.objects.create(
            bill_id=line.bill_id,
            house_id=line.house_id,
            fee_item_id=line.fee_item_id,
            kind=LineKind.REFUND,
            description=f"退还：{refund.reason}"[:100],
            period_start=line.period_start,
            period_end=line.period_end,
            quantity=ONE,
            unit_price=-value,
            months=1,
            amount=-value,
            paid_amount=-value,
            status=LineStatus.PAID,
            refund_of=line,
            due_date=line.due_date,
            created_at=now,
        )
        PaymentAllocation.objects.create(
            payment=payment, line=refund_line, amount=-value, created_at=now
        )
        Bill.objects.filter(pk=line.bill_id).update(
            total=F("total") - value, paid_total=F("paid_total") - value
        )
        _refresh_bills([line.bill_id])
        refund.refund_line = refund_line
    _issue_receipt(payment)
    refund.refund_payment = payment
