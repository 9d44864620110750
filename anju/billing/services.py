"""Billing writes: price plans, the billing run, discounts, voids, payments, reversals.

Every service is keyword-only with an explicit actor and runs in one transaction; every
status change locks its rows with ``select_for_update`` first. Money is Decimal, each line
is rounded once (ROUND_HALF_UP to 0.01) and totals are sums of rounded lines.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from anju.core import audit, bulk
from anju.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from anju.core.models import AuditAction
from anju.core.money import money
from anju.core.numbering import next_number
from anju.core.orm import prefetched
from anju.estates.choices import Occupancy
from anju.estates.models import Community, House

from .choices import (
    PERIODIC_KINDS,
    RECEIPT_PREFIX,
    RECEIPT_WIDTH,
    BillStatus,
    Channel,
    Cycle,
    DiscountKind,
    DiscountStatus,
    FeeKind,
    LineKind,
    LineStatus,
    PaymentKind,
    RunStatus,
)
from .models import (
    ZERO,
    Bill,
    BillingPolicy,
    BillLine,
    BillRun,
    DiscountLine,
    FeeItem,
    MeterReading,
    Payment,
    PaymentAllocation,
    Prepayment,
    PricePlan,
    Receipt,
)
from .periods import Charge, anchored_charge, days_in_month, natural_charge
from .words import amount_in_chinese_capitals

BATCH_SIZE = 5000
HUNDRED = Decimal("100")
ONE = Decimal("1")


def _require(actor: Any, perm: str, community_id: int) -> None:
    """Staff with `perm` working in the community; anyone else is refused."""
    if community_id not in getattr(actor, "community_ids", lambda: [])():
        raise NotFound("小区不存在或无权访问", code="community_not_found")
    if not actor.has_role_perm(perm):
        raise PermissionDenied("无权执行此操作", code="billing_permission_denied")


def policy_for(community: Community) -> BillingPolicy:
    """The community's billing policy; natural months and no vacant discount by default."""
    policy = BillingPolicy.objects.filter(community=community).first()
    return policy or BillingPolicy(community=community)


def price_plan_create(
    *,
    fee_item: FeeItem,
    unit_price: Decimal | str,
    effective_from: date,
    actor: Any,
    usage: str = "",
) -> PricePlan:
    """A new price from a date on; bills already issued keep their old price."""
    _require(actor, "billing.run", fee_item.community_id)
    price = Decimal(unit_price)
    if price < 0:
        raise ValidationFailed("单价不能为负", fields={"unit_price": ["单价不能为负"]})
    with transaction.atomic():
        plan = PricePlan.objects.create(
            fee_item=fee_item,
            usage=usage,
            unit_price=price,
            effective_from=effective_from,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=plan,
            community_id=fee_item.community_id,
            changes=audit.diff({}, audit.snapshot(plan)),
        )
    return plan


# --- Billing run --------------------------------------------------------------------


class PriceBook:
    """Unit prices of a community's fee items by (item, usage), looked up by date."""

    def __init__(self, community: Community) -> None:
        self._plans: dict[tuple[int, str], tuple[list[date], list[Decimal]]] = {}
        self._cache: dict[tuple[int, str, date], Decimal | None] = {}
        plans = PricePlan.objects.filter(
            fee_item__community=community, fee_item__active=True
        ).order_by("fee_item_id", "usage", "effective_from")
        for plan in plans:
            dates, prices = self._plans.setdefault(
                (plan.fee_item_id, plan.usage), ([], [])
            )
            dates.append(plan.effective_from)
            prices.append(plan.unit_price)

    def price(self, item_id: int, usage: str, on: date) -> Decimal | None:
        """The price in force on `on`: the usage's own plan, else the all-usage plan."""
        key = (item_id, usage, on)
        if key not in self._cache:
            self._cache[key] = self._lookup(item_id, usage, on)
        return self._cache[key]

    def _lookup(self, item_id: int, usage: str, on: date) -> Decimal | None:
        for key in ((item_id, usage), (item_id, "")):
            entry = self._plans.get(key)
            if entry is None:
                continue
            index = bisect.bisect_right(entry[0], on) - 1
            if index >= 0:
                return entry[1][index]
        return None


def line_amount(
    *,
    unit_price: Decimal,
    quantity: Decimal,
    months: int,
    days: int,
    month_days: int,
    rate: Decimal,
) -> Decimal:
    """unit price × quantity × (months + days/month_days) × rate, rounded once."""
    if month_days:
        return money(
            unit_price * quantity * rate * (months * month_days + days) / month_days
        )
    return money(unit_price * quantity * rate * months)


@dataclass
class RunPreview:
    """What a billing run writes (or, for a dry run, would write)."""

    bill_count: int = 0
    line_count: int = 0
    total_amount: Decimal = ZERO
    by_item: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class _Batch:
    bills: list[tuple[Any, ...]] = field(default_factory=list)
    lines: list[tuple[Any, ...]] = field(default_factory=list)
    total: Decimal = ZERO


BILL_COLUMNS = (
    "id",
    "community_id",
    "house_id",
    "run_id",
    "period_start",
    "period_end",
    "total",
    "discount_total",
    "paid_total",
    "status",
    "created_at",
)
LINE_COLUMNS = (
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
)


def due_date_for(policy: BillingPolicy, start: date) -> date:
    """A charge falls due `due_days` after it starts (0: on its first day, prepaid)."""
    return start + timedelta(days=policy.due_days)


