"""Excel import and export of houses with their owners (DOMAIN §2).

One column list (`COLUMNS`) serves the import, the export and the template, so an
export re-imports cleanly. Rules of the import:

- Every row is validated first; then all rows are applied in one transaction, or none.
  Errors carry the Excel row number, the column header, a stable code and a Chinese
  reason.
- A house is identified by community code + house number (楼栋-单元-房号). A house that
  already exists is updated (empty optional cells keep the stored value); the same house
  twice in one file is an error.
- A person is identified by mobile phone within the company: the same phone is the
  same person, so one owner may own many houses. A phone already registered under
  another name is an error (rename people on their page, not by import).
- Owners are only ever added: a row never ends an existing ownership (transfers are
  done on the house page, where the end date is recorded).
- A masked phone or ID number (as in an export without reveal) counts as "unchanged"
  when it equals the masked value of that house's current owner.
- Buildings and units are created as needed. Rows go in with bulk inserts; one audit
  event summarises the import.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anju.core import audit, bulk
from anju.core.errors import PermissionDenied, ValidationFailed
from anju.core.masking import is_masked, mask_id_number, mask_phone
from anju.core.models import AuditAction
from anju.core.pii import can_reveal
from anju.core.text import pinyin_full, pinyin_initials
from anju.core.validators import is_id_number, is_mobile, normalize_mobile

from .choices import Occupancy, Relation, Usage
from .models import (
    Building,
    Community,
    House,
    HouseResident,
    Person,
    Unit,
    house_number,
)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = True  # the header must be present (not: the cell must be filled)


COLUMNS: tuple[Column, ...] = (
    Column("community", "小区编码"),
    Column("building", "楼栋"),
    Column("unit", "单元"),
    Column("room", "房号"),
    Column("floor", "楼层"),
    Column("building_area", "建筑面积"),
    Column("inner_area", "套内面积"),
    Column("registered_area", "不动产登记面积"),
    Column("usage", "用途"),
    Column("occupancy", "状态"),
    Column("delivery_date", "交付日期"),
    Column("owner_name", "业主姓名"),
    Column("owner_phone", "业主手机"),
    Column("owner_id_number", "业主身份证号"),
    Column("co_name", "共有人姓名", required=False),
    Column("co_phone", "共有人手机", required=False),
    Column("co_id_number", "共有人身份证号", required=False),
)
HEADER = {c.key: c.header for c in COLUMNS}
SHEET_TITLE = "房屋"
MAX_ERRORS = 1000
BATCH = 2000
XLSX_MAGIC = b"PK\x03\x04"
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
AREA_MAX = Decimal("99999999.99")
CENT = Decimal("0.01")

USAGE_VALUES = {str(label): code for code, label in Usage.choices} | {
    code: code for code in Usage.values
}
OCCUPANCY_VALUES = {str(label): code for code, label in Occupancy.choices} | {
    code: code for code in Occupancy.values
}
HOUSE_FIELDS = (
    "floor",
    "building_area",
    "inner_area",
    "registered_area",
    "usage",
    "occupancy",
    "delivery_date",
)
# The owner column groups: (name, phone, id number) keys.
OWNER_GROUPS = (
    ("owner_name", "owner_phone", "owner_id_number"),
    ("co_name", "co_phone", "co_id_number"),
)


class ImportInvalid(ValidationFailed):
    """导入文件有误，未导入任何数据。"""

    code = "import_invalid"


@dataclass
class RowError:
    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    people_created: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "errors": [e.as_dict() for e in self.errors],
        }


# --- upload checks ------------------------------------------------------------------


def check_xlsx_upload(upload: IO[bytes], size: int | None = None) -> None:
    """Refuse anything that is not a plausible .xlsx: size, zip magic, workbook part."""
    limit = settings.ANJU_MAX_UPLOAD_BYTES
    if size is not None and size > limit:
        raise ValidationFailed(
            f"文件过大（上限 {limit // (1024 * 1024)} MB）", code="file_too_large"
        )
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head != XLSX_MAGIC:
        raise ValidationFailed(
            "文件不是 Excel（.xlsx）格式，请使用导入模板", code="file_not_xlsx"
        )
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            unzipped = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ValidationFailed(
            "文件已损坏或不是 Excel（.xlsx）格式", code="file_not_xlsx"
        ) from exc
    finally:
        upload.seek(0)
    if "xl/workbook.xml" not in names:
        raise ValidationFailed(
            "文件不是 Excel（.xlsx）格式，请使用导入模板", code="file_not_xlsx"
        )
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ValidationFailed("文件内容过大", code="file_too_large")


# --- reading ------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _rows(source: Any) -> Iterator[tuple[int, list[Any]]]:
    """(Excel row number, cell values) of the first sheet, streamed.

    Read with calamine (a Rust reader, ~15× faster than openpyxl's read-only mode on
    100,000 rows); empty cells come back as "". Rows start at Excel's row 1 (leading
    empty rows included), so the numbers are those Excel shows."""
    from python_calamine import CalamineError, CalamineWorkbook

    data = source.read() if hasattr(source, "read") else source
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
    except (CalamineError, ValueError, IndexError) as exc:
        raise ValidationFailed(
            "文件已损坏或不是 Excel（.xlsx）格式", code="file_not_xlsx"
        ) from exc
    yield from enumerate(sheet.iter_rows(), start=1)


class _Row:
    """One validated row, ready to apply."""

    __slots__ = (
        "row",
        "community",
        "building",
        "unit",
        "room",
        "number",
        "values",
        "owners",
    )

    def __init__(self, row: int) -> None:
        self.row = row
        self.community: Community | None = None
        self.building = ""
        self.unit = ""
        self.room = ""
        self.number = ""
        self.values: dict[str, Any] = {}
        # (name, phone or masked phone, id number or masked or "", group index)
        self.owners: list[tuple[str, str, str, int]] = []


class _Importer:
    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.result = ImportResult()
        communities = Community.objects.visible_to(actor, "import")
        self.communities = {c.code: c for c in communities}

    # errors
    def error(self, row: int, key_or_header: str, code: str, message: str) -> None:
        self.result.error_count += 1
        if len(self.result.errors) < MAX_ERRORS:
            header = HEADER.get(key_or_header, key_or_header)
            self.result.errors.append(RowError(row, header, code, message))

    # parsing of one row
    def parse(self, number: int, cells: dict[str, Any]) -> _Row | None:
        row = _Row(number)
        before = self.result.error_count
        code = _text(cells.get("community"))
        if not code:
            self.error(number, "community", "required", "小区编码不能为空")
        else:
            row.community = self.communities.get(code)
            if row.community is None:
                self.error(
                    number,
                    "community",
                    "unknown_community",
                    f"小区编码“{code}”不存在或无权导入",
                )
        row.building = _text(cells.get("building"))
        if not row.building:
            self.error(number, "building", "missing_building", "楼栋不能为空")
        row.unit = _text(cells.get("unit"))
        row.room = _text(cells.get("room"))
        if not row.room:
            self.error(number, "room", "required", "房号不能为空")
        for key, limit in (("building", 20), ("unit", 20), ("room", 20)):
            if len(getattr(row, key)) > limit:
                self.error(number, key, "too_long", f"不能超过 {limit} 个字符")
        row.number = house_number(row.building, row.unit or None, row.room)
        values = row.values
        floor = _text(cells.get("floor"))
        if floor:
            try:
                values["floor"] = int(floor)
                if not -99 <= values["floor"] <= 999:
                    raise ValueError
            except ValueError:
                self.error(number, "floor", "invalid_floor", "楼层必须是整数")
        for key, required in (
            ("building_area", True),
            ("inner_area", False),
            ("registered_area", False),
        ):
            self._area(row, key, cells.get(key), required)
        for key, choices, code, label in (
            ("usage", USAGE_VALUES, "invalid_usage", "用途"),
            ("occupancy", OCCUPANCY_VALUES, "invalid_occupancy", "状态"),
        ):
            raw = _text(cells.get(key))
            if raw:
                value = choices.get(raw) or choices.get(raw.lower())
                if value is None:
                    allowed = "、".join(
                        str(lbl)
                        for lbl in (Usage if key == "usage" else Occupancy).labels
                    )
                    self.error(
                        number, key, code, f"{label}“{raw}”无效，可选：{allowed}"
                    )
                else:
                    values[key] = value
        self._date(row, cells.get("delivery_date"))
        for index, (name_key, phone_key, id_key) in enumerate(OWNER_GROUPS):
            self._owner(row, index, cells, name_key, phone_key, id_key)
        return row if self.result.error_count == before else None

    def _area(self, row: _Row, key: str, raw: Any, required: bool) -> None:
        text = _text(raw)
        if not text:
            if required:
                self.error(row.row, key, "invalid_area", f"{HEADER[key]}不能为空")
            return
        try:
            value = Decimal(str(raw) if isinstance(raw, float) else text)
            value = value.quantize(CENT, rounding=ROUND_HALF_UP)
        except (InvalidOperation, ValueError):
            value = None
        if value is None or not value.is_finite() or value <= 0 or value > AREA_MAX:
            self.error(
                row.row,
                key,
                "invalid_area",
                f"{HEADER[key]}必须是大于 0 的数字（“{text}”）",
            )
            return
        row.values[key] = value

    def _date(self, row: _Row, raw: Any) -> None:
        if raw is None or raw == "":
            return
        if isinstance(raw, datetime):
            row.values["delivery_date"] = raw.date()
            return
        if isinstance(raw, date):
            row.values["delivery_date"] = raw
            return
        text = _text(raw).replace("/", "-").replace(".", "-")
        try:
            row.values["delivery_date"] = date.fromisoformat(
                "-".join(p.zfill(2) for p in text.split("-"))
            )
        except ValueError:
            self.error(
                row.row,
                "delivery_date",
                "invalid_date",
                f"交付日期“{_text(raw)}”无效（格式：2024-06-30）",
            )

    def _owner(
        self,
        row: _Row,
        index: int,
        cells: dict[str, Any],
        name_key: str,
        phone_key: str,
        id_key: str,
    ) -> None:
        name = _text(cells.get(name_key))
        phone = _text(cells.get(phone_key))
        id_number = _text(cells.get(id_key)).upper()
        if not (name or phone or id_number):
            return
        who = "业主" if index == 0 else "共有人"
        ok = True
        if not name:
            self.error(row.row, name_key, "required", f"{who}姓名不能为空")
            ok = False
        elif len(name) > 50:
            self.error(row.row, name_key, "too_long", "姓名不能超过 50 个字符")
            ok = False
        if not phone:
            self.error(row.row, phone_key, "required", f"{who}手机不能为空")
            ok = False
        elif not is_masked(phone):
            phone = normalize_mobile(phone)
            if not is_mobile(phone):
                self.error(
                    row.row,
                    phone_key,
                    "invalid_mobile",
                    f"手机号“{phone}”格式不正确（应为 11 位中国大陆手机号）",
                )
                ok = False
        if id_number and not is_masked(id_number) and not is_id_number(id_number):
            self.error(
                row.row,
                id_key,
                "invalid_id_number",
                "身份证号码无效（GB 11643 校验位不符或格式错误）",
            )
            ok = False
        if ok:
            row.owners.append((name, phone, id_number, index))

    def read(self, source: Any) -> list[_Row]:
        rows: list[_Row] = []
        positions: dict[str, int] = {}
        for number, values in _rows(source):
            if number == 1:
                headers = [_text(v) for v in values]
                by_header = {c.header: c.key for c in COLUMNS}
                positions = {
                    by_header[h]: i for i, h in enumerate(headers) if h in by_header
                }
                for column in COLUMNS:
                    if column.required and column.key not in positions:
                        self.error(
                            1,
                            column.header,
                            "missing_column",
                            f"缺少列“{column.header}”，请使用导入模板",
                        )
                if self.result.error_count:
                    return []
                continue
            if not any(v not in (None, "") for v in values):
                continue
            self.result.rows += 1
            cells = {
                key: values[i] if i < len(values) else None
                for key, i in positions.items()
            }
            parsed = self.parse(number, cells)
            if parsed is not None:
                rows.append(parsed)
        if not positions and not self.result.error_count:
            self.error(1, "小区编码", "missing_column", "文件没有表头，请使用导入模板")
        return rows


def _chunks(items: list[Any], size: int = 900) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


_PINYIN: dict[str, tuple[str, str]] = {}


def _pinyin(name: str) -> tuple[str, str]:
    cached = _PINYIN.get(name)
    if cached is None:
        if len(_PINYIN) > 200_000:
            _PINYIN.clear()
        cached = _PINYIN[name] = (
            pinyin_initials(name)[:20],
            pinyin_full(name)[:100],
        )
    return cached


def new_person(**fields: Any) -> Person:
    """A Person with the derived search fields set (bulk_create skips save())."""
    person = Person(**fields)
    person.name_initials, person.name_pinyin = _pinyin(person.name)
    person.phone_tail = person.phone[-4:] if person.phone else ""
    return person


def house_import(
    *, actor: Any, source: Any, dry_run: bool = False, filename: str = ""
) -> ImportResult:
    """Validate every row of an .xlsx, then create/update all houses and owners or none."""
    if not (actor and actor.is_authenticated and actor.has_role_perm("estates.import")):
        raise PermissionDenied("无权导入房屋", code="import_denied")
    importer = _Importer(actor)
    result = importer.result
    result.dry_run = dry_run
    rows = importer.read(source)
    if result.error_count and not rows:
        return result
    plan = _Plan(importer, rows)
    plan.check()
    result.errors.sort(key=lambda e: e.row)
    if result.error_count or dry_run:
        if not result.error_count:
            result.created, result.updated, result.unchanged = plan.counts()
            result.people_created = len(plan.new_people)
        return result
    with transaction.atomic():
        plan.apply()
        result.created, result.updated, result.unchanged = plan.counts()
        result.people_created = len(plan.new_people)
        community_ids = {r.community.pk for r in rows if r.community}
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            object_type="estates.house",
            changes={
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "people_created": result.people_created,
            },
            reason=filename[:200],
            community_id=next(iter(community_ids)) if len(community_ids) == 1 else None,
        )
    return result


class _Plan:
    """Cross-row checks against the file and the database, then the bulk writes."""

    def __init__(self, importer: _Importer, rows: list[_Row]) -> None:
        self.importer = importer
        self.rows = rows
        self.community_ids = sorted({r.community.pk for r in rows if r.community})
        self.existing: dict[tuple[int, str], dict[str, Any]] = {}
        self.house_owners: dict[int, list[tuple[int, str, str, str]]] = {}
        self.people: dict[tuple[int, str], Person] = {}
        self.new_people: dict[tuple[int, str], Person] = {}
        self.changed_people: dict[int, Person] = {}
        # per row: (house key, person keys or existing Person objects)
        self.row_owners: dict[int, list[Person]] = {}
        self.house_changes: dict[tuple[int, str], dict[str, Any]] = {}

    def _load(self) -> None:
        fields = ("pk", "community_id", "number", *HOUSE_FIELDS)
        for values in House.objects.filter(
            community_id__in=self.community_ids
        ).values_list(*fields):
            record = dict(zip(fields, values, strict=True))
            self.existing[(record["community_id"], record["number"])] = record
        owners = HouseResident.objects.filter(
            house__community_id__in=self.community_ids,
            active=True,
            relation=Relation.OWNER,
        ).values_list("house_id", "person_id", "person__name", "person__phone")
        for house_id, person_id, name, phone in owners:
            self.house_owners.setdefault(house_id, []).append(
                (person_id, name, phone, "")
            )
        phones_by_company: dict[int, set[str]] = {}
        for row in self.rows:
            for _name, phone, _id, _i in row.owners:
                if not is_masked(phone):
                    phones_by_company.setdefault(row.community.company_id, set()).add(
                        phone
                    )
        for company_id, phones in phones_by_company.items():
            for chunk in _chunks(sorted(phones)):
                for person in Person.objects.filter(
                    company_id=company_id, phone__in=chunk
                ).order_by("-id"):
                    self.people[(company_id, person.phone)] = person

    def check(self) -> None:
        self._load()
        error = self.importer.error
        seen: dict[tuple[int, str], int] = {}
        names: dict[tuple[int, str], tuple[str, int]] = {}
        masked_people: dict[int, Person] = {}
        for row in self.rows:
            key = (row.community.pk, row.number)
            if key in seen:
                error(
                    row.row,
                    "room",
                    "duplicate_house",
                    f"房屋 {row.number} 与第 {seen[key]} 行重复",
                )
                continue
            seen[key] = row.row
            company_id = row.community.company_id
            current = self.existing.get(key)
            owners: list[Person] = []
            for name, phone, id_number, index in row.owners:
                group = OWNER_GROUPS[index]
                if is_masked(phone):
                    person = self._masked_owner(current, name, phone, masked_people)
                    if person is None:
                        error(
                            row.row,
                            group[1],
                            "masked_value",
                            "手机号为脱敏值，与该房屋现有业主不符；请填写完整号码",
                        )
                        continue
                else:
                    pkey = (company_id, phone)
                    known = names.get(pkey)
                    person = self.people.get(pkey) or self.new_people.get(pkey)
                    stored = person.name if person is not None else None
                    if stored is None and known is not None:
                        stored = known[0]
                    if stored is not None and stored != name:
                        where = f"第 {known[1]} 行" if known else "系统中"
                        error(
                            row.row,
                            group[0],
                            "phone_name_conflict",
                            f"手机号 {mask_phone(phone)} 在{where}登记的姓名是“{stored}”",
                        )
                        continue
                    names.setdefault(pkey, (name, row.row))
                    if person is None:
                        person = new_person(
                            company_id=company_id, name=name, phone=phone
                        )
                        self.new_people[pkey] = person
                if id_number:
                    if is_masked(id_number):
                        if mask_id_number(person.id_number) != id_number:
                            error(
                                row.row,
                                group[2],
                                "masked_value",
                                "身份证号为脱敏值，与现有记录不符；请填写完整号码",
                            )
                            continue
                    elif person.id_number != id_number:
                        person.id_number = id_number
                        if person.pk:
                            self.changed_people[person.pk] = person
                if person not in owners:
                    owners.append(person)
            self.row_owners[row.row] = owners

    def _masked_owner(
        self,
        current: dict[str, Any] | None,
        name: str,
        masked: str,
        cache: dict[int, Person],
    ) -> Person | None:
        if current is None:
            return None
        for person_id, owner_name, phone, _ in self.house_owners.get(current["pk"], []):
            if mask_phone(phone) == masked and owner_name == name:
                if person_id not in cache:
                    cache[person_id] = Person.objects.get(pk=person_id)
                return cache[person_id]
        return None

    def counts(self) -> tuple[int, int, int]:
        created = updated = unchanged = 0
        for row in self.rows:
            current = self.existing.get((row.community.pk, row.number))
            if current is None:
                created += 1
            elif self._house_diff(current, row) or self._missing_owners(current, row):
                updated += 1
            else:
                unchanged += 1
        return created, updated, unchanged

    @staticmethod
    def _house_diff(current: dict[str, Any], row: _Row) -> dict[str, Any]:
        return {k: v for k, v in row.values.items() if current.get(k) != v}

    def _missing_owners(self, current: dict[str, Any], row: _Row) -> list[Person]:
        have = {p[0] for p in self.house_owners.get(current["pk"], [])}
        return [
            p
            for p in self.row_owners.get(row.row, [])
            if p.pk is None or p.pk not in have
        ]

    def apply(self) -> None:
        now = timezone.now()
        buildings = {
            (b.community_id, b.number): b
            for b in Building.objects.filter(community_id__in=self.community_ids)
        }
        new_buildings: dict[tuple[int, str], Building] = {}
        for row in self.rows:
            key = (row.community.pk, row.building)
            if key not in buildings and key not in new_buildings:
                new_buildings[key] = Building(
                    community_id=row.community.pk, number=row.building
                )
        Building.objects.bulk_create(new_buildings.values(), batch_size=BATCH)
        buildings.update(new_buildings)
        units = {
            (u.building_id, u.number): u
            for u in Unit.objects.filter(community_id__in=self.community_ids)
        }
        new_units: dict[tuple[int, str], Unit] = {}
        for row in self.rows:
            if not row.unit:
                continue
            building = buildings[(row.community.pk, row.building)]
            key = (building.pk, row.unit)
            if key not in units and key not in new_units:
                new_units[key] = Unit(
                    community_id=row.community.pk, building=building, number=row.unit
                )
        Unit.objects.bulk_create(new_units.values(), batch_size=BATCH)
        units.update(new_units)

        bulk.insert_objects(Person, list(self.new_people.values()))
        if self.changed_people:
            for person in self.changed_people.values():
                person.updated_at = now
            Person.objects.bulk_update(
                self.changed_people.values(),
                ["id_number", "updated_at"],
                batch_size=500,
            )

        new_houses: list[tuple[House, _Row]] = []
        updates: list[House] = []
        update_fields: set[str] = set()
        ties: list[HouseResident] = []
        for row in self.rows:
            current = self.existing.get((row.community.pk, row.number))
            if current is None:
                building = buildings[(row.community.pk, row.building)]
                house = House(
                    community_id=row.community.pk,
                    building=building,
                    unit=units[(building.pk, row.unit)] if row.unit else None,
                    room=row.room,
                    number=row.number,
                    **row.values,
                )
                new_houses.append((house, row))
                continue
            diff = self._house_diff(current, row)
            if diff:
                house = House(pk=current["pk"], updated_at=now, **diff)
                update_fields.update(diff)
                for name in HOUSE_FIELDS:
                    if name not in diff:
                        setattr(house, name, current[name])
                updates.append(house)
            has_primary = bool(self.house_owners.get(current["pk"]))
            for i, person in enumerate(self._missing_owners(current, row)):
                ties.append(
                    HouseResident(
                        house_id=current["pk"],
                        person=person,
                        relation=Relation.OWNER,
                        is_primary=not has_primary and i == 0,
                    )
                )
        bulk.insert_objects(House, [h for h, _ in new_houses])
        if updates:
            House.objects.bulk_update(
                updates, sorted(update_fields | {"updated_at"}), batch_size=500
            )
        for house, row in new_houses:
            for i, person in enumerate(self.row_owners.get(row.row, [])):
                ties.append(
                    HouseResident(
                        house=house,
                        person=person,
                        relation=Relation.OWNER,
                        is_primary=i == 0,
                    )
                )
        bulk.insert_objects(HouseResident, ties)


# --- export -------------------------------------------------------------------------


def _header_row() -> list[str]:
    return [c.header for c in COLUMNS]


def export_rows(
    *, actor: Any, community_id: int | None = None, reveal: bool = False
) -> Iterator[list[Any]]:
    """The export's data rows, in community and house-number order, fetched in chunks."""
    houses = (
        House.objects.visible_to(actor, "export")
        .in_community(community_id)
        .order_by("community_id", "number")
    )
    codes = dict(Community.objects.values_list("pk", "code"))
    phone = (lambda v: v or "") if reveal else mask_phone
    id_number = (lambda v: v or "") if reveal else mask_id_number
    usage = dict(Usage.choices)
    occupancy = dict(Occupancy.choices)
    fields = (
        "pk",
        "community_id",
        "building__number",
        "unit__number",
        "room",
        *HOUSE_FIELDS,
    )
    chunk: list[tuple[Any, ...]] = []

    def flush(chunk: list[tuple[Any, ...]]) -> Iterator[list[Any]]:
        owners: dict[int, list[tuple[str, str, str]]] = {}
        for house_id, name, ph, idn in (
            HouseResident.objects.filter(
                house_id__in=[c[0] for c in chunk],
                active=True,
                relation=Relation.OWNER,
            )
            .order_by("house_id", "-is_primary", "id")
            .values_list(
                "house_id", "person__name", "person__phone", "person__id_number"
            )
        ):
            owners.setdefault(house_id, []).append((name, ph, idn))
        for values in chunk:
            record = dict(zip(fields, values, strict=True))
            people = owners.get(record["pk"], [])[:2]
            row = [
                codes.get(record["community_id"], ""),
                record["building__number"],
                record["unit__number"] or "",
                record["room"],
                record["floor"],
                record["building_area"],
                record["inner_area"],
                record["registered_area"],
                str(usage.get(record["usage"], record["usage"])),
                str(occupancy.get(record["occupancy"], record["occupancy"])),
                record["delivery_date"],
            ]
            for i in range(2):
                if i < len(people):
                    name, ph, idn = people[i]
                    row += [name, phone(ph), id_number(idn)]
                else:
                    row += [None, None, None]
            yield row

    for values in houses.values_list(*fields).iterator(chunk_size=BATCH):
        chunk.append(values)
        if len(chunk) >= BATCH:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


