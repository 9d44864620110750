"""Split and merge unpaid bill lines before payment, with the history kept.

- **Split** (拆分): one line → several lines (instalments, 分期), each with its own amount
  and due date, in the same bill; the parts add up to the original to the fen.
- **Merge** (合并): several lines of one house and one fee item → one line, in a bill of
  its own; its amount is their sum.

Nothing is deleted or edited in amount: the originals become `superseded` and point at a
`BillLineChange` (`replaced_by`), which the replacements point at too
(`replacement_of`). A bill's total counts its live lines only (not void, not
superseded), so bill totals move with the lines and the house owes exactly as much as
before. Only a line nobody has paid, partly paid or discounted may change
(`billing_line_locked`). One audit event per operation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F, Max

from anju.core import audit
from anju.core.errors import InvalidTransition, ValidationFailed
from anju.core.models import AuditAction

from .choices import LineChangeKind, LineKind, LineStatus
from .models import ZERO, Bill, BillLine, BillLineChange, DiscountLine
from .periods import add_months, anchor_date
from .services import _refresh_bills, _require

CENT = Decimal("0.01")
ONE = Decimal("1")
MAX_PARTS = 60
# Charges may be split or merged; reversal and late-fee lines may not.
ADJUSTABLE_KINDS = (LineKind.PERIODIC, LineKind.ONE_OFF)


class LineLocked(InvalidTransition):
    """已缴费、部分缴费或已减免的明细不能拆分或合并。"""

    code = "billing_line_locked"


def equal_parts(total: Decimal, parts: int) -> list[Decimal]:
    """`total` in `parts` equal parts to the fen, the rounding remainder on the last
    part: 1,000.00 in 3 → 333.33, 333.33, 333.34."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    share = (total / parts).quantize(CENT, rounding=ROUND_DOWN)
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def instalment_due_dates(first: date, parts: int, every_months: int = 1) -> list[date]:
    """Due dates of instalments: `first`, then every `every_months` months on the same
    day (clamped to a month's end: 31 Jan, 28 Feb, 31 Mar …)."""
    out = []
    for i in range(parts):
        y, m = add_months(first.year, first.month, i * every_months)
        out.append(anchor_date(y, m, first.day))
    return out


def adjustable(line: BillLine) -> bool:
    """A charge nobody has paid, partly paid or discounted (and no discount waits for
    approval on it)."""
    return (
        line.kind in ADJUSTABLE_KINDS
        and line.status == LineStatus.UNPAID
        and not line.paid_amount
        and not line.discount_amount
    )


def _check_adjustable(line: BillLine) -> None:
    if not adjustable(line) or DiscountLine.objects.filter(line=line).exists():
        raise LineLocked()


def _money_list(values: Sequence[Any]) -> list[Decimal]:
    out = []
    for raw in values:
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            value = None
        if value is None or not value.is_finite() or value != value.quantize(CENT):
            raise ValidationFailed(
                "金额须为数字，最多两位小数",
                code="billing_split_amount_invalid",
                fields={"amounts": [f"“{raw}”不是有效金额"]},
            )
        if value <= 0:
            raise ValidationFailed(
                "每期金额须大于0",
                code="billing_split_amount_invalid",
                fields={"amounts": ["每期金额须大于0"]},
            )
        out.append(value.quantize(CENT))
    return out


def _late_fees_through(lines: Sequence[BillLine]) -> date | None:
    """The last day late fees were charged on any of `lines` (or inherited by them)."""
    charged = BillLine.objects.filter(
        kind=LineKind.LATE_FEE, late_fee_of__in=[line.pk for line in lines]
    ).aggregate(through=Max("period_end"))["through"]
    days = [d for d in [charged, *(line.late_fees_through for line in lines)] if d]
    return max(days) if days else None


def _replacement(
    original: BillLine,
    *,
    bill_id: int,
    change: BillLineChange,
    amount: Decimal,
    due: date,
    description: str,
    period_start: date,
    period_end: date,
    through: date | None,
) -> BillLine:
    # quantity 1 × unit price = amount, like a one-off charge: the original line keeps
    # the figures it was computed from.
    return BillLine(
        bill_id=bill_id,
        house_id=original.house_id,
        fee_item_id=original.fee_item_id,
        kind=original.kind,
        description=description[:100],
        period_start=period_start,
        period_end=period_end,
        quantity=ONE,
        unit_price=amount,
        months=1,
        amount=amount,
        due_date=due,
        replacement_of=change,
        late_fees_through=through,
    )


