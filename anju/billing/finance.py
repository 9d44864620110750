"""财务报表: collection rate, arrears recovery, income, aging and dunning for a period.

Definitions (DOMAIN §5), for a period P (a month, a quarter or a year; days are the
community's calendar days):

- **billed for P** (当期应收) — the charges whose period starts in P: Σ (amount −
  discount) of the live bill lines with `period_start` in P: a voided line (and its
  reversal line) and a line replaced by a split or merge do not count, its
  replacements do (a merged line in the month of its earliest original). Late fees
  are left out of both rates: they are charged afterwards for days already past, so
  counting them would change a closed month and penalise the same arrears twice (they
  are income like any other charge). 退还 lines (a deposit given back) are left out
  too, with their allocations: the deposit was billed and collected; giving it back
  is money out (income), not a failure to collect.
- **collected for P** (当期实收) — what payments received up to the end of P settled on
  those lines (allocations; a payment made before P on a line of P counts, one made
  after P does not). Prepayment credit set against a line later (`from_credit`)
  settles it when that is done, not when the money came in. **Collection rate
  (收缴率)** = collected ÷ billed.
- **arrears at the start of P** (期初欠费) — what the lines of earlier periods still owed
  on the first day of P: Σ (amount − discount) of lines starting before P, less what
  payments received before P settled on them.
- **recovered in P** (清欠金额) — what payments received in P (and credit set against
  them in P) settled on lines of earlier periods. **Arrears recovery rate (清欠率)** = recovered ÷ arrears at the start.
- **income of P** (收入) — payments received in P, net of the reversals and refunds
  made in P (a reversal or an approved refund reduces the period it happens in, never
  the period of the payment), per channel and per fee item (what they settled, credit
  set against lines later included; the part still held is prepayment credit, 预收款:
  a refund of credit reduces that row, a deposit refund its fee item).

Rates are percentages with one decimal, ROUND_HALF_UP; no rate (None) when there is
nothing to divide by. Amounts are `Decimal`, each sum rounded once to the fen.

Everything is grouped SQL: the lines and the allocations are each summed once per level
(community, building, month), with the bucket of a row (before P, or which month of P)
decided by comparing its date with bounds computed once in Python. No loop runs over
houses, lines or payments; Python only combines the few bucket sums.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core.errors import ValidationFailed
from anju.core.money import MONEY_FIELD, money
from anju.estates.models import Building

from . import aging
from .choices import Channel, FeeKind, LineKind, LineStatus, PaymentKind
from .models import ZERO, BillLine, FeeItem, Payment, PaymentAllocation
from .periods import add_months, month_end

HUNDRED = Decimal("100")
TENTH = Decimal("0.1")
MONEY = MONEY_FIELD
BEFORE = -1  # bucket of rows dated before the period
# Lines that count: a voided line and its reversal line (both `void`) drop out
# together; a line superseded by a split or merge gives way to its replacements.
LIVE_LINE_STATUSES = (LineStatus.UNPAID, LineStatus.PARTIAL, LineStatus.PAID)


class FinancePeriodInvalid(ValidationFailed):
    """报表期间有误。"""

    code = "finance_period_invalid"


# --- Periods ------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A report period: a calendar month, quarter or year (days inclusive)."""

    kind: str  # year | quarter | month
    year: int
    index: int  # month 1–12, quarter 1–4, 0 for a year
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.index}"
        return f"{self.year:04d}"

    @property
    def title(self) -> str:
        if self.kind == "month":
            return _("%(y)s年%(m)s月") % {"y": self.year, "m": self.index}
        if self.kind == "quarter":
            return _("%(y)s年第%(q)s季度") % {"y": self.year, "q": self.index}
        return _("%(y)s年") % {"y": self.year}

    def months(self) -> list[Period]:
        out = []
        y, m = self.start.year, self.start.month
        while date(y, m, 1) <= self.end:
            out.append(month_period(y, m))
            y, m = add_months(y, m, 1)
        return out

    @property
    def query(self) -> str:
        if self.kind == "month":
            return f"year={self.year}&month={self.index}"
        if self.kind == "quarter":
            return f"year={self.year}&quarter={self.index}"
        return f"year={self.year}"


