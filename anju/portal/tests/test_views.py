"""Owner portal: an owner, family member or tenant sees the houses they are tied to."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from anju.accounts.route_matrix import ROUTES
from anju.accounts.tests.factories import OwnerUserFactory
from anju.estates.choices import Relation
from anju.estates.models import HouseResident, Person
from anju.estates.tests.factories import (
    HouseFactory,
    HouseResidentFactory,
    PersonFactory,
)

HOME = "/portal/"


def _portal_user(person):
    user = OwnerUserFactory(username=person.phone, company=person.company)
    person.user = user
    person.save()
    return user


def _houses_listed(response) -> list[str]:
    return [t.house.number for t in response.context["ties"]]


def test_owner_sees_only_their_houses(client, owner, house, community):
    # given another owner's house in the same community
    other = HouseFactory(unit=house.unit, room="901")
    HouseResidentFactory(
        house=other, person__name="李四", person__company=community.company
    )
    client.force_login(owner)
    # when
    response = client.get(HOME)
    # then
    assert response.status_code == 200
    assert _houses_listed(response) == ["3-2-1201"]
    body = response.content.decode()
    assert "张三，您好" in body
    assert other.number not in body


def test_owner_with_two_houses_sees_both_in_few_queries(
    client, owner, owner_person, community, other_community, django_assert_num_queries
):
    # given a second house in another community of the same company
    second = HouseFactory(unit__building__community=other_community, room="0101")
    HouseResidentFactory(house=second, person=owner_person)
    client.force_login(owner)
    # when
    with django_assert_num_queries(5):
        response = client.get(HOME)
    # then (ordered by community name: 绿水苑 before 青山府)
    assert _houses_listed(response) == ["3-2-1201", second.number]


@pytest.mark.parametrize("relation", [Relation.OWNER, Relation.FAMILY, Relation.TENANT])
def test_co_owner_family_and_tenant_see_the_house_they_are_tied_to(
    client, house, owner_person, relation
):
    # given a second person tied to 张三's house
    person = PersonFactory(
        company=house.community.company, name="王五", phone="13900001111"
    )
    HouseResidentFactory(
        house=house, person=person, relation=relation, is_primary=False
    )
    user = _portal_user(person)
    client.force_login(user)
    # when
    listed = client.get(HOME)
    page = client.get(reverse("portal:house_detail", args=[house.pk]))
    # then
    assert _houses_listed(listed) == ["3-2-1201"]
    assert listed.context["ties"][0].relation == relation
    assert page.status_code == 200
    assert page.context["others"] == [
        {"relation": "业主", "name": "张*", "phone": "138****1234"}
    ]


def test_house_page_shows_facts_masked_co_residents_and_service_slots(
    client, owner, house
):
    # given a tenant in the house
    tenant = PersonFactory(
        company=house.community.company, name="欧阳娜娜", phone="13900002222"
    )
    HouseResidentFactory(
        house=house, person=tenant, relation=Relation.TENANT, is_primary=False
    )
    client.force_login(owner)
    # when
    response = client.get(reverse("portal:house_detail", args=[house.pk]))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "3-2-1201" in body
    assert "120.00 ㎡" in body
    assert "欧***" in body
    assert "139****2222" in body
    assert "欧阳娜娜" not in body
    assert "13900002222" not in body
    assert "13812341234" not in body
    for slot in ("slot-bills", "slot-repairs", "slot-notices"):
        assert f'id="{slot}"' in body


def test_house_of_another_owner_is_404(client, owner, house):
    # given
    other = HouseFactory(unit=house.unit, room="902")
    client.force_login(owner)
    # when
    response = client.get(reverse("portal:house_detail", args=[other.pk]))
    # then
    assert response.status_code == 404


def test_a_former_tenant_no_longer_sees_the_house(client, house):
    # given a tie that has ended
    person = PersonFactory(
        company=house.community.company, name="赵六", phone="13900003333"
    )
    HouseResidentFactory(
        house=house, person=person, relation=Relation.TENANT, active=False
    )
    client.force_login(_portal_user(person))
    # when
    listed = client.get(HOME)
    page = client.get(reverse("portal:house_detail", args=[house.pk]))
    # then
    assert _houses_listed(listed) == []
    assert page.status_code == 404


def test_owner_without_houses_sees_a_clear_empty_state(client, db):
    # given
    client.force_login(OwnerUserFactory())
    # when
    response = client.get(HOME)
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "还没有关联的房屋" in body
    assert "物业服务中心办理房屋关联" in body


def test_visitor_is_sent_to_the_portal_login_and_back(client, house):
    # when
    response = client.get(reverse("portal:house_detail", args=[house.pk]))
    # then
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/portal/login/?next=%2Fportal%2Fhouses%2F{house.pk}%2F"
    )


def test_login_returns_the_owner_to_the_page_asked_for(client, owner, password, house):
    # when
    response = client.post(
        f"/portal/login/?next=/portal/houses/{house.pk}/",
        {
            "username": owner.username,
            "password": password,
            "next": f"/portal/houses/{house.pk}/",
        },
    )
    # then
    assert response["Location"] == f"/portal/houses/{house.pk}/"


def test_logged_in_owner_opening_the_login_page_goes_home(client, owner):
    client.force_login(owner)
    assert client.get("/portal/login/")["Location"] == "/portal/"


@pytest.mark.parametrize("name", ["portal:home", "portal:house_detail"])
def test_staff_never_get_portal_pages(client, company_admin, house, name):
    # given
    client.force_login(company_admin)
    url = reverse(name, args=[house.pk] if "detail" in name else [])
    # when
    response = client.get(url)
    # then
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_owners_never_reach_staff_pages(client, owner, house, owner_person):
    # given every staff page route
    client.force_login(owner)
    staff_routes = [
        name
        for name, code in ROUTES.items()
        if "." in code
        and "|owner" not in code
        and ":" in name
        and not name.startswith("admin:")
    ]
    assert "estates:house_detail" in staff_routes
    before = HouseResident.objects.count(), Person.objects.count()
    # when / then each is a 404 (never data, never a 403 that confirms it exists)
    for name in staff_routes:
        kwargs = {"pk": house.pk} if "house" in name else {"pk": owner_person.pk}
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            try:
                url = reverse(name)
            except NoReverseMatch:  # other URL arguments: covered by the app's tests
                continue
        response = client.get(url)
        if response.status_code == 405:  # a POST-only action
            response = client.post(url)
        assert response.status_code == 404, name
    assert (HouseResident.objects.count(), Person.objects.count()) == before


def test_owner_opening_the_staff_home_goes_to_the_portal(client, owner):
    client.force_login(owner)
    assert client.get("/")["Location"] == "/portal/"
