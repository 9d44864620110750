"""预缴: prepaying months of the property fee, with prepayment incentives (预缴优惠).

A prepayment of N months bills those months at once — one line per month and
property-fee item (area-based), computed exactly as a billing run would (the community's
cycle, proration, the vacant-house rate, the price in force on each month's start) — in
a bill of its own, and settles them with the money. Billing runs leave those months'
property fee to it (`_Biller.prepaid`); the one-periodic-line-per-period index keeps a
run or a second prepayment from billing a month twice.

An incentive (`PrepaymentIncentive`) is configured per community by a manager
(`billing.approve`): at least `min_months` months → `percent` % off, or the last
`free_months` months free. Its discounts are explicit `DiscountLine`s of kind
`prepayment`, approved by the policy: `approved_by` is the manager who configured it and
`incentive` the policy. Worked examples: 12 × 300.00 = 3,600.00 at 5 % → 180.00 off
(15.00 on each month), 3,420.00 to pay; one month free → 300.00 off (the twelfth month),
3,300.00 to pay.

- At the counter: `prepayment_record` bills the months, applies the incentive and takes
  the money (net) against those lines, with an idempotency key like any payment.
- Online: the order's amount is the plan's net, its incentive kept on the order; when the
  provider's callback records the payment (as credit), `prepayment_settle_online` bills
  the months and sets that payment's credit against them. If that is impossible (the
  months were billed meanwhile) the money stays credit, never a refused callback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from anju.core import audit
from anju.core.errors import ApplicationError, Conflict, ValidationFailed
from anju.core.models import AuditAction
from anju.core.money import money
from anju.estates.choices import Occupancy
from anju.estates.models import Community, House

from .choices import (
    Cycle,
    DiscountKind,
    DiscountStatus,
    FeeKind,
    IncentiveKind,
    LineKind,
    LineStatus,
    PrepaymentSource,
)
from .models import (
    ZERO,
    Bill,
    BillLine,
    DiscountLine,
    FeeItem,
    Payment,
    Prepayment,
    PrepaymentIncentive,
)
from .periods import Charge, add_months, anchored_charge, month_end, natural_charge
from .services import (
    HUNDRED,
    ONE,
    PriceBook,
    _credit_apply,
    _require,
    due_date_for,
    line_amount,
    payment_record_authorized,
    policy_for,
)

log = logging.getLogger("anju.billing.online")

MAX_MONTHS = 24
CENT = Decimal("0.01")
# Look this many months past the first unbilled one for months a house can be billed
# (a house delivered later has none before its delivery).
SEARCH_MONTHS = 36


class _Auto:
    """The incentive in force today (as opposed to a given one, or None: none)."""


AUTO = _Auto()


class PrepaymentUnavailable(ValidationFailed):
    """该房屋暂无物业费单价，不能预缴，请联系物业服务中心。"""

    code = "billing_prepay_unavailable"


# --- incentives ------------------------------------------------------------------------


def incentive_for(
    community_id: int, months: int, on: date | None = None
) -> PrepaymentIncentive | None:
    """The incentive a prepayment of `months` months gets on `on`: of those in force
    whose threshold it reaches, the highest threshold (the newest on a tie)."""
    day = on or timezone.localdate()
    return (
        PrepaymentIncentive.objects.filter(
            community_id=community_id,
            min_months__lte=months,
            valid_from__lte=day,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("approved_by")
        .order_by("-min_months", "-valid_from", "-id")
        .first()
    )


def prepayment_incentive_create(
    *,
    community: Community,
    actor: Any,
    name: str,
    min_months: int,
    kind: str,
    valid_from: date,
    percent: Decimal | str | None = None,
    free_months: int | None = None,
    valid_to: date | None = None,
) -> PrepaymentIncentive:
    """A prepayment incentive of the community, approved by its author (a manager):
    every discount it grants is recorded as approved by them through this policy."""
    _require(actor, "billing.approve", community.pk)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = ["请填写名称"]
    if not isinstance(min_months, int) or not 1 <= min_months <= MAX_MONTHS:
        errors["min_months"] = [f"须为1至{MAX_MONTHS}的整数"]
    pct = None
    if kind == IncentiveKind.PERCENT:
        try:
            pct = Decimal(str(percent))
        except Exception:  # noqa: BLE001 - any unparsable input is a field error
            pct = None
        if pct is None or not pct.is_finite() or not 0 < pct < 100:
            errors["percent"] = ["优惠比例须大于0且小于100"]
        elif pct != pct.quantize(CENT):
            errors["percent"] = ["优惠比例最多两位小数"]
        free_months = None
    elif kind == IncentiveKind.FREE_MONTHS:
        if (
            not isinstance(free_months, int)
            or free_months < 1
            or (isinstance(min_months, int) and free_months >= min_months)
        ):
            errors["free_months"] = ["免收月数须至少1个月且少于起享月数"]
    else:
        errors["kind"] = ["优惠方式无效"]
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = ["截止日期不能早于生效日期"]
    if errors:
        raise ValidationFailed(
            "预缴优惠设置有误", code="incentive_invalid", fields=errors
        )
    with transaction.atomic():
        incentive = PrepaymentIncentive.objects.create(
            community=community,
            name=name[:50],
            min_months=min_months,
            kind=kind,
            percent=pct,
            free_months=free_months,
            valid_from=valid_from,
            valid_to=valid_to,
            approved_by=actor,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=incentive,
            changes=audit.diff({}, audit.snapshot(incentive)),
        )
    return incentive


def prepayment_incentive_end(
    *, incentive: PrepaymentIncentive, actor: Any, valid_to: date
) -> PrepaymentIncentive:
    """End an incentive on `valid_to` (its last day); discounts it granted stay."""
    _require(actor, "billing.approve", incentive.community_id)
    with transaction.atomic():
        locked = PrepaymentIncentive.objects.select_for_update().get(pk=incentive.pk)
        if valid_to < locked.valid_from:
            raise ValidationFailed(
                "截止日期不能早于生效日期",
                code="incentive_invalid",
                fields={"valid_to": ["截止日期不能早于生效日期"]},
            )
        before = locked.valid_to
        locked.valid_to = valid_to
        locked.save(update_fields=["valid_to"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={
                "valid_to": [before.isoformat() if before else None, str(valid_to)]
            },
        )
    return locked


# --- the plan --------------------------------------------------------------------------


@dataclass
class PlanLine:
    item: FeeItem
    charge: Charge
    quantity: Decimal
    unit_price: Decimal
    rate: Decimal
    amount: Decimal
    discount: Decimal = ZERO


@dataclass
class PrepaymentPlan:
    """What a prepayment of N months bills, and what the owner pays."""

    house: House
    months: int
    lines: list[PlanLine] = field(default_factory=list)
    incentive: PrepaymentIncentive | None = None

    @property
    def gross(self) -> Decimal:
        return sum((x.amount for x in self.lines), ZERO)

    @property
    def discount(self) -> Decimal:
        return sum((x.discount for x in self.lines), ZERO)

    @property
    def net(self) -> Decimal:
        return self.gross - self.discount

    @property
    def period_start(self) -> date:
        return self.lines[0].charge.start

    @property
    def period_end(self) -> date:
        return self.lines[-1].charge.end

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(x.item.name for x in self.lines))


def percent_shares(amounts: list[Decimal], percent: Decimal) -> list[Decimal]:
    """`percent` % of each amount, adding up to money(total × percent / 100) exactly:
    each share rounded down to the fen, the fen left over going to the largest
    remainders (the later line on a tie). 12 × 300.00 at 5 % → 12 × 15.00 = 180.00."""
    total = money(sum(amounts, ZERO) * percent / HUNDRED)
    exact = [a * percent / HUNDRED for a in amounts]
    shares = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    left = int((total - sum(shares, ZERO)) / CENT)
    order = sorted(
        range(len(amounts)), key=lambda i: (exact[i] - shares[i], i), reverse=True
    )
    for i in order[:left]:
        shares[i] += CENT
    return shares


def _first_month(house: House, items: list[FeeItem], today: date) -> date:
    """The first month no periodic property-fee line covers yet, this month at the
    earliest."""
    last = BillLine.objects.filter(
        house=house, fee_item__in=items, kind=LineKind.PERIODIC
    ).aggregate(end=Max("period_end"))["end"]
    first = today.replace(day=1)
    if last is not None:
        after = last + timedelta(days=1)
        first = max(first, after.replace(day=1))
    return first


def prepayment_plan(
    house: House,
    months: int,
    *,
    on: date | None = None,
    incentive: PrepaymentIncentive | None | _Auto = AUTO,
) -> PrepaymentPlan:
    """The next `months` unbilled months of the house's property fee (from this month
    on), priced as a run would, with the incentive in force (or the one given)."""
    if not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise ValidationFailed(
            f"预缴月数须在1至{MAX_MONTHS}之间",
            code="billing_prepay_months_invalid",
            fields={"months": [f"须在1至{MAX_MONTHS}之间"]},
        )
    today = on or timezone.localdate()
    items = list(
        FeeItem.objects.filter(
            community_id=house.community_id, active=True, kind=FeeKind.AREA_BASED
        ).order_by("code")
    )
    if not items or house.occupancy == Occupancy.UNSOLD:
        raise PrepaymentUnavailable()
    policy = policy_for(house.community)
    charge_of = (
        anchored_charge if policy.cycle == Cycle.DELIVERY_ANCHORED else natural_charge
    )
    pct = policy.vacant_discount_percent
    rate = (
        (HUNDRED - pct) / HUNDRED
        if pct and house.occupancy == Occupancy.VACANT
        else ONE
    )
    book = PriceBook(house.community)
    plan = PrepaymentPlan(house=house, months=months)
    first = _first_month(house, items, today)
    counted = 0
    for step in range(SEARCH_MONTHS + months):
        if counted == months:
            break
        y, m = add_months(first.year, first.month, step)
        start = date(y, m, 1)
        charge = charge_of(start, month_end(start), house.delivery_date)
        if charge is None:
            continue
        month_lines = []
        for item in items:
            price = book.price(item.pk, house.usage, charge.start)
            if price is None:
                continue
            amount = line_amount(
                unit_price=price,
                quantity=house.building_area,
                months=charge.months,
                days=charge.days,
                month_days=charge.month_days,
                rate=rate,
            )
            month_lines.append(
                PlanLine(item, charge, house.building_area, price, rate, amount)
            )
        if month_lines:
            plan.lines += month_lines
            counted += 1
    if not plan.lines:
        raise PrepaymentUnavailable()
    chosen = (
        incentive_for(house.community_id, months, today)
        if isinstance(incentive, _Auto)
        else incentive
    )
    if chosen is not None and counted >= chosen.min_months:
        plan.incentive = chosen
        _discount(plan, chosen)
    return plan


def _discount(plan: PrepaymentPlan, incentive: PrepaymentIncentive) -> None:
    if incentive.kind == IncentiveKind.PERCENT:
        shares = percent_shares([x.amount for x in plan.lines], incentive.percent)
        for line, share in zip(plan.lines, shares, strict=True):
            line.discount = share
        return
    starts = sorted({x.charge.start for x in plan.lines})
    free = set(starts[-incentive.free_months :])
    for line in plan.lines:
        if line.charge.start in free:
            line.discount = line.amount


# --- writing it --------------------------------------------------------------------------


def prepayment_create(
    *,
    house: House,
    months: int,
    actor: Any,
    source: str,
    incentive: PrepaymentIncentive | None | _Auto = AUTO,
) -> Prepayment:
    """Bill the months of a prepayment (and its incentive's discounts) in a bill of
    their own. Runs in the caller's transaction with the house row locked, so two
    prepayments of a house serialise; a month billed meanwhile (by a run) is
    `billing_prepay_conflict`."""
    house = (
        House.objects.select_for_update().select_related("community").get(pk=house.pk)
    )
    plan = prepayment_plan(house, months, incentive=incentive)
    policy = policy_for(house.community)
    now = timezone.now()
    try:
        with transaction.atomic():
            bill = Bill.objects.create(
                community_id=house.community_id,
                house=house,
                period_start=plan.period_start,
                period_end=plan.period_end,
                total=plan.gross,
                discount_total=plan.discount,
                created_at=now,
            )
            lines = BillLine.objects.bulk_create(
                [
                    BillLine(
                        bill=bill,
                        house=house,
                        fee_item=x.item,
                        kind=LineKind.PERIODIC,
                        description=(
                            f"{x.item.name} {x.charge.start:%Y-%m-%d}~"
                            f"{x.charge.end:%Y-%m-%d}（预缴）"
                        ),
                        period_start=x.charge.start,
                        period_end=x.charge.end,
                        quantity=x.quantity,
                        unit_price=x.unit_price,
                        months=x.charge.months,
                        days=x.charge.days,
                        month_days=x.charge.month_days,
                        rate=x.rate,
                        amount=x.amount,
                        discount_amount=x.discount,
                        due_date=due_date_for(policy, x.charge.start),
                        created_at=now,
                    )
                    for x in plan.lines
                ]
            )
    except IntegrityError as exc:
        raise Conflict(
            "所选月份已出账，请刷新后重试", code="billing_prepay_conflict"
        ) from exc
    incentive_used = plan.incentive
    if incentive_used is not None:
        reason = f"{incentive_used.describe()}（{incentive_used.name}）"
        DiscountLine.objects.bulk_create(
            [
                DiscountLine(
                    community_id=house.community_id,
                    line=line,
                    kind=DiscountKind.PREPAYMENT,
                    amount=x.discount,
                    reason=reason[:200],
                    status=DiscountStatus.APPROVED,
                    approved_by_id=incentive_used.approved_by_id,
                    approved_at=now,
                    incentive=incentive_used,
                    created_by=actor,
                    created_at=now,
                )
                for line, x in zip(lines, plan.lines, strict=True)
                if x.discount > 0
            ]
        )
        # Fully discounted lines (a free month) owe nothing: paid by the discount.
        BillLine.objects.filter(
            pk__in=[line.pk for line in lines if line.amount == line.discount_amount]
        ).update(status=LineStatus.PAID)
    prepayment = Prepayment.objects.create(
        community_id=house.community_id,
        house=house,
        bill=bill,
        months=plan.months,
        period_start=plan.period_start,
        period_end=plan.period_end,
        gross=plan.gross,
        discount=plan.discount,
        net=plan.net,
        incentive=incentive_used,
        source=source,
        created_by=actor,
        created_at=now,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=prepayment,
        changes={
            "months": [None, plan.months],
            "period": [None, f"{plan.period_start}~{plan.period_end}"],
            "gross": [None, str(plan.gross)],
            "discount": [None, str(plan.discount)],
            "net": [None, str(plan.net)],
            "incentive": [None, incentive_used.pk if incentive_used else None],
            "approved_by": [
                None,
                incentive_used.approved_by_id if incentive_used else None,
            ],
        },
    )
    return prepayment


def _replayed(existing: Payment, house: House) -> Prepayment:
    prepayment = Prepayment.objects.filter(payment=existing).first()
    if prepayment is None or prepayment.house_id != house.pk:
        raise Conflict(
            "该幂等键已用于另一笔收款", code="payment_idempotency_key_reused"
        )
    return prepayment


def prepayment_record(
    *,
    house: House,
    months: int,
    channel: str,
    idempotency_key: str,
    actor: Any,
) -> Prepayment:
    """预缴 at the counter: bill the next `months` months of the property fee with the
    incentive in force and take the money (the net amount) against them, with one
    receipt. The same idempotency key again returns the first prepayment."""
    _require(actor, "billing.change", house.community_id)
    key = (idempotency_key or "").strip()
    company_id = house.community.company_id
    existing = Payment.objects.filter(
        company_id=company_id, idempotency_key=key
    ).first()
    if existing is not None:
        return _replayed(existing, house)
    with transaction.atomic():
        # Lock the house first; a concurrent twin with the same key finds the first
        # payment once it may go on.
        House.objects.select_for_update().get(pk=house.pk)
        existing = Payment.objects.filter(
            company_id=company_id, idempotency_key=key
        ).first()
        if existing is not None:
            return _replayed(existing, house)
        prepayment = prepayment_create(
            house=house, months=months, actor=actor, source=PrepaymentSource.COUNTER
        )
        line_ids = list(
            BillLine.objects.filter(
                bill_id=prepayment.bill_id, status=LineStatus.UNPAID
            ).values_list("pk", flat=True)
        )
        payment = payment_record_authorized(
            community=house.community,
            house=house,
            amount=prepayment.net,
            channel=channel,
            idempotency_key=key,
            actor=actor,
            line_ids=line_ids,
        )
        prepayment.payment = payment
        prepayment.save(update_fields=["payment"])
    return prepayment


def prepayment_settle_online(
    *, house: House, months: int, payment: Payment, incentive: Any, actor: Any
) -> Prepayment | None:
    """After an online prepayment's payment was recorded (as credit): bill the months
    with the incentive quoted on the order and set the payment's credit against them.
    Nothing is written (the money stays credit, applied after the next run) when that
    cannot be done; the caller's callback still succeeds."""
    try:
        with transaction.atomic():
            prepayment = prepayment_create(
                house=house,
                months=months,
                actor=actor,
                source=PrepaymentSource.PORTAL,
                incentive=incentive,
            )
            prepayment.payment = payment
            prepayment.save(update_fields=["payment"])
            lines = list(
                BillLine.objects.filter(bill_id=prepayment.bill_id).values_list(
                    "pk", flat=True
                )
            )
            _credit_apply(
                house=house, actor=actor, line_ids=lines, payment_ids=[payment.pk]
            )
    except ApplicationError as exc:
        log.warning(
            "online_prepayment_kept_as_credit code=%s payment=%s", exc.code, payment.pk
        )
        return None
    return prepayment
