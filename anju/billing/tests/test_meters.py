"""抄表: readings entered one by one and imported from Excel (all rows or none, errors
per row), checked against the stored readings and the file's own rows, and billed."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from anju.billing.choices import FeeKind
from anju.billing.meters import meter_reading_enter, meter_readings_import
from anju.billing.models import BillLine, MeterReading
from anju.core.errors import PermissionDenied, ValidationFailed
from anju.core.models import AuditEvent
from anju.estates.tests.factories import HouseFactory

from .cashier import bill_month
from .factories import fee_item, price

HEADER = ["房号", "公共区域", "收费项目", "读数", "抄表日期"]


@pytest.fixture
def water(community):
    """水费 at 3.50 元/吨."""
    item = fee_item(community, code="sf", name="水费", kind=FeeKind.METERED)
    price(item, "3.50")
    return item


def xlsx(*rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def enter(house, water, actor, value, day):
    return meter_reading_enter(
        community=house.community,
        house=house,
        fee_item=water,
        reading=value,
        read_on=day,
        actor=actor,
    )


# --- entry ---------------------------------------------------------------------------


def test_a_meter_never_runs_backwards_even_for_a_late_entry(water, house, finance):
    enter(house, water, finance, "100", date(2026, 1, 31))
    enter(house, water, finance, "130", date(2026, 3, 31))
    # between the two: above the later reading is refused, in between is fine
    with pytest.raises(ValidationFailed) as above:
        enter(house, water, finance, "140", date(2026, 2, 28))
    assert above.value.code == "meter_reading_decreasing"
    assert "之后 2026-03-31 的读数 130.000" in above.value.message
    enter(house, water, finance, "118.5", date(2026, 2, 28))
    with pytest.raises(ValidationFailed) as below:
        enter(house, water, finance, "99", date(2026, 4, 30))
    assert below.value.code == "meter_reading_decreasing"
    with pytest.raises(ValidationFailed) as twice:
        enter(house, water, finance, "131", date(2026, 3, 31))
    assert twice.value.code == "meter_reading_duplicate"
    assert MeterReading.objects.count() == 3


def test_bad_entries_are_refused_with_fields(community, water, house, finance, agent):
    deposit = fee_item(community, code="yj", name="押金", kind=FeeKind.ONE_OFF)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        meter_reading_enter(
            community=community,
            house=house,
            fee_item=deposit,
            reading="-1",
            read_on=tomorrow,
            actor=finance,
        )
    assert sorted(exc.value.fields) == ["fee_item", "read_on", "reading"]
    with pytest.raises(PermissionDenied):
        enter(house, water, agent, "1", date(2026, 1, 31))
    assert MeterReading.objects.count() == 0


def test_a_common_area_reading(community, water, finance):
    row = meter_reading_enter(
        community=community,
        area_name="2号楼公共水表",
        fee_item=water,
        reading="5000",
        read_on=date(2026, 1, 31),
        actor=finance,
    )
    assert (row.house, row.area_name, row.reading) == (
        None,
        "2号楼公共水表",
        Decimal("5000.000"),
    )


# --- import --------------------------------------------------------------------------


def test_import_writes_all_rows_and_the_run_bills_them(
    community, water, house, finance
):
    other = HouseFactory(
        unit__building__community=community, unit__building__number="5"
    )
    data = xlsx(
        (house.number, "", "水费", 100, date(2026, 1, 31)),
        (house.number, "", "sf", "112.5", "2026-02-28"),
        (other.number, "", "水费", 40, "2026/02/28"),
        ("", "2号楼公共水表", "水费", 5000, "2026-02-28"),
    )
    result = meter_readings_import(
        community=community, actor=finance, source=data, filename="二月抄表.xlsx"
    )
    assert (result.ok, result.rows, result.created) == (True, 4, 4)
    assert MeterReading.objects.count() == 4
    event = AuditEvent.objects.get(object_type="billing.meterreading")
    assert (event.action, event.reason) == ("import", "二月抄表.xlsx")
    # February's bill charges 12.5 tonnes × 3.50 = 43.75; the other house has only a
    # baseline reading, so nothing
    bill_month(community, finance, 2026, 2)
    line = BillLine.objects.get(house=house, fee_item=water)
    assert (line.quantity, line.amount) == (Decimal("12.500"), Decimal("43.75"))
    assert not BillLine.objects.filter(house=other, fee_item=water).exists()


def test_one_bad_row_imports_nothing_and_every_error_is_listed(
    community, water, house, finance
):
    enter(house, water, finance, "100", date(2026, 1, 31))
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = xlsx(
        (house.number, "", "水费", 120, "2026-02-28"),  # fine
        ("9-9-9999", "", "水费", 1, "2026-02-28"),  # no such house
        (house.number, "", "电费", 1, "2026-02-28"),  # not a metered item here
        (house.number, "", "水费", "abc", "2026-03-31"),  # not a number
        (house.number, "", "水费", 130, "2026-02-30"),  # no such day
        (house.number, "", "水费", 90, "2026-01-15"),  # below nothing, but above? fine
        (house.number, "", "水费", 99, "2026-03-15"),  # below 120 of row 2
        (house.number, "", "水费", 125, "2026-02-28"),  # same day as row 2
        (house.number, "", "水费", 140, tomorrow.isoformat()),  # future
        ("", "", "水费", 1, "2026-02-28"),  # neither house nor area
    )
    result = meter_readings_import(community=community, actor=finance, source=data)
    assert not result.ok
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "房号", "unknown_house"),
        (4, "收费项目", "unknown_fee_item"),
        (5, "读数", "invalid_reading"),
        (6, "抄表日期", "invalid_date"),
        (8, "读数", "meter_reading_decreasing"),
        (9, "抄表日期", "duplicate_reading"),
        (10, "抄表日期", "future_date"),
        (11, "房号", "required"),
    ]
    assert "9-9-9999" in result.errors[0].message
    assert "可选：水费" in result.errors[1].message
    # nothing written, not even the good rows
    assert MeterReading.objects.count() == 1


def test_a_reading_below_the_stored_one_is_refused(community, water, house, finance):
    enter(house, water, finance, "100", date(2026, 1, 31))
    data = xlsx((house.number, "", "水费", 80, "2026-02-28"))
    result = meter_readings_import(community=community, actor=finance, source=data)
    assert [(e.row, e.code) for e in result.errors] == [(2, "meter_reading_decreasing")]
    assert "小于 2026-01-31 的读数 100.000" in result.errors[0].message


def test_missing_columns_and_dry_runs(community, water, house, finance):
    missing = meter_readings_import(
        community=community,
        actor=finance,
        source=xlsx((house.number, 1), header=["房号", "读数"]),
    )
    assert [(e.column, e.code) for e in missing.errors] == [
        ("收费项目", "missing_column"),
        ("抄表日期", "missing_column"),
    ]
    dry = meter_readings_import(
        community=community,
        actor=finance,
        source=xlsx((house.number, "", "水费", 1, "2026-01-31")),
        dry_run=True,
    )
    assert (dry.ok, dry.created, MeterReading.objects.count()) == (True, 1, 0)


def test_houses_of_another_community_are_unknown(
    community, other_community, water, finance
):
    stranger = HouseFactory(unit__building__community=other_community)
    result = meter_readings_import(
        community=community,
        actor=finance,
        source=xlsx((stranger.number, "", "水费", 1, "2026-01-31")),
    )
    assert [e.code for e in result.errors] == ["unknown_house"]


# --- pages ---------------------------------------------------------------------------


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)._queued_messages]


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "readings.xlsx",
        data,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_cashier_enters_a_reading_on_the_page(client, community, water, house, finance):
    client.force_login(finance)
    page = client.get("/billing/meters/").content.decode()
    assert "录入读数" in page
    response = client.post(
        "/billing/meters/new/",
        {
            "community": community.pk,
            "house": house.number,
            "fee_item": water.pk,
            "reading": "100.5",
            "read_on": "2026-01-31",
        },
    )
    assert texts(response) == [f"已录入 {house.number} 水费 2026-01-31 读数 100.500"]
    wrong = client.post(
        "/billing/meters/new/",
        {
            "community": community.pk,
            "house": house.number,
            "fee_item": water.pk,
            "reading": "90",
            "read_on": "2026-02-28",
        },
    )
    assert texts(wrong) == [
        "读数 90.000 小于 2026-01-31 的读数 100.500（表计读数不能倒退）"
    ]
    page = client.get(f"/billing/meters/?q={house.number[:4]}").content.decode()
    assert "100.500" in page


def test_import_page_checks_then_imports(client, community, water, house, finance):
    client.force_login(finance)
    good = xlsx((house.number, "", "水费", 100, "2026-01-31"))
    checked = client.post(
        "/billing/meters/import/",
        {"community": community.pk, "action": "check", "file": upload(good)},
    )
    assert checked.status_code == 200
    assert "共 1 行全部通过，将新增 1 个读数" in checked.content.decode()
    assert MeterReading.objects.count() == 0
    bad = xlsx(("9-9-9999", "", "水费", 1, "2026-01-31"))
    refused = client.post(
        "/billing/meters/import/",
        {"community": community.pk, "action": "import", "file": upload(bad)},
    )
    assert refused.status_code == 400
    assert "unknown_house" in refused.content.decode()
    imported = client.post(
        "/billing/meters/import/",
        {"community": community.pk, "action": "import", "file": upload(good)},
    )
    assert texts(imported) == ["导入完成：新增 1 个读数"]
    assert MeterReading.objects.count() == 1
    not_excel = client.post(
        "/billing/meters/import/",
        {
            "community": community.pk,
            "action": "import",
            "file": SimpleUploadedFile("x.xlsx", b"hello", "text/plain"),
        },
    )
    assert not_excel.status_code == 400
    assert "不是 Excel" in not_excel.content.decode()


def test_template_download_and_agents_only_read(client, community, water, agent):
    client.force_login(agent)
    assert client.get("/billing/meters/").status_code == 200
    assert "录入读数" not in client.get("/billing/meters/").content.decode()
    assert client.get("/billing/meters/template.xlsx").status_code == 403
    assert client.post("/billing/meters/import/", {}).status_code == 403


def test_template_has_the_columns(client, finance, water):
    from python_calamine import CalamineWorkbook

    client.force_login(finance)
    response = client.get("/billing/meters/template.xlsx")
    content = b"".join(response.streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    assert list(sheet.iter_rows())[0] == HEADER


def test_meter_list_runs_in_constant_queries(
    client, community, water, finance, django_assert_max_num_queries
):
    def add(n, start):
        for i in range(n):
            h = HouseFactory(unit__building__community=community)
            enter(h, water, finance, str(i), start)

    client.force_login(finance)
    add(2, date(2026, 1, 31))
    with django_assert_max_num_queries(30) as few:
        client.get("/billing/meters/")
    add(10, date(2026, 2, 28))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/billing/meters/")
