"""Billing set-ups: a property fee at a price, houses delivered on given days."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from anju.billing.choices import FeeKind
from anju.billing.models import FeeItem, PricePlan


def fee_item(
    community: Any,
    *,
    code: str = "wyf",
    name: str = "物业费",
    kind: str = FeeKind.AREA_BASED,
) -> FeeItem:
    return FeeItem.objects.create(community=community, code=code, name=name, kind=kind)


def price(
    item: FeeItem,
    unit_price: str,
    effective_from: date = date(2020, 1, 1),
    usage: str = "",
) -> PricePlan:
    return PricePlan.objects.create(
        fee_item=item,
        unit_price=Decimal(unit_price),
        effective_from=effective_from,
        usage=usage,
    )


def property_fee(community: Any, unit_price: str = "2.50") -> FeeItem:
    """物业费 at `unit_price` 元/m²/月 for every usage since 2020."""
    item = fee_item(community)
    price(item, unit_price)
    return item