class _Biller:
    """Computes the bills of a batch of houses for one run period (no writes)."""

    def __init__(
        self, *, community: Community, period_start: date, period_end: date
    ) -> None:
        self.community = community
        self.period_start = period_start
        self.period_end = period_end
        self.policy = policy_for(community)
        self.charge_of = (
            anchored_charge
            if self.policy.cycle == Cycle.DELIVERY_ANCHORED
            else natural_charge
        )
        self.prices = PriceBook(community)
        items = list(
            FeeItem.objects.filter(community=community, active=True).order_by("code")
        )
        self.periodic = [i for i in items if i.kind in PERIODIC_KINDS]
        self.metered = [i for i in items if i.kind == FeeKind.METERED]
        pct = self.policy.vacant_discount_percent
        self.vacant_rate = (HUNDRED - pct) / HUNDRED if pct else ONE
        self._charges: dict[date | None, Charge | None] = {}
        self._due: dict[date, date] = {}
        self.preview = RunPreview()

    def charge(self, delivered: date | None) -> Charge | None:
        if delivered not in self._charges:
            self._charges[delivered] = self.charge_of(
                self.period_start, self.period_end, delivered
            )
        return self._charges[delivered]

    def due(self, start: date) -> date:
        if start not in self._due:
            self._due[start] = due_date_for(self.policy, start)
        return self._due[start]

    def already_billed(self, low: int, high: int) -> set[int]:
        """Houses of the id range that a run has billed for the period. No community
        filter: the caller tests only its own batch's houses, and without one the
        planner always takes the (house, period_start) index — with one, and
        statistics not yet caught up with a run's inserts, PostgreSQL read every bill of
        the community's period for each batch (a million-house rerun took 99 s)."""
        return set(
            Bill.objects.filter(
                run__isnull=False,
                house_id__gt=low,
                house_id__lte=high,
                period_start__gte=self.period_start,
                period_start__lte=self.period_end,
            ).values_list("house_id", flat=True)
        )

    def prepaid(self, low: int, high: int) -> set[tuple[int, int]]:
        """(house, fee item) pairs whose charge in the run's months a prepayment
        (预缴) already billed: the run leaves them out. One query on the small
        prepayment table, a second only when some overlap."""
        bills = list(
            Prepayment.objects.filter(
                community=self.community,
                house_id__gt=low,
                house_id__lte=high,
                period_start__lte=self.period_end,
                period_end__gte=self.period_start,
            ).values_list("bill_id", flat=True)
        )
        if not bills:
            return set()
        return set(
            BillLine.objects.filter(
                bill_id__in=bills,
                kind=LineKind.PERIODIC,
                period_start__gte=self.period_start,
                period_start__lte=self.period_end,
            ).values_list("house_id", "fee_item_id")
        )

    def meter_usage(
        self, low: int, high: int
    ) -> dict[tuple[int, int], tuple[Decimal, Decimal]]:
        """(house, item) → (consumption, last reading) from the period's last reading."""
        if not self.metered:
            return {}
        readings = MeterReading.objects.filter(
            community=self.community,
            fee_item__in=self.metered,
            house_id__gt=low,
            house_id__lte=high,
            read_on__lte=self.period_end,
        ).order_by("house_id", "fee_item_id", "read_on")
        history: dict[tuple[int, int], list[tuple[date, Decimal]]] = defaultdict(list)
        for house_id, item_id, read_on, value in readings.values_list(
            "house_id", "fee_item_id", "read_on", "reading"
        ):
            history[(house_id, item_id)].append((read_on, value))
        usage = {}
        for key, rows in history.items():
            if len(rows) >= 2 and rows[-1][0] >= self.period_start:
                usage[key] = (rows[-1][1] - rows[-2][1], rows[-1][1])
        return usage

    def batch(
        self,
        houses: Sequence[tuple[int, str, Decimal, str, date | None]],
        *,
        run_id: int | None,
        skip: set[int],
        now: datetime,
    ) -> _Batch:
        out = _Batch()
        if not houses:
            return out
        meters = self.meter_usage(houses[0][0] - 1, houses[-1][0])
        prepaid = self.prepaid(houses[0][0] - 1, houses[-1][0])
        community_id = self.community.pk
        descriptions: dict[tuple[int, date, date], str] = {}
        for house_id, usage, area, occupancy, delivered in houses:
            if house_id in skip or occupancy == Occupancy.UNSOLD:
                continue
            charge = self.charge(delivered)
            if charge is None:
                continue
            lines = []
            bill_total = ZERO
            for item in self.periodic:
                price = self.prices.price(item.pk, usage, charge.start)
                if price is None or (prepaid and (house_id, item.pk) in prepaid):
                    continue
                if item.kind == FeeKind.AREA_BASED:
                    quantity = area
                    rate = self.vacant_rate if occupancy == Occupancy.VACANT else ONE
                else:
                    quantity, rate = ONE, ONE
                amount = line_amount(
                    unit_price=price,
                    quantity=quantity,
                    months=charge.months,
                    days=charge.days,
                    month_days=charge.month_days,
                    rate=rate,
                )
                lines.append(
                    (
                        item,
                        quantity,
                        price,
                        charge.months,
                        charge.days,
                        charge.month_days,
                        rate,
                        amount,
                    )
                )
                bill_total += amount
            for item in self.metered:
                used = meters.get((house_id, item.pk))
                price = self.prices.price(item.pk, usage, charge.start)
                if used is None or price is None:
                    continue
                amount = line_amount(
                    unit_price=price,
                    quantity=used[0],
                    months=1,
                    days=0,
                    month_days=0,
                    rate=ONE,
                )
                lines.append((item, used[0], price, 1, 0, 0, ONE, amount))
                bill_total += amount
            if not lines:
                continue
            out.bills.append(
                (
                    None,
                    community_id,
                    house_id,
                    run_id,
                    charge.start,
                    charge.end,
                    bill_total,
                    ZERO,
                    ZERO,
                    BillStatus.UNPAID,
                    now,
                )
            )
            for item, quantity, price, months, days, mdays, rate, amount in lines:
                key = (item.pk, charge.start, charge.end)
                text = descriptions.get(key)
                if text is None:
                    text = descriptions[key] = (
                        f"{item.name} {charge.start:%Y-%m-%d}~{charge.end:%Y-%m-%d}"
                    )
                out.lines.append(
                    [
                        len(out.bills) - 1,
                        house_id,
                        item.pk,
                        LineKind.PERIODIC,
                        text,
                        charge.start,
                        charge.end,
                        quantity,
                        price,
                        months,
                        days,
                        mdays,
                        rate,
                        amount,
                        ZERO,
                        ZERO,
                        LineStatus.UNPAID,
                        now,
                        self.due(charge.start),
                    ]
                )
                self.preview.by_item[item.code] = (
                    self.preview.by_item.get(item.code, ZERO) + amount
                )
            out.total += bill_total
        self.preview.bill_count += len(out.bills)
        self.preview.line_count += len(out.lines)
        self.preview.total_amount += out.total
        return out


