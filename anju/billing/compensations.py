"""Compensations from the service desk (工单补偿) carried out on bills.

A supervisor approves a compensation on a complaint in the service desk (e.g. one month's
property fee waived, DOMAIN §4–5). Billing consumes the approved, unbilled ones
(`anju.servicedesk.services.compensations_for_billing`): each becomes approved discount
lines (kind `compensation`, `approved_by` the supervisor who approved it, `compensation`
→ it) on the house's unpaid property-fee lines, oldest first, and is marked billed once
(`compensation_mark_billed`, `billed_ref` naming the discounts) in the same transaction,
with the compensation row locked — so it is never applied twice.

A compensation is applied whole or not at all: while the house's open property-fee lines
owe less than its amount (a house paid up or prepaid), it waits and is retried after the
next billing run (`after_run`) or from the 减免审批 page; it is not turned into money
(credit), since no money was received.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from anju.core import audit
from anju.core.models import AuditAction
from anju.estates.models import Community

from .choices import OPEN_LINE_STATUSES, DiscountKind, DiscountStatus, FeeKind, LineKind
from .models import ZERO, BillLine, DiscountLine
from .services import _apply_discount, _require


@dataclass
class CompensationsApplied:
    applied: list[Any] = field(default_factory=list)  # compensations carried out
    waiting: list[Any] = field(default_factory=list)  # not enough owed on the house
    total: Decimal = ZERO


def _billed_ref(discounts: list[DiscountLine]) -> str:
    ids = ",".join(str(d.pk) for d in discounts)
    ref = f"billing.discount:{ids}"
    if len(ref) > 60:
        ref = f"billing.discount:{discounts[0].pk}+{len(discounts) - 1}"
    return ref


def _apply_one(compensation_id: int, actor: Any) -> list[DiscountLine] | None:
    """Carry one compensation out (in the caller's transaction); None while the house
    owes less than it on property fee, [] when someone else already did."""
    from anju.servicedesk.choices import CompensationStatus
    from anju.servicedesk.models import Compensation
    from anju.servicedesk.services import compensation_mark_billed

    comp = (
        Compensation.objects.select_for_update(of=("self",))
        .select_related("ticket")
        .get(pk=compensation_id)
    )
    if comp.status != CompensationStatus.APPROVED or comp.billed_ref:
        return []
    lines = list(
        BillLine.objects.select_for_update()
        .filter(
            house_id=comp.house_id,
            status__in=OPEN_LINE_STATUSES,
            fee_item__kind=FeeKind.AREA_BASED,
        )
        .exclude(kind=LineKind.REVERSAL)
        .order_by("period_start", "id")
    )
    if sum((line.outstanding for line in lines), ZERO) < comp.amount:
        return None
    remaining = comp.amount
    now = timezone.now()
    reason = f"工单{comp.ticket.number}补偿：{comp.reason}"[:200]
    discounts = []
    for line in lines:
        take = min(remaining, line.outstanding)
        if take <= 0:
            continue
        discounts.append(
            DiscountLine.objects.create(
                community_id=comp.community_id,
                line=line,
                kind=DiscountKind.COMPENSATION,
                amount=take,
                reason=reason,
                status=DiscountStatus.APPROVED,
                approved_by=comp.decided_by,
                approved_at=comp.decided_at or now,
                compensation=comp,
                created_by=actor or comp.decided_by,
                created_at=now,
            )
        )
        _apply_discount(line, take)
        remaining -= take
        if remaining == 0:
            break
    compensation_mark_billed(compensation=comp, billed_ref=_billed_ref(discounts))
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="servicedesk.compensation",
        object_id=str(comp.pk),
        community_id=comp.community_id,
        changes={
            "billed": [None, str(comp.amount)],
            "discounts": [None, [[d.pk, d.line_id, str(d.amount)] for d in discounts]],
            "approved_by": [None, comp.decided_by_id],
        },
        reason=reason,
    )
    return discounts


def compensations_apply_community(
    *, community: Community, actor: Any = None
) -> CompensationsApplied:
    """Carry out the community's approved, unbilled compensations, oldest approval
    first, one short transaction each. Used after billing runs (`actor` the run's)."""
    from anju.servicedesk.services import compensations_for_billing

    out = CompensationsApplied()
    pending = compensations_for_billing(community_id=community.pk).order_by(
        "decided_at", "pk"
    )
    for comp in list(pending):
        with transaction.atomic():
            discounts = _apply_one(comp.pk, actor)
        if discounts is None:
            out.waiting.append(comp)
        elif discounts:
            out.applied.append(comp)
            out.total += comp.amount
    return out


def compensations_apply(*, community: Community, actor: Any) -> CompensationsApplied:
    """The same, asked for by a cashier (`billing.change`)."""
    _require(actor, "billing.change", community.pk)
    return compensations_apply_community(community=community, actor=actor)
