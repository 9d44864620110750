"""Meter readings (抄表): entered one by one or imported from Excel.

A reading belongs to a house's meter (house + metered fee item) or to a common area's
(`area_name`, stored, not apportioned). Billing runs charge (last reading in the period −
the reading before) × price; the first reading of a meter is its baseline. Rules for
entry and import alike:

- the fee item is a metered item of the community, the house is the community's;
- the reading is a number ≥ 0 with at most three decimals, the day is not in the future;
- one reading per meter and day (the database refuses a second one);
- a meter never runs backwards: a reading may not be below the one before it, nor above
  the one after it (a late entry between two readings).

The import (`meter_readings_import`, .xlsx, columns 房号 · 公共区域 · 收费项目 · 读数 ·
抄表日期) checks every row first, against the database and against the other rows of the
file (the file's readings of a meter are taken in date order), and writes all rows or
none, like the house import (anju/estates/importexport.py): errors carry the Excel row
number, the column, a stable code and a Chinese reason. One audit event per import.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.core import audit
from anju.core.errors import ValidationFailed
from anju.core.models import AuditAction
from anju.estates.importexport import (
    ImportResult,
    RowError,
    _rows,
    _text,
    check_xlsx_upload,
)
from anju.estates.models import Community, House

from .choices import FeeKind
from .models import FeeItem, MeterReading
from .services import _require

MAX_ERRORS = 1000
THOUSANDTH = Decimal("0.001")
READING_MAX = Decimal("99999999999.999")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = True


COLUMNS = (
    Column("house", "房号"),
    Column("area", "公共区域", required=False),
    Column("item", "收费项目"),
    Column("reading", "读数"),
    Column("read_on", "抄表日期"),
)
HEADER = {c.key: c.header for c in COLUMNS}
TEMPLATE_NOTES = (
    "抄表读数导入说明",
    "1. 第一行是表头，请勿修改；从第二行起每行一个读数。",
    "2. 房号填写系统中的房屋编号（如 3-2-1201）；公共区域的表计不填房号，填写公共区域名称。",
    "3. 收费项目填写抄表计费项目的编码或名称（如 水费）。",
    "4. 读数为不小于 0 的数字，最多三位小数；抄表日期格式 2026-11-30，不能晚于今天。",
    "5. 同一表计同一天只能有一个读数；读数不能小于上一次读数，也不能大于之后已录入的读数。",
    "6. 全部行校验通过才会导入；任何一行有误则整份文件都不导入。",
)


# --- checks shared by entry and import ----------------------------------------------------


def parse_reading(raw: Any) -> Decimal | None:
    """A reading ≥ 0 with at most three decimals, or None."""
    text = _text(raw)
    if not text:
        return None
    try:
        value = Decimal(str(raw) if isinstance(raw, float) else text)
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value < 0 or value > READING_MAX:
        return None
    if value != value.quantize(THOUSANDTH):
        return None
    return value.quantize(THOUSANDTH)


def parse_day(raw: Any) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = _text(raw).replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
    except ValueError:
        return None


def metered_items(community: Community) -> list[FeeItem]:
    return list(
        FeeItem.objects.filter(
            community=community, kind=FeeKind.METERED, active=True
        ).order_by("code")
    )


MeterKey = tuple[int | None, str, int]  # (house id, area name, fee item id)


def _history(keys: set[MeterKey]) -> dict[MeterKey, list[tuple[date, Decimal]]]:
    """The stored readings of these meters, by date."""
    out: dict[MeterKey, list[tuple[date, Decimal]]] = defaultdict(list)
    if not keys:
        return out
    houses = {k[0] for k in keys if k[0] is not None}
    areas = {k[1] for k in keys if k[0] is None}
    items = {k[2] for k in keys}
    rows = MeterReading.objects.filter(fee_item_id__in=items).order_by("read_on")
    by_house = rows.filter(house_id__in=houses) if houses else rows.none()
    by_area = (
        rows.filter(house__isnull=True, area_name__in=areas) if areas else rows.none()
    )
    for qs in (by_house, by_area):
        for house_id, area, item_id, read_on, value in qs.values_list(
            "house_id", "area_name", "fee_item_id", "read_on", "reading"
        ):
            key = (house_id, "" if house_id else area, item_id)
            if key in keys:
                out[key].append((read_on, value))
    return out


def _neighbours(
    series: list[tuple[date, Decimal]], day: date
) -> tuple[tuple[date, Decimal] | None, tuple[date, Decimal] | None, bool]:
    """The reading before `day`, the one after it, and whether `day` has one."""
    days = [d for d, _v in series]
    i = bisect.bisect_left(days, day)
    same = i < len(days) and days[i] == day
    before = series[i - 1] if i > 0 else None
    j = i + 1 if same else i
    after = series[j] if j < len(series) else None
    return before, after, same


def _order_problem(
    series: list[tuple[date, Decimal]], day: date, value: Decimal
) -> tuple[str, str] | None:
    before, after, same = _neighbours(series, day)
    if same:
        return "duplicate_reading", f"该表计 {day} 已有读数"
    if before is not None and value < before[1]:
        return (
            "meter_reading_decreasing",
            f"读数 {value} 小于 {before[0]} 的读数 {before[1]}",
        )
    if after is not None and value > after[1]:
        return (
            "meter_reading_decreasing",
            f"读数 {value} 大于之后 {after[0]} 的读数 {after[1]}",
        )
    return None


# --- entry ----------------------------------------------------------------------------------


def meter_reading_enter(
    *,
    community: Community,
    fee_item: FeeItem,
    reading: Decimal | str,
    read_on: date,
    actor: Any,
    house: House | None = None,
    area_name: str = "",
) -> MeterReading:
    """One reading of a house's (or a common area's) meter, checked as the import
    checks each row."""
    _require(actor, "billing.change", community.pk)
    errors: dict[str, list[str]] = {}
    area_name = (area_name or "").strip()[:50]
    if house is not None and house.community_id != community.pk:
        errors["house"] = ["房屋不属于该小区"]
    if house is None and not area_name:
        errors["house"] = ["请填写房号或公共区域"]
    if fee_item.community_id != community.pk or fee_item.kind != FeeKind.METERED:
        errors["fee_item"] = ["请选择本小区的抄表计费项目"]
    value = parse_reading(reading)
    if value is None:
        errors["reading"] = ["读数须为不小于0的数字，最多三位小数"]
    if read_on > timezone.localdate():
        errors["read_on"] = ["抄表日期不能晚于今天"]
    if errors:
        raise ValidationFailed(
            "抄表读数有误", code="meter_reading_invalid", fields=errors
        )
    key: MeterKey = (
        house.pk if house else None,
        "" if house else area_name,
        fee_item.pk,
    )
    with transaction.atomic():
        FeeItem.objects.select_for_update().get(pk=fee_item.pk)  # one writer per item
        problem = _order_problem(_history({key})[key], read_on, value)
        if problem is not None:
            code, message = problem
            if code == "duplicate_reading":
                raise ValidationFailed(
                    message,
                    code="meter_reading_duplicate",
                    fields={"read_on": ["该日已有读数"]},
                )
            raise ValidationFailed(
                message, code=code, fields={"reading": ["表计读数不能倒退"]}
            )
        try:
            with transaction.atomic():
                row = MeterReading.objects.create(
                    community=community,
                    house=house,
                    area_name="" if house else area_name,
                    fee_item=fee_item,
                    reading=value,
                    read_on=read_on,
                    recorded_by=actor,
                )
        except IntegrityError as exc:
            raise ValidationFailed(
                "该表计当天已有读数", code="meter_reading_duplicate"
            ) from exc
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=row,
            changes={"reading": [None, str(value)], "read_on": [None, str(read_on)]},
        )
    return row


# --- import ---------------------------------------------------------------------------------


@dataclass
class _Row:
    row: int
    house: int | None
    area: str
    item: int
    reading: Decimal
    read_on: date


class _Importer:
    def __init__(self, community: Community) -> None:
        self.community = community
        self.result = ImportResult()
        items = metered_items(community)
        self.items = {i.code: i for i in items} | {i.name: i for i in items}
        self.today = timezone.localdate()

    def error(self, row: int, key: str, code: str, message: str) -> None:
        self.result.error_count += 1
        if len(self.result.errors) < MAX_ERRORS:
            self.result.errors.append(
                RowError(row, HEADER.get(key, key), code, message)
            )

    def read(self, source: Any) -> list[tuple[int, dict[str, Any]]]:
        rows: list[tuple[int, dict[str, Any]]] = []
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
                            column.key,
                            "missing_column",
                            f"缺少列“{column.header}”，请使用导入模板",
                        )
                if self.result.error_count:
                    return []
                continue
            if not any(v not in (None, "") for v in values):
                continue
            self.result.rows += 1
            rows.append(
                (
                    number,
                    {
                        key: values[i] if i < len(values) else None
                        for key, i in positions.items()
                    },
                )
            )
        if not positions and not self.result.error_count:
            self.error(1, "house", "missing_column", "文件没有表头，请使用导入模板")
        return rows

    def parse(self, raw: list[tuple[int, dict[str, Any]]]) -> list[_Row]:
        numbers = {_text(cells.get("house")) for _n, cells in raw} - {""}
        houses = dict(
            House.objects.filter(
                community=self.community, number__in=numbers
            ).values_list("number", "pk")
        )
        out = []
        for number, cells in raw:
            before = self.result.error_count
            house_no = _text(cells.get("house"))
            area = _text(cells.get("area"))[:50]
            house_id = None
            if house_no:
                house_id = houses.get(house_no)
                if house_id is None:
                    self.error(
                        number,
                        "house",
                        "unknown_house",
                        f"房号“{house_no}”不存在于{self.community.name}",
                    )
            elif not area:
                self.error(number, "house", "required", "请填写房号或公共区域")
            item_text = _text(cells.get("item"))
            item = self.items.get(item_text)
            if item is None:
                names = "、".join(sorted({i.name for i in self.items.values()})) or "无"
                self.error(
                    number,
                    "item",
                    "unknown_fee_item",
                    f"收费项目“{item_text}”不是本小区的抄表计费项目（可选：{names}）",
                )
            value = parse_reading(cells.get("reading"))
            if value is None:
                self.error(
                    number,
                    "reading",
                    "invalid_reading",
                    f"读数“{_text(cells.get('reading'))}”须为不小于0的数字，最多三位小数",
                )
            day = parse_day(cells.get("read_on"))
            if day is None:
                self.error(
                    number,
                    "read_on",
                    "invalid_date",
                    f"抄表日期“{_text(cells.get('read_on'))}”无效（格式：2026-11-30）",
                )
            elif day > self.today:
                self.error(number, "read_on", "future_date", "抄表日期不能晚于今天")
            if self.result.error_count == before:
                out.append(
                    _Row(
                        number,
                        house_id,
                        "" if house_id else area,
                        item.pk,  # type: ignore[union-attr]
                        value,  # type: ignore[arg-type]
                        day,  # type: ignore[arg-type]
                    )
                )
        return out

    def check(self, rows: list[_Row]) -> None:
        """Against the stored readings and the other rows: no second reading of a meter
        on a day, never running backwards."""
        keys = {(r.house, r.area, r.item) for r in rows}
        stored = _history(keys)
        by_meter: dict[MeterKey, list[_Row]] = defaultdict(list)
        for r in rows:
            by_meter[(r.house, r.area, r.item)].append(r)
        for key, meter_rows in by_meter.items():
            series = list(stored.get(key, []))
            seen: dict[date, int] = {}
            for r in sorted(meter_rows, key=lambda x: (x.read_on, x.row)):
                if r.read_on in seen:
                    self.error(
                        r.row,
                        "read_on",
                        "duplicate_reading",
                        f"与第 {seen[r.read_on]} 行是同一表计同一天",
                    )
                    continue
                seen[r.read_on] = r.row
                problem = _order_problem(series, r.read_on, r.reading)
                if problem is not None:
                    self.error(r.row, "reading", *problem)
                    continue
                bisect.insort(series, (r.read_on, r.reading))


def meter_readings_import(
    *,
    community: Community,
    actor: Any,
    source: IO[bytes] | bytes,
    dry_run: bool = False,
    filename: str = "",
) -> ImportResult:
    """Check every row of an .xlsx of readings, then write all of them or none."""
    _require(actor, "billing.change", community.pk)
    importer = _Importer(community)
    result = importer.result
    result.dry_run = dry_run
    raw = importer.read(source)
    rows = importer.parse(raw)
    if rows:
        importer.check(rows)
    result.errors.sort(key=lambda e: e.row)
    if result.error_count or dry_run:
        if not result.error_count:
            result.created = len(rows)
        return result
    with transaction.atomic():
        # One writer per community's meters: a concurrent import or entry waits, then
        # its own checks see these rows (and the unique index refuses a duplicate).
        list(
            FeeItem.objects.select_for_update()
            .filter(pk__in={r.item for r in rows})
            .order_by("pk")
        )
        again = _Importer(community)
        again.check(rows)
        if again.result.error_count:
            result.error_count = again.result.error_count
            result.errors = sorted(again.result.errors, key=lambda e: e.row)
            return result
        now = timezone.now()
        MeterReading.objects.bulk_create(
            [
                MeterReading(
                    community=community,
                    house_id=r.house,
                    area_name=r.area,
                    fee_item_id=r.item,
                    reading=r.reading,
                    read_on=r.read_on,
                    recorded_by=actor,
                    created_at=now,
                )
                for r in rows
            ],
            batch_size=1000,
        )
        result.created = len(rows)
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            object_type="billing.meterreading",
            community_id=community.pk,
            changes={"rows": result.rows, "created": result.created},
            reason=filename[:200],
        )
    return result


def import_template(dest: Any) -> None:
    """The empty import workbook: the header row and a sheet of instructions."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("抄表读数")
    sheet.append([c.header for c in COLUMNS])
    notes = book.create_sheet("说明")
    for line in TEMPLATE_NOTES:
        notes.append([line])
    book.save(dest)


__all__ = [
    "COLUMNS",
    "check_xlsx_upload",
    "import_template",
    "meter_reading_enter",
    "meter_readings_import",
    "metered_items",
]
