"""收据: the printable receipt of a payment, or of its reversal (红字收据).

Company letterhead, receipt number and date, payer and house, the bill lines the money
settled (item, period, amount) and any prepayment credit, the total in figures and in
Chinese capitals (大写), the channel, the cashier and a box for the company seal
(盖章处). A reversal prints as a red receipt with negative amounts that names the
receipt it cancels and the reason; a refund as a red 退款凭证 that names the receipt
whose money it gives back, the reason and who approved it, with a line for the owner
who takes the money to sign (领款人).

Only someone who may see the receipt gets it: staff with `billing.view` in its
community, or an owner of its house. Printing is written to the audit log.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from anju.core import audit, pdf
from anju.core.errors import NotFound
from anju.core.models import AuditAction
from anju.estates.choices import Relation
from anju.estates.models import HouseResident

from .choices import PaymentKind
from .models import Receipt
from .words import amount_in_chinese_capitals

RED = colors.HexColor("#c0392b")


def receipt_filename(receipt: Receipt) -> str:
    return f"{receipt.number}.pdf"


def yuan(value: Decimal) -> str:
    """¥ figure with thousands separators; negative amounts keep their sign."""
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


def _when(value: datetime, tz: ZoneInfo, fmt: str = "Y-m-d H:i") -> str:
    return formats.date_format(timezone.localtime(value, tz), fmt)


def payer_names(house_id: int) -> str:
    """The house's owners, the primary contact first (交款人)."""
    names = list(
        HouseResident.objects.filter(
            house_id=house_id, active=True, relation=Relation.OWNER
        )
        .order_by("-is_primary", "id")
        .values_list("person__name", flat=True)
    )
    return "、".join(names)


def _red_title(value: str) -> Paragraph:
    style = ParagraphStyle("red-title", parent=pdf.styles()["title"], textColor=RED)
    return Paragraph(escape(value), style)


def _amount(value: Decimal, red: bool, style: str = "cell") -> Any:
    """An amount; red on a reversal (红字), as the paper receipt would be written."""
    if not red:
        return pdf.text(yuan(value), style)
    look = ParagraphStyle(f"red-{style}", parent=pdf.styles()[style], textColor=RED)
    return Paragraph(escape(yuan(value)), look)


def _seal_box(cashier: str, refund: bool = False) -> KeepTogether:
    """收款人 (for a refund: 经办人 and 领款人) on the left, the seal box (盖章处) on the
    right."""
    if refund:
        who = _("经办人：%(name)s") % {"name": cashier} + "\n\n" + _("领款人（签字）：")
    else:
        who = _("收款人（签字）：%(name)s") % {"name": cashier}
    cells = [pdf.text(who), pdf.text(_("盖章处") + "\n\n\n\n")]
    table = Table(
        [cells],
        colWidths=[pdf.WIDTH * 0.55, pdf.WIDTH * 0.45],
        rowHeights=[32 * mm],
        style=TableStyle(
            [
                ("BOX", (1, 0), (1, 0), 0.8, pdf.RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
            ]
        ),
    )
    return KeepTogether([Spacer(1, 6 * mm), table])


def receipt_story(*, receipt: Receipt, printed_at: datetime) -> list[Any]:
    payment = receipt.payment
    community = receipt.community
    tz = ZoneInfo(community.timezone or "Asia/Shanghai")
    refund = payment.kind == PaymentKind.REFUND
    reversal = payment.kind == PaymentKind.REVERSAL
    red = reversal or refund
    heading = _("收据（红字冲正）") if reversal else _("收据")
    if refund:
        heading = _("退款凭证")
    story: list[Any] = [
        _red_title(heading) if red else pdf.text(heading, "title"),
        pdf.text(_("打印时间：%(when)s") % {"when": _when(printed_at, tz)}, "subtitle"),
    ]
    rows: list[list[tuple[str, Any]]] = [
        [
            (_("收据号"), receipt.number),
            (_("开具日期"), _when(receipt.issued_at, tz, "Y-m-d")),
        ],
        [
            (_("交款人"), payer_names(payment.house_id)),
            (_("房屋"), f"{community.name} {payment.house.number}"),
        ],
        [
            (
                _("退款方式") if refund else _("收款方式"),
                payment.get_channel_display(),
            ),
            (_("经办人") if refund else _("收款员"), str(payment.received_by)),
        ],
    ]
    if reversal:
        original = payment.reversal_of
        rows.append(
            [
                (_("冲正原收据"), original.receipt.number),
                (_("原收款日期"), _when(original.received_at, tz, "Y-m-d")),
            ]
        )
        rows.append([(_("冲正原因"), payment.reason)])
    if refund:
        original = payment.refund_of
        request = getattr(payment, "refund_request", None)
        rows.append(
            [
                (_("原收据"), original.receipt.number),
                (_("原收款日期"), _when(original.received_at, tz, "Y-m-d")),
            ]
        )
        rows.append(
            [
                (_("退款原因"), payment.reason),
                (_("审批人"), str(request.decided_by) if request else ""),
            ]
        )
    story.append(pdf.kv_table(rows))
    story.append(pdf.heading(_("收费明细")))
    lines = []
    # As issued: what the payment settled when it was taken, the rest as credit (even
    # if that credit has been set against bills since).
    credit = payment.credit_amount
    for a in payment.allocations.select_related("line__fee_item").order_by("id"):
        if a.from_credit:
            credit += a.amount
            continue
        line = a.line
        lines.append(
            [
                line.fee_item.name,
                f"{line.period_start:%Y-%m-%d} ~ {line.period_end:%Y-%m-%d}",
                line.description,
                _amount(a.amount, red),
            ]
        )
    if credit:
        lines.append(
            [
                _("预收款"),
                "",
                _("退还预收款") if refund else _("未分配到账单的金额"),
                _amount(credit, red),
            ]
        )
    story.append(
        pdf.steps_table(
            [_("收费项目"), _("所属期间"), _("摘要"), _("金额（元）")],
            lines,
            (3, 4.6, 7, 3),
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(
        pdf.kv_table(
            [
                [(_("合计（小写）"), _amount(receipt.amount, red, "body"))],
                [
                    (
                        _("合计（大写）"),
                        receipt.amount_in_words
                        or amount_in_chinese_capitals(receipt.amount),
                    )
                ],
            ]
        )
    )
    story.append(_seal_box(str(payment.received_by), refund=refund))
    return story


def receipt_pdf(*, actor: Any, receipt: Receipt) -> bytes:
    """The receipt as PDF bytes for someone who may see it (else NotFound, 404)."""
    found = (
        Receipt.objects.visible_to(actor)
        .select_related(
            "community__company",
            "payment__house",
            "payment__received_by",
            "payment__reversal_of__receipt",
            "payment__refund_of__receipt",
            "payment__refund_request__decided_by",
        )
        .filter(pk=receipt.pk)
        .first()
    )
    if found is None:
        raise NotFound("收据不存在或无权访问", code="receipt_not_found")
    content = pdf.render(
        letterhead=found.community.company.name,
        story=receipt_story(receipt=found, printed_at=timezone.now()),
        title=f"{_('退款凭证') if found.payment.kind == PaymentKind.REFUND else _('收据')}"
        f" {found.number}",
        footer=found.community.name,
    )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=found,
            changes={"report": "receipt_pdf"},
        )
    return content
