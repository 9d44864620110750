"""日结: the daily settlement of a cashier (or of a whole community) for one day.

What the cashier hands over at the end of the day: the receipts issued, the reversals
and the refunds (退款凭证), the totals per channel, the cash that should be in the drawer, the number of receipts
and the first and last receipt numbers, and a reconciliation: the receipts add up to
the payments, and the payments to what was allocated to bill lines plus what was kept
as prepayment credit (平), else the differences are shown (不平).

A day is the community's calendar day (its time zone); a payment belongs to the day
and the cashier of its `received_at` / `received_by` (a reversal to whoever reversed
it, on the day it was reversed; a refund to the cashier who asked for it — who hands
the money back — on the day it was approved).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from anju.core import audit, pdf
from anju.core.models import AuditAction
from anju.core.money import money
from anju.estates.models import Community

from .choices import Channel, PaymentKind
from .models import ZERO, Payment, PaymentAllocation, Receipt


@dataclass
class ChannelRow:
    channel: str
    label: str
    receipts: Decimal = ZERO  # payments taken (positive)
    reversals: Decimal = ZERO  # reversals given (negative)
    refunds: Decimal = ZERO  # refunds paid out after approval (negative)
    count: int = 0
    reversal_count: int = 0
    refund_count: int = 0

    @property
    def net(self) -> Decimal:
        return self.receipts + self.reversals + self.refunds


@dataclass
class Settlement:
    community: Community
    day: date
    cashier: Any  # a user, or None for the whole community
    channels: list[ChannelRow] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    cashiers: list[dict[str, Any]] = field(default_factory=list)
    receipt_count: int = 0
    first_number: str = ""
    last_number: str = ""
    payment_count: int = 0
    payments_total: Decimal = ZERO
    receipts_total: Decimal = ZERO
    allocated_total: Decimal = ZERO
    credit_total: Decimal = ZERO

    @property
    def gross(self) -> Decimal:
        return sum((c.receipts for c in self.channels), ZERO)

    @property
    def reversals(self) -> Decimal:
        return sum((c.reversals for c in self.channels), ZERO)

    @property
    def refunds(self) -> Decimal:
        return sum((c.refunds for c in self.channels), ZERO)

    @property
    def net(self) -> Decimal:
        return self.gross + self.reversals + self.refunds

    @property
    def cash_expected(self) -> Decimal:
        """Cash that should be in the drawer: cash taken less cash given back
        (reversals and refunds)."""
        return next((c.net for c in self.channels if c.channel == Channel.CASH), ZERO)

    @property
    def receipt_difference(self) -> Decimal:
        return self.receipts_total - self.payments_total

    @property
    def allocation_difference(self) -> Decimal:
        return self.payments_total - (self.allocated_total + self.credit_total)

    @property
    def balanced(self) -> bool:
        """平: receipts = payments = allocations + credits, one receipt per payment."""
        return (
            self.receipt_difference == 0
            and self.allocation_difference == 0
            and self.receipt_count == self.payment_count
        )


def day_bounds(community: Community, day: date) -> tuple[datetime, datetime]:
    tz = ZoneInfo(community.timezone or "Asia/Shanghai")
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)


def day_payments(community: Community, day: date, cashier_id: int | None = None):  # type: ignore[no-untyped-def]
    start, end = day_bounds(community, day)
    qs = Payment.objects.filter(
        community=community, received_at__gte=start, received_at__lt=end
    )
    if cashier_id:
        qs = qs.filter(received_by_id=cashier_id)
    return qs


def daily_settlement(
    *, community: Community, day: date, cashier: Any = None, with_receipts: bool = True
) -> Settlement:
    """The settlement of `cashier` (or everybody) in `community` on `day`; a handful of
    grouped queries whatever the number of receipts."""
    payments = day_payments(community, day, cashier.pk if cashier else None)
    out = Settlement(community=community, day=day, cashier=cashier)
    got = {
        row["channel"]: row
        for row in payments.values("channel").annotate(
            receipts=Sum("amount", filter=Q(kind=PaymentKind.PAYMENT)),
            reversals=Sum("amount", filter=Q(kind=PaymentKind.REVERSAL)),
            refunds=Sum("amount", filter=Q(kind=PaymentKind.REFUND)),
            count=Count("pk", filter=Q(kind=PaymentKind.PAYMENT)),
            reversal_count=Count("pk", filter=Q(kind=PaymentKind.REVERSAL)),
            refund_count=Count("pk", filter=Q(kind=PaymentKind.REFUND)),
        )
    }
    for code, label in Channel.choices:
        row = got.get(code, {})
        out.channels.append(
            ChannelRow(
                channel=code,
                label=str(label),
                receipts=money(row.get("receipts") or ZERO),
                reversals=money(row.get("reversals") or ZERO),
                refunds=money(row.get("refunds") or ZERO),
                count=row.get("count") or 0,
                reversal_count=row.get("reversal_count") or 0,
                refund_count=row.get("refund_count") or 0,
            )
        )
    totals = payments.aggregate(
        n=Count("pk"), total=Sum("amount"), credit=Sum("credit_amount")
    )
    out.payment_count = totals["n"] or 0
    out.payments_total = money(totals["total"] or ZERO)
    out.credit_total = money(totals["credit"] or ZERO)
    out.allocated_total = money(
        PaymentAllocation.objects.filter(payment__in=payments.values("pk")).aggregate(
            s=Sum("amount")
        )["s"]
        or ZERO
    )
    receipts = Receipt.objects.filter(payment__in=payments.values("pk"))
    r = receipts.aggregate(
        n=Count("pk"), total=Sum("amount"), first=Min("number"), last=Max("number")
    )
    out.receipt_count = r["n"] or 0
    out.receipts_total = money(r["total"] or ZERO)
    out.first_number = r["first"] or ""
    out.last_number = r["last"] or ""
    if with_receipts:
        out.receipts = list(
            receipts.select_related(
                "payment__house",
                "payment__received_by",
                "payment__reversal_of__receipt",
                "payment__refund_of__receipt",
            ).order_by("number")
        )
    if cashier is None:
        out.cashiers = list(
            payments.values(
                "received_by_id",
                "received_by__display_name",
                "received_by__username",
            )
            .annotate(
                count=Count("pk"),
                net=Sum("amount"),
                cash=Sum("amount", filter=Q(channel=Channel.CASH)),
            )
            .order_by("received_by__username")
        )
        for row in out.cashiers:
            row["name"] = (
                row["received_by__display_name"] or row["received_by__username"]
            )
            row["cash"] = money(row["cash"] or ZERO)
            row["net"] = money(row["net"] or ZERO)
    return out


def cashiers_of_day(community: Community, day: date) -> list[dict[str, Any]]:
    """Who took, reversed or refunded payments in the community that day (for the
    picker)."""
    rows = (
        day_payments(community, day)
        .values("received_by_id", "received_by__display_name", "received_by__username")
        .distinct()
        .order_by("received_by__username")
    )
    return [
        {
            "id": r["received_by_id"],
            "name": r["received_by__display_name"] or r["received_by__username"],
        }
        for r in rows
    ]


# --- Output: JSON, Excel, PDF --------------------------------------------------------


def cashier_name(settlement: Settlement) -> str:
    return str(settlement.cashier) if settlement.cashier else _("全部收款员")


def balance_text(settlement: Settlement) -> str:
    return _("平") if settlement.balanced else _("不平")


def as_json(s: Settlement) -> dict[str, Any]:
    return {
        "community": s.community.pk,
        "date": s.day.isoformat(),
        "cashier": s.cashier.pk if s.cashier else None,
        "receipt_count": s.receipt_count,
        "first_receipt": s.first_number,
        "last_receipt": s.last_number,
        "gross": str(s.gross),
        "reversals": str(s.reversals),
        "refunds": str(s.refunds),
        "net": str(s.net),
        "cash_expected": str(s.cash_expected),
        "channels": [
            {
                "channel": c.channel,
                "receipts": str(c.receipts),
                "reversals": str(c.reversals),
                "refunds": str(c.refunds),
                "net": str(c.net),
                "count": c.count,
                "reversal_count": c.reversal_count,
                "refund_count": c.refund_count,
            }
            for c in s.channels
        ],
        "reconciliation": {
            "balanced": s.balanced,
            "payment_count": s.payment_count,
            "payments_total": str(s.payments_total),
            "receipts_total": str(s.receipts_total),
            "allocated_total": str(s.allocated_total),
            "credit_total": str(s.credit_total),
            "receipt_difference": str(s.receipt_difference),
            "allocation_difference": str(s.allocation_difference),
        },
        "receipts": [
            {
                "number": r.number,
                "payment": r.payment_id,
                "kind": r.payment.kind,
                "house": r.payment.house.number,
                "channel": r.payment.channel,
                "amount": str(r.amount),
                "cashier": str(r.payment.received_by),
                "issued_at": r.issued_at.isoformat(),
                "reversal_of": (
                    r.payment.reversal_of.receipt.number
                    if r.payment.reversal_of_id
                    else None
                ),
                "refund_of": (
                    r.payment.refund_of.receipt.number
                    if r.payment.refund_of_id
                    else None
                ),
            }
            for r in s.receipts
        ],
        "cashiers": [
            {
                "cashier": c["received_by_id"],
                "name": c["name"],
                "count": c["count"],
                "net": str(c["net"]),
                "cash": str(c["cash"]),
            }
            for c in s.cashiers
        ],
    }


def _local(value: datetime, tz: ZoneInfo) -> str:
    return formats.date_format(timezone.localtime(value, tz), "H:i")


def _receipt_rows(s: Settlement) -> list[list[Any]]:
    tz = ZoneInfo(s.community.timezone or "Asia/Shanghai")
    rows = []
    for r in s.receipts:
        p = r.payment
        note = ""
        if p.reversal_of_id:
            note = _("冲正 %(number)s") % {"number": p.reversal_of.receipt.number}
        elif p.refund_of_id:
            note = _("退款 原收据 %(number)s") % {"number": p.refund_of.receipt.number}
        rows.append(
            [
                r.number,
                _local(r.issued_at, tz),
                p.house.number,
                p.get_channel_display(),
                r.amount,
                str(p.received_by),
                note,
            ]
        )
    return rows


RECEIPT_HEADERS = ("收据号", "时间", "房屋", "收款方式", "金额", "收款员", "备注")
CHANNEL_HEADERS = ("收款方式", "收款", "笔数", "冲正", "笔数", "退款", "笔数", "净额")


def workbook(s: Settlement) -> bytes:
    """The settlement as .xlsx: a summary sheet and the receipts."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    sheet.title = _("日结汇总")
    sheet.append([_("收费日结"), s.community.name, s.day.isoformat(), cashier_name(s)])
    sheet["A1"].font = bold
    sheet.append([])
    sheet.append([_(h) for h in CHANNEL_HEADERS])
    for c in s.channels:
        sheet.append(
            [
                c.label,
                c.receipts,
                c.count,
                c.reversals,
                c.reversal_count,
                c.refunds,
                c.refund_count,
                c.net,
            ]
        )
    sheet.append([_("合计"), s.gross, None, s.reversals, None, s.refunds, None, s.net])
    sheet.append([])
    for label, value in summary_pairs(s):
        sheet.append([label, value])
    for col, width in zip("ABCDEFGH", (16, 14, 8, 14, 8, 14, 8, 14), strict=True):
        sheet.column_dimensions[col].width = width
    detail = book.create_sheet(_("收据明细"))
    detail.append([_(h) for h in RECEIPT_HEADERS])
    for row in _receipt_rows(s):
        detail.append(row)
    for col, width in zip("ABCDEFG", (16, 8, 14, 10, 12, 12, 22), strict=True):
        detail.column_dimensions[col].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def summary_pairs(s: Settlement) -> list[tuple[str, Any]]:
    return [
        (_("收据张数"), s.receipt_count),
        (_("起始收据号"), s.first_number or "—"),
        (_("截止收据号"), s.last_number or "—"),
        (_("应存现金"), s.cash_expected),
        (_("收据合计"), s.receipts_total),
        (_("收款合计"), s.payments_total),
        (_("分配到账单"), s.allocated_total),
        (_("转预收款"), s.credit_total),
        (_("对账结果"), balance_text(s)),
    ]


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def settlement_pdf(*, actor: Any, settlement: Settlement) -> bytes:
    """The settlement sheet to sign and hand over; printing is audited as an export."""
    s = settlement
    tz = ZoneInfo(s.community.timezone or "Asia/Shanghai")
    printed = formats.date_format(timezone.localtime(timezone.now(), tz), "Y-m-d H:i")
    story: list[Any] = pdf.title(
        _("收费日结单"), _("打印时间：%(when)s") % {"when": printed}
    )
    story.append(
        pdf.kv_table(
            [
                [(_("小区"), s.community.name), (_("日期"), s.day.isoformat())],
                [(_("收款员"), cashier_name(s)), (_("对账结果"), balance_text(s))],
                [
                    (_("收据张数"), str(s.receipt_count)),
                    (
                        _("收据号"),
                        f"{s.first_number} ~ {s.last_number}" if s.first_number else "",
                    ),
                ],
                [(_("应存现金"), _yuan(s.cash_expected)), (_("净收款"), _yuan(s.net))],
            ]
        )
    )
    story.append(pdf.heading(_("按收款方式")))
    rows = [
        [
            c.label,
            _yuan(c.receipts),
            str(c.count),
            _yuan(c.reversals),
            str(c.reversal_count),
            _yuan(c.refunds),
            str(c.refund_count),
            _yuan(c.net),
        ]
        for c in s.channels
    ]
    rows.append(
        [
            _("合计"),
            _yuan(s.gross),
            "",
            _yuan(s.reversals),
            "",
            _yuan(s.refunds),
            "",
            _yuan(s.net),
        ]
    )
    story.append(
        pdf.steps_table(
            [_(h) for h in CHANNEL_HEADERS],
            rows,
            (2.6, 2.6, 1.2, 2.6, 1.2, 2.6, 1.2, 2.6),
        )
    )
    story.append(pdf.heading(_("对账")))
    story.append(
        pdf.kv_table(
            [
                [
                    (_("收据合计"), _yuan(s.receipts_total)),
                    (_("收款合计"), _yuan(s.payments_total)),
                ],
                [
                    (_("分配到账单"), _yuan(s.allocated_total)),
                    (_("转预收款"), _yuan(s.credit_total)),
                ],
                [
                    (_("差额"), _yuan(s.receipt_difference + s.allocation_difference)),
                    (_("结果"), balance_text(s)),
                ],
            ]
        )
    )
    story.append(pdf.heading(_("收据明细")))
    story.append(
        pdf.steps_table(
            [_(h) for h in RECEIPT_HEADERS],
            [[*row[:4], _yuan(row[4]), *row[5:]] for row in _receipt_rows(s)],
            (3.4, 1.4, 2.6, 2, 2.2, 2, 3.4),
        )
    )
    story.append(
        pdf.signature_block(
            [_("收款员（签字）"), _("复核（签字）"), _("日期")],
            [str(s.cashier) if s.cashier else ""],
        )
    )
    content = pdf.render(
        letterhead=s.community.company.name,
        story=story,
        title=f"{_('收费日结单')} {s.community.name} {s.day}",
        footer=_("%(community)s　打印人：%(who)s")
        % {"community": s.community.name, "who": actor},
    )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.EXPORT,
            object_type="billing.settlement",
            object_id=f"{s.community.pk}:{s.day}:{s.cashier.pk if s.cashier else ''}",
            community_id=s.community.pk,
            changes={"report": "settlement_pdf"},
        )
    return content
