"""Amounts in Chinese capital numerals (大写金额) for receipts: 3600.00 → 叁仟陆佰元整."""

from __future__ import annotations

from decimal import Decimal

from anju.core.money import money

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ["", "拾", "佰", "仟"]
BIG_UNITS = ["", "万", "亿", "万亿"]


def _group(n: int) -> str:
    """0 < n < 10000 → 壹仟零伍 (inner zeros collapse to one 零; trailing zeros vanish)."""
    out = []
    zero = False
    for pos in range(3, -1, -1):
        d = n // 10**pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[d] + SMALL_UNITS[pos])
    return "".join(out)


def _integer(n: int) -> str:
    if n == 0:
        return ""
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    if len(groups) > len(BIG_UNITS):
        raise ValueError("amount too large")
    out = []
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        g = groups[index]
        if g == 0:
            pending_zero = bool(out)
            continue
        # A gap of zeros before a group, or a group below 1000 after a higher one, reads 零.
        if out and (pending_zero or g < 1000):
            out.append("零")
        out.append(_group(g) + BIG_UNITS[index])
        pending_zero = False
    return "".join(out)


def amount_in_chinese_capitals(amount: Decimal) -> str:
    """大写金额 as written on receipts and cheques.

    3600.00 → 叁仟陆佰元整; 1234.56 → 壹仟贰佰叁拾肆元伍角陆分; 0.05 → 伍分;
    10005.00 → 壹万零伍元整; 0 → 零元整; negative amounts read 负….
    """
    value = money(amount)
    if value < 0:
        return "负" + amount_in_chinese_capitals(-value)
    fen_total = int(value * 100)
    yuan, fen_part = divmod(fen_total, 100)
    jiao, fen = divmod(fen_part, 10)
    head = _integer(yuan)
    if not head and not fen_part:
        return "零元整"
    out = head + "元" if head else ""
    if jiao:
        out += DIGITS[jiao] + "角"
    elif head and fen:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    else:
        out += "整"
    return out
