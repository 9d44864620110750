"""滞纳金: late fees on overdue lines, only where the community's contract provides them.

Off by default (`BillingPolicy.late_fee_enabled`). When on, a batch job writes explicit
late-fee lines: for each overdue charge (a periodic or one-off line, never a late fee,
so fees do not compound) the days since it was last assessed are charged on what it
still owes:

    fee = outstanding × daily rate × chargeable days, rounded once (ROUND_HALF_UP)

Chargeable days run from the day after `due date + grace days` (and not before the
policy's start date) to the assessment day. Each assessment is its own line, unique per
(line, assessment day), so running the job twice on a day charges once, and the next
run charges only the days since. With a cap, the late fees of one line never exceed
`cap %` of its principal (amount less discounts). A waived (voided) late fee is not
charged again: its days count as assessed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from anju.core import audit, bulk
from anju.core.errors import InvalidTransition, ValidationFailed
from anju.core.models import AuditAction
from anju.core.money import money
from anju.estates.models import Community

from .choices import (
    LATE_FEE_BASE_KINDS,
    OPEN_LINE_STATUSES,
    BillStatus,
    FeeKind,
    LineKind,
    LineStatus,
)
from .models import ZERO, Bill, BillingPolicy, BillLine, FeeItem
from .services import BILL_COLUMNS, _require, policy_for

LATE_FEE_CODE = "late_fee"
HUNDRED = Decimal("100")
BATCH_SIZE = 2000

LATE_LINE_COLUMNS = (
    "bill_id",
    "house_id",
    "fee_item_id",
    "kind",
    "description",
    "period_start",
    "period_end",
    "quantity",
    "unit_price",
    "months",
    "days",
    "month_days",
    "rate",
    "amount",
    "discount_amount",
    "paid_amount",
    "status",
    "created_at",
    "due_date",
    "late_fee_of_id",
)


class LateFeeDisabled(InvalidTransition):
    """本小区未启用滞纳金（物业服务合同未约定）。"""

    code = "late_fee_disabled"


def late_fee_amount(
    *,
    outstanding: Decimal,
    daily_rate: Decimal,
    days: int,
    principal: Decimal | None = None,
    cap_percent: Decimal | None = None,
    charged: Decimal = ZERO,
) -> Decimal:
    """The late fee for `days` on `outstanding`, rounded once, within the cap.

    1,000.00 × 0.0003 × 30 days = 9.00; with a cap of 5 % of a 1,000.00 principal the
    fees of the line stop at 50.00 in all (`charged` is what earlier runs charged).
    """
    if days <= 0 or outstanding <= 0 or daily_rate <= 0:
        return ZERO
    fee = money(outstanding * daily_rate * days)
    if cap_percent is not None:
        base = outstanding if principal is None else principal
        room = money(base * cap_percent / HUNDRED) - charged
        fee = min(fee, max(room, ZERO))
    return fee


def chargeable_from(
    policy: BillingPolicy, due: date, assessed_through: date | None
) -> date:
    """The last day not (or already) charged: due date + grace, the day before the
    policy's start date, or the day the line was last assessed, whichever is latest."""
    last_free = due + timedelta(days=policy.late_fee_grace_days)
    if policy.late_fee_start_date is not None:
        last_free = max(last_free, policy.late_fee_start_date - timedelta(days=1))
    if assessed_through is not None:
        last_free = max(last_free, assessed_through)
    return last_free


@dataclass
class Assessment:
    """What one run wrote: late-fee lines, the houses billed and the total."""

    community_id: int
    as_of: date
    line_count: int = 0
    house_count: int = 0
    total: Decimal = ZERO
    by_house: dict[int, Decimal] = field(default_factory=dict)


def late_fee_item(community: Community) -> FeeItem:
    """The community's 滞纳金 fee item (created on first use)."""
    item, _created = FeeItem.objects.get_or_create(
        community=community,
        code=LATE_FEE_CODE,
        defaults={"name": "滞纳金", "kind": FeeKind.LATE_FEE},
    )
    return item


def _candidates(community: Community, last_due: date, after: int, limit: int) -> list:
    return list(
        BillLine.objects.filter(
            house__community=community,
            status__in=OPEN_LINE_STATUSES,
            kind__in=LATE_FEE_BASE_KINDS,
            due_date__lt=last_due,
            pk__gt=after,
        )
        .order_by("pk")
        .values(
            "pk",
            "house_id",
            "description",
            "amount",
            "discount_amount",
            "paid_amount",
            "due_date",
            "late_fees_through",
        )[:limit]
    )