def _write(dest: Any, rows: Iterable[list[Any]], notes: bool = False) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    widths = [10, 8, 6, 8, 6, 10, 10, 14, 8, 8, 12, 10, 14, 22, 10, 14, 22]
    for i, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    bold = Font(bold=True)
    header = []
    for title in _header_row():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if notes:
        info = workbook.create_sheet("说明")
        for line in TEMPLATE_NOTES:
            info.append([line])
    workbook.save(dest)


TEMPLATE_NOTES = (
    "房屋导入说明",
    "1. 第一行是表头，请勿修改；从第二行起每行一套房屋。",
    "2. 必填：小区编码、楼栋、房号、建筑面积；无单元的房屋（商铺、别墅、车位）单元留空。",
    "3. 用途：住宅、商铺、办公、车位、储藏室；状态：未售、空置、入住、装修中。",
    "4. 面积单位为平方米，须大于 0；交付日期格式 2024-06-30。",
    "5. 业主以手机号识别：同一手机号即同一人，可拥有多套房屋。",
    "6. 已存在的房屋（同小区同房号）会被更新，空白单元格保留原值；同一文件中房号不可重复。",
    "7. 导入只新增业主关系，不解除原有业主；过户请在房屋页面办理。",
    "8. 全部行校验通过才会导入；任何一行有误则整份文件都不导入。",
)


