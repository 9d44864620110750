"""Business numbers: format, per-company/year sequences, no duplicates under concurrency."""

import threading

import pytest
from django.db import connection

from anju.core.numbering import next_number
from anju.estates.tests.factories import CompanyFactory


def test_numbers_follow_prefix_year_sequence(db):
    # given
    company = CompanyFactory()
    # when
    first = next_number(company_id=company.pk, prefix="TS", year=2026)
    second = next_number(company_id=company.pk, prefix="TS", year=2026)
    # then
    assert (first, second) == ("TS2026-0001", "TS2026-0002")


def test_each_year_and_company_has_its_own_sequence(db):
    a, b = CompanyFactory(code="a"), CompanyFactory(code="b")
    next_number(company_id=a.pk, prefix="TS", year=2026)
    assert next_number(company_id=a.pk, prefix="TS", year=2027) == "TS2027-0001"
    assert next_number(company_id=b.pk, prefix="TS", year=2026) == "TS2026-0001"
    assert next_number(company_id=a.pk, prefix="BX", year=2026) == "BX2026-0001"


def test_sequence_grows_past_four_digits(db):
    from anju.core.models import Counter

    company = CompanyFactory()
    Counter.objects.create(company=company, key="TS2026", value=9999)
    assert next_number(company_id=company.pk, prefix="TS", year=2026) == "TS2026-10000"


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_never_get_the_same_number():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock concurrency is proven on PostgreSQL (CI runs it)")
    # given
    company = CompanyFactory()
    results: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(25):
                results.append(
                    next_number(company_id=company.pk, prefix="TS", year=2026)
                )
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    # when 8 threads each take 25 numbers at once
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then
    assert errors == []
    assert len(results) == 200
    assert len(set(results)) == 200
    assert max(results) == "TS2026-0200"