def _write_batch(batch: _Batch) -> None:
    """Insert a batch's bills and lines (bill ids reserved so lines can point at them)."""
    ids = bulk.reserve_ids(Bill, len(batch.bills))
    bills = [(ids[i], *row[1:]) for i, row in enumerate(batch.bills)]
    for line in batch.lines:
        line[0] = ids[line[0]]
    bulk.insert_rows(Bill, BILL_COLUMNS, bills)
    bulk.insert_rows(BillLine, LINE_COLUMNS, (tuple(line) for line in batch.lines))


def _relax_batch_commit() -> None:
    """PostgreSQL: don't wait for the WAL flush at each batch commit.

    Safe because a batch and its checkpoint commit together: a crash can lose only the
    last batches *with* their checkpoint, and the restart redoes them. The run's final
    commit (status completed) is synchronous and flushes everything before it.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL synchronous_commit TO OFF")


def _refresh_statistics() -> None:
    """On PostgreSQL, let the planner see the tables a run reads as they are now (a
    sample, well under a second even for millions of rows). After a bulk import or a
    large run, stale statistics made it page through a community's houses by sorting
    all of them for every batch of 5,000."""
    if connection.vendor != "postgresql":
        return
    tables = [m._meta.db_table for m in (House, Bill, BillLine)]
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _house_rows(community: Community, after: int, limit: int) -> list[tuple[Any, ...]]:
    return list(
        House.objects.filter(community=community, pk__gt=after)
        .order_by("pk")
        .values_list("pk", "usage", "building_area", "occupancy", "delivery_date")[
            :limit
        ]
    )


def _check_period(community: Community, period_start: date, period_end: date) -> None:
    if (
        period_start.day != 1
        or period_end.day != days_in_month(period_end.year, period_end.month)
        or period_end < period_start
    ):
        raise ValidationFailed(
            "账期须从某月1日开始、到某月末结束",
            code="billing_period_invalid",
            fields={"period_start": ["须为月初"], "period_end": ["须为月末"]},
        )
    overlapping = (
        BillRun.objects.filter(
            community=community,
            period_start__lte=period_end,
            period_end__gte=period_start,
        )
        .exclude(period_start=period_start, period_end=period_end)
        .exists()
    )
    if overlapping:
        raise Conflict("该账期与已有计费批次重叠", code="billing_period_overlap")


def bill_run_period(
    *,
    community: Community,
    period_start: date,
    period_end: date,
    actor: Any,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
) -> BillRun | RunPreview:
    """Bill every house of the community for a period, batch by batch.

    Each batch of houses commits in its own transaction together with the run's
    checkpoint, so a crash loses at most the batch in flight and a rerun continues after
    the checkpoint. Houses already billed for the period are skipped and the database
    refuses a second periodic line per (house, fee item, period start): reruns never
    duplicate. A dry run computes the same totals and writes nothing.
    """
    _require(actor, "billing.run", community.pk)
    _check_period(community, period_start, period_end)
    _refresh_statistics()
    biller = _Biller(
        community=community, period_start=period_start, period_end=period_end
    )
    if dry_run:
        after = 0
        while houses := _house_rows(community, after, batch_size):
            after = houses[-1][0]
            skip = biller.already_billed(houses[0][0] - 1, after)
            biller.batch(houses, run_id=None, skip=skip, now=timezone.now())
        return biller.preview

    with transaction.atomic():
        run, created = BillRun.objects.select_for_update().get_or_create(
            community=community,
            period_start=period_start,
            period_end=period_end,
            defaults={"cycle": biller.policy.cycle, "started_by": actor},
        )
        if created:
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=run,
                changes={"period": [None, f"{period_start}~{period_end}"]},
            )
        elif run.status == RunStatus.COMPLETED:
            # A rerun of a finished period: a fresh pass that bills only new houses.
            run.status = RunStatus.RUNNING
            run.checkpoint_house_id = 0
            run.finished_at = None
            run.save(update_fields=["status", "checkpoint_house_id", "finished_at"])

    while True:
        with transaction.atomic():
            run = BillRun.objects.select_for_update().get(pk=run.pk)
            if run.status == RunStatus.COMPLETED:
                break  # another worker finished it meanwhile
            houses = _house_rows(community, run.checkpoint_house_id, batch_size)
            if not houses:
                run.status = RunStatus.COMPLETED
                run.finished_at = timezone.now()
                run.save(update_fields=["status", "finished_at"])
                break
            skip = biller.already_billed(run.checkpoint_house_id, houses[-1][0])
            batch = biller.batch(houses, run_id=run.pk, skip=skip, now=timezone.now())
            _relax_batch_commit()
            _write_batch(batch)
            run.checkpoint_house_id = houses[-1][0]
            run.bill_count += len(batch.bills)
            run.line_count += len(batch.lines)
            run.total_amount += batch.total
            run.save(
                update_fields=[
                    "checkpoint_house_id",
                    "bill_count",
                    "line_count",
                    "total_amount",
                ]
            )
    after_run(community=community, actor=actor)
    return run


# --- Bills: one-off charges, voids, discounts ---------------------------------------


def _by_id(values: dict[int, Any]) -> tuple[str, list[Any]]:
    """`(CASE id WHEN %s THEN %s … END)` and its parameters: one value per row."""
    sql = "(CASE id " + " ".join(["WHEN %s THEN %s"] * len(values)) + " END)"
    return sql, [x for pair in values.items() for x in pair]


def _bill_status(paid: str, paid_params: list[Any]) -> tuple[str, list[Any]]:
    """The status CASE of a bill whose paid total is the expression `paid`. Rounded to
    the cent on both sides, because SQLite does this arithmetic in binary floating
    point (3599.99 + 0.01 must reach 3600.00)."""
    sql = (
        f"CASE WHEN ROUND({paid}, 2) >= ROUND(total - discount_total, 2) THEN %s "
        f"WHEN ROUND({paid}, 2) > 0 THEN %s ELSE %s END"
    )
    params = [
        *paid_params,
        BillStatus.PAID.value,
        *paid_params,
        BillStatus.PARTIAL.value,
        BillStatus.UNPAID.value,
    ]
    return sql, params


def _update_rows(
    model: Any, assignments: str, params: list[Any], ids: list[int]
) -> None:
    """One prepared UPDATE of the rows `ids` of `model`'s table."""
    table = connection.ops.quote_name(model._meta.db_table)
    sql = (
        f"UPDATE {table} SET {assignments} WHERE id IN ({', '.join(['%s'] * len(ids))})"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [*params, *ids])


