"""大写金额 on receipts: the forms a cashier writes on a 收据 or a cheque."""

from decimal import Decimal

import pytest

from anju.billing.words import amount_in_chinese_capitals


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("3600.00", "叁仟陆佰元整"),
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("0.05", "伍分"),
        ("10005.00", "壹万零伍元整"),
        ("0", "零元整"),
        ("0.50", "伍角整"),
        ("0.56", "伍角陆分"),
        ("1.00", "壹元整"),
        ("10.00", "壹拾元整"),
        ("15.20", "壹拾伍元贰角整"),
        ("100.05", "壹佰元零伍分"),
        ("101.00", "壹佰零壹元整"),
        ("1010.10", "壹仟零壹拾元壹角整"),
        ("20304.05", "贰万零叁佰零肆元零伍分"),
        ("100000.00", "壹拾万元整"),
        ("1001000.00", "壹佰万壹仟元整"),
        ("1000100.00", "壹佰万零壹佰元整"),
        ("12345678.90", "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整"),
        ("100000000.00", "壹亿元整"),
        ("100010000.01", "壹亿零壹万元零壹分"),
        ("300.00", "叁佰元整"),
    ],
)
def test_amount_in_chinese_capitals(amount, words):
    assert amount_in_chinese_capitals(Decimal(amount)) == words


def test_amount_is_rounded_half_up_to_fen_first():
    assert amount_in_chinese_capitals(Decimal("0.125")) == "壹角叁分"


def test_reversal_amounts_read_negative():
    assert amount_in_chinese_capitals(Decimal("-3600.00")) == "负叁仟陆佰元整"


def test_float_is_refused():
    with pytest.raises(TypeError):
        amount_in_chinese_capitals(0.1)  # type: ignore[arg-type]
