"""Money: Decimal only, one rounding rule (ROUND_HALF_UP to 0.01)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField

CENT = Decimal("0.01")
# The output type of a money expression in a query (sums, differences, CASE).
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def money(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must not be float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
