"""Set-ups for the cashier's side: billed months, charges due on a given day, payments."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from anju.billing.choices import FeeKind
from anju.billing.models import BillingPolicy, BillLine, FeeItem, Payment
from anju.billing.services import bill_run_period, one_off_charge_create, payment_record

from .factories import fee_item

SHANGHAI = ZoneInfo("Asia/Shanghai")


def bill_month(community: Any, actor: Any, year: int, month: int) -> None:
    bill_run_period(
        community=community,
        period_start=date(year, month, 1),
        period_end=date(year, month, calendar.monthrange(year, month)[1]),
        actor=actor,
    )


def charge(
    house: Any, actor: Any, amount: str, due: date, name: str = "有偿服务"
) -> BillLine:
    """A one-off charge of `amount` that falls due on `due` (policy due_days = 0)."""
    item = FeeItem.objects.filter(community=house.community, name=name).first()
    if item is None:
        n = FeeItem.objects.filter(community=house.community).count()
        item = fee_item(
            house.community, code=f"oneoff{n}", name=name, kind=FeeKind.ONE_OFF
        )
    return one_off_charge_create(
        house=house,
        fee_item=item,
        amount=amount,
        description=f"{name} {due:%Y-%m-%d}",
        actor=actor,
        charged_on=due,
    )


def pay(
    house: Any,
    actor: Any,
    amount: str,
    key: str,
    channel: str = "cash",
    at: datetime | None = None,
    **kw: Any,
) -> Payment:
    payment = payment_record(
        community=house.community,
        house=house,
        amount=Decimal(amount),
        channel=channel,
        idempotency_key=key,
        actor=actor,
        **kw,
    )
    if at is not None:
        Payment.objects.filter(pk=payment.pk).update(received_at=at)
        payment.refresh_from_db()
    return payment


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def late_fee_policy(community: Any, **kw: Any) -> BillingPolicy:
    """Late fees on at 0.03 %/day (万分之三); grace, cap and start date as given."""
    values = {"late_fee_enabled": True, "late_fee_daily_rate": Decimal("0.0003")}
    values.update(kw)
    policy, _ = BillingPolicy.objects.update_or_create(
        community=community, defaults=values
    )
    return policy
