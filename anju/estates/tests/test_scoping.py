"""visible_to: staff see their communities, admins their company, owners their houses."""

from anju.estates.models import House, Person
from anju.estates.tests.factories import HouseFactory


def test_staff_sees_only_houses_of_assigned_communities(agent, house, other_community):
    # given a house in another community
    HouseFactory(unit__building__community=other_community)
    # when / then
    assert list(House.objects.visible_to(agent)) == [house]


def test_company_admin_sees_every_community_of_the_company(
    company_admin, house, other_community
):
    other = HouseFactory(unit__building__community=other_community)
    assert set(House.objects.visible_to(company_admin)) == {house, other}


def test_owner_sees_only_own_house(owner, house, community):
    HouseFactory(unit__building__community=community)
    assert list(House.objects.visible_to(owner)) == [house]


def test_person_with_two_houses_in_scope_is_listed_once(agent, owner_person, community):
    from anju.estates.tests.factories import HouseResidentFactory

    HouseResidentFactory(
        house=HouseFactory(unit__building__community=community), person=owner_person
    )
    assert list(Person.objects.visible_to(agent)) == [owner_person]


def test_outsider_sees_nothing(outsider, house, owner_person):
    assert not House.objects.visible_to(outsider).exists()
    assert not Person.objects.visible_to(outsider).exists()


def test_house_number_is_building_unit_room(house):
    assert house.number == "3-2-1201"