def bill_line_split(
    *,
    line: BillLine,
    actor: Any,
    amounts: Sequence[Decimal | str],
    reason: str,
    due_dates: Sequence[date] | None = None,
) -> BillLineChange:
    """Split an unpaid line into parts (e.g. a 3,600.00 year into four 900.00
    instalments), each with its own due date (default: the original's). The parts must
    add up to the line's amount exactly; use `equal_parts` for equal instalments."""
    community_id = line.bill.community_id
    _require(actor, "billing.change", community_id)
    if not (reason or "").strip():
        raise ValidationFailed("请填写拆分原因", fields={"reason": ["请填写拆分原因"]})
    parts = _money_list(amounts)
    if not 2 <= len(parts) <= MAX_PARTS:
        raise ValidationFailed(
            f"须拆分为2至{MAX_PARTS}期",
            code="billing_split_parts_invalid",
            fields={"amounts": [f"须为2至{MAX_PARTS}期"]},
        )
    if due_dates is not None and len(due_dates) != len(parts):
        raise ValidationFailed(
            "到期日个数须与期数相同",
            code="billing_split_due_dates_invalid",
            fields={"due_dates": [f"须为{len(parts)}个日期"]},
        )
    with transaction.atomic():
        line = BillLine.objects.select_for_update().get(pk=line.pk)
        _check_adjustable(line)
        if sum(parts, ZERO) != line.amount:
            raise ValidationFailed(
                "各期金额合计须等于原金额",
                code="billing_split_sum_mismatch",
                fields={"amounts": [f"合计 {sum(parts, ZERO)}，原金额 {line.amount}"]},
            )
        dues = (
            list(due_dates) if due_dates is not None else [line.due_date] * len(parts)
        )
        # Instalments in due-date order: payments settle the earliest first.
        plan = sorted(zip(dues, parts, strict=True), key=lambda p: p[0])
        through = _late_fees_through([line])
        change = BillLineChange.objects.create(
            community_id=community_id,
            house_id=line.house_id,
            kind=LineChangeKind.SPLIT,
            amount=line.amount,
            reason=reason.strip()[:200],
            created_by=actor,
        )
        base = line.description or line.fee_item.name
        new = [
            _replacement(
                line,
                bill_id=line.bill_id,
                change=change,
                amount=amount,
                due=due,
                description=f"{base}（第{i}/{len(plan)}期）",
                period_start=line.period_start,
                period_end=line.period_end,
                through=through,
            )
            for i, (due, amount) in enumerate(plan, start=1)
        ]
        created = BillLine.objects.bulk_create(new)
        line.status = LineStatus.SUPERSEDED
        line.replaced_by = change
        line.save(update_fields=["status", "replaced_by"])
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=change,
            community_id=community_id,
            changes={
                "kind": [None, LineChangeKind.SPLIT],
                "originals": [None, [line.pk]],
                "replacements": [None, [c.pk for c in created]],
                "amounts": [None, [str(c.amount) for c in created]],
                "due_dates": [None, [c.due_date.isoformat() for c in created]],
                "total": [str(line.amount), str(sum(parts, ZERO))],
            },
            reason=reason,
        )
    return change


def bill_lines_merge(
    *,
    lines: Sequence[BillLine],
    actor: Any,
    reason: str,
    due_date: date | None = None,
) -> BillLineChange:
    """Merge unpaid lines of one house and one fee item into one line (in a bill of its
    own, covering their periods), due on `due_date` (default: the earliest of theirs)."""
    ids = sorted({line.pk for line in lines})
    if len(ids) < 2:
        raise ValidationFailed(
            "请至少选择两条明细合并",
            code="billing_merge_lines_invalid",
            fields={"lines": ["请至少选择两条明细"]},
        )
    if not (reason or "").strip():
        raise ValidationFailed("请填写合并原因", fields={"reason": ["请填写合并原因"]})
    first = lines[0]
    community_id = first.bill.community_id
    _require(actor, "billing.change", community_id)
    with transaction.atomic():
        # One lock order for everybody (as payments): oldest first.
        locked = list(
            BillLine.objects.select_for_update()
            .filter(pk__in=ids)
            .select_related("fee_item")
            .order_by("period_start", "id")
        )
        if len(locked) != len(ids):
            raise ValidationFailed("所选明细不存在", code="billing_merge_lines_invalid")
        if (
            len({x.house_id for x in locked}) != 1
            or len({x.fee_item_id for x in locked}) != 1
            or len({x.kind for x in locked}) != 1
        ):
            raise ValidationFailed(
                "只能合并同一房屋、同一收费项目的明细",
                code="billing_merge_lines_invalid",
                fields={"lines": ["须为同一房屋、同一收费项目"]},
            )
        bill_community = set(
            Bill.objects.filter(pk__in={x.bill_id for x in locked}).values_list(
                "community_id", flat=True
            )
        )
        if bill_community != {community_id}:
            raise ValidationFailed(
                "只能合并同一房屋的明细", code="billing_merge_lines_invalid"
            )
        for line in locked:
            _check_adjustable(line)
        total = sum((x.amount for x in locked), ZERO)
        start = min(x.period_start for x in locked)
        end = max(x.period_end for x in locked)
        due = due_date or min(x.due_date for x in locked)
        change = BillLineChange.objects.create(
            community_id=community_id,
            house_id=locked[0].house_id,
            kind=LineChangeKind.MERGE,
            amount=total,
            reason=reason.strip()[:200],
            created_by=actor,
        )
        bill = Bill.objects.create(
            community_id=community_id,
            house_id=locked[0].house_id,
            period_start=start,
            period_end=end,
            total=total,
        )
        merged = _replacement(
            locked[0],
            bill_id=bill.pk,
            change=change,
            amount=total,
            due=due,
            description=(
                f"{locked[0].fee_item.name} {start:%Y-%m-%d}~{end:%Y-%m-%d}"
                f"（{len(locked)}笔合并）"
            ),
            period_start=start,
            period_end=end,
            through=_late_fees_through(locked),
        )
        merged.save()
        per_bill: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for line in locked:
            line.status = LineStatus.SUPERSEDED
            line.replaced_by = change
            line.save(update_fields=["status", "replaced_by"])
            per_bill[line.bill_id] += line.amount
        for bill_id, amount in per_bill.items():
            Bill.objects.filter(pk=bill_id).update(total=F("total") - amount)
        _refresh_bills([*per_bill, bill.pk])
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=change,
            community_id=community_id,
            changes={
                "kind": [None, LineChangeKind.MERGE],
                "originals": [None, [x.pk for x in locked]],
                "replacements": [None, [merged.pk]],
                "amounts": [None, [str(x.amount) for x in locked]],
                "due_dates": [None, [due.isoformat()]],
                "total": [str(total), str(merged.amount)],
            },
            reason=reason,
        )
    return change
