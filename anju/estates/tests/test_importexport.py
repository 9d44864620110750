"""Excel import/export of houses with owners: all-or-nothing, errors, masking, scope."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from anju.core.errors import PermissionDenied, ValidationFailed
from anju.core.models import AuditEvent
from anju.core.validators import id_check_digit
from anju.estates.importexport import (
    COLUMNS,
    check_xlsx_upload,
    house_export,
    house_import,
    import_template,
)
from anju.estates.models import Building, House, HouseResident, Person, Unit

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in COLUMNS]


def _id(first17: str) -> str:
    return first17 + id_check_digit(first17)


ID_A = _id("31010419800101001")
ID_B = _id("31010419820202002")


def xlsx(rows: list[dict[str, object]], headers: list[str] = HEADERS) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def row(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "小区编码": "lsy",
        "楼栋": "5",
        "单元": "1",
        "房号": "101",
        "楼层": 1,
        "建筑面积": 89.5,
        "套内面积": 72.3,
        "用途": "住宅",
        "状态": "入住",
        "交付日期": "2020-06-30",
        "业主姓名": "王芳",
        "业主手机": "13900001111",
        "业主身份证号": ID_A,
    }
    base.update(kw)
    return base


def _errors(result) -> list[tuple[int, str, str, str]]:
    return [(e.row, e.column, e.code, e.message) for e in result.errors]


def _read(buffer: io.BytesIO) -> list[tuple]:
    buffer.seek(0)
    return list(load_workbook(buffer, read_only=True).worksheets[0].values)


def test_import_creates_houses_owners_and_one_audit_event(supervisor, community):
    # given two houses of 王芳, the second co-owned with 李强
    source = xlsx(
        [
            row(),
            row(
                房号="102",
                用途="shop",
                建筑面积="120.456",
                共有人姓名="李强",
                共有人手机="+86 139-0000-2222",
                共有人身份证号=ID_B,
            ),
        ]
    )
    # when
    result = house_import(actor=supervisor, source=source)
    # then
    assert (result.created, result.updated, result.errors) == (2, 0, [])
    first, second = House.objects.filter(community=community).order_by("number")
    assert (first.number, first.building_area, first.inner_area) == (
        "5-1-101",
        Decimal("89.50"),
        Decimal("72.30"),
    )
    assert (first.floor, first.delivery_date) == (1, date(2020, 6, 30))
    assert (second.number, second.usage, second.building_area) == (
        "5-1-102",
        "shop",
        Decimal("120.46"),
    )
    wang = Person.objects.get(phone="13900001111")
    assert (wang.name, wang.id_number, wang.name_initials, wang.phone_tail) == (
        "王芳",
        ID_A,
        "wf",
        "1111",
    )
    assert sorted(wang.residencies.values_list("house__number", "is_primary")) == [
        ("5-1-101", True),
        ("5-1-102", True),
    ]
    li = Person.objects.get(phone="13900002222")
    assert list(li.residencies.values_list("house__number", "is_primary")) == [
        ("5-1-102", False)
    ]
    assert Building.objects.filter(community=community, number="5").count() == 1
    assert Unit.objects.filter(community=community, number="1").count() == 1
    event = AuditEvent.objects.get(action="import")
    assert (event.actor, event.community_id, event.changes) == (
        supervisor,
        community.pk,
        {
            "rows": 2,
            "created": 2,
            "updated": 0,
            "unchanged": 0,
            "people_created": 2,
        },
    )


def test_one_bad_row_of_each_kind_imports_nothing(
    supervisor, community, other_community, house
):
    # given one good row and one row per kind of mistake
    source = xlsx(
        [
            row(),
            row(房号="102"),
            row(房号="102", 业主手机="13900003333", 业主姓名="赵敏"),
            row(小区编码="nope", 房号="103"),
            row(小区编码="qsf", 房号="104"),
            row(楼栋=None, 房号="105"),
            row(房号="106", 建筑面积=0),
            row(房号="107", 建筑面积="很大"),
            row(房号="108", 业主手机="12345"),
            row(房号="109", 业主身份证号="310104198001010010"),
            row(房号="110", 用途="别墅"),
            row(房号="111", 业主姓名="王小芳"),
        ]
    )
    houses_before = House.objects.count()
    # when
    result = house_import(actor=supervisor, source=source)
    # then
    assert _errors(result) == [
        (4, "房号", "duplicate_house", "房屋 5-1-102 与第 3 行重复"),
        (5, "小区编码", "unknown_community", "小区编码“nope”不存在或无权导入"),
        (6, "小区编码", "unknown_community", "小区编码“qsf”不存在或无权导入"),
        (7, "楼栋", "missing_building", "楼栋不能为空"),
        (8, "建筑面积", "invalid_area", "建筑面积必须是大于 0 的数字（“0”）"),
        (9, "建筑面积", "invalid_area", "建筑面积必须是大于 0 的数字（“很大”）"),
        (
            10,
            "业主手机",
            "invalid_mobile",
            "手机号“12345”格式不正确（应为 11 位中国大陆手机号）",
        ),
        (
            11,
            "业主身份证号",
            "invalid_id_number",
            "身份证号码无效（GB 11643 校验位不符或格式错误）",
        ),
        (
            12,
            "用途",
            "invalid_usage",
            "用途“别墅”无效，可选：住宅、商铺、办公、车位、储藏室",
        ),
        (
            13,
            "业主姓名",
            "phone_name_conflict",
            "手机号 139****1111 在第 2 行登记的姓名是“王芳”",
        ),
    ]
    assert result.created == 0
    assert House.objects.count() == houses_before
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(action="import").exists()


def test_excel_typed_cells_and_blank_rows_keep_excel_row_numbers(supervisor, community):
    # given a sheet as a person edits it: a real date cell, the phone typed as a number,
    # a blank row between the houses, and a bad area on Excel row 4
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(
        [row(交付日期=date(2021, 3, 1), 业主手机=13900001111).get(h) for h in HEADERS]
    )
    sheet.append([None] * len(HEADERS))
    sheet.append([row(房号="102", 建筑面积=-3).get(h) for h in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    # when
    result = house_import(actor=supervisor, source=buffer)
    # then the error names Excel's row 4; after fixing it the typed cells import
    assert _errors(result) == [
        (4, "建筑面积", "invalid_area", "建筑面积必须是大于 0 的数字（“-3”）")
    ]
    sheet.delete_rows(4)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    assert house_import(actor=supervisor, source=buffer).created == 1
    house = House.objects.get(number="5-1-101")
    assert house.delivery_date == date(2021, 3, 1)
    assert house.residents.get().person.phone == "13900001111"


def test_a_corrupt_workbook_is_a_clear_error(supervisor, community):
    broken = io.BytesIO(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(ValidationFailed) as caught:
        house_import(actor=supervisor, source=broken)
    assert caught.value.code == "file_not_xlsx"


def test_existing_house_is_updated_and_owner_added(supervisor, house, owner_person):
    # given 3-2-1201 (120 ㎡, owner 张三) exists; the file corrects its area
    source = xlsx(
        [
            row(
                楼栋="3",
                单元="2",
                房号="1201",
                建筑面积="118.20",
                套内面积=None,
                共有人姓名="张三",
                共有人手机="13812341234",
                共有人身份证号=None,
            )
        ]
    )
    # when
    result = house_import(actor=supervisor, source=source)
    # then
    assert (result.created, result.updated, result.errors) == (0, 1, [])
    house.refresh_from_db()
    assert (house.building_area, house.inner_area) == (
        Decimal("118.20"),
        Decimal("98.50"),
    )
    assert sorted(
        house.residents.filter(active=True).values_list("person__name", "is_primary")
    ) == [("张三", True), ("王芳", False)]


def test_phone_registered_under_another_name_is_an_error(supervisor, owner_person):
    # given 13812341234 is 张三
    source = xlsx([row(业主姓名="张山", 业主手机="13812341234")])
    # when
    result = house_import(actor=supervisor, source=source)
    # then
    assert _errors(result) == [
        (
            2,
            "业主姓名",
            "phone_name_conflict",
            "手机号 138****1234 在系统中登记的姓名是“张三”",
        )
    ]
    assert not House.objects.filter(number="5-1-101").exists()


def test_missing_header_is_reported(supervisor, community):
    # given a sheet without the 建筑面积 column
    headers = [h for h in HEADERS if h != "建筑面积"]
    # when
    result = house_import(actor=supervisor, source=xlsx([row()], headers))
    # then
    assert _errors(result) == [
        (1, "建筑面积", "missing_column", "缺少列“建筑面积”，请使用导入模板")
    ]


def test_dry_run_counts_but_writes_nothing(supervisor, community):
    # when
    result = house_import(
        actor=supervisor, source=xlsx([row(), row(房号="102")]), dry_run=True
    )
    # then
    assert (result.created, result.updated, result.errors) == (2, 0, [])
    assert House.objects.count() == 0
    assert Person.objects.count() == 0


def test_full_export_reimports_without_changes(supervisor, community, owner_person):
    # given an import and a revealed export of it
    house_import(
        actor=supervisor,
        source=xlsx(
            [row(), row(房号="102", 共有人姓名="李强", 共有人手机="13900002222")]
        ),
    )
    exported = io.BytesIO()
    house_export(actor=supervisor, dest=exported, reveal=True, reason="迁移核对")
    counts = (
        House.objects.count(),
        Person.objects.count(),
        HouseResident.objects.count(),
    )
    # when
    exported.seek(0)
    result = house_import(actor=supervisor, source=exported)
    # then
    assert (result.created, result.updated, result.unchanged, result.errors) == (
        0,
        0,
        3,
        [],
    )
    assert (
        House.objects.count(),
        Person.objects.count(),
        HouseResident.objects.count(),
    ) == counts


def test_masked_export_reimports_cleanly(supervisor, community):
    # given houses imported with full phones and ID numbers
    house_import(
        actor=supervisor,
        source=xlsx(
            [row(), row(房号="102", 共有人姓名="李强", 共有人手机="13900002222")]
        ),
    )
    exported = io.BytesIO()
    house_export(actor=supervisor, dest=exported)
    rows = _read(exported)
    assert rows[1][11:] == ("王芳", "139****1111", ID_A[:6] + "********" + ID_A[-4:])
    assert rows[2][14:] == ("李强", "139****2222", None)
    # when
    exported.seek(0)
    result = house_import(actor=supervisor, source=exported)
    # then
    assert (result.created, result.updated, result.unchanged, result.errors) == (
        0,
        0,
        2,
        [],
    )
    assert Person.objects.get(phone="13900001111").id_number == ID_A


def test_masked_value_not_matching_the_owner_is_an_error(supervisor, community):
    # given 5-1-101 owned by 王芳 13900001111
    house_import(actor=supervisor, source=xlsx([row()]))
    # when a masked phone that is not hers, and a masked phone for a new house
    result = house_import(
        actor=supervisor,
        source=xlsx(
            [row(业主手机="139****9999"), row(房号="102", 业主手机="139****1111")]
        ),
    )
    # then
    message = "手机号为脱敏值，与该房屋现有业主不符；请填写完整号码"
    assert _errors(result) == [
        (2, "业主手机", "masked_value", message),
        (3, "业主手机", "masked_value", message),
    ]
    assert House.objects.count() == 1


def test_import_needs_the_import_permission(agent, community):
    # when / then
    with pytest.raises(PermissionDenied):
        house_import(actor=agent, source=xlsx([row()]))
    assert House.objects.count() == 0


def test_outsider_cannot_import_into_or_export_another_community(
    outsider, supervisor, community, house
):
    # when
    result = house_import(actor=outsider, source=xlsx([row()]))
    exported = io.BytesIO()
    count = house_export(actor=outsider, dest=exported)
    # then
    assert _errors(result) == [
        (2, "小区编码", "unknown_community", "小区编码“lsy”不存在或无权导入")
    ]
    assert list(House.objects.values_list("number", flat=True)) == ["3-2-1201"]
    assert count == 0
    assert _read(exported) == [tuple(HEADERS)]


def test_export_is_masked_and_reveal_needs_permission_and_reason(
    agent, supervisor, owner_person
):
    # when
    masked = io.BytesIO()
    house_export(actor=agent, dest=masked)
    # then
    assert _read(masked)[1][:4] == ("lsy", "3", "2", "1201")
    assert _read(masked)[1][11:14] == ("张三", "138****1234", "110105********002X")
    with pytest.raises(PermissionDenied):
        house_export(actor=agent, dest=io.BytesIO(), reveal=True, reason="核对")
    with pytest.raises(ValidationFailed):
        house_export(actor=supervisor, dest=io.BytesIO(), reveal=True, reason="")
    assert list(AuditEvent.objects.values_list("action", "changes")) == [
        ("export", {"rows": 1, "reveal": False})
    ]


def test_revealed_export_has_full_values_and_is_audited_with_reason(
    supervisor, owner_person
):
    # when
    full = io.BytesIO()
    house_export(actor=supervisor, dest=full, reveal=True, reason="业主大会名册")
    # then
    assert _read(full)[1][11:14] == ("张三", "13812341234", "11010519491231002X")
    event = AuditEvent.objects.get(action="export")
    assert (event.actor, event.reason, event.changes) == (
        supervisor,
        "业主大会名册",
        {"rows": 1, "reveal": True},
    )


def test_template_has_the_import_columns():
    # when
    buffer = io.BytesIO()
    import_template(buffer)
    # then
    buffer.seek(0)
    workbook = load_workbook(buffer, read_only=True)
    assert workbook.sheetnames == ["房屋", "说明"]
    assert list(workbook["房屋"].values) == [tuple(HEADERS)]


def test_upload_check_rejects_anything_but_xlsx():
    # given a CSV file and a zip that is not a workbook
    csv = io.BytesIO("小区编码,楼栋\n".encode())
    fake = io.BytesIO()
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("readme.txt", "hi")
    # when / then
    with pytest.raises(ValidationFailed) as not_zip:
        check_xlsx_upload(csv)
    with pytest.raises(ValidationFailed) as not_workbook:
        check_xlsx_upload(fake)
    assert not_zip.value.code == "file_not_xlsx"
    assert not_workbook.value.code == "file_not_xlsx"
    check_xlsx_upload(xlsx([row()]))


# --- pages -------------------------------------------------------------------------


def _upload(buffer: io.BytesIO, name: str = "houses.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name, buffer.getvalue(), content_type="application/octet-stream"
    )


def test_import_page_checks_first_then_imports(client, supervisor, community):
    # given
    client.force_login(supervisor)
    url = reverse("estates:house_import")
    # when
    page = client.get(url)
    checked = client.post(
        url, {"action": "check", "file": _upload(xlsx([row(), row(房号="102")]))}
    )
    houses_after_check = House.objects.count()
    imported = client.post(url, {"action": "import"})
    # then
    assert page.status_code == 200
    assert checked.status_code == 200
    assert (
        "共 2 行全部通过：将新增 2 套，更新 0 套，未变 0 套。"
        in checked.content.decode()
    )
    assert houses_after_check == 0
    assert imported.status_code == 302
    assert imported["Location"] == reverse("estates:house_list")
    assert sorted(House.objects.values_list("number", flat=True)) == [
        "5-1-101",
        "5-1-102",
    ]


def test_import_page_shows_the_error_table_and_imports_nothing(
    client, supervisor, community
):
    # given
    client.force_login(supervisor)
    # when
    response = client.post(
        reverse("estates:house_import"),
        {
            "action": "import",
            "file": _upload(xlsx([row(业主手机="1380000"), row(房号="102")])),
        },
    )
    # then
    body = response.content.decode()
    assert response.status_code == 400
    assert "共 2 行，发现 1 处错误，未导入任何数据。" in body
    assert '<td class="num">2</td><td>业主手机</td>' in body
    assert House.objects.count() == 0


def test_import_page_rejects_a_file_that_is_not_xlsx(client, supervisor, community):
    # given a CSV renamed to .xlsx
    client.force_login(supervisor)
    fake = io.BytesIO("小区编码,楼栋\nlsy,5\n".encode())
    # when
    response = client.post(
        reverse("estates:house_import"), {"action": "check", "file": _upload(fake)}
    )
    # then
    assert response.status_code == 400
    assert "文件不是 Excel（.xlsx）格式，请使用导入模板" in response.content.decode()
    assert House.objects.count() == 0


def test_import_page_is_not_found_without_the_import_permission(
    client, agent, community
):
    # given
    client.force_login(agent)
    # when
    response = client.post(
        reverse("estates:house_import"),
        {"action": "import", "file": _upload(xlsx([row()]))},
    )
    # then
    assert response.status_code == 404
    assert House.objects.count() == 0


def test_template_and_export_downloads(client, agent, owner_person):
    # given
    client.force_login(agent)
    # when
    export = client.get(reverse("estates:house_export"))
    template = client.get(reverse("estates:house_import_template"))
    # then
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _read(io.BytesIO(b"".join(export.streaming_content)))
    assert rows[1][11:13] == ("张三", "138****1234")
    assert template.status_code == 404  # agents may not import


# --- API ---------------------------------------------------------------------------


def test_api_import_answers_counts_and_dry_run_writes_nothing(
    client, supervisor, community
):
    # given
    client.force_login(supervisor)
    url = "/api/v1/houses/import/"
    # when
    dry = client.post(url + "?dry_run=1", {"file": _upload(xlsx([row()]))})
    real = client.post(url, {"file": _upload(xlsx([row(), row(房号="102")]))})
    # then
    assert dry.status_code == 200
    assert (dry.json()["created"], dry.json()["dry_run"]) == (1, True)
    assert real.status_code == 200
    assert {k: real.json()[k] for k in ("created", "updated", "errors")} == {
        "created": 2,
        "updated": 0,
        "errors": [],
    }
    assert House.objects.count() == 2


def test_api_import_with_errors_is_400_import_invalid(client, supervisor, community):
    # given
    client.force_login(supervisor)
    # when
    response = client.post(
        "/api/v1/houses/import/",
        {"file": _upload(xlsx([row(), row(用途="别墅", 房号="9")]))},
    )
    # then
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["created"], body["updated"]) == ("import_invalid", 0, 0)
    assert body["errors"] == [
        {
            "row": 3,
            "column": "用途",
            "code": "invalid_usage",
            "message": "用途“别墅”无效，可选：住宅、商铺、办公、车位、储藏室",
        }
    ]
    assert House.objects.count() == 0


def test_api_import_refuses_agents_and_non_xlsx(client, agent, supervisor, community):
    # given
    client.force_login(agent)
    denied = client.post("/api/v1/houses/import/", {"file": _upload(xlsx([row()]))})
    client.force_login(supervisor)
    # when
    not_xlsx = client.post(
        "/api/v1/houses/import/", {"file": _upload(io.BytesIO(b"GIF89a..."), "x.xlsx")}
    )
    # then
    assert (denied.status_code, denied.json()["code"]) == (403, "import_denied")
    assert (not_xlsx.status_code, not_xlsx.json()["code"]) == (400, "file_not_xlsx")
    assert House.objects.count() == 0


def test_api_export_is_scoped_and_reveal_needs_permission(
    client, agent, outsider, owner_person
):
    # given
    client.force_login(outsider)
    theirs = client.get("/api/v1/houses/export/")
    client.force_login(agent)
    # when
    mine = client.get("/api/v1/houses/export/")
    reveal = client.get("/api/v1/houses/export/", {"reveal": "1", "reason": "核对"})
    # then
    assert _read(io.BytesIO(b"".join(theirs.streaming_content))) == [tuple(HEADERS)]
    rows = _read(io.BytesIO(b"".join(mine.streaming_content)))
    assert [r[3] for r in rows[1:]] == ["1201"]
    assert (reveal.status_code, reveal.json()["code"]) == (403, "pii_reveal_denied")
