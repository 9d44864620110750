"""The printed demands: 催缴通知书 (the company's payment notice, with a 送达回执 slip
for the owner to sign) and 律师函 (the law firm's letter). Both list the arrears as they
were on issue, in figures and in Chinese capitals (大写), and set a day to pay by.

Neither threatens anything but the law's own remedies (mediation, a lawsuit): cutting
water, power, gas or heating is forbidden (Civil Code art. 944) and never mentioned.
Only someone who may see the case gets the PDF; printing is written to the audit log.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from anju.core import audit, pdf
from anju.core.errors import NotFound
from anju.core.models import AuditAction

from .choices import DocumentKind, EvidenceKind
from .models import DunningDocument, Evidence


def yuan(value: Decimal | str) -> str:
    return f"¥{Decimal(value):,.2f}"


def _day(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _issued(document: DunningDocument) -> datetime:
    zone = ZoneInfo(document.case.community.timezone or "Asia/Shanghai")
    return timezone.localtime(document.issued_at, zone)


def _lines_table(document: DunningDocument) -> Any:
    rows = [
        [
            line["item"],
            line["period"],
            line["due"],
            yuan(line["amount"]),
            yuan(line["outstanding"]),
        ]
        for line in document.lines
    ]
    return pdf.steps_table(
        [_("收费项目"), _("所属期间"), _("到期日"), _("应收（元）"), _("欠费（元）")],
        rows,
        (3, 5, 2.6, 2.6, 2.6),
    )


def _totals(document: DunningDocument) -> Any:
    return pdf.kv_table(
        [
            [(_("欠费合计（小写）"), yuan(document.total))],
            [(_("欠费合计（大写）"), document.total_in_words)],
        ],
        label_width=34 * mm,
    )


def _notice_story(document: DunningDocument) -> list[Any]:
    case = document.case
    community = case.community
    issued = _issued(document)
    phone = community.phone or _("物业服务中心")
    story: list[Any] = [
        *pdf.title(
            _("催缴通知书"), _("编号：%(number)s") % {"number": document.number}
        ),
        pdf.text(
            _("致：%(to)s（%(house)s 业主）")
            % {"to": document.addressee, "house": document.house_label}
        ),
        Spacer(1, 2 * mm),
        pdf.text(
            _(
                "尊敬的业主：根据物业服务合同的约定，业主应当按时缴纳物业服务费用。"
                "截至%(day)s，您的房屋 %(house)s 尚欠下列费用，合计人民币 %(total)s 元"
                "（大写：%(words)s）。"
            )
            % {
                "day": _day(issued),
                "house": document.house_label,
                "total": f"{document.total:,.2f}",
                "words": document.total_in_words,
            }
        ),
        pdf.heading(_("欠费明细")),
        _lines_table(document),
        Spacer(1, 2 * mm),
        _totals(document),
        Spacer(1, 3 * mm),
        pdf.text(
            _(
                "请您于%(deadline)s前缴清上述费用。您可以通过业主端在线缴费、银行代扣，"
                "或到物业服务中心缴纳（电话：%(phone)s）。如对上述费用有异议，"
                "请在缴费期限内携带相关凭证到物业服务中心核对，我们将认真核实并答复。"
            )
            % {"deadline": _day(document.deadline), "phone": phone}
        ),
        pdf.text(
            _(
                "逾期仍未缴纳的，本公司将依照《中华人民共和国民法典》第九百四十四条的规定，"
                "依法申请调解或向人民法院提起诉讼。"
            )
        ),
        pdf.text(_("特此通知。")),
        pdf.signature_block(
            [_("物业服务企业（盖章）"), _("日期")],
            [community.company.name, _day(issued)],
        ),
        Spacer(1, 6 * mm),
        KeepTogether(
            [
                pdf.heading(_("送达回执")),
                pdf.kv_table(
                    [
                        [
                            (_("文书"), f"{_('催缴通知书')} {document.number}"),
                            (_("受送达人"), document.addressee),
                        ],
                        [(_("房屋"), document.house_label), (_("送达方式"), "")],
                        [(_("签收人（签字）"), ""), (_("签收日期"), "")],
                        [(_("送达人"), ""), (_("见证人"), "")],
                    ]
                ),
            ]
        ),
    ]
    return story


def _lawyer_letter_story(document: DunningDocument) -> list[Any]:
    case = document.case
    company = case.community.company.name
    issued = _issued(document)
    notice = (
        Evidence.objects.filter(
            case=case,
            kind=EvidenceKind.DELIVERY,
            document__kind=DocumentKind.NOTICE,
        )
        .select_related("document")
        .order_by("delivered_on", "id")
        .first()
    )
    story: list[Any] = [
        *pdf.title(_("律师函"), _("编号：%(number)s") % {"number": document.number}),
        pdf.text(
            _("致：%(to)s（%(house)s 业主）")
            % {"to": document.addressee, "house": document.house_label}
        ),
        Spacer(1, 2 * mm),
        pdf.text(
            _(
                "%(firm)s接受%(company)s（以下简称“委托人”）的委托，指派%(lawyer)s律师，"
                "就您欠缴物业服务费用一事，郑重致函如下："
            )
            % {"firm": document.law_firm, "company": company, "lawyer": document.lawyer}
        ),
        pdf.text(
            _(
                "一、委托人依据物业服务合同为您的房屋 %(house)s 所在小区提供物业服务。"
                "截至%(day)s，您尚欠物业服务费用等合计人民币 %(total)s 元（大写：%(words)s），"
                "明细如下："
            )
            % {
                "house": document.house_label,
                "day": _day(issued),
                "total": f"{document.total:,.2f}",
                "words": document.total_in_words,
            }
        ),
        _lines_table(document),
        Spacer(1, 2 * mm),
        _totals(document),
        Spacer(1, 3 * mm),
        pdf.text(
            _(
                "二、《中华人民共和国民法典》第九百四十四条规定，业主应当按照约定向物业服务人"
                "支付物业费；业主违反约定逾期不支付物业费的，物业服务人可以催告其在合理期限内"
                "支付；合理期限届满仍不支付的，物业服务人可以提起诉讼或者申请仲裁。"
            )
        ),
    ]
    if notice is not None and notice.document is not None:
        story.append(
            pdf.text(
                _("委托人已于%(day)s向您送达《催缴通知书》（编号 %(number)s）。")
                % {"day": _day(notice.delivered_on), "number": notice.document.number}
            )
        )
    story += [
        pdf.text(
            _(
                "三、请您于%(deadline)s前向委托人缴清上述费用。逾期仍未缴纳的，本律师将根据"
                "委托人的授权依法提起诉讼，主张欠缴的物业服务费用及相应的违约责任。"
                "如您对上述费用有异议，请在上述期限内与委托人或本律师联系。"
            )
            % {"deadline": _day(document.deadline)}
        ),
        pdf.text(_("特此函告。")),
        pdf.signature_block(
            [_("律师事务所（盖章）"), _("承办律师"), _("日期")],
            [document.law_firm, document.lawyer, _day(issued)],
        ),
    ]
    return story


def document_story(document: DunningDocument) -> list[Any]:
    if document.kind == DocumentKind.LAWYER_LETTER:
        return _lawyer_letter_story(document)
    return _notice_story(document)


def document_filename(document: DunningDocument) -> str:
    return f"{document.number}.pdf"


def document_pdf(*, actor: Any, pk: int) -> tuple[DunningDocument, bytes]:
    """A document as PDF bytes for someone who may see its case (else NotFound)."""
    found = (
        DunningDocument.objects.visible_to(actor)
        .select_related("case__community__company", "case__house")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("文书不存在或无权访问", code="dunning_document_not_found")
    letterhead = (
        found.law_firm
        if found.kind == DocumentKind.LAWYER_LETTER
        else found.case.community.company.name
    )
    content = pdf.render(
        letterhead=letterhead,
        story=document_story(found),
        title=f"{found.get_kind_display()} {found.number}",
        footer=found.case.community.name,
    )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=found,
            community_id=found.case.community_id,
            changes={"report": f"dunning_{found.kind}_pdf"},
        )
    return found, content