def import_template(dest: Any) -> None:
    """An empty import workbook: the header row and a sheet of instructions."""
    _write(dest, [], notes=True)


def house_export(
    *,
    actor: Any,
    dest: Any,
    community_id: int | None = None,
    reveal: bool = False,
    reason: str = "",
) -> int:
    """Write the visible houses to `dest` (.xlsx); masked unless revealed with a reason."""
    if not (actor and actor.is_authenticated and actor.has_role_perm("estates.export")):
        raise PermissionDenied("无权导出房屋", code="export_denied")
    reason = (reason or "").strip()
    if reveal:
        if not can_reveal(actor):
            raise PermissionDenied("无权导出完整个人信息", code="pii_reveal_denied")
        if len(reason) < 2:
            raise ValidationFailed(
                "导出完整个人信息须填写原因",
                code="pii_reason_required",
                fields={"reason": ["必填"]},
            )
    counter = {"rows": 0}

    def counted() -> Iterator[list[Any]]:
        for row in export_rows(actor=actor, community_id=community_id, reveal=reveal):
            counter["rows"] += 1
            yield row

    _write(dest, counted())
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="estates.house",
        changes={"rows": counter["rows"], "reveal": reveal},
        reason=reason,
        # the id may come from the query string: only a community the actor works in
        community_id=community_id if community_id in actor.community_ids() else None,
    )
    return counter["rows"]