def _refresh_bills(bill_ids: Iterable[int]) -> None:
    """Recompute bill statuses from their (already updated) totals in one statement."""
    ids = sorted(set(bill_ids))
    if not ids:
        return
    status, params = _bill_status("paid_total", [])
    _update_rows(Bill, f"status = {status}", params, ids)


def _lines_set_paid(lines: list[BillLine]) -> None:
    """Write the new paid amount and status of each line in one prepared statement
    (Django's bulk_update builds a CASE expression per line and field, which cost more
    than recording the rest of the payment)."""
    if not lines:
        return
    paid, paid_params = _by_id({line.pk: line.paid_amount for line in lines})
    state, state_params = _by_id({line.pk: line.status for line in lines})
    _update_rows(
        BillLine,
        f"paid_amount = {paid}, status = {state}",
        [*paid_params, *state_params],
        [line.pk for line in lines],
    )


def _bills_add_paid(deltas: dict[int, Decimal]) -> None:
    """Add what was paid (or taken back) to each bill and set its status from the new
    total, all bills in one prepared statement (the right-hand side reads each row as
    it was)."""
    if not deltas:
        return
    delta, delta_params = _by_id(deltas)
    paid = f"paid_total + {delta}"
    status, status_params = _bill_status(paid, delta_params)
    _update_rows(
        Bill,
        f"paid_total = {paid}, status = {status}",
        [*delta_params, *status_params],
        list(deltas),
    )


def _line_status(line: BillLine) -> str:
    if line.amount - line.discount_amount - line.paid_amount <= 0:
        return LineStatus.PAID
    if line.paid_amount > 0:
        return LineStatus.PARTIAL
    return LineStatus.UNPAID


def one_off_charge_create(
    *,
    house: House,
    fee_item: FeeItem,
    amount: Decimal | str,
    description: str,
    actor: Any,
    charged_on: date | None = None,
) -> BillLine:
    """A one-off charge (deposit, paid service) as its own bill with one line."""
    _require(actor, "billing.change", house.community_id)
    if fee_item.community_id != house.community_id or fee_item.kind != FeeKind.ONE_OFF:
        raise ValidationFailed("收费项目不适用", code="billing_fee_item_invalid")
    value = money(amount)
    if value <= 0:
        raise ValidationFailed("金额须大于0", fields={"amount": ["金额须大于0"]})
    day = charged_on or timezone.localdate()
    with transaction.atomic():
        bill = Bill.objects.create(
            community_id=house.community_id,
            house=house,
            period_start=day,
            period_end=day,
            total=value,
        )
        line = BillLine.objects.create(
            bill=bill,
            house=house,
            fee_item=fee_item,
            kind=LineKind.ONE_OFF,
            description=description[:100] or fee_item.name,
            period_start=day,
            period_end=day,
            quantity=ONE,
            unit_price=value,
            months=1,
            amount=value,
            due_date=due_date_for(policy_for(house.community), day),
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=line,
            community_id=house.community_id,
            changes={"amount": [None, str(value)]},
        )
    return line


