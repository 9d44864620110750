"""seed_demo: realistic, valid, deterministic demo data that is never duplicated."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anju.accounts.models import User
from anju.core.validators import is_id_number, is_mobile
from anju.estates.models import Community, House, HouseResident, Person, Vehicle

pytestmark = pytest.mark.django_db


def _seed(**kw) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **kw)
    return out.getvalue()


def _counts() -> tuple[int, ...]:
    return (
        Community.objects.count(),
        House.objects.count(),
        Person.objects.count(),
        HouseResident.objects.count(),
        Vehicle.objects.count(),
        User.objects.count(),
    )


def test_seed_builds_the_demo_group_with_valid_people(settings):
    # when
    output = _seed(houses=150)
    # then
    assert list(Community.objects.order_by("pk").values_list("name", flat=True)) == [
        "绿水苑",
        "青山府",
        "金桂园",
        "翠湖天地",
    ]
    assert House.objects.count() == 150
    home = House.objects.get(community__code="lsy", number="3-2-1201")
    assert list(
        home.residents.filter(person__user__isnull=False).values_list(
            "person__name", "person__phone"
        )
    ) == [("张三", "13812341234"), ("刘芳", "13812345678")]
    phones = [p for p in Person.objects.values_list("phone", flat=True) if p]
    assert len(phones) == len(set(phones))
    assert all(is_mobile(p) for p in phones)
    ids = [i for i in Person.objects.values_list("id_number", flat=True) if i]
    assert ids
    assert all(is_id_number(i) for i in ids)
    assert set(House.objects.values_list("usage", flat=True)) == {
        "residential",
        "shop",
        "parking",
        "storage",
    }
    assert House.objects.filter(occupancy="unsold").exists()
    assert Vehicle.objects.filter(plate__startswith="沪").exists()
    assert "13812341234" in output
    assert "supervisor" in output
    for username in ("admin", "agent", "supervisor", "technician", "guard",
                     "finance", "manager", "committee", "13812341234"):  # fmt: skip
        user = User.objects.get(username=username)
        assert user.check_password(settings.ANJU_DEMO_PASSWORD)


def test_seed_twice_never_duplicates():
    # given
    _seed(houses=120)
    before = _counts()
    # when
    quiet = _seed(houses=120, once=True)
    with pytest.raises(CommandError) as refused:
        _seed(houses=120)
    # then
    assert "演示数据已存在，跳过。" in quiet
    assert "不会重复生成" in str(refused.value)
    assert _counts() == before
