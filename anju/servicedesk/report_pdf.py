"""客户投诉处理报告: the printable complaint handling report, laid out as the courseware's
sample (number, time, complainant, masked contact, content, handling steps, result,
return visit, compensation, signatures).

The contact phone is always masked: a printed sheet leaves the system, so no reveal
applies to it. Printing is written to the audit log like any export of personal data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import audit, pdf
from anju.core.errors import Conflict, NotFound
from anju.core.models import AuditAction

from .choices import EventKind, PauseReason, TicketType, VisitMethod
from .models import Ticket, TicketEvent

SATISFACTION = {
    5: gettext_lazy("非常满意"),
    4: gettext_lazy("满意"),
    3: gettext_lazy("一般"),
    2: gettext_lazy("不满意"),
    1: gettext_lazy("非常不满意"),
}


def report_filename(ticket: Ticket) -> str:
    return f"{ticket.number}.pdf"


def _when(value: datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value, tz), "DATETIME_FORMAT")


def _house(ticket: Ticket) -> str:
    """绿水苑 3栋2单元1201室, as the courseware writes it."""
    house = ticket.house
    if house is None:
        return ""
    room = _("%(r)s室") % {"r": house.room} if house.room.isdigit() else house.room
    b = house.building.number
    if house.unit_id:
        where = _("%(b)s栋%(u)s单元%(r)s") % {"b": b, "u": house.unit.number, "r": room}
    else:
        where = _("%(b)s栋%(r)s") % {"b": b, "r": room}
    return f"{ticket.community.name} {where}"


def satisfaction_text(score: int) -> str:
    return _("%(n)s 分（%(label)s）") % {
        "n": score,
        "label": SATISFACTION.get(score, ""),
    }


def _step(event: TicketEvent, ticket: Ticket) -> str | None:
    """What one timeline event says on paper; None for bookkeeping entries."""
    data = event.data or {}
    kind = event.kind
    if kind == EventKind.COMMENT and data.get("fields"):
        return None  # "更新处理记录": the record itself is printed below
    label = EventKind(kind).label if kind in EventKind.values else kind
    detail = ""
    if kind == EventKind.CREATED:
        detail = _("来源：%(channel)s") % {"channel": ticket.get_channel_display()}
    elif kind == EventKind.ASSIGNED:
        detail = " ".join(
            p for p in (data.get("department", ""), data.get("assignee", "")) if p
        )
    elif kind == EventKind.VISITED:
        method = data.get("method", "")
        score = data.get("satisfaction")
        bits = []
        if method in VisitMethod.values:
            bits.append(str(VisitMethod(method).label))
        if isinstance(score, int):
            bits.append(_("满意度 %(text)s") % {"text": satisfaction_text(score)})
        detail = "，".join(bits)
    elif kind == EventKind.PAUSED and data.get("reason") in PauseReason.values:
        detail = str(PauseReason(data["reason"]).label)
    elif kind == EventKind.ESCALATED and data.get("level"):
        detail = f"L{data['level']}"
    head = f"{label}（{detail}）" if detail else str(label)
    note = (event.note or "").strip()
    return f"{head}：{note}" if note else head


def _visit_rows(ticket: Ticket, visits: list[Any], tz: ZoneInfo) -> list[list]:
    if not visits:
        due = _when(ticket.visit_due_at, tz)
        pending = _("尚未回访") + (
            _("（回访时限 %(due)s）") % {"due": due} if due else ""
        )
        return [[(_("回访情况"), pending)]]
    rows: list[list] = []
    for v in visits:
        rows += [
            [
                (_("回访时间"), _when(v.visited_at, tz)),
                (_("回访方式"), v.get_method_display()),
            ],
            [
                (_("回访人"), str(v.visitor)),
                (_("满意度"), satisfaction_text(v.satisfaction)),
            ],
            [(_("回访内容"), v.content)],
            [(_("业主意见"), v.owner_feedback)],
        ]
        if v.problems_found or v.improvement_measures:
            rows += [
                [(_("发现问题"), v.problems_found)],
                [(_("改进措施"), v.improvement_measures)],
            ]
    return rows


def _compensation_rows(compensations: list[Any], tz: ZoneInfo) -> list[list[str]]:
    rows = []
    for c in compensations:
        who = str(c.requested_by)
        if c.decided_by_id:
            who += f" → {c.decided_by}"
        rows.append(
            [
                _("%(amount)s 元") % {"amount": c.amount},
                c.reason,
                c.get_status_display(),
                who,
                _when(c.decided_at or c.requested_at, tz),
            ]
        )
    return rows


def complaint_report_story(*, ticket: Ticket, printed_at: datetime) -> list[Any]:
    """The report's flowables; the ticket must be one the reader may see."""
    tz = ZoneInfo(ticket.community.timezone or "Asia/Shanghai")
    events = list(ticket.events.select_related("actor").order_by("created_at", "id"))
    visits = list(ticket.visits.select_related("visitor").order_by("visited_at", "id"))
    compensations = list(
        ticket.compensations.select_related("requested_by", "decided_by").order_by(
            "requested_at", "id"
        )
    )
    complainant = ticket.contact_name
    if ticket.reporter_id and ticket.reporter.name != ticket.contact_name:
        complainant += _("（报事人 %(name)s）") % {"name": ticket.reporter.name}
    if ticket.repeat_of_id:
        repeat = _("是，上次 %(number)s") % {"number": ticket.repeat_of.number}
    else:
        repeat = _("否")
    story: list[Any] = pdf.title(
        _("客户投诉处理报告"),
        _("打印时间：%(when)s") % {"when": _when(printed_at, tz)},
    )
    story.append(
        pdf.kv_table(
            [
                [
                    (_("投诉编号"), ticket.number),
                    (_("投诉时间"), _when(ticket.created_at, tz)),
                ],
                [
                    (_("投诉人"), complainant),
                    (_("联系电话"), ticket.contact_phone_masked),
                ],
                [
                    (_("房屋"), _house(ticket)),
                    (_("来源渠道"), ticket.get_channel_display()),
                ],
                [
                    (_("投诉类别"), ticket.get_category_display()),
                    (_("紧急程度"), ticket.get_urgency_display()),
                ],
                [
                    (_("发生时间"), _when(ticket.occurred_at, tz)),
                    (_("发生地点"), ticket.location),
                ],
                [(_("投诉内容"), ticket.description)],
                [(_("业主期望"), ticket.expected_solution)],
                [(_("重复投诉"), repeat), (_("当前状态"), ticket.get_status_display())],
            ]
        )
    )
    story.append(pdf.heading(_("处理过程")))
    steps = []
    for event in events:
        what = _step(event, ticket)
        if what is None:
            continue
        who = str(event.actor) if event.actor_id else _("系统")
        steps.append([str(len(steps) + 1), _when(event.created_at, tz), who, what])
    story.append(
        pdf.steps_table(
            [_("序号"), _("时间"), _("处理人"), _("处理内容")],
            steps,
            (1.6, 4.2, 2.8, 10.4),
        )
    )
    assignee = str(ticket.assignee) if ticket.assignee_id else ""
    story.append(pdf.heading(_("处理结果")))
    story.append(
        pdf.kv_table(
            [
                [(_("责任部门"), ticket.department), (_("责任人"), assignee)],
                [(_("处理说明"), ticket.handling_steps)],
                [(_("处理结果"), ticket.resolution)],
                [
                    (_("办结时间"), _when(ticket.resolved_at, tz)),
                    (_("关闭时间"), _when(ticket.closed_at, tz)),
                ],
                [(_("跟进/预防措施"), ticket.preventive_measures)],
            ]
        )
    )
    story.append(pdf.heading(_("回访情况")))
    story.append(pdf.kv_table(_visit_rows(ticket, visits, tz)))
    story.append(pdf.heading(_("补偿")))
    if compensations:
        story.append(
            pdf.steps_table(
                [_("金额"), _("原因"), _("状态"), _("申请 → 审批"), _("时间")],
                _compensation_rows(compensations, tz),
                (3, 6, 2, 4, 4),
            )
        )
    else:
        story.append(pdf.kv_table([[(_("补偿"), _("无"))]]))
    story.append(
        pdf.signature_block(
            [_("处理人（签字）"), _("客服主管（签字）"), _("日期")], [assignee]
        )
    )
    return story


def complaint_report_pdf(*, actor: Any, ticket: Ticket) -> bytes:
    """The complaint handling report of one complaint as PDF bytes; printing is audited.

    Out of the actor's scope: NotFound (404). Not a complaint: Conflict (409).
    """
    visible = Ticket.objects.visible_to(actor).select_related(
        "community__company",
        "house__building",
        "house__unit",
        "reporter",
        "repeat_of",
        "assignee",
    )
    found = visible.filter(pk=ticket.pk).first()
    if found is None:
        raise NotFound("工单不存在或无权访问", code="ticket_not_found")
    if found.type != TicketType.COMPLAINT:
        raise Conflict(
            "只有投诉工单可以打印投诉处理报告", code="ticket_report_not_complaint"
        )
    now = timezone.now()
    story = complaint_report_story(ticket=found, printed_at=now)
    content = pdf.render(
        letterhead=found.community.company.name,
        story=story,
        title=f"{_('客户投诉处理报告')} {found.number}",
        footer=_("%(community)s　打印人：%(who)s")
        % {"community": found.community.name, "who": actor},
    )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=found,
            changes={"report": "complaint_report_pdf"},
        )
    return content