def bill_line_void(*, line: BillLine, actor: Any, reason: str) -> BillLine:
    """Void an unpaid line by a negative reversal line that references it."""
    _require(actor, "billing.change", line.bill.community_id)
    if not reason.strip():
        raise ValidationFailed("请填写冲销原因", fields={"reason": ["请填写冲销原因"]})
    with transaction.atomic():
        line = BillLine.objects.select_for_update().get(pk=line.pk)
        if not line.can_change() or line.discount_amount:
            raise InvalidTransition(
                "已缴费或已减免的明细不能冲销，请先冲正收款",
                code="billing_line_locked",
            )
        reversal = BillLine.objects.create(
            bill_id=line.bill_id,
            house_id=line.house_id,
            fee_item_id=line.fee_item_id,
            kind=LineKind.REVERSAL,
            description=f"冲销：{reason}"[:100],
            period_start=line.period_start,
            period_end=line.period_end,
            quantity=line.quantity,
            unit_price=line.unit_price,
            months=line.months,
            days=line.days,
            month_days=line.month_days,
            rate=line.rate,
            amount=-line.amount,
            status=LineStatus.VOID,
            reversal_of=line,
            due_date=line.due_date,
        )
        line.status = LineStatus.VOID
        line.save(update_fields=["status"])
        Bill.objects.filter(pk=line.bill_id).update(total=F("total") - line.amount)
        _refresh_bills([line.bill_id])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=line,
            community_id=line.bill.community_id,
            changes={"status": [LineStatus.UNPAID, LineStatus.VOID]},
            reason=reason,
        )
    return reversal


def discount_grant(
    *,
    line: BillLine,
    amount: Decimal | str,
    kind: str,
    reason: str,
    approved_by: Any,
    actor: Any,
) -> DiscountLine:
    """An explicit, approved reduction of a line (compensation, prepayment incentive)."""
    community_id = line.bill.community_id
    _require(actor, "billing.change", community_id)
    if community_id not in approved_by.community_ids() or not approved_by.has_role_perm(
        "billing.approve"
    ):
        raise PermissionDenied(
            "减免须由有审批权限的人批准", code="discount_approver_required"
        )
    if kind not in DiscountKind.values:
        raise ValidationFailed("减免类型无效", fields={"kind": ["减免类型无效"]})
    if not reason.strip():
        raise ValidationFailed("请填写减免原因", fields={"reason": ["请填写减免原因"]})
    value = money(amount)
    with transaction.atomic():
        line = BillLine.objects.select_for_update().get(pk=line.pk)
        _discountable(line)
        if value <= 0 or value > line.outstanding:
            raise ValidationFailed(
                "减免金额须大于0且不超过欠费",
                fields={"amount": [f"须在0.01至{line.outstanding}之间"]},
            )
        discount = DiscountLine.objects.create(
            community_id=community_id,
            line=line,
            kind=kind,
            amount=value,
            reason=reason[:200],
            status=DiscountStatus.APPROVED,
            approved_by=approved_by,
            approved_at=timezone.now(),
            created_by=actor,
        )
        _apply_discount(line, value)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=discount,
            changes={
                "amount": [None, str(value)],
                "approved_by": [None, approved_by.pk],
            },
            reason=reason,
        )
    return discount


def _apply_discount(line: BillLine, value: Decimal) -> None:
    """Reduce a locked line (and its bill) by an approved discount."""
    line.discount_amount += value
    line.status = _line_status(line)
    line.save(update_fields=["discount_amount", "status"])
    Bill.objects.filter(pk=line.bill_id).update(
        discount_total=F("discount_total") + value
    )
    _refresh_bills([line.bill_id])


def _discountable(line: BillLine) -> None:
    if (
        line.status in (LineStatus.PAID, LineStatus.VOID, LineStatus.SUPERSEDED)
        or line.kind == LineKind.REVERSAL
    ):
        raise InvalidTransition(
            "已缴清、已冲销或已拆分/合并的明细不能减免", code="billing_line_locked"
        )


def discount_request(
    *, line: BillLine, amount: Decimal | str, kind: str, reason: str, actor: Any
) -> DiscountLine:
    """申请减免: a cashier asks for a reduction; the line stays as it is until a manager
    approves (`discount_decide`). Pending requests of a line may not add up to more
    than it owes."""
    community_id = line.bill.community_id
    _require(actor, "billing.change", community_id)
    if kind not in DiscountKind.values:
        raise ValidationFailed("减免类型无效", fields={"kind": ["减免类型无效"]})
    if not (reason or "").strip():
        raise ValidationFailed("请填写减免原因", fields={"reason": ["请填写减免原因"]})
    value = money(amount)
    with transaction.atomic():
        line = BillLine.objects.select_for_update().get(pk=line.pk)
        _discountable(line)
        pending = sum(
            DiscountLine.objects.filter(
                line=line, status=DiscountStatus.REQUESTED
            ).values_list("amount", flat=True),
            ZERO,
        )
        room = line.outstanding - pending
        if value <= 0 or value > room:
            raise ValidationFailed(
                "减免金额须大于0且不超过欠费（含待审批的减免）",
                code="discount_amount_invalid",
                fields={"amount": [f"须在0.01至{max(room, ZERO)}之间"]},
            )
        discount = DiscountLine.objects.create(
            community_id=community_id,
            line=line,
            kind=kind,
            amount=value,
            reason=reason.strip()[:200],
            status=DiscountStatus.REQUESTED,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=discount,
            changes={
                "amount": [None, str(value)],
                "status": [None, DiscountStatus.REQUESTED],
                "line": [None, line.pk],
            },
            reason=reason,
        )
    return discount


