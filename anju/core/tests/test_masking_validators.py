import pytest

from anju.core.masking import mask_id_number, mask_phone
from anju.core.validators import id_check_digit, is_id_number, is_mobile


def test_phone_is_masked_to_first_three_and_last_four():
    assert mask_phone("13812341234") == "138****1234"


def test_id_number_keeps_region_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("11010519491231002X", True),  # GB 11643 sample
        ("110105194912310021", False),  # wrong check digit
        ("11010519491331002X", False),  # month 13
        ("1101051949123100", False),  # too short
    ],
)
def test_id_number_check_digit(value, ok):
    assert is_id_number(value) is ok


def test_check_digit_computation():
    assert id_check_digit("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("13812341234", True),
        ("+86 138-1234-1234", True),
        ("12812341234", False),
        ("1381234", False),
    ],
)
def test_mainland_mobile(value, ok):
    assert is_mobile(value) is ok
