"""Staff pages for master data: rendering, writes with audit, scoping, masking, reveal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from anju.core.models import AuditAction, AuditEvent
from anju.estates.choices import Occupancy, ParkingKind, Relation, Usage
from anju.estates.models import (
    Building,
    House,
    HouseResident,
    ParkingSpace,
    Person,
    Unit,
    Vehicle,
)
from anju.estates.tests.factories import (
    BuildingFactory,
    HouseFactory,
    HouseResidentFactory,
    PersonFactory,
    UnitFactory,
)


@pytest.fixture
def space(house):
    return ParkingSpace.objects.create(
        community=house.community, number="B1-018", kind=ParkingKind.OWNED, house=house
    )


@pytest.fixture
def vehicle(house, owner_person, space):
    return Vehicle.objects.create(
        community=house.community,
        plate="京A12345",
        house=house,
        person=owner_person,
        parking_space=space,
        brand="白色大众",
    )


def _pages(house, person, vehicle, space):
    return [
        reverse("estates:house_list"),
        reverse("estates:house_detail", args=[house.pk]),
        reverse("estates:person_list"),
        reverse("estates:person_detail", args=[person.pk]),
        reverse("estates:building_list"),
        reverse("estates:vehicle_list"),
        reverse("estates:parking_list"),
    ]


def _object_pages(house, person, vehicle, space):
    resident = house.residents.get()
    return [
        ("get", reverse("estates:house_detail", args=[house.pk])),
        ("get", reverse("estates:house_edit", args=[house.pk])),
        ("post", reverse("estates:house_resident_add", args=[house.pk])),
        ("post", reverse("estates:resident_end", args=[resident.pk])),
        ("get", reverse("estates:person_detail", args=[person.pk])),
        ("get", reverse("estates:person_edit", args=[person.pk])),
        ("post", reverse("estates:person_reveal", args=[person.pk])),
        ("get", reverse("estates:vehicle_edit", args=[vehicle.pk])),
        ("get", reverse("estates:parking_edit", args=[space.pk])),
    ]


def _row(number: str) -> str:
    """How a house number appears in a list row (the search box shows an example)."""
    return f"<b>{number}</b>"


def _house_post(house, **over):
    data = {
        "community": house.community_id,
        "building": house.building_id,
        "unit": house.unit_id,
        "room": "1502",
        "floor": "15",
        "building_area": "88.50",
        "inner_area": "",
        "registered_area": "",
        "usage": Usage.RESIDENTIAL,
        "occupancy": Occupancy.VACANT,
        "delivery_date": "2024-06-30",
        "note": "",
    }
    data.update(over)
    return data


# --- rendering and masking -------------------------------------------------------------


def test_every_page_renders_for_an_agent(client, agent, house, owner_person, vehicle):
    # given
    client.force_login(agent)
    # when
    pages = _pages(house, owner_person, vehicle, vehicle.parking_space)
    responses = {url: client.get(url) for url in pages}
    # then
    assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(
        pages, 200
    )
    assert "3-2-1201" in responses[pages[0]].content.decode()
    assert "京A12345" in responses[pages[5]].content.decode()
    assert "B1-018" in responses[pages[6]].content.decode()


def test_house_page_shows_owners_family_tenants_vehicles_and_slots(
    client, agent, house, owner_person, vehicle
):
    # given a co-owner and a tenant
    HouseResidentFactory(
        house=house,
        person=PersonFactory(name="李四", phone="13900005678"),
        relation=Relation.OWNER,
        is_primary=False,
    )
    HouseResidentFactory(
        house=house,
        person=PersonFactory(name="王五", phone="13700009999"),
        relation=Relation.TENANT,
        is_primary=False,
    )
    client.force_login(agent)
    # when
    body = client.get(reverse("estates:house_detail", args=[house.pk])).content.decode()
    # then
    for text in ("张三", "李四", "王五", "家属", "租户", "京A12345", "B1-018"):
        assert text in body
    for slot in ('data-slot="tickets"', 'data-slot="bills"', 'data-slot="permits"'):
        assert slot in body
    assert "139****5678" in body
    assert "13900005678" not in body
    assert "137****9999" in body
    assert "13700009999" not in body


def test_agent_sees_no_write_buttons(client, agent, house, owner_person):
    client.force_login(agent)
    body = client.get(reverse("estates:house_detail", args=[house.pk])).content.decode()
    assert reverse("estates:house_edit", args=[house.pk]) not in body
    assert "添加住户" not in body


def test_phones_and_id_numbers_are_masked_in_person_list_and_detail(
    client, agent, owner_person
):
    # given
    client.force_login(agent)
    # when
    pages = [
        client.get(reverse("estates:person_list")).content.decode(),
        client.get(
            reverse("estates:person_detail", args=[owner_person.pk])
        ).content.decode(),
        client.get(reverse("estates:vehicle_list")).content.decode(),
    ]
    # then
    for body in pages[:2]:
        assert "138****1234" in body
        assert "110105********002X" in body
    for body in pages:
        assert "13812341234" not in body
        assert "11010519491231002X" not in body


def test_house_list_filters_by_usage_and_building(client, agent, house, community):
    # given a shop in another building
    shop = HouseFactory(
        unit__building__community=community,
        unit__building__number="9",
        room="S01",
        usage=Usage.SHOP,
    )
    client.force_login(agent)
    url = reverse("estates:house_list")
    # when
    by_usage = client.get(url, {"usage": Usage.SHOP}).content.decode()
    by_building = client.get(url, {"building": house.building_id}).content.decode()
    # then
    assert _row(shop.number) in by_usage
    assert _row(house.number) not in by_usage
    assert _row(house.number) in by_building
    assert _row(shop.number) not in by_building


def test_person_list_searches_pinyin_and_phone_tail(client, agent, owner_person, house):
    # given
    HouseResidentFactory(house=house, person=PersonFactory(name="李四"))
    client.force_login(agent)
    url = reverse("estates:person_list")
    # when / then
    for q in ("zs", "zhangsan", "1234", "张"):
        body = client.get(url, {"q": q}).content.decode()
        assert "张三" in body, q
        assert "李四" not in body, q


def test_house_list_follows_the_community_switcher(
    client, agent, house, other_community
):
    # given the agent also works in another community with one house
    agent.communities.add(other_community)
    other = HouseFactory(unit__building__community=other_community, room="0808")
    client.force_login(agent)
    client.post(reverse("accounts:switch_community"), {"community": other_community.pk})
    # when
    body = client.get(reverse("estates:house_list")).content.decode()
    # then
    assert _row(other.number) in body
    assert _row("3-2-1201") not in body


# --- query counts ----------------------------------------------------------------------


def _fill(community, n):
    unit = UnitFactory(building__community=community)
    for j in range(n):
        i = unit.pk * 100 + j
        house = HouseFactory(unit=unit, room=f"{i}")
        person = PersonFactory(company=community.company, name=f"业主{i}")
        HouseResidentFactory(house=house, person=person)
        space = ParkingSpace.objects.create(
            community=community, number=f"P{i}", kind=ParkingKind.RENTED, house=house
        )
        Vehicle.objects.create(
            community=community,
            plate=f"京A{i:05d}",
            house=house,
            person=person,
            parking_space=space,
        )
        UnitFactory(building__community=community)


LIST_PAGES = [
    "estates:house_list",
    "estates:person_list",
    "estates:building_list",
    "estates:vehicle_list",
    "estates:parking_list",
]


def test_list_pages_use_a_constant_number_of_queries(
    client, supervisor, community, django_assert_num_queries
):
    # given 5 rows of everything, and the query count of each list page then
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(supervisor)
    _fill(community, 5)
    counts = {}
    for name in LIST_PAGES:
        client.get(reverse(name))  # warm the session and caches
        with CaptureQueriesContext(connection) as few:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(few.captured_queries)
    # when 25 more rows exist
    _fill(community, 25)
    # then every page runs the same queries
    for name in LIST_PAGES:
        with django_assert_num_queries(counts[name]):
            body = client.get(reverse(name)).content.decode()
        assert "业主" in body or name != "estates:person_list"


# --- writes by a supervisor ---------------------------------------------------------


def test_supervisor_creates_a_house_and_it_is_audited(
    client, supervisor, house, community
):
    # given
    client.force_login(supervisor)
    # when
    response = client.post(reverse("estates:house_create"), _house_post(house))
    # then
    created = House.objects.get(number="3-2-1502")
    assert response.status_code == 302
    assert response["Location"] == reverse("estates:house_detail", args=[created.pk])
    assert created.building_area == Decimal("88.50")
    assert created.occupancy == Occupancy.VACANT
    event = AuditEvent.objects.get(object_type="estates.house", object_id=created.pk)
    assert (event.action, event.actor) == (AuditAction.CREATE, supervisor)


def test_supervisor_edits_a_house_and_the_change_is_audited(client, supervisor, house):
    # given
    client.force_login(supervisor)
    data = _house_post(house, room="1201", building_area="130.25")
    # when
    response = client.post(reverse("estates:house_edit", args=[house.pk]), data)
    # then
    house.refresh_from_db()
    assert response.status_code == 302
    assert house.building_area == Decimal("130.25")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=house.pk)
    assert event.changes["building_area"] == ["120.00", "130.25"]


def test_bad_house_input_shows_chinese_errors_and_saves_nothing(
    client, supervisor, house
):
    # given
    client.force_login(supervisor)
    before = House.objects.count()
    # when: negative area, and a duplicate house number
    bad_area = client.post(
        reverse("estates:house_create"), _house_post(house, building_area="-5")
    )
    duplicate = client.post(
        reverse("estates:house_create"), _house_post(house, room="1201")
    )
    # then
    assert bad_area.status_code == 400
    assert "面积必须大于 0" in bad_area.content.decode()
    assert duplicate.status_code == 400
    assert "与现有记录重复" in duplicate.content.decode()
    assert House.objects.count() == before
    assert not AuditEvent.objects.filter(object_type="estates.house").exists()


def test_house_form_refuses_a_building_of_another_community(
    client, supervisor, house, other_community
):
    # given a building the supervisor cannot see
    foreign = BuildingFactory(community=other_community)
    client.force_login(supervisor)
    # when
    response = client.post(
        reverse("estates:house_create"),
        _house_post(house, building=foreign.pk, unit=""),
    )
    # then
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert not House.objects.filter(building=foreign).exists()


def test_supervisor_adds_a_new_tenant_on_the_house_page(client, supervisor, house):
    # given
    client.force_login(supervisor)
    # when
    response = client.post(
        reverse("estates:house_resident_add", args=[house.pk]),
        {
            "person": "",
            "relation": Relation.TENANT,
            "name": "陈静",
            "phone": "13912345678",
        },
    )
    # then
    assert response.status_code == 302
    tie = HouseResident.objects.get(house=house, person__name="陈静")
    assert (tie.relation, tie.active, tie.person.phone) == (
        Relation.TENANT,
        True,
        "13912345678",
    )
    assert tie.person.company_id == house.community.company_id
    assert AuditEvent.objects.filter(
        object_type="estates.person", object_id=tie.person_id
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="estates.houseresident", object_id=tie.pk
    ).exists()


def test_supervisor_adds_an_existing_person_found_by_search(
    client, supervisor, house, owner_person, community
):
    # given 张三 owns 3-2-1201; a second house in the same community
    second = HouseFactory(unit__building__community=community, room="0601")
    client.force_login(supervisor)
    # when
    picker = client.get(reverse("estates:person_picker"), {"q": "zs"})
    response = client.post(
        reverse("estates:house_resident_add", args=[second.pk]),
        {"person": owner_person.pk, "relation": Relation.OWNER},
    )
    # then
    assert f'value="{owner_person.pk}"' in picker.content.decode()
    assert response.status_code == 302
    assert HouseResident.objects.filter(
        house=second, person=owner_person, active=True
    ).exists()
    assert Person.objects.count() == 1


def test_bad_new_resident_saves_neither_person_nor_tie(client, supervisor, house):
    # given
    client.force_login(supervisor)
    # when
    response = client.post(
        reverse("estates:house_resident_add", args=[house.pk]),
        {"person": "", "relation": Relation.FAMILY, "name": "赵六", "phone": "12345"},
    )
    # then
    assert response.status_code == 400
    assert "手机号码格式不正确" in response.content.decode()
    assert not Person.objects.filter(name="赵六").exists()
    assert not HouseResident.objects.filter(house=house).exists()


def test_supervisor_ends_a_residency_and_it_stays_as_history(
    client, supervisor, house, owner_person
):
    # given
    tie = house.residents.get()
    client.force_login(supervisor)
    # when
    response = client.post(reverse("estates:resident_end", args=[tie.pk]))
    # then
    tie.refresh_from_db()
    assert response.status_code == 302
    assert tie.active is False
    assert tie.until is not None
    body = client.get(reverse("estates:house_detail", args=[house.pk])).content.decode()
    assert "历史住户 1 人" in body


def test_supervisor_creates_a_person_through_a_house(client, supervisor, house):
    # given
    client.force_login(supervisor)
    # when
    response = client.post(
        reverse("estates:person_create"),
        {
            "community": house.community_id,
            "house_number": "3-2-1201",
            "relation": Relation.OWNER,
            "name": "刘洋",
            "phone": "138 0000 1111",
            "id_number": "11010519491231002x",
        },
    )
    # then
    person = Person.objects.get(name="刘洋")
    assert response.status_code == 302
    assert (person.phone, person.id_number) == ("13800001111", "11010519491231002X")
    assert person.residencies.get().house == house
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="estates.person"
    ).exists()


def test_person_create_with_unknown_house_shows_error(client, supervisor, house):
    client.force_login(supervisor)
    response = client.post(
        reverse("estates:person_create"),
        {
            "community": house.community_id,
            "house_number": "9-9-9999",
            "relation": Relation.OWNER,
            "name": "刘洋",
        },
    )
    assert response.status_code == 400
    assert "该小区没有这个房屋编号" in response.content.decode()
    assert not Person.objects.filter(name="刘洋").exists()


def test_person_edit_keeps_phone_when_left_blank(client, supervisor, owner_person):
    # given
    client.force_login(supervisor)
    url = reverse("estates:person_edit", args=[owner_person.pk])
    # when
    form_page = client.get(url).content.decode()
    response = client.post(url, {"name": "张三丰", "phone": "", "id_number": ""})
    # then
    owner_person.refresh_from_db()
    assert "13812341234" not in form_page
    assert "138****1234" in form_page
    assert response.status_code == 302
    assert (owner_person.name, owner_person.phone) == ("张三丰", "13812341234")
    assert owner_person.name_initials == "zsf"


def test_bad_id_number_shows_chinese_error_and_saves_nothing(
    client, supervisor, owner_person
):
    client.force_login(supervisor)
    response = client.post(
        reverse("estates:person_edit", args=[owner_person.pk]),
        {"name": "张三丰", "id_number": "110105194912310021"},
    )
    owner_person.refresh_from_db()
    assert response.status_code == 400
    assert "身份证号码无效" in response.content.decode()
    assert owner_person.name == "张三"


def test_supervisor_creates_building_and_unit(client, supervisor, community):
    # given
    client.force_login(supervisor)
    # when
    client.post(
        reverse("estates:building_create"),
        {"community": community.pk, "number": "12", "name": "", "floors": "26"},
    )
    building = Building.objects.get(community=community, number="12")
    client.post(
        reverse("estates:unit_create"), {"building": building.pk, "number": "3"}
    )
    duplicate = client.post(
        reverse("estates:building_create"),
        {"community": community.pk, "number": "12"},
    )
    # then
    assert Unit.objects.get(building=building).number == "3"
    assert duplicate.status_code == 400
    assert "与现有记录重复" in duplicate.content.decode()
    assert Building.objects.filter(community=community, number="12").count() == 1
    assert AuditEvent.objects.filter(object_type="estates.unit").count() == 1


def test_supervisor_registers_and_edits_a_vehicle(
    client, supervisor, house, owner_person, space
):
    # given
    client.force_login(supervisor)
    data = {
        "community": house.community_id,
        "plate": "沪ad 12345",
        "brand": "黑色特斯拉",
        "house_number": house.number,
        "person": owner_person.pk,
        "parking_number": "B1-018",
    }
    # when
    created = client.post(reverse("estates:vehicle_create"), data)
    vehicle = Vehicle.objects.get()
    edited = client.post(
        reverse("estates:vehicle_edit", args=[vehicle.pk]), data | {"brand": "白色"}
    )
    # then
    vehicle.refresh_from_db()
    assert (created.status_code, edited.status_code) == (302, 302)
    assert (vehicle.plate, vehicle.brand, vehicle.parking_space) == (
        "沪AD12345",
        "白色",
        space,
    )
    assert AuditEvent.objects.filter(object_type="estates.vehicle").count() == 2


def test_bad_plate_shows_chinese_error_and_saves_nothing(client, supervisor, house):
    client.force_login(supervisor)
    response = client.post(
        reverse("estates:vehicle_create"),
        {"community": house.community_id, "plate": "ABC"},
    )
    assert response.status_code == 400
    assert "车牌号格式不正确" in response.content.decode()
    assert not Vehicle.objects.exists()


def test_vehicle_owner_choices_follow_the_house(
    client, supervisor, house, owner_person
):
    client.force_login(supervisor)
    body = client.get(
        reverse("estates:vehicle_create"),
        {"community": house.community_id, "house_number": house.number},
    ).content.decode()
    assert f'<option value="{owner_person.pk}">张三</option>' in body


def test_supervisor_creates_and_edits_a_parking_space(client, supervisor, house):
    # given
    client.force_login(supervisor)
    data = {
        "community": house.community_id,
        "number": "B2-001",
        "kind": ParkingKind.RENTED,
        "house_number": house.number,
        "area": "12.50",
        "location": "地下二层",
    }
    # when
    client.post(reverse("estates:parking_create"), data)
    space = ParkingSpace.objects.get()
    client.post(
        reverse("estates:parking_edit", args=[space.pk]),
        data | {"kind": ParkingKind.OWNED},
    )
    # then
    space.refresh_from_db()
    assert (space.number, space.kind, space.house) == (
        "B2-001",
        ParkingKind.OWNED,
        house,
    )
    assert AuditEvent.objects.filter(object_type="estates.parkingspace").count() == 2


# --- denied writes -------------------------------------------------------------------


def test_agent_cannot_write_anything(client, agent, house, owner_person, vehicle):
    # given
    client.force_login(agent)
    tie = house.residents.get()
    attempts = [
        (reverse("estates:house_create"), _house_post(house)),
        (
            reverse("estates:house_edit", args=[house.pk]),
            _house_post(house, room="1201", building_area="1"),
        ),
        (
            reverse("estates:house_resident_add", args=[house.pk]),
            {"relation": Relation.TENANT, "name": "陈静"},
        ),
        (reverse("estates:resident_end", args=[tie.pk]), {}),
        (
            reverse("estates:person_edit", args=[owner_person.pk]),
            {"name": "改名"},
        ),
        (
            reverse("estates:building_create"),
            {"community": house.community_id, "number": "77"},
        ),
        (
            reverse("estates:vehicle_edit", args=[vehicle.pk]),
            {"community": house.community_id, "plate": "京B99999"},
        ),
    ]
    # when
    codes = [client.post(url, data).status_code for url, data in attempts]
    # then
    assert codes == [403] * len(attempts)
    house.refresh_from_db()
    owner_person.refresh_from_db()
    vehicle.refresh_from_db()
    tie.refresh_from_db()
    assert house.building_area == Decimal("120.00")
    assert owner_person.name == "张三"
    assert vehicle.plate == "京A12345"
    assert tie.active is True
    assert House.objects.count() == 1
    assert not Building.objects.filter(number="77").exists()
    assert not AuditEvent.objects.exists()


def test_outsider_gets_404_on_every_object_page(
    client, outsider, house, owner_person, vehicle
):
    # given
    client.force_login(outsider)
    # when
    codes = {
        url: getattr(client, method)(url).status_code
        for method, url in _object_pages(
            house, owner_person, vehicle, vehicle.parking_space
        )
    }
    # then
    assert codes == dict.fromkeys(codes, 404)
    assert house.residents.get().active is True


def test_outsider_lists_show_nothing_of_this_community(
    client, outsider, house, owner_person, vehicle
):
    client.force_login(outsider)
    for name in ("estates:house_list", "estates:person_list", "estates:vehicle_list"):
        body = client.get(reverse(name)).content.decode()
        assert _row("3-2-1201") not in body, name
        assert "张三" not in body, name


def test_owner_account_gets_404_on_staff_pages(client, owner, house):
    client.force_login(owner)
    assert client.get(reverse("estates:house_list")).status_code == 404
    assert (
        client.get(reverse("estates:house_detail", args=[house.pk])).status_code == 404
    )


# --- revealing personal data ---------------------------------------------------------


def test_supervisor_reveals_phone_with_a_reason_and_it_is_logged(
    client, supervisor, owner_person
):
    # given
    client.force_login(supervisor)
    url = reverse("estates:person_reveal", args=[owner_person.pk])
    # when
    response = client.post(
        url, {"field": "phone", "reason": "业主来电核实身份"}, HTTP_HX_REQUEST="true"
    )
    # then
    assert response.status_code == 200
    assert "13812341234" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.REVEAL)
    assert (event.actor, event.object_id, event.reason) == (
        supervisor,
        str(owner_person.pk),
        "业主来电核实身份",
    )
    assert event.changes == {"field": "phone"}


def test_reveal_without_reason_is_refused_and_not_logged(
    client, supervisor, owner_person
):
    client.force_login(supervisor)
    response = client.post(
        reverse("estates:person_reveal", args=[owner_person.pk]),
        {"field": "id_number", "reason": " "},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "请填写查看原因" in body
    assert "11010519491231002X" not in body
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


def test_agent_cannot_reveal_and_sees_no_button(client, agent, owner_person):
    # given
    client.force_login(agent)
    # when
    detail = client.get(
        reverse("estates:person_detail", args=[owner_person.pk])
    ).content.decode()
    response = client.post(
        reverse("estates:person_reveal", args=[owner_person.pk]),
        {"field": "phone", "reason": "想看看"},
    )
    # then
    assert reverse("estates:person_reveal", args=[owner_person.pk]) not in detail
    assert response.status_code == 403
    assert "13812341234" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


def test_supervisor_sees_the_reveal_button(client, supervisor, owner_person):
    client.force_login(supervisor)
    body = client.get(
        reverse("estates:person_detail", args=[owner_person.pk])
    ).content.decode()
    assert reverse("estates:person_reveal", args=[owner_person.pk]) in body
    assert "13812341234" not in body


# --- the searches that existed before -------------------------------------------------


def test_agent_finds_house_by_number_and_pinyin(client, agent, house, owner_person):
    client.force_login(agent)
    for q in ("3-2-1201", "zs", "张三", "1234"):
        page = client.get(reverse("estates:house_list"), {"q": q})
        assert page.status_code == 200
        assert _row("3-2-1201") in page.content.decode(), q


def test_english_pages_render_in_english(client, agent, house, owner_person):
    # given
    client.force_login(agent)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    # when
    body = client.get(reverse("estates:house_detail", args=[house.pk])).content.decode()
    # then
    assert "Owners and residents" in body
    assert "业主与住户" not in body