def discount_decide(
    *, discount: DiscountLine, actor: Any, approve: bool, note: str = ""
) -> DiscountLine:
    """A manager approves (the line is reduced now) or rejects a requested discount;
    nobody approves their own request."""
    _require(actor, "billing.approve", discount.community_id)
    with transaction.atomic():
        locked = DiscountLine.objects.select_for_update().get(pk=discount.pk)
        if locked.status != DiscountStatus.REQUESTED:
            raise InvalidTransition("该减免已审批", code="discount_already_decided")
        if locked.created_by_id == actor.pk:
            raise PermissionDenied(
                "不能审批自己申请的减免", code="discount_self_approval"
            )
        line = BillLine.objects.select_for_update().get(pk=locked.line_id)
        if approve:
            _discountable(line)
            if locked.amount > line.outstanding:
                raise InvalidTransition(
                    "减免金额超过该明细目前的欠费，请驳回后重新申请",
                    code="discount_exceeds_outstanding",
                )
        before = locked.status
        locked.status = DiscountStatus.APPROVED if approve else DiscountStatus.REJECTED
        locked.approved_by = actor if approve else None
        locked.approved_at = timezone.now()
        locked.decision_note = (note or "").strip()[:200]
        locked.save(
            update_fields=["status", "approved_by", "approved_at", "decision_note"]
        )
        if approve:
            _apply_discount(line, locked.amount)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"status": [before, locked.status]},
            reason=note,
        )
    return locked


def meter_reading_record(
    *,
    house: House,
    fee_item: FeeItem,
    reading: Decimal | str,
    read_on: date,
    actor: Any,
) -> MeterReading:
    """A house's meter reading (anju.billing.meters: never below the one before it nor
    above the one after it, one a day, not in the future)."""
    from .meters import meter_reading_enter

    return meter_reading_enter(
        community=house.community,
        house=house,
        fee_item=fee_item,
        reading=reading,
        read_on=read_on,
        actor=actor,
    )


# --- Payments -------------------------------------------------------------------------


def _issue_receipt(payment: Payment) -> Receipt:
    year = timezone.localtime(payment.received_at).year
    number = next_number(
        company_id=payment.company_id,
        prefix=RECEIPT_PREFIX,
        year=year,
        width=RECEIPT_WIDTH,
    )
    return Receipt.objects.create(
        company_id=payment.company_id,
        community_id=payment.community_id,
        payment=payment,
        number=number,
        amount=payment.amount,
        amount_in_words=amount_in_chinese_capitals(payment.amount),
    )


def _replay(existing: Payment, *, house: House, amount: Decimal) -> Payment:
    """The same idempotency key again: the first payment, if the request matches it
    (marked `replayed`, so an API can answer 200 instead of 201)."""
    if existing.house_id != house.pk or existing.amount != amount:
        raise Conflict(
            "该幂等键已用于另一笔收款", code="payment_idempotency_key_reused"
        )
    existing.replayed = True
    return existing


PAYABLE_FIELDS = (
    "id",
    "bill_id",
    "house_id",
    "amount",
    "discount_amount",
    "paid_amount",
    "status",
    "kind",
    "period_start",
    "due_date",
)


def _payable_lines(house: House, line_ids: Sequence[int] | None) -> list[BillLine]:
    """The house's open lines (or the chosen ones among them), locked, oldest first.

    One lock order for everybody (oldest first) so concurrent payments cannot deadlock.
    Only what allocation reads and writes (and `save` looks at): a house may owe dozens
    of lines, and building whole rows was half the cost of a payment. One prepared
    statement: building the same ORM query on every payment cost a fifth of it."""
    meta = BillLine._meta
    columns = ", ".join(
        connection.ops.quote_name(meta.get_field(name).column)
        for name in PAYABLE_FIELDS
    )
    params: list[Any] = [
        house.pk,
        LineStatus.UNPAID,
        LineStatus.PARTIAL,
        LineKind.REVERSAL,
    ]
    chosen = ""
    if line_ids is not None:
        ids = sorted(set(line_ids))
        if not ids:
            return []
        chosen = f" AND id IN ({', '.join(['%s'] * len(ids))})"
        params.extend(ids)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (
        f"SELECT {columns} FROM {connection.ops.quote_name(meta.db_table)} "
        f"WHERE house_id = %s AND status IN (%s, %s) AND kind <> %s{chosen} "
        f"ORDER BY period_start, id{lock}"
    )
    locked = list(BillLine.objects.raw(sql, params))
    if line_ids is not None and len(locked) != len(set(line_ids)):
        raise ValidationFailed(
            "所选明细不存在、不属于该房屋或已缴清",
            code="billing_line_not_payable",
            fields={"line_ids": ["所选明细不可收款"]},
        )
    return locked


def payment_record(
    *,
    community: Community,
    house: House,
    amount: Decimal | str,
    channel: str,
    idempotency_key: str,
    actor: Any,
    line_ids: Sequence[int] | None = None,
) -> Payment:
    """Take a payment: oldest unpaid lines first (or the chosen lines), partial payments
    allowed, anything left over kept as an explicit prepayment credit; the same
    idempotency key twice returns the first payment and records nothing."""
    _require(actor, "billing.change", community.pk)
    return payment_record_authorized(
        community=community,
        house=house,
        amount=amount,
        channel=channel,
        idempotency_key=idempotency_key,
        actor=actor,
        line_ids=line_ids,
    )


