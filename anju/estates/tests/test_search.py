"""house_search: every query kind, scoping, and an owner of several houses."""

from __future__ import annotations

import pytest

from anju.estates.selectors import house_search
from anju.estates.tests.factories import (
    HouseFactory,
    HouseResidentFactory,
    PersonFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def _numbers(qs) -> list[str]:
    return [h.number for h in qs]


@pytest.fixture
def street(community, house):
    """3-2-1201 (the fixture house), 3-2-1202, 3-2-1301 and 3-1-1201 in one community."""
    unit = house.unit
    other_unit = UnitFactory(building=house.building, community=community, number="1")
    HouseFactory(unit=unit, room="1202")
    HouseFactory(unit=unit, room="1301")
    HouseFactory(unit=other_unit, room="1201")
    return house


def test_exact_house_number_finds_that_house(supervisor, street):
    # given four houses in building 3
    # when
    result = house_search(user=supervisor, q="3-2-1201")
    # then
    assert _numbers(result) == ["3-2-1201"]


def test_house_number_prefix_finds_the_floor(supervisor, street):
    # when
    result = house_search(user=supervisor, q="3-2-12")
    # then
    assert _numbers(result) == ["3-2-1201", "3-2-1202"]


def test_owner_name_prefix_finds_the_owners_houses(supervisor, street, owner_person):
    # given 张三 owns 3-2-1201 and 张三丰 owns 3-2-1301, 李四 owns 3-2-1202
    house_1301 = street.unit.houses.get(room="1301")
    house_1202 = street.unit.houses.get(room="1202")
    HouseResidentFactory(
        house=house_1301,
        person=PersonFactory(company=owner_person.company, name="张三丰"),
    )
    HouseResidentFactory(
        house=house_1202,
        person=PersonFactory(company=owner_person.company, name="李四"),
    )
    # when
    result = house_search(user=supervisor, q="张三")
    # then
    assert _numbers(result) == ["3-2-1201", "3-2-1301"]


def test_pinyin_initials_and_full_pinyin(supervisor, owner_person):
    # given 张三 owns 3-2-1201
    # when
    by_initials = house_search(user=supervisor, q="ZS")
    by_pinyin = house_search(user=supervisor, q="zhangs")
    nothing = house_search(user=supervisor, q="ls")
    # then
    assert _numbers(by_initials) == ["3-2-1201"]
    assert _numbers(by_pinyin) == ["3-2-1201"]
    assert _numbers(nothing) == []


def test_phone_tail_finds_the_house(supervisor, owner_person):
    # given 张三 13812341234 owns 3-2-1201
    # when
    result = house_search(user=supervisor, q="1234")
    miss = house_search(user=supervisor, q="9999")
    # then
    assert _numbers(result) == ["3-2-1201"]
    assert _numbers(miss) == []


def test_owner_of_two_houses_yields_both(supervisor, street, owner_person):
    # given 张三 also owns 3-1-1201
    second = street.building.houses.get(number="3-1-1201")
    HouseResidentFactory(house=second, person=owner_person, is_primary=False)
    # when
    by_name = house_search(user=supervisor, q="张三")
    by_tail = house_search(user=supervisor, q="1234")
    # then
    assert _numbers(by_name) == ["3-1-1201", "3-2-1201"]
    assert _numbers(by_tail) == ["3-1-1201", "3-2-1201"]


def test_search_is_limited_to_the_users_communities(
    supervisor, outsider, other_community, owner_person
):
    # given 张三 of the other community owns 3-2-1201 there as well
    there = HouseFactory(
        unit__building__community=other_community,
        unit__building__number="3",
        unit__number="2",
        room="1201",
    )
    HouseResidentFactory(
        house=there, person=PersonFactory(company=there.community.company, name="张三")
    )
    # when
    mine = house_search(user=supervisor, q="3-2-1201")
    theirs = house_search(user=outsider, q="张三")
    # then
    assert [h.community_id for h in mine] == [
        owner_person.residencies.get().house.community_id
    ]
    assert [h.pk for h in theirs] == [there.pk]


def test_active_community_narrows_the_search(
    supervisor, community, other_community, house
):
    # given the supervisor works in both communities, each with a 3-2-1201
    supervisor.communities.add(other_community)
    HouseFactory(
        unit__building__community=other_community,
        unit__building__number="3",
        unit__number="2",
        room="1201",
    )
    # when
    everywhere = house_search(user=supervisor, q="3-2-1201")
    here = house_search(user=supervisor, q="3-2-1201", community_id=community.pk)
    # then
    assert len(everywhere) == 2
    assert [h.pk for h in here] == [house.pk]


def test_ended_residency_is_not_found(supervisor, owner_person):
    # given 张三 moved out
    owner_person.residencies.update(active=False)
    # when
    result = house_search(user=supervisor, q="张三")
    # then
    assert _numbers(result) == []


def test_search_stops_at_the_limit(supervisor, street):
    # when
    result = house_search(user=supervisor, q="3-", limit=3)
    # then
    assert len(result) == 3


def test_roles_without_estates_view_find_nothing(community, house):
    from anju.accounts.choices import Role
    from anju.accounts.tests.factories import StaffFactory

    # given a cleaner in the same community
    cleaner = StaffFactory(role=Role.CLEANER, communities=[community])
    # when
    result = house_search(user=cleaner, q="3-2-1201")
    # then
    assert list(result) == []


def test_owner_account_finds_only_own_houses(owner, street):
    # when
    result = house_search(user=owner, q="3-2")
    # then
    assert _numbers(result) == ["3-2-1201"]