def month_period(year: int, month: int) -> Period:
    first = date(year, month, 1)
    return Period("month", year, month, first, month_end(first))


def period_for(
    *, year: int, quarter: int | None = None, month: int | None = None
) -> Period:
    """The year, one of its quarters or one of its months; FinancePeriodInvalid else."""
    if not 2000 <= year <= 2100:
        raise FinancePeriodInvalid(
            _("年份应在 2000–2100 之间"), fields={"year": ["2000–2100"]}
        )
    if quarter and month:
        raise FinancePeriodInvalid(
            _("季度和月份只能选一个"), fields={"quarter": [_("季度和月份只能选一个")]}
        )
    if month:
        if not 1 <= month <= 12:
            raise FinancePeriodInvalid(_("月份应为 1–12"), fields={"month": ["1–12"]})
        return month_period(year, month)
    if quarter:
        if not 1 <= quarter <= 4:
            raise FinancePeriodInvalid(_("季度应为 1–4"), fields={"quarter": ["1–4"]})
        first = date(year, quarter * 3 - 2, 1)
        return Period(
            "quarter", year, quarter, first, month_end(first.replace(month=quarter * 3))
        )
    return Period("year", year, 0, date(year, 1, 1), date(year, 12, 31))


def _number(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise FinancePeriodInvalid(
            _("期间参数应为数字"), fields={name: [_("应为数字")]}
        ) from None


def parse_period(value: str) -> Period:
    """ "2026" / "2026-Q1" / "2026-03" → the period; FinancePeriodInvalid else."""
    text = (value or "").strip().upper()
    year, _sep, rest = text.partition("-")
    if rest.startswith("Q"):
        return period_for(
            year=_number(year, "period") or 0, quarter=_number(rest[1:], "period")
        )
    return period_for(year=_number(year, "period") or 0, month=_number(rest, "period"))


def period_from_params(params: Any, today: date) -> Period:
    """`period=2026-Q1`, or `year=` with `quarter=` or `month=`; the current year by
    default (year to date)."""
    if params.get("period"):
        return parse_period(params["period"])
    year = _number(params.get("year"), "year") or today.year
    return period_for(
        year=year,
        quarter=_number(params.get("quarter"), "quarter"),
        month=_number(params.get("month"), "month"),
    )


def period_choices(
    today: date, years: int = 3
) -> list[tuple[str, list[tuple[str, str]]]]:
    """(year label, [(value, label)…]) for the page's period picker."""
    out = []
    for year in range(today.year, today.year - years, -1):
        options = [(str(year), _("全年"))]
        options += [(f"{year}-Q{q}", _("第%(q)s季度") % {"q": q}) for q in range(1, 5)]
        options += [(f"{year}-{m:02d}", _("%(m)s月") % {"m": m}) for m in range(1, 13)]
        out.append((str(year), options))
    return out


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def community_tz(community: Any) -> ZoneInfo:
    return ZoneInfo(getattr(community, "timezone", "") or "Asia/Shanghai")


# --- Rates --------------------------------------------------------------------------


def rate(part: Decimal, whole: Decimal) -> Decimal | None:
    """part ÷ whole in %, one decimal, ROUND_HALF_UP; None when whole is not positive."""
    if whole <= 0:
        return None
    return (part * HUNDRED / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


def pct_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


@dataclass
class Rates:
    """Collection and recovery figures of one community, building or month."""

    key: Any
    label: str
    billed: Decimal = ZERO
    collected: Decimal = ZERO
    arrears_start: Decimal = ZERO
    recovered: Decimal = ZERO
    income: Decimal | None = None  # payments received (month rows only)

    @property
    def collection_rate(self) -> Decimal | None:
        return rate(self.collected, self.billed)

    @property
    def recovery_rate(self) -> Decimal | None:
        return rate(self.recovered, self.arrears_start)

    @property
    def uncollected(self) -> Decimal:
        return self.billed - self.collected

    def as_dict(self) -> dict[str, Any]:
        out = {
            "key": self.key,
            "label": self.label,
            "billed": str(self.billed),
            "collected": str(self.collected),
            "collection_rate": _pct_json(self.collection_rate),
            "arrears_start": str(self.arrears_start),
            "recovered": str(self.recovered),
            "recovery_rate": _pct_json(self.recovery_rate),
        }
        if self.income is not None:
            out["income"] = str(self.income)
        return out


def _pct_json(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- The grouped sums ---------------------------------------------------------------


def _bucket(path: str, bounds: list[Any]) -> Case:
    """-1 before bounds[0], i inside [bounds[i], bounds[i+1]); rows at or after the last
    bound are filtered out by the caller."""
    whens = [When(**{f"{path}__lt": bounds[0]}, then=Value(BEFORE))]
    whens += [
        When(**{f"{path}__lt": bounds[i + 1]}, then=Value(i))
        for i in range(len(bounds) - 1)
    ]
    return Case(*whens, default=Value(len(bounds) - 1), output_field=IntegerField())


def _rate_lines() -> QuerySet[BillLine]:
    """Bill lines that count for the rates: the live charges (unpaid, partly paid or
    paid — not a voided line nor its reversal, not a line replaced by a split or
    merge, whose replacements count instead), late fees and 退还 lines (deposits
    given back) left out."""
    late = FeeItem.objects.filter(kind=FeeKind.LATE_FEE).values("pk")
    return (
        BillLine.objects.filter(status__in=LIVE_LINE_STATUSES)
        .exclude(fee_item_id__in=late)
        .exclude(kind=LineKind.REFUND)
    )


def _settled_at() -> Case:
    """When an allocation settled its line: when its payment was received — or, for
    prepayment credit set against the line later (`from_credit`), when that was done
    (the money was in hand earlier, the line was owed until then)."""
    return Case(
        When(
            from_credit=True,
            payment__kind=PaymentKind.PAYMENT,
            then=F("created_at"),
        ),
        default=F("payment__received_at"),
        output_field=DateTimeField(),
    )


def _sums(
    *,
    community_ids: list[int],
    group: tuple[str, ...],
    days: list[date],
    tz: ZoneInfo,
) -> tuple[dict[Any, dict[int, Decimal]], dict[Any, dict[tuple[int, int], Decimal]]]:
    """Two grouped queries: (group → line bucket → billed) and (group → (line bucket,
    payment bucket) → allocated). `days` are the bucket bounds: the first day of each
    month of the period (or just of the period) and the day after it."""
    moments = [local_midnight(d, tz) for d in days]
    net = ExpressionWrapper(F("amount") - F("discount_amount"), output_field=MONEY)
    lines = (
        _rate_lines()
        .filter(
            # through the bill: its (community, period_start) index finds the rows.
            # A charge never starts before its bill (late fees do, and are left out).
            bill__community_id__in=community_ids,
            bill__period_start__lt=days[-1],
            period_start__lt=days[-1],
        )
        .annotate(b=_bucket("period_start", days))
        .values(*group, "b")
        .annotate(s=Sum(net, output_field=MONEY))
        .order_by()
    )
    billed: dict[Any, dict[int, Decimal]] = defaultdict(dict)
    for row in lines:
        key = tuple(row[g] for g in group)
        billed[key][row["b"]] = money(row["s"] or ZERO)
    late = FeeItem.objects.filter(kind=FeeKind.LATE_FEE).values("pk")
    agroup = tuple(f"line__{g}" for g in group)
    allocations = (
        PaymentAllocation.objects.annotate(settled_at=_settled_at())
        .filter(
            payment__community_id__in=community_ids,
            line__period_start__lt=days[-1],
            settled_at__lt=moments[-1],
            line__status__in=LIVE_LINE_STATUSES,
        )
        .exclude(line__fee_item_id__in=late)
        .exclude(line__kind=LineKind.REFUND)
        .annotate(
            lb=_bucket("line__period_start", days),
            pb=_bucket("settled_at", moments),
        )
        .values(*agroup, "lb", "pb")
        .annotate(s=Sum("amount", output_field=MONEY))
        .order_by()
    )
    cells: dict[Any, dict[tuple[int, int], Decimal]] = defaultdict(dict)
    for row in allocations:
        key = tuple(row[g] for g in agroup)
        cells[key][(row["lb"], row["pb"])] = money(row["s"] or ZERO)
    return billed, cells


def _for_bucket(
    i: int, billed: dict[int, Decimal], cells: dict[tuple[int, int], Decimal]
) -> dict[str, Decimal]:
    """The four figures of bucket i from the bucket sums (see the module docstring)."""
    return {
        "billed": billed.get(i, ZERO),
        "collected": sum(
            (v for (lb, pb), v in cells.items() if lb == i and pb <= i), ZERO
        ),
        "arrears_start": sum((v for b, v in billed.items() if b < i), ZERO)
        - sum((v for (lb, pb), v in cells.items() if lb < i and pb < i), ZERO),
        "recovered": sum(
            (v for (lb, pb), v in cells.items() if lb < i and pb == i), ZERO
        ),
    }


def _for_period(
    billed: dict[int, Decimal], cells: dict[tuple[int, int], Decimal]
) -> dict[str, Decimal]:
    """The whole period from its month buckets: lines of the period paid by its end,
    arrears on its first day, earlier lines paid inside it."""
    return {
        "billed": sum((v for b, v in billed.items() if b != BEFORE), ZERO),
        "collected": sum((v for (lb, _pb), v in cells.items() if lb != BEFORE), ZERO),
        "arrears_start": billed.get(BEFORE, ZERO) - cells.get((BEFORE, BEFORE), ZERO),
        "recovered": sum(
            (v for (lb, pb), v in cells.items() if lb == BEFORE and pb != BEFORE), ZERO
        ),
    }


def _period_days(period: Period) -> list[date]:
    return [period.start, period.end + timedelta(days=1)]


def collection_by_community(
    *, communities: list[Any], period: Period, tz: ZoneInfo
) -> list[Rates]:
    """One row per community (in the order given), zero rows included."""
    ids = [c.pk for c in communities]
    billed, cells = _sums(
        community_ids=ids,
        group=("bill__community_id",),
        days=_period_days(period),
        tz=tz,
    )
    return [
        Rates(
            key=c.pk,
            label=c.name,
            **_for_period(billed.get((c.pk,), {}), cells.get((c.pk,), {})),
        )
        for c in communities
    ]


def _natural(text: str) -> tuple[int, str]:
    """Building "2" before "10"."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return (int(digits) if digits and digits == text else 10**9, text)


def _month_days(period: Period) -> list[date]:
    return [m.start for m in period.months()] + [period.end + timedelta(days=1)]


def _add(into: dict, part: dict) -> None:
    for key, value in part.items():
        into[key] = into.get(key, ZERO) + value


@dataclass
class Collection:
    """The rates of a community for a period: each month, each building, the whole."""

    months: list[Rates]
    buildings: list[Rates]
    total: Rates


def collection_report(*, community_id: int, period: Period, tz: ZoneInfo) -> Collection:
    """Each month of the period as its own period (received by the end of that month;
    arrears on its first day), each building over the whole period, and the period.

    Two grouped queries (lines; allocations) by building and month bucket, and the
    building numbers: the months are the buildings' buckets added up, a building's
    period figures its buckets combined. Monthly income (payments received) comes
    with `income_by_channel`."""
    months = period.months()
    billed, cells = _sums(
        community_ids=[community_id],
        group=("house__building_id",),
        days=_month_days(period),
        tz=tz,
    )
    all_billed: dict[int, Decimal] = {}
    all_cells: dict[tuple[int, int], Decimal] = {}
    for part in billed.values():
        _add(all_billed, part)
    for part in cells.values():
        _add(all_cells, part)
    numbers = dict(
        Building.objects.filter(community_id=community_id).values_list("pk", "number")
    )
    keys = sorted(
        ((k[0], numbers.get(k[0], "")) for k in set(billed) | set(cells)),
        key=lambda k: (_natural(k[1]), k[0]),
    )
    return Collection(
        months=[
            Rates(key=m.label, label=m.label, **_for_bucket(i, all_billed, all_cells))
            for i, m in enumerate(months)
        ],
        buildings=[
            Rates(
                key=pk,
                label=number,
                **_for_period(billed.get((pk,), {}), cells.get((pk,), {})),
            )
            for pk, number in keys
        ],
        total=Rates(
            key=period.label, label=period.label, **_for_period(all_billed, all_cells)
        ),
    )


def _received(community_id: int, period: Period, tz: ZoneInfo) -> QuerySet:
    return Payment.objects.filter(
        community_id=community_id,
        received_at__gte=local_midnight(period.start, tz),
        received_at__lt=local_midnight(period.end + timedelta(days=1), tz),
    )


# --- Income -------------------------------------------------------------------------


@dataclass
class ChannelIncome:
    channel: str
    label: str
    received: Decimal = ZERO
    reversed: Decimal = ZERO  # negative
    refunded: Decimal = ZERO  # negative: approved refunds paid out
    count: int = 0
    reversal_count: int = 0
    refund_count: int = 0

    @property
    def net(self) -> Decimal:
        return self.received + self.reversed + self.refunded

    def as_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "label": self.label,
            "received": str(self.received),
            "reversed": str(self.reversed),
            "refunded": str(self.refunded),
            "net": str(self.net),
            "count": self.count,
            "reversal_count": self.reversal_count,
            "refund_count": self.refund_count,
        }


@dataclass
class Income:
    """Payments of the period per channel (every channel listed), per month, and the
    part of them kept as prepayment credit."""

    channels: list[ChannelIncome]
    by_month: dict[int, Decimal]  # month bucket → net payments received
    credit: Decimal


def income_by_channel(*, community_id: int, period: Period, tz: ZoneInfo) -> Income:
    """One grouped query over the period's payments by channel and month."""
    moments = [local_midnight(d, tz) for d in _month_days(period)]
    rows = (
        _received(community_id, period, tz)
        .annotate(b=_bucket("received_at", moments))
        .values("channel", "b")
        .annotate(
            received=Sum("amount", filter=Q(kind=PaymentKind.PAYMENT)),
            reversed=Sum("amount", filter=Q(kind=PaymentKind.REVERSAL)),
            refunded=Sum("amount", filter=Q(kind=PaymentKind.REFUND)),
            count=Count("pk", filter=Q(kind=PaymentKind.PAYMENT)),
            reversal_count=Count("pk", filter=Q(kind=PaymentKind.REVERSAL)),
            refund_count=Count("pk", filter=Q(kind=PaymentKind.REFUND)),
            credit=Sum("credit_amount"),
        )
        .order_by()
    )
    got = {code: ChannelIncome(code, str(label)) for code, label in Channel.choices}
    by_month: dict[int, Decimal] = {}
    credit = ZERO
    for r in rows:
        c = got[r["channel"]]
        received = money(r["received"] or ZERO)
        reversed_ = money(r["reversed"] or ZERO)
        refunded = money(r["refunded"] or ZERO)
        c.received += received
        c.reversed += reversed_
        c.refunded += refunded
        c.count += r["count"] or 0
        c.reversal_count += r["reversal_count"] or 0
        c.refund_count += r["refund_count"] or 0
        by_month[r["b"]] = by_month.get(r["b"], ZERO) + received + reversed_ + refunded
        credit += money(r["credit"] or ZERO)
    return Income(channels=list(got.values()), by_month=by_month, credit=credit)


def income_by_fee_item(
    *, community_id: int, period: Period, tz: ZoneInfo, credit: Decimal
) -> list[dict[str, Any]]:
    """What the period's payments (less its reversals and refunds) settled per fee
    item, largest first, and a last row for the prepayment credit (the part no line
    took)."""
    rows = (
        PaymentAllocation.objects.filter(
            payment__community_id=community_id,
            payment__received_at__gte=local_midnight(period.start, tz),
            payment__received_at__lt=local_midnight(period.end + timedelta(days=1), tz),
        )
        .values("line__fee_item_id", "line__fee_item__name")
        .annotate(s=Sum("amount", output_field=MONEY))
        .order_by()
    )
    out = [
        {
            "fee_item": r["line__fee_item_id"],
            "label": r["line__fee_item__name"],
            "amount": money(r["s"] or ZERO),
        }
        for r in rows
    ]
    out.sort(key=lambda r: (-r["amount"], r["label"]))
    if credit:
        out.append(
            {"fee_item": None, "label": _("预收款（未冲抵账单）"), "amount": credit}
        )
    return out


# --- The report ---------------------------------------------------------------------


@dataclass
class FinanceReport:
    community: Any
    period: Period
    as_of: date  # aging day: the period's end, or today inside the current period
    total: Rates
    months: list[Rates]
    communities: list[Rates]
    buildings: list[Rates]
    channels: list[ChannelIncome]
    fee_items: list[dict[str, Any]]
    credit: Decimal
    aging: dict[str, Any]
    dunning: dict[str, Any] | None = None  # None: no dunning figures for this user

    @property
    def income(self) -> Decimal:
        return sum((c.net for c in self.channels), ZERO)

    @property
    def received(self) -> Decimal:
        return sum((c.received for c in self.channels), ZERO)

    @property
    def reversed(self) -> Decimal:
        return sum((c.reversed for c in self.channels), ZERO)

    @property
    def refunded(self) -> Decimal:
        return sum((c.refunded for c in self.channels), ZERO)


def dunning_effectiveness(
    *, user: Any, community_id: int, period: Period
) -> dict[str, Any] | None:
    """催缴成效 from `anju.dunning` when it is installed and the user may see dunning
    (contacts made in the period, paid within 30 days after); None otherwise."""
    if not apps.is_installed("anju.dunning") or not user.has_role_perm("dunning.view"):
        return None
    try:
        from anju.dunning.figures import effectiveness
    except ImportError:  # pragma: no cover - an older dunning app
        return None
    return effectiveness(
        user=user,
        date_from=period.start,
        date_to=period.end,
        community_id=community_id,
    )


def finance_report(
    *,
    user: Any,
    community: Any,
    communities: list[Any],
    period: Period,
    today: date,
) -> FinanceReport:
    """Every figure of the finance page for a community and period — a fixed number of
    grouped queries, whatever the number of houses, lines and payments."""
    tz = community_tz(community)
    collection = collection_report(community_id=community.pk, period=period, tz=tz)
    income = income_by_channel(community_id=community.pk, period=period, tz=tz)
    total = collection.total
    for i, month in enumerate(collection.months):
        month.income = income.by_month.get(i, ZERO)
    total.income = sum(income.by_month.values(), ZERO)
    if [c.pk for c in communities] == [community.pk]:
        # the community's own figures: no second pass over the same rows
        per_community = [
            replace(total, key=community.pk, label=community.name, income=None)
        ]
    else:
        per_community = collection_by_community(
            communities=communities, period=period, tz=tz
        )
    as_of = min(period.end, today)
    return FinanceReport(
        community=community,
        period=period,
        as_of=as_of,
        total=total,
        months=collection.months,
        communities=per_community,
        buildings=collection.buildings,
        channels=income.channels,
        fee_items=income_by_fee_item(
            community_id=community.pk, period=period, tz=tz, credit=income.credit
        ),
        credit=income.credit,
        aging=aging.community_aging(community_id=community.pk, as_of=as_of),
        dunning=dunning_effectiveness(
            user=user, community_id=community.pk, period=period
        ),
    )


# --- Output: JSON and Excel -----------------------------------------------------------


def summary_pairs(r: FinanceReport) -> list[tuple[str, Any]]:
    t = r.total
    return [
        (_("当期应收"), t.billed),
        (_("当期实收"), t.collected),
        (_("收缴率"), pct_text(t.collection_rate)),
        (_("期初欠费"), t.arrears_start),
        (_("清欠金额"), t.recovered),
        (_("清欠率"), pct_text(t.recovery_rate)),
        (_("收款合计"), r.received),
        (_("冲正合计"), r.reversed),
        (_("退款合计"), r.refunded),
        (_("净收入"), r.income),
        (_("其中预收款"), r.credit),
        (_("欠费合计（截至 %(d)s）") % {"d": r.as_of.isoformat()}, r.aging["total"]),
    ]


def _figure_json(f: Any) -> dict[str, Any]:
    return f.as_dict() if hasattr(f, "as_dict") else dict(f)


def as_json(r: FinanceReport) -> dict[str, Any]:
    return {
        "community": r.community.pk,
        "period": {
            "kind": r.period.kind,
            "label": r.period.label,
            "start": r.period.start.isoformat(),
            "end": r.period.end.isoformat(),
        },
        "totals": {
            **r.total.as_dict(),
            "received": str(r.received),
            "reversed": str(r.reversed),
            "refunded": str(r.refunded),
            "net_income": str(r.income),
            "credit": str(r.credit),
        },
        "months": [m.as_dict() for m in r.months],
        "communities": [c.as_dict() for c in r.communities],
        "buildings": [b.as_dict() for b in r.buildings],
        "income_by_channel": [c.as_dict() for c in r.channels],
        "income_by_fee_item": [
            {"fee_item": f["fee_item"], "label": f["label"], "amount": str(f["amount"])}
            for f in r.fee_items
        ],
        "aging": {
            "as_of": r.as_of.isoformat(),
            "buckets": [
                {"key": b.key, "label": str(b.label), "amount": str(r.aging[b.key])}
                for b in aging.BUCKETS
            ],
            "total": str(r.aging["total"]),
            "houses": r.aging["houses"],
        },
        "dunning": None
        if r.dunning is None
        else {
            "total": _figure_json(r.dunning["total"]),
            "stages": [_figure_json(f) for f in r.dunning["stages"]],
            "campaigns": [_figure_json(f) for f in r.dunning["campaigns"]],
        },
    }


RATE_HEADS = (
    gettext_lazy("当期应收"),
    gettext_lazy("当期实收"),
    gettext_lazy("收缴率(%)"),
    gettext_lazy("期初欠费"),
    gettext_lazy("清欠金额"),
    gettext_lazy("清欠率(%)"),
)


def _rate_cells(row: Rates) -> list[Any]:
    return [
        row.billed,
        row.collected,
        row.collection_rate,
        row.arrears_start,
        row.recovered,
        row.recovery_rate,
    ]


def workbook(r: FinanceReport) -> bytes:
    """The report as .xlsx: a summary sheet and one sheet per breakdown."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("汇总")
    sheet.append([_("财务报表"), r.community.name, r.period.label])
    sheet["A1"].font = Font(bold=True)
    sheet.append([])
    for label, value in summary_pairs(r):
        sheet.append([label, value])
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 16
    heads = [str(h) for h in RATE_HEADS]

    def rate_sheet(
        title: str, first: str, rows: list[Rates], extra: bool = False
    ) -> None:
        page = book.create_sheet(title)
        page.append([first, *heads, *([_("收款合计")] if extra else [])])
        for row in rows:
            page.append(
                [row.label, *_rate_cells(row), *([row.income] if extra else [])]
            )
        page.column_dimensions["A"].width = 14
        for col in "BCDEFGH":
            page.column_dimensions[col].width = 14

    rate_sheet(_("按月"), _("月份"), [*r.months, r.total], extra=True)
    rate_sheet(_("按小区"), _("小区"), r.communities)
    rate_sheet(_("按楼栋"), _("楼栋"), r.buildings)
    items = book.create_sheet(_("按收费项目"))
    items.append([_("收费项目"), _("收入")])
    for row in r.fee_items:
        items.append([row["label"], row["amount"]])
    items.append([_("合计"), r.income])
    items.column_dimensions["A"].width = 22
    chans = book.create_sheet(_("按收款方式"))
    chans.append(
        [
            _("收款方式"),
            _("收款"),
            _("笔数"),
            _("冲正"),
            _("笔数"),
            _("退款"),
            _("笔数"),
            _("净额"),
        ]
    )
    for c in r.channels:
        chans.append(
            [
                c.label,
                c.received,
                c.count,
                c.reversed,
                c.reversal_count,
                c.refunded,
                c.refund_count,
                c.net,
            ]
        )
    chans.append(
        [_("合计"), r.received, None, r.reversed, None, r.refunded, None, r.income]
    )
    chans.column_dimensions["A"].width = 14
    ages = book.create_sheet(_("欠费账龄"))
    ages.append([_("账龄"), _("欠费金额")])
    for label, amount in aging.chart_items(r.aging):
        ages.append([label, amount])
    ages.append([_("合计"), r.aging["total"]])
    ages.append([_("欠费户数"), r.aging["houses"]])
    ages.append([_("截至"), r.as_of.isoformat()])
    if r.dunning is not None:
        dun = book.create_sheet(_("催缴成效"))
        dun.append(
            [_("分组"), _("联系户数"), _("联系次数"), _("承诺缴费"), _("30天内回款")]
        )
        groups = [*r.dunning["stages"], *r.dunning["campaigns"], r.dunning["total"]]
        for f in groups:
            dun.append([f.label, f.houses, f.contacts, f.promises, f.recovered])
        dun.column_dimensions["A"].width = 22
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