def payment_record_authorized(
    *,
    community: Community,
    house: House,
    amount: Decimal | str,
    channel: str,
    idempotency_key: str,
    actor: Any,
    line_ids: Sequence[int] | None = None,
) -> Payment:
    """`payment_record` for a caller that has authorised the payment itself: a
    verified provider callback (anju.billing.online), whose actor holds no role."""
    if house.community_id != community.pk:
        raise NotFound("房屋不存在或无权访问", code="house_not_found")
    value = money(amount)
    if value <= 0:
        raise ValidationFailed(
            "收款金额须大于0", fields={"amount": ["收款金额须大于0"]}
        )
    if channel not in Channel.values:
        raise ValidationFailed("收款方式无效", fields={"channel": ["收款方式无效"]})
    key = (idempotency_key or "").strip()
    if not key or len(key) > 80:
        raise ValidationFailed(
            "缺少幂等键", fields={"idempotency_key": ["须为1-80个字符"]}
        )
    try:
        with transaction.atomic():
            # The unique key refuses a replay (or makes a concurrent twin wait here,
            # then fail): the first payment is looked up only then, so the usual new
            # payment costs no extra query.
            payment = Payment.objects.create(
                company_id=community.company_id,
                community=community,
                house=house,
                kind=PaymentKind.PAYMENT,
                channel=channel,
                amount=value,
                idempotency_key=key,
                received_by=actor,
            )
            remaining = value
            allocations = []
            touched = []
            bill_delta: dict[int, Decimal] = defaultdict(lambda: ZERO)
            for line in _payable_lines(house, line_ids):
                take = min(remaining, line.outstanding)
                if take <= 0:
                    continue
                allocations.append(
                    PaymentAllocation(payment=payment, line=line, amount=take)
                )
                line.paid_amount += take
                line.status = _line_status(line)
                touched.append(line)
                bill_delta[line.bill_id] += take
                remaining -= take
                if remaining == 0:
                    break
            _lines_set_paid(touched)
            PaymentAllocation.objects.bulk_create(allocations)
            prefetched(payment, "allocations", allocations)
            _bills_add_paid(bill_delta)
            if remaining:
                payment.credit_amount = remaining
                payment.save(update_fields=["credit_amount"])
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=payment,
                changes={"amount": [None, str(value)], "channel": [None, channel]},
            )
            # last: the receipt counter's row stays locked until the commit
            _issue_receipt(payment)
    except IntegrityError:
        existing = Payment.objects.filter(
            company_id=community.company_id, idempotency_key=key
        ).first()
        if existing is None:
            raise
        return _replay(existing, house=house, amount=value)
    return payment


def payment_reverse(*, payment: Payment, actor: Any, reason: str) -> Payment:
    """Reverse a payment: a negative payment whose negative allocations reference the
    original ones; the lines become unpaid again. Nothing is deleted."""
    _require(actor, "billing.change", payment.community_id)
    if not reason.strip():
        raise ValidationFailed("请填写冲正原因", fields={"reason": ["请填写冲正原因"]})
    with transaction.atomic():
        original = Payment.objects.select_for_update().get(pk=payment.pk)
        if original.kind != PaymentKind.PAYMENT:
            raise InvalidTransition(
                "冲正或退款记录不能再冲正", code="payment_invalid_transition"
            )
        if Payment.objects.filter(reversal_of=original).exists():
            raise InvalidTransition("该收款已冲正", code="payment_already_reversed")
        if _has_refund(original):
            # Money already given back would be given back twice.
            raise InvalidTransition(
                "该收款已有退款（或其缴纳的明细已退还），不能冲正",
                code="payment_has_refund",
            )
        reversal = Payment.objects.create(
            company_id=original.company_id,
            community_id=original.community_id,
            house_id=original.house_id,
            kind=PaymentKind.REVERSAL,
            channel=original.channel,
            amount=-original.amount,
            credit_amount=-original.credit_amount,
            idempotency_key=f"reversal:{original.pk}",
            received_by=actor,
            reversal_of=original,
            reason=reason[:200],
        )
        # A line may hold two allocations of one payment: one when it was taken and
        # one set later from its credit (credit_apply).
        allocations: dict[int, list[PaymentAllocation]] = defaultdict(list)
        for a in original.allocations.order_by("id"):
            allocations[a.line_id].append(a)
        lines = (
            BillLine.objects.select_for_update()
            .filter(pk__in=allocations)
            .order_by("period_start", "id")
        )
        undo = []
        bill_delta: dict[int, Decimal] = defaultdict(lambda: ZERO)
        pairs = [(x, a) for x in lines for a in allocations[x.pk]]
        for line, allocation in pairs:
            undo.append(
                PaymentAllocation(
                    payment=reversal,
                    line=line,
                    amount=-allocation.amount,
                    reversal_of=allocation,
                    from_credit=allocation.from_credit,
                )
            )
            line.paid_amount -= allocation.amount
            line.status = _line_status(line)
            line.save(update_fields=["paid_amount", "status"])
            bill_delta[line.bill_id] -= allocation.amount
        PaymentAllocation.objects.bulk_create(undo)
        _bills_add_paid(bill_delta)
        _issue_receipt(reversal)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=reversal,
            changes={
                "reversal_of": [None, original.pk],
                "amount": [None, str(reversal.amount)],
            },
            reason=reason,
        )
    return reversal


def _has_refund(payment: Payment) -> bool:
    """Whether money of this payment was given back: a refund of it, or a 退还 line of
    a line it paid (a deposit paid by two payments is refunded against one)."""
    if Payment.objects.filter(refund_of=payment).exists():
        return True
    paid_lines = PaymentAllocation.objects.filter(payment=payment).values("line_id")
    return BillLine.objects.filter(
        kind=LineKind.REFUND, refund_of_id__in=paid_lines
    ).exists()


def refunded_credit(payment_ids: Iterable[int]) -> dict[int, Decimal]:
    """Prepayment credit already given back, per payment (refunds of its credit): a
    refund row carries it as its own negative credit, the original keeps its figure."""
    from django.db.models import Sum

    rows = (
        Payment.objects.filter(
            kind=PaymentKind.REFUND, refund_of_id__in=list(payment_ids)
        )
        .values("refund_of_id")
        .annotate(s=Sum("credit_amount"))
        .order_by()
    )
    return {r["refund_of_id"]: -money(r["s"]) for r in rows if r["s"]}


def house_credit_balance(house: House) -> Decimal:
    """Prepayment credit the house holds (overpayments less their reversals, less what
    was set against bills since)."""
    from django.db.models import Sum

    total = Payment.objects.filter(house=house).aggregate(s=Sum("credit_amount"))["s"]
    return money(total or ZERO)


