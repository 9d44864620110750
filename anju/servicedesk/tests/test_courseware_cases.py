"""The courseware's cases replayed through the services, with the clock under control."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from anju.accounts.choices import Role
from anju.accounts.tests.factories import StaffFactory
from anju.core.models import Counter
from anju.core.tests.pdfs import assert_in_order, pdf_text
from anju.estates.tests.factories import PersonFactory
from anju.servicedesk import services
from anju.servicedesk.breaches import scan_breaches
from anju.servicedesk.choices import (
    Category,
    Channel,
    CompensationStatus,
    EventKind,
    SLAClock,
    Status,
    TicketType,
    Urgency,
    VisitMethod,
)
from anju.servicedesk.models import SLABreach
from anju.servicedesk.report_pdf import complaint_report_pdf
from anju.triage.services import triage_text

SH = ZoneInfo("Asia/Shanghai")


class Clock:
    """A settable `timezone.now` so each step happens at the courseware's time."""

    def __init__(self, monkeypatch):
        self.now = datetime(2026, 1, 1, tzinfo=SH)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, *args):
        self.now = datetime(*args, tzinfo=SH)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def _noise_complaint(agent, house, wang):
    return services.ticket_create(
        actor=agent,
        community=house.community,
        house=house,
        reporter=wang,
        type=TicketType.COMPLAINT,
        channel=Channel.PHONE,
        category=Category.NOISE,
        description="周六早上八点楼上装修电钻声吵得没法休息，已经是第三次了",
        contact_name="王先生",
        contact_phone=wang.phone,
        location="楼上 3-2-1301",
        expected_solution="周末上午不要施工，物业给个说法",
    )


