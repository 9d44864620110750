"""欠费账龄: buckets by days overdue per house, building and community; page, Excel, API."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from anju.billing import aging
from anju.billing.models import BillingPolicy, BillLine
from anju.estates.tests.factories import HouseFactory, UnitFactory

from .cashier import bill_month, charge, pay
from .factories import property_fee

AS_OF = date(2026, 6, 30)


def days_ago(n: int) -> date:
    return AS_OF - timedelta(days=n)


@pytest.fixture
def arrears(community, finance, house):
    """3-2-1201 owes in every bucket, at each bucket's edges; 7-1-101 owes 31 days."""
    for n, amount in [
        (0, "1.00"),  # due today: 0 days overdue
        (30, "2.00"),
        (31, "4.00"),
        (90, "8.00"),
        (91, "16.00"),
        (180, "32.00"),
        (181, "64.00"),
        (365, "128.00"),
        (366, "256.00"),
        (1000, "512.00"),
    ]:
        charge(house, finance, amount, days_ago(n))
    # not yet due, paid, and partly paid lines
    charge(house, finance, "999.00", AS_OF + timedelta(days=1))
    paid = charge(house, finance, "50.00", days_ago(10))
    pay(house, finance, "50.00", "k-paid", line_ids=[paid.pk])
    partial = charge(house, finance, "100.00", days_ago(40))
    pay(house, finance, "60.00", "k-part", line_ids=[partial.pk])
    neighbour = HouseFactory(
        unit__building__community=community,
        unit__building__number="7",
        unit__number="1",
        room="101",
    )
    charge(neighbour, finance, "300.00", days_ago(31))
    return house, neighbour


def test_buckets_follow_days_overdue_at_their_edges(arrears):
    house, _ = arrears
    row = aging.single_house_aging(house_id=house.pk, as_of=AS_OF)
    assert [row[k] for k in aging.KEYS] == [
        Decimal("3.00"),  # 0 and 30 days
        Decimal("52.00"),  # 31 and 90 days, plus 40.00 still owed of 100.00
        Decimal("48.00"),  # 91, 180
        Decimal("192.00"),  # 181, 365
        Decimal("768.00"),  # 366, 1000
    ]
    assert row["total"] == Decimal("1063.00")


def test_community_and_building_levels_add_up(arrears, community):
    totals = aging.community_aging(community_id=community.pk, as_of=AS_OF)
    assert (totals["d31_90"], totals["total"], totals["houses"]) == (
        Decimal("352.00"),
        Decimal("1363.00"),
        2,
    )
    rows = aging.building_aging(community_id=community.pk, as_of=AS_OF)
    assert [(r["building"], r["total"], r["houses"]) for r in rows] == [
        ("3", Decimal("1063.00"), 1),
        ("7", Decimal("300.00"), 1),
    ]


def test_house_level_lists_the_largest_arrears_first(arrears, community):
    rows = [
        aging.house_row(dict(r))
        for r in aging.house_aging(community_id=community.pk, as_of=AS_OF)
    ]
    assert [(r["house"], r["total"], r["d31_90"]) for r in rows] == [
        ("3-2-1201", Decimal("1063.00"), Decimal("52.00")),
        ("7-1-101", Decimal("300.00"), Decimal("300.00")),
    ]


def test_due_date_follows_the_policy_payment_term(community, finance, house):
    # given bills due 15 days after the period starts
    BillingPolicy.objects.create(community=community, due_days=15)
    property_fee(community)
    bill_month(community, finance, 2026, 3)
    line = BillLine.objects.get(house=house)
    assert line.due_date == date(2026, 3, 16)
    # then on 16 March it is due (0 days), the day before it is not yet in arrears
    assert aging.single_house_aging(house_id=house.pk, as_of=date(2026, 3, 15))[
        "total"
    ] == Decimal("0.00")
    assert aging.single_house_aging(house_id=house.pk, as_of=date(2026, 3, 16))[
        "d0_30"
    ] == Decimal("300.00")


def test_another_communitys_arrears_never_count(
    arrears, other_community, finance, community
):
    from anju.accounts.choices import Role
    from anju.accounts.tests.factories import StaffFactory

    cashier_b = StaffFactory(
        role=Role.FINANCE,
        company=other_community.company,
        communities=[other_community],
    )
    elsewhere = HouseFactory(unit__building__community=other_community)
    charge(elsewhere, cashier_b, "5000.00", days_ago(50))
    totals = aging.community_aging(community_id=community.pk, as_of=AS_OF)
    assert totals["total"] == Decimal("1363.00")


def test_aging_page_shows_buckets_chart_and_houses_in_constant_queries(
    client, finance, arrears, community, django_assert_max_num_queries
):
    # given more houses in arrears
    unit = UnitFactory(building__community=community, building__number="8")
    for n in range(5):
        h = HouseFactory(unit=unit, room=f"{n + 1}01")
        charge(h, finance, "10.00", days_ago(100))
    client.force_login(finance)
    url = f"/billing/aging/?community={community.pk}&as_of={AS_OF}&by=house"
    # when
    with django_assert_max_num_queries(12):
        response = client.get(url)
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "欠费账龄" in body
    assert "<svg" in body
    assert "&gt;365天" in body
    assert body.index("3-2-1201") < body.index("7-1-101")
    assert "共 7 户欠费" in body
    with django_assert_max_num_queries(12):
        client.get(url + "&page=1")


def test_aging_page_per_building_and_excel_export(client, finance, arrears, community):
    client.force_login(finance)
    body = client.get(f"/billing/aging/?community={community.pk}&as_of={AS_OF}")
    text = body.content.decode()
    assert "按楼栋" in text
    assert "1063.00" in text
    assert "1363.00" in text
    response = client.get(f"/billing/aging.xlsx?community={community.pk}&as_of={AS_OF}")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["小区", "楼栋", "房屋"]
    houses = list(book["房屋"].values)
    assert houses[0][0] == "房屋"
    assert houses[1][0] == "3-2-1201"
    assert Decimal(str(houses[1][-1])) == Decimal("1063.00")
    buildings = list(book["楼栋"].values)
    assert [r[0] for r in buildings[1:]] == ["3", "7"]


def test_aging_api_by_level(client, finance, arrears, community):
    client.force_login(finance)
    url = f"/api/v1/billing/aging/?community={community.pk}&as_of={AS_OF}"
    body = client.get(url).json()
    assert body["by"] == "building"
    assert body["totals"]["total"] == "1363.00"
    assert [b["key"] for b in body["buckets"]] == aging.KEYS
    assert [(r["building"], r["total"]) for r in body["rows"]] == [
        ("3", "1063.00"),
        ("7", "300.00"),
    ]
    houses = client.get(url + "&by=house").json()
    assert houses["count"] == 2
    assert houses["rows"][0]["house"] == "3-2-1201"
    assert houses["rows"][0]["d365_plus"] == "768.00"
    bad = client.get(url.replace(str(AS_OF), "June"))
    assert (bad.status_code, bad.json()["code"]) == (400, "validation_error")


def test_aging_is_refused_outside_the_users_communities(
    client, outsider, technician, arrears, community
):
    client.force_login(outsider)
    assert client.get(f"/billing/aging/?community={community.pk}").status_code == 404
    api = client.get(f"/api/v1/billing/aging/?community={community.pk}")
    assert api.status_code == 404
    client.force_login(technician)
    assert client.get("/billing/aging/").status_code == 404
    assert client.get("/api/v1/billing/aging/").status_code == 403