def _assessed(line_ids: list[int]) -> dict[int, tuple[date | None, Decimal]]:
    """line → (last day assessed, late fees charged and not waived)."""
    rows = (
        BillLine.objects.filter(kind=LineKind.LATE_FEE, late_fee_of__in=line_ids)
        .values("late_fee_of")
        .annotate(
            through=Max("period_end"),
            charged=Sum("amount", filter=~Q(status=LineStatus.VOID)),
        )
        .values_list("late_fee_of", "through", "charged")
    )
    return {line: (through, charged or ZERO) for line, through, charged in rows}


def late_fees_assess(
    *,
    community: Community,
    as_of: date,
    actor: Any = None,
    batch_size: int = BATCH_SIZE,
) -> Assessment:
    """Charge late fees on the community's overdue lines up to `as_of` (inclusive).

    `actor` None is the scheduled job; a person needs `billing.run` in the community.
    Idempotent per line and day; batches commit one by one under the policy's row lock,
    so two runs at once serialise and a crash loses only the batch in flight.
    """
    if actor is not None:
        _require(actor, "billing.run", community.pk)
    today = timezone.localdate()
    if as_of > today:
        raise ValidationFailed(
            "不能为将来的日期计算滞纳金",
            code="late_fee_date_invalid",
            fields={"as_of": ["不能晚于今天"]},
        )
    policy = policy_for(community)
    if not policy.late_fee_enabled or policy.late_fee_daily_rate <= 0:
        raise LateFeeDisabled()
    item = late_fee_item(community)
    # A line can owe a fee only once due date + grace has passed.
    last_due = as_of - timedelta(days=policy.late_fee_grace_days)
    result = Assessment(community_id=community.pk, as_of=as_of)
    after = 0
    while True:
        with transaction.atomic():
            # Serialise runs of one community (two workers, a double click).
            policy = BillingPolicy.objects.select_for_update().get(pk=policy.pk)
            lines = _candidates(community, last_due, after, batch_size)
            if not lines:
                break
            after = lines[-1]["pk"]
            _write(policy, item, lines, as_of, result)
    if result.line_count:
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=policy,
            community_id=community.pk,
            changes={
                "late_fees": [None, f"{as_of} {result.line_count} {result.total}"]
            },
        )
    return result


def _write(
    policy: BillingPolicy,
    item: FeeItem,
    lines: list[dict[str, Any]],
    as_of: date,
    result: Assessment,
) -> None:
    assessed = _assessed([row["pk"] for row in lines])
    rate = policy.late_fee_daily_rate
    now = timezone.now()
    per_house: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in lines:
        through, charged = assessed.get(row["pk"], (None, ZERO))
        inherited = row["late_fees_through"]  # a split/merge replacement's originals
        if inherited is not None and (through is None or inherited > through):
            through = inherited
        start = chargeable_from(policy, row["due_date"], through)
        days = (as_of - start).days
        principal = row["amount"] - row["discount_amount"]
        outstanding = principal - row["paid_amount"]
        fee = late_fee_amount(
            outstanding=outstanding,
            daily_rate=rate,
            days=days,
            principal=principal,
            cap_percent=policy.late_fee_cap_percent,
            charged=charged,
        )
        if fee <= 0:
            continue
        first = start + timedelta(days=1)
        text = (
            f"滞纳金 {first:%Y-%m-%d}~{as_of:%Y-%m-%d} {days}天：{row['description']}"
        )
        per_house[row["house_id"]].append(
            (
                row["house_id"],
                item.pk,
                LineKind.LATE_FEE,
                text[:100],
                first,
                as_of,
                outstanding,
                rate,
                0,
                days,
                0,
                Decimal("1"),
                fee,
                ZERO,
                ZERO,
                LineStatus.UNPAID,
                now,
                as_of,
                row["pk"],
            )
        )
    if not per_house:
        return
    houses = sorted(per_house)
    ids = bulk.reserve_ids(Bill, len(houses))
    bills = []
    out_lines = []
    for bill_id, house_id in zip(ids, houses, strict=True):
        rows = per_house[house_id]
        total = sum((r[12] for r in rows), ZERO)
        bills.append(
            (
                bill_id,
                policy.community_id,
                house_id,
                None,
                as_of,
                as_of,
                total,
                ZERO,
                ZERO,
                BillStatus.UNPAID,
                now,
            )
        )
        out_lines += [(bill_id, *r) for r in rows]
        result.by_house[house_id] = result.by_house.get(house_id, ZERO) + total
        result.total += total
    bulk.insert_rows(Bill, BILL_COLUMNS, bills, ignore_conflicts=False)
    bulk.insert_rows(BillLine, LATE_LINE_COLUMNS, out_lines, ignore_conflicts=False)
    result.line_count += len(out_lines)
    result.house_count = len(result.by_house)


def late_fee_communities() -> list[Community]:
    """Communities whose policy has late fees on (for the scheduled job)."""
    return list(
        Community.objects.filter(
            billing_policy__late_fee_enabled=True,
            billing_policy__late_fee_daily_rate__gt=0,
        ).order_by("pk")
    )