# --- Prepayment credit against new bills ---------------------------------------------


@dataclass
class CreditApplied:
    """What one application of credit settled."""

    house_id: int
    total: Decimal = ZERO
    allocations: list[PaymentAllocation] = field(default_factory=list)


def _credit_payments(house_id: int) -> list[Payment]:
    """The house's payments that still hold credit, oldest first, locked. A reversed
    payment's credit is cancelled by its reversal and is left out; what refunds gave
    back of a payment's credit is no longer there (`available_credit`)."""
    reversed_ids = Payment.objects.filter(
        house_id=house_id, reversal_of__isnull=False
    ).values("reversal_of_id")
    payments = list(
        Payment.objects.select_for_update()
        .filter(house_id=house_id, kind=PaymentKind.PAYMENT, credit_amount__gt=0)
        .exclude(pk__in=reversed_ids)
        .order_by("received_at", "id")
    )
    # Read after the locks: a refund approved meanwhile is seen (it locks the
    # payment too, so it either committed before or waits for this transaction).
    refunded = refunded_credit(p.pk for p in payments)
    for p in payments:
        p.available_credit = p.credit_amount - refunded.get(p.pk, ZERO)
    return [p for p in payments if p.available_credit > 0]


def _credit_apply(
    *,
    house: House,
    actor: Any,
    line_ids: Sequence[int] | None = None,
    payment_ids: Sequence[int] | None = None,
) -> CreditApplied:
    """Set the house's credit against its open lines, oldest first (or the lines
    given), from the oldest payment's credit on. Runs in the caller's transaction; the
    payments are locked first, then the lines in the payments' own order, so it cannot
    deadlock with a payment or a reversal."""
    result = CreditApplied(house_id=house.pk)
    payments = _credit_payments(house.pk)
    if payment_ids is not None:
        payments = [p for p in payments if p.pk in set(payment_ids)]
    if not payments:
        return result
    lines = _payable_lines(house, None)
    if line_ids is not None:
        wanted = set(line_ids)
        lines = [line for line in lines if line.pk in wanted]
    bill_delta: dict[int, Decimal] = defaultdict(lambda: ZERO)
    now = timezone.now()
    queue = iter(payments)
    payment: Payment | None = next(queue)
    drawn: dict[int, Payment] = {}
    for line in lines:
        taken = False
        while payment is not None and line.outstanding > 0:
            take = min(payment.available_credit, line.outstanding)
            result.allocations.append(
                PaymentAllocation(
                    payment=payment,
                    line=line,
                    amount=take,
                    from_credit=True,
                    created_at=now,
                )
            )
            payment.credit_amount -= take
            payment.available_credit -= take
            drawn[payment.pk] = payment
            line.paid_amount += take
            bill_delta[line.bill_id] += take
            result.total += take
            taken = True
            if payment.available_credit == 0:
                payment = next(queue, None)
        if taken:
            line.status = _line_status(line)
            line.save(update_fields=["paid_amount", "status"])
        if payment is None:
            break
    for drawn_payment in drawn.values():
        drawn_payment.save(update_fields=["credit_amount"])
    if not result.allocations:
        return result
    PaymentAllocation.objects.bulk_create(result.allocations)
    _bills_add_paid(bill_delta)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="estates.house",
        object_id=str(house.pk),
        community_id=house.community_id,
        changes={
            "credit_applied": [None, str(result.total)],
            "allocations": [
                None,
                [[a.payment_id, a.line_id, str(a.amount)] for a in result.allocations],
            ],
        },
        reason="预收款冲抵账单",
    )
    return result


def credit_apply(
    *, house: House, actor: Any, line_ids: Sequence[int] | None = None
) -> CreditApplied:
    """预收冲抵: set the house's prepayment credit against its open lines, oldest first.
    Idempotent: once the credit or the open lines are used up, it does nothing."""
    _require(actor, "billing.change", house.community_id)
    with transaction.atomic():
        return _credit_apply(house=house, actor=actor, line_ids=line_ids)


def houses_with_credit(community: Community) -> list[int]:
    """Houses of the community holding prepayment credit (one grouped query)."""
    from django.db.models import Sum

    return list(
        Payment.objects.filter(community=community)
        .values("house_id")
        .annotate(credit=Sum("credit_amount"))
        .filter(credit__gt=0)
        .order_by("house_id")
        .values_list("house_id", flat=True)
    )


@dataclass
class AfterRun:
    """What the step after a billing run did."""

    credit_houses: int = 0
    credit_total: Decimal = ZERO
    compensations: int = 0
    compensation_total: Decimal = ZERO


def after_run(*, community: Community, actor: Any) -> AfterRun:
    """The step after a billing run (and after each rerun): carry out the service
    desk's approved compensations on the new lines (anju.billing.compensations), then set
    the houses' prepayment credit against what is left. A separate step, not part of the
    batches: batches stay plain inserts, and a house is locked only for its own short
    transaction."""
    from .compensations import compensations_apply_community

    done = compensations_apply_community(community=community, actor=actor)
    out = credits_apply_community(community=community, actor=actor)
    out.compensations = len(done.applied)
    out.compensation_total = done.total
    return out


def credits_apply_community(*, community: Community, actor: Any) -> AfterRun:
    """After a billing run: each house holding credit, one short transaction each (a
    cashier at the counter waits for one house at most)."""
    out = AfterRun()
    for house_id in houses_with_credit(community):
        with transaction.atomic():
            house = House.objects.get(pk=house_id)
            applied = _credit_apply(house=house, actor=actor)
        if applied.total:
            out.credit_houses += 1
            out.credit_total += applied.total
    return out
