"""REST API for master data: scoping, writes through services, masking, reveal, counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anju.core.models import AuditAction, AuditEvent
from anju.estates.choices import ParkingKind, Usage
from anju.estates.models import House, HouseResident, ParkingSpace, Person, Vehicle
from anju.estates.tests.factories import (
    BuildingFactory,
    HouseFactory,
    HouseResidentFactory,
    PersonFactory,
    UnitFactory,
)


def _results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- reads ------------------------------------------------------------------------


def test_agent_lists_only_houses_of_own_community(
    client, agent, house, other_community
):
    # given a house in another community
    HouseFactory(unit__building__community=other_community, room="0101")
    client.force_login(agent)
    # when
    rows = _results(client.get("/api/v1/houses/"))
    # then
    assert [r["number"] for r in rows] == ["3-2-1201"]
    assert rows[0]["community"] == house.community_id


def test_house_filters_by_usage_and_finds_by_owner_initials(
    client, agent, house, owner_person, community
):
    # given a shop in the same building
    HouseFactory(unit=house.unit, room="0102", usage=Usage.SHOP)
    client.force_login(agent)
    # when
    shops = _results(client.get("/api/v1/houses/", {"usage": "shop"}))
    by_initials = _results(client.get("/api/v1/houses/", {"q": "zs"}))
    by_tail = _results(client.get("/api/v1/houses/", {"q": "1234"}))
    # then
    assert [r["number"] for r in shops] == ["3-2-0102"]
    assert [r["number"] for r in by_initials] == ["3-2-1201"]
    assert [r["number"] for r in by_tail] == ["3-2-1201"]


def test_person_list_masks_phone_and_id_number(client, agent, owner_person):
    client.force_login(agent)
    rows = _results(client.get("/api/v1/persons/"))
    assert rows == [
        {
            "id": owner_person.pk,
            "name": "张三",
            "phone": "138****1234",
            "id_number": "110105********002X",
            "name_initials": "zs",
            "note": "",
            "has_portal_account": False,
        }
    ]
    body = client.get(f"/api/v1/persons/{owner_person.pk}/").content.decode()
    assert "13812341234" not in body
    assert "11010519491231002X" not in body


def test_owner_reads_only_own_house_and_residents(client, owner, house, community):
    # given a neighbour's house with its owner
    neighbour = HouseResidentFactory(house__unit=house.unit, house__room="1202")
    client.force_login(owner)
    # when
    houses = _results(client.get("/api/v1/houses/"))
    residents = _results(client.get("/api/v1/residents/"))
    neighbour_page = client.get(f"/api/v1/houses/{neighbour.house_id}/")
    # then
    assert [h["number"] for h in houses] == ["3-2-1201"]
    assert [r["house_number"] for r in residents] == ["3-2-1201"]
    assert neighbour_page.status_code == 404


def test_owner_cannot_write_even_own_house(client, owner, house):
    client.force_login(owner)
    response = client.patch(
        f"/api/v1/houses/{house.pk}/", {"note": "改"}, content_type="application/json"
    )
    assert response.status_code == 403
    house.refresh_from_db()
    assert house.note == ""


def test_owner_cannot_list_communities_or_units(client, owner):
    client.force_login(owner)
    assert client.get("/api/v1/communities/").status_code == 403
    assert client.get("/api/v1/units/").status_code == 403


# --- writes -----------------------------------------------------------------------


def test_supervisor_creates_house_number_derived_and_audited(client, supervisor, house):
    client.force_login(supervisor)
    # when
    response = client.post(
        "/api/v1/houses/",
        {
            "building": house.building_id,
            "unit": house.unit_id,
            "room": "1301",
            "building_area": "88.50",
            "number": "9-9-9999",
            "community": 999,
        },
        content_type="application/json",
    )
    # then
    assert response.status_code == 201, response.content
    created = House.objects.get(pk=response.json()["id"])
    assert created.number == "3-2-1301"
    assert created.community_id == house.community_id
    assert created.building_area == Decimal("88.50")
    event = AuditEvent.objects.get(object_type="estates.house", object_id=created.pk)
    assert (event.action, event.actor) == (AuditAction.CREATE, supervisor)


def test_house_write_with_building_of_other_community_is_field_error(
    client, supervisor, house, other_community
):
    # given a building the supervisor cannot see
    foreign = BuildingFactory(community=other_community, number="8")
    client.force_login(supervisor)
    # when
    response = client.post(
        "/api/v1/houses/",
        {"building": foreign.pk, "room": "0101", "building_area": "50"},
        content_type="application/json",
    )
    unknown = client.post(
        "/api/v1/houses/",
        {"building": 987654, "room": "0101", "building_area": "50"},
        content_type="application/json",
    )
    # then: the same answer as for an id that does not exist
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert list(response.json()["fields"]) == ["building"]
    assert response.json()["fields"]["building"][0].replace(
        str(foreign.pk), "?"
    ) == unknown.json()["fields"]["building"][0].replace("987654", "?")
    assert House.objects.count() == 1


def test_house_unit_must_belong_to_building(client, supervisor, house, community):
    other_building = BuildingFactory(community=community, number="5")
    client.force_login(supervisor)
    response = client.post(
        "/api/v1/houses/",
        {
            "building": other_building.pk,
            "unit": house.unit_id,
            "room": "0101",
            "building_area": "50",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"unit": ["该单元不属于所选楼栋"]}
    assert House.objects.count() == 1


def test_duplicate_house_is_conflict(client, supervisor, house):
    client.force_login(supervisor)
    response = client.post(
        "/api/v1/houses/",
        {
            "building": house.building_id,
            "unit": house.unit_id,
            "room": "1201",
            "building_area": "50",
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert House.objects.count() == 1


def test_agent_cannot_edit_house(client, agent, house):
    client.force_login(agent)
    response = client.patch(
        f"/api/v1/houses/{house.pk}/",
        {"building_area": "1.00"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    house.refresh_from_db()
    assert house.building_area == Decimal("120.00")
    assert not AuditEvent.objects.exists()


def test_supervisor_edits_house_and_audit_keeps_before_and_after(
    client, supervisor, house
):
    client.force_login(supervisor)
    response = client.patch(
        f"/api/v1/houses/{house.pk}/",
        {"occupancy": "renovating"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["occupancy"] == "renovating"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.changes["occupancy"] == ["occupied", "renovating"]


def test_person_create_ties_person_to_house(client, supervisor, house):
    client.force_login(supervisor)
    response = client.post(
        "/api/v1/persons/",
        {
            "name": "李四",
            "phone": "13900001111",
            "house": house.pk,
            "relation": "tenant",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["phone"] == "139****1111"
    person = Person.objects.get(name="李四")
    assert person.company_id == house.community.company_id
    tie = HouseResident.objects.get(person=person)
    assert (tie.house, tie.relation) == (house, "tenant")
    assert client.get(f"/api/v1/persons/{person.pk}/").status_code == 200


def test_person_invalid_mobile_is_field_error(client, supervisor, house):
    client.force_login(supervisor)
    response = client.post(
        "/api/v1/persons/",
        {"name": "李四", "phone": "12345", "house": house.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["phone"]
    assert not Person.objects.filter(name="李四").exists()


def test_masked_phone_sent_back_does_not_overwrite_real_number(
    client, supervisor, owner_person
):
    client.force_login(supervisor)
    current = client.get(f"/api/v1/persons/{owner_person.pk}/").json()
    response = client.put(
        f"/api/v1/persons/{owner_person.pk}/",
        {**current, "note": "已核实"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    owner_person.refresh_from_db()
    assert (owner_person.phone, owner_person.note) == ("13812341234", "已核实")
    assert owner_person.id_number == "11010519491231002X"


def test_resident_delete_ends_the_tie_and_keeps_the_row(client, supervisor, house):
    tie = HouseResidentFactory(house=house)
    client.force_login(supervisor)
    response = client.delete(f"/api/v1/residents/{tie.pk}/")
    assert response.status_code == 204
    tie.refresh_from_db()
    assert tie.active is False
    assert HouseResident.objects.filter(pk=tie.pk).exists()


def test_vehicle_with_invalid_plate_is_rejected(client, supervisor, house):
    client.force_login(supervisor)
    response = client.post(
        "/api/v1/vehicles/",
        {"community": house.community_id, "plate": "ABC", "house": house.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "plate_invalid"
    assert not Vehicle.objects.exists()


def test_vehicle_and_parking_space_created_in_community(client, supervisor, house):
    client.force_login(supervisor)
    space = client.post(
        "/api/v1/parking-spaces/",
        {"community": house.community_id, "number": "B1-001", "kind": "rented"},
        content_type="application/json",
    )
    car = client.post(
        "/api/v1/vehicles/",
        {
            "community": house.community_id,
            "plate": "沪A12345",
            "house": house.pk,
            "parking_space": space.json()["id"],
        },
        content_type="application/json",
    )
    assert (space.status_code, car.status_code) == (201, 201), car.content
    vehicle = Vehicle.objects.get()
    assert (vehicle.plate, vehicle.parking_space.number) == ("沪A12345", "B1-001")
    assert ParkingSpace.objects.get().kind == ParkingKind.RENTED


def test_building_and_unit_created_and_community_fixed_after(
    client, supervisor, community, other_community
):
    client.force_login(supervisor)
    building = client.post(
        "/api/v1/buildings/",
        {"community": community.pk, "number": "12"},
        content_type="application/json",
    )
    unit = client.post(
        "/api/v1/units/",
        {"building": building.json()["id"], "number": "1"},
        content_type="application/json",
    )
    move = client.patch(
        f"/api/v1/buildings/{building.json()['id']}/",
        {"community": other_community.pk, "name": "十二号楼"},
        content_type="application/json",
    )
    assert (building.status_code, unit.status_code, move.status_code) == (201, 201, 200)
    assert unit.json()["community"] == community.pk
    assert move.json()["community"] == community.pk
    assert move.json()["name"] == "十二号楼"


# --- personal data reveal ---------------------------------------------------------


def test_supervisor_reveals_phone_and_reveal_is_audited(
    client, supervisor, owner_person
):
    client.force_login(supervisor)
    response = client.post(
        f"/api/v1/persons/{owner_person.pk}/reveal/",
        {"field": "phone", "reason": "回访联系业主"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {"field": "phone", "value": "13812341234"}
    event = AuditEvent.objects.get(action=AuditAction.REVEAL)
    assert (event.actor, event.object_id, event.reason) == (
        supervisor,
        str(owner_person.pk),
        "回访联系业主",
    )
    assert event.changes == {"field": "phone"}


def test_agent_reveal_is_denied_and_not_logged(client, agent, owner_person):
    client.force_login(agent)
    response = client.post(
        f"/api/v1/persons/{owner_person.pk}/reveal/",
        {"field": "id_number", "reason": "核对身份"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "pii_reveal_denied"
    assert "11010519491231002X" not in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_reveal_without_reason_is_refused(client, supervisor, owner_person):
    client.force_login(supervisor)
    response = client.post(
        f"/api/v1/persons/{owner_person.pk}/reveal/",
        {"field": "id_number"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "pii_reason_required"
    assert "11010519491231002X" not in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_owner_cannot_reveal_even_own_data(client, owner, owner_person):
    client.force_login(owner)
    response = client.post(
        f"/api/v1/persons/{owner_person.pk}/reveal/",
        {"field": "phone", "reason": "看看"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "pii_reveal_denied"


# --- accounts API: staff users and the audit log ----------------------------------


def test_admin_lists_staff_users_without_owner_accounts(
    client, company_admin, agent, owner, outsider
):
    client.force_login(company_admin)
    rows = _results(client.get("/api/v1/users/"))
    assert [r["username"] for r in rows] == ["admin", "agent", "outsider"]
    assert rows[1]["communities"] == [agent.communities.get().pk]
    assert "password" not in rows[0]


def test_supervisor_cannot_list_users(client, supervisor):
    client.force_login(supervisor)
    response = client.get("/api/v1/users/")
    assert response.status_code == 403


def test_audit_log_shows_own_community_events_only(
    client, supervisor, house, outsider, other_community
):
    # given one write in each community
    from anju.estates import services

    services.house_update(house=house, actor=supervisor, note="A")
    other = HouseFactory(unit__building__community=other_community)
    services.house_update(house=other, actor=outsider, note="B")
    client.force_login(supervisor)
    # when
    rows = _results(client.get("/api/v1/audit-events/"))
    # then
    assert [(r["object_id"], r["changes"]["note"]) for r in rows] == [
        (str(house.pk), ["", "A"])
    ]


def test_agent_cannot_read_audit_log(client, agent):
    client.force_login(agent)
    assert client.get("/api/v1/audit-events/").status_code == 403


# --- query counts -----------------------------------------------------------------


def _seed(community, n: int) -> None:
    from anju.accounts.tests.factories import StaffFactory

    unit = UnitFactory(building__community=community)
    for i in range(n):
        house = HouseFactory(unit=unit, room=f"{i + 1:04d}")
        person = PersonFactory(company=community.company)
        HouseResidentFactory(house=house, person=person)
        space = ParkingSpace.objects.create(
            community=community, number=f"{unit.pk}-{i:03d}", kind=ParkingKind.OWNED
        )
        Vehicle.objects.create(
            community=community,
            plate=f"沪A{unit.pk}{i:04d}",
            house=house,
            person=person,
            parking_space=space,
        )
        AuditEvent.objects.create(
            action=AuditAction.UPDATE, object_type="estates.house", community=community
        )
        StaffFactory(communities=[community], company=community.company)


LIST_URLS = {
    "/api/v1/communities/": 1,
    "/api/v1/buildings/": 2,
    "/api/v1/units/": 2,
    "/api/v1/houses/": 30,
    "/api/v1/houses/?usage=residential&occupancy=occupied": 30,
    "/api/v1/persons/": 30,
    "/api/v1/residents/": 30,
    "/api/v1/vehicles/": 30,
    "/api/v1/parking-spaces/": 30,
    "/api/v1/audit-events/": 30,
    "/api/v1/users/": 31,
}


@pytest.mark.parametrize(("url", "rows"), LIST_URLS.items())
def test_list_api_query_count_does_not_grow_with_rows(
    client, company_admin, community, django_assert_num_queries, url, rows
):
    # given 5 rows of everything, measured
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _seed(community, 5)
    client.force_login(company_admin)
    client.get(url)  # warm the session and user caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    # when there are 30 of each
    _seed(community, 25)
    # then the same number of queries
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.json()["count"] == rows
