from __future__ import annotations

from datetime import date

import pytest

from anju.dunning import services

from .factories import at, owe


@pytest.fixture(autouse=True)
def _faq(fee_faq):
    """Every dunning test sees the shipped fee FAQ, whatever ran before it."""


# A fixed "today" for the service tests: every service takes `now`.
TODAY = date(2026, 6, 15)
NOW = at(TODAY, 10)


@pytest.fixture
def arrears_house(house, owner):
    """张三's 3-2-1201 owes 300.00 a month for March, April and May 2026 (900.00)."""
    for month in (3, 4, 5):
        owe(house, "300.00", date(2026, month, 1))
    return house


@pytest.fixture
def case(arrears_house, finance):
    return services.case_open(house=arrears_house, actor=finance, now=NOW)