def test_case_a_mr_wang_third_saturday_noise_complaint(clock, agent, supervisor, house):
    # given Mr Wang complained on the two previous Saturdays
    wang = PersonFactory(
        company=house.community.company, name="王建国", phone="13900001111"
    )
    clock.set(2026, 11, 14, 8, 5)
    first = _noise_complaint(agent, house, wang)
    clock.set(2026, 11, 21, 8, 2)
    second = _noise_complaint(agent, house, wang)
    assert second.is_repeat
    # when he calls on the third Saturday at 08:00
    clock.set(2026, 11, 28, 8, 0)
    ticket = _noise_complaint(agent, house, wang)
    # then it is flagged as a repeat and escalated automatically
    assert ticket.number.startswith("TS2026-")
    assert ticket.is_repeat
    assert ticket.repeat_of == second
    assert ticket.escalated
    assert first.number != ticket.number
    # handled: accepted, owner told within 2 h, assigned to the supervisor, resolved
    clock.set(2026, 11, 28, 8, 3)
    ticket = services.ticket_accept(
        ticket=ticket, actor=agent, note="我会立即安排专人处理，两小时内给您反馈"
    )
    assert ticket.feedback_due_at == clock.now + timedelta(hours=2)
    clock.set(2026, 11, 28, 9, 10)
    ticket = services.ticket_feedback(
        ticket=ticket, actor=agent, note="已约谈装修公司，周末上午停止噪音作业"
    )
    ticket = services.ticket_assign(
        ticket=ticket, assignee=supervisor, actor=agent, department="客服中心"
    )
    ticket = services.ticket_start(ticket=ticket, actor=supervisor)
    ticket = services.ticket_record(
        ticket=ticket,
        actor=supervisor,
        handling_steps="1. 现场核实噪音；2. 约谈装修公司；3. 重申装修时间规定",
        preventive_measures="周末加强巡查，装修公司违规一次扣押金",
    )
    clock.set(2026, 11, 28, 11, 0)
    ticket = services.ticket_resolve(
        ticket=ticket,
        actor=supervisor,
        resolution="装修公司承诺周末只在 9-12、14-17 点施工",
    )
    # compensated with one month's property fee (120 m² × 2.50 元)
    comp = services.compensation_request(
        ticket=ticket,
        actor=agent,
        amount=Decimal("120.00") * Decimal("2.50"),
        reason="免除一个月物业费",
    )
    comp = services.compensation_decide(
        compensation=comp, actor=supervisor, approve=True
    )
    assert comp.status == CompensationStatus.APPROVED
    assert comp.amount == Decimal("300.00")
    # return-visited the next day, satisfied
    clock.set(2026, 11, 29, 10, 0)
    services.visit_record(
        ticket=ticket,
        actor=agent,
        method=VisitMethod.PHONE,
        satisfaction=5,
        owner_feedback="这周末安静多了，谢谢",
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    # and none of this ticket's clocks ran out along the way
    scan_breaches(now=clock.now)
    assert not SLABreach.objects.filter(ticket=ticket).exists()
    kinds = list(ticket.events.values_list("kind", flat=True))
    for kind in (
        EventKind.CREATED,
        EventKind.REPEAT,
        EventKind.ACCEPTED,
        EventKind.FEEDBACK,
        EventKind.ASSIGNED,
        EventKind.RESOLVED,
        EventKind.COMPENSATION,
        EventKind.VISITED,
        EventKind.CLOSED,
    ):
        assert kind in kinds, kind


def test_case_b_night_renovation_complaint_ends_with_the_printed_report(
    clock, agent, supervisor, house
):
    # given the company has logged 567 complaints this year, and 秩序维护员李明 and
    # 工程部主管陈工 work in the community
    Counter.objects.create(company=house.community.company, key="TS2026", value=567)
    li_ming = StaffFactory(
        role=Role.GUARD, communities=[house.community], display_name="李明"
    )
    chen = StaffFactory(
        role=Role.MANAGER, communities=[house.community], display_name="陈工"
    )
    zhang = PersonFactory(
        company=house.community.company, name="张先生", phone="13812341234"
    )
    content = (
        "张先生反映其楼上1301室近一周内多次在夜间(22:00后)进行装修作业，"
        "噪音严重影响休息，曾多次上门沟通未果，要求物业予以解决"
    )
    # when 张先生 of 3-2-1201 phones the service centre at 22:40 on a Monday night
    clock.set(2026, 6, 15, 22, 40)
    proposal = triage_text(text=content)
    # 自动识别 proposes a normal complaint about the night-time works (noise or
    # renovation: both readings are fair); the agent files it under renovation, as the
    # courseware's report does
    assert (proposal["type"], proposal["urgency"]) == ("complaint", "normal")
    assert proposal["category"] in {"renovation", "noise"}
    ticket = services.ticket_create(
        actor=agent,
        community=house.community,
        house=house,
        reporter=zhang,
        type=proposal["type"],
        channel=Channel.PHONE,
        category=Category.RENOVATION,
        urgency=proposal["urgency"],
        description=content,
        contact_name="张先生",
        contact_phone=zhang.phone,
        location="3-2-1301",
        expected_solution="要求物业予以解决",
    )
    # then it is a renovation complaint numbered as the sample
    assert (ticket.type, ticket.category, ticket.urgency) == (
        TicketType.COMPLAINT,
        Category.RENOVATION,
        Urgency.NORMAL,
    )
    assert ticket.number == "TS2026-0568"
    # handled: accepted at once, the guard sent up, the night work stopped
    clock.set(2026, 6, 15, 22, 43)
    ticket = services.ticket_accept(
        ticket=ticket,
        actor=agent,
        note="客服中心接到投诉后，立即安排秩序维护员李明前往现场核实情况",
    )
    ticket = services.ticket_assign(
        ticket=ticket, assignee=li_ming, actor=agent, department="秩序维护部"
    )
    clock.set(2026, 6, 15, 22, 55)
    ticket = services.ticket_start(
        ticket=ticket,
        actor=li_ming,
        note="经查，1301室业主王先生正在进行装修，装修队确实存在超时施工情况，已要求立即停工",
    )
    clock.set(2026, 6, 15, 23, 20)
    ticket = services.ticket_feedback(
        ticket=ticket, actor=agent, note="已制止1301室夜间施工，明早工程部约谈业主"
    )
    # the next morning the engineering supervisor talks to the owner upstairs
    clock.set(2026, 6, 16, 9, 30)
    ticket = services.ticket_assign(
        ticket=ticket, assignee=chen, actor=supervisor, department="工程部"
    )
    ticket = services.ticket_record(
        ticket=ticket,
        actor=chen,
        handling_steps=(
            "工程部主管陈工与王先生沟通，告知小区装修管理规定，要求其严格遵守装修时间"
            "(8:00-12:00,14:00-18:00,禁止夜间施工)；"
            "向王先生发放《装修告知书》，并取得其签字确认"
        ),
        preventive_measures="夜间22:00后秩序维护员巡查装修楼层，发现施工立即制止",
    )
    clock.set(2026, 6, 16, 10, 0)
    ticket = services.ticket_start(ticket=ticket, actor=chen)
    ticket = services.ticket_resolve(
        ticket=ticket,
        actor=chen,
        resolution="1301室已停止夜间施工，业主签字承诺遵守装修时间",
    )
    # and return-visited by phone the day after, satisfied
    clock.set(2026, 6, 17, 9, 30)
    services.visit_record(
        ticket=ticket,
        actor=agent,
        method=VisitMethod.PHONE,
        satisfaction=5,
        content="回访夜间装修噪音处理情况",
        owner_feedback="这两天晚上很安静，感谢物业",
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.feedback_at < ticket.feedback_due_at
    scan_breaches(now=clock.now)
    assert not SLABreach.objects.filter(ticket=ticket).exists()
    # finally the supervisor prints the 客户投诉处理报告
    clock.set(2026, 6, 17, 10, 0)
    text = pdf_text(complaint_report_pdf(actor=supervisor, ticket=ticket))
    for expected in (
        "客户投诉处理报告",
        "投诉编号TS2026-0568",
        "投诉时间2026年6月15日22:40",
        "投诉人张先生",
        "联系电话138****1234",
        "3栋2单元1201室",
        "近一周内多次在夜间(22:00后)进行装修作业",
        "装修管理",
        "《装修告知书》，并取得其签字确认",
        "1301室已停止夜间施工，业主签字承诺遵守装修时间",
        "夜间22:00后秩序维护员巡查装修楼层",
        "5分（非常满意）",
        "这两天晚上很安静，感谢物业",
    ):
        assert expected in text, expected
    assert "13812341234" not in text
    steps = [
        "2026年6月15日22:40",
        "立即安排秩序维护员李明前往现场核实情况",
        "派单（秩序维护部李明）",
        "已要求立即停工",
        "反馈业主：已制止1301室夜间施工",
        "派单（工程部陈工）",
        "办结",
        "回访（电话，满意度5分（非常满意））：这两天晚上很安静，感谢物业",
        "关闭：回访完成",
    ]
    assert_in_order(text, steps)


def test_case_c_elevator_failure_ends_with_a_remediation_plan(
    clock, agent, manager, house
):
    clock.set(2026, 11, 26, 19, 30)
    ticket = services.ticket_create(
        actor=agent,
        community=house.community,
        house=house,
        type=TicketType.COMPLAINT,
        channel=Channel.PHONE,
        category=Category.ELEVATOR,
        urgency=Urgency.URGENT,
        description="3号楼2单元电梯这个月第三次坏了，老人上不了楼",
        contact_name="李阿姨",
        contact_phone="13700002222",
    )
    ticket = services.ticket_accept(ticket=ticket, actor=agent)
    ticket = services.ticket_assign(
        ticket=ticket, assignee=manager, actor=agent, department="工程部"
    )
    ticket = services.ticket_start(ticket=ticket, actor=manager)
    ticket = services.ticket_record(
        ticket=ticket,
        actor=manager,
        handling_steps="维保单位到场更换门机板，恢复运行",
        preventive_measures="整改方案：更换老化门机板与钢丝绳；维保频次由半月一次提高到每周一次；"
        "下月申请维修资金大修",
    )
    ticket = services.ticket_resolve(
        ticket=ticket, actor=manager, resolution="电梯已恢复运行"
    )
    assert "整改方案" in ticket.preventive_measures
    assert ticket.visit_due_at == clock.now + timedelta(hours=24)


def test_case_d_night_pipe_burst_is_an_emergency_on_the_24h_clock(clock, agent, house):
    tech = StaffFactory(
        role=Role.TECHNICIAN, communities=[house.community], username="plumber"
    )
    # a call at 02:10 on a Thursday night
    clock.set(2026, 11, 26, 2, 10)
    ticket = services.ticket_create(
        actor=agent,
        community=house.community,
        house=house,
        type=TicketType.REPAIR,
        channel=Channel.PHONE,
        category=Category.PLUMBING,
        urgency=Urgency.EMERGENCY,
        description="楼上水管爆了，水从天花板往下灌",
        contact_name="张三",
        contact_phone="13812341234",
    )
    # the clocks run through the night, not from 08:30
    assert not ticket.business_hours
    assert timezone.localtime(ticket.ack_due_at, SH).strftime("%H:%M") == "02:15"
    assert timezone.localtime(ticket.onsite_due_at, SH).strftime("%H:%M") == "02:40"
    clock.set(2026, 11, 26, 2, 12)
    ticket = services.ticket_accept(
        ticket=ticket, actor=agent, note="已通知值班维修工关闭总阀"
    )
    ticket = services.ticket_assign(
        ticket=ticket, assignee=tech, actor=agent, department="工程部"
    )
    clock.set(2026, 11, 26, 2, 35)
    ticket = services.ticket_start(ticket=ticket, actor=tech)
    clock.set(2026, 11, 26, 4, 0)
    ticket = services.ticket_resolve(
        ticket=ticket, actor=tech, resolution="关阀更换爆裂管段"
    )
    # nothing breached; the emergency must be visited within 24 h
    assert scan_breaches(now=clock.now)[SLAClock.ONSITE] == 0
    assert not SLABreach.objects.exists()
    assert ticket.visit_due_at == clock.now + timedelta(hours=24)


def test_case_d_late_technician_breaches_on_site_clock(clock, agent, house):
    clock.set(2026, 11, 26, 2, 10)
    ticket = services.ticket_create(
        actor=agent,
        community=house.community,
        house=house,
        type=TicketType.REPAIR,
        channel=Channel.PHONE,
        category=Category.PLUMBING,
        urgency=Urgency.EMERGENCY,
        description="水管爆裂",
        contact_name="张三",
    )
    services.ticket_accept(ticket=ticket, actor=agent)
    clock.set(2026, 11, 26, 2, 45)
    assert scan_breaches(now=clock.now)[SLAClock.ONSITE] == 1
