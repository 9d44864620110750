"""The printable 客户投诉处理报告 (PDF): content as the courseware's sample, scope, API."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from anju.accounts.choices import Role
from anju.accounts.tests.factories import StaffFactory
from anju.core.models import AuditAction, AuditEvent
from anju.core.tests.pdfs import assert_in_order, pdf_pages, pdf_text
from anju.servicedesk import services
from anju.servicedesk.choices import Category, TicketType, VisitMethod
from anju.servicedesk.report_pdf import complaint_report_pdf

from .factories import make_ticket

STEPS = (
    "客服中心接到投诉后，立即安排秩序维护员李明前往现场核实情况",
    "经查，1301室业主王先生正在进行装修，装修队确实存在超时施工情况",
)


def _url(ticket) -> str:
    return reverse("servicedesk:ticket_report_pdf", args=[ticket.pk])


def _api_url(ticket) -> str:
    return f"/api/v1/tickets/{ticket.pk}/report/"


@pytest.fixture
def complaint(agent, supervisor, house):
    """The courseware's sample: 张先生 of 3-2-1201 and the night work upstairs."""
    guard = StaffFactory(
        role=Role.GUARD, communities=[house.community], display_name="李明"
    )
    ticket = make_ticket(
        actor=agent,
        house=house,
        type=TicketType.COMPLAINT,
        category=Category.RENOVATION,
        contact_name="张先生",
        contact_phone="13812341234",
        description="楼上1301室近一周内多次在夜间(22:00后)进行装修作业，噪音严重影响休息",
        expected_solution="要求物业予以解决",
    )
    ticket = services.ticket_accept(ticket=ticket, actor=agent, note=STEPS[0])
    ticket = services.ticket_assign(
        ticket=ticket, assignee=guard, actor=agent, department="秩序维护部"
    )
    ticket = services.ticket_start(ticket=ticket, actor=guard, note=STEPS[1])
    ticket = services.ticket_record(
        ticket=ticket,
        actor=guard,
        handling_steps="向王先生发放《装修告知书》，并取得其签字确认",
        preventive_measures="夜间加强巡查",
    )
    ticket = services.ticket_resolve(
        ticket=ticket, actor=guard, resolution="1301室已停止夜间施工"
    )
    comp = services.compensation_request(
        ticket=ticket, actor=agent, amount=Decimal("300.00"), reason="免除一个月物业费"
    )
    services.compensation_decide(compensation=comp, actor=supervisor, approve=True)
    services.visit_record(
        ticket=ticket,
        actor=agent,
        method=VisitMethod.PHONE,
        satisfaction=5,
        owner_feedback="晚上安静了，谢谢",
    )
    ticket.refresh_from_db()
    return ticket


def test_report_shows_the_sample_fields_with_the_phone_masked(client, agent, complaint):
    # given
    client.force_login(agent)
    # when
    response = client.get(_url(complaint))
    # then it opens in the browser as the ticket's numbered PDF
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == f'inline; filename="{complaint.number}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    for expected in (
        "安居物业",
        "客户投诉处理报告",
        complaint.number,
        "张先生",
        "138****1234",
        "3栋2单元1201室",
        "楼上1301室近一周内多次在夜间(22:00后)进行装修作业，噪音严重影响休息",
        "要求物业予以解决",
        "秩序维护部李明",
        "向王先生发放《装修告知书》，并取得其签字确认",
        "1301室已停止夜间施工",
        "夜间加强巡查",
        "5分（非常满意）",
        "晚上安静了，谢谢",
        "300.00元",
        "已批准",
        "处理人（签字）",
        "客服主管（签字）",
    ):
        assert expected in text, expected
    assert "13812341234" not in text
    assert re.search(r"第1页共\d+页", text)


def test_handling_steps_follow_the_timeline_in_order(client, agent, complaint):
    # given
    client.force_login(agent)
    # when
    text = pdf_text(client.get(_url(complaint)).content)
    # then who did what, in the order it happened
    steps = [
        "登记（来源：电话）",
        f"受理：{STEPS[0]}",
        "派单（秩序维护部李明）",
        f"开始处理：{STEPS[1]}",
        "办结",
        "补偿：申请补偿300.00元",
        "补偿：批准补偿300.00元",
        "回访（电话，满意度5分（非常满意））：晚上安静了，谢谢",
        "关闭：回访完成",
    ]
    assert_in_order(text, steps)
    # the "更新处理记录" bookkeeping entry is not a step; its content is printed instead
    assert "更新处理记录" not in text


def test_printing_is_audited(client, agent, complaint):
    client.force_login(agent)
    client.get(_url(complaint))
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.object_id) == (agent, str(complaint.pk))
    assert event.community_id == complaint.community_id


def test_ticket_page_links_to_the_report_for_complaints_only(
    client, agent, house, complaint
):
    # given
    repair = make_ticket(actor=agent, house=house)
    client.force_login(agent)
    # when
    page = client.get(reverse("servicedesk:ticket_detail", args=[complaint.pk]))
    other = client.get(reverse("servicedesk:ticket_detail", args=[repair.pk]))
    # then
    assert _url(complaint) in page.content.decode()
    assert "打印投诉处理报告" in page.content.decode()
    assert _url(repair) not in other.content.decode()


def test_a_repair_ticket_has_no_complaint_report(client, agent, house):
    # given
    repair = make_ticket(actor=agent, house=house)
    client.force_login(agent)
    # when
    response = client.get(_url(repair), follow=True)
    # then back on the ticket page with the reason, and nothing was printed
    assert response.redirect_chain == [
        (reverse("servicedesk:ticket_detail", args=[repair.pk]), 302)
    ]
    assert "只有投诉工单可以打印投诉处理报告" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_outsiders_get_404(client, complaint, outsider, owner, other_community):
    # given a supervisor of another community, an agent working only there, the owner
    other_agent = StaffFactory(role=Role.AGENT, communities=[other_community])
    for user in (outsider, other_agent, owner):
        client.force_login(user)
        # when / then
        assert client.get(_url(complaint)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_user_text_is_printed_literally(client, agent, house):
    # given a complaint whose text looks like ReportLab markup
    ticket = make_ticket(
        actor=agent,
        house=house,
        type=TicketType.COMPLAINT,
        category=Category.NOISE,
        description='<img src="/etc/passwd"/> & <b>吵</b>',
    )
    client.force_login(agent)
    # when
    response = client.get(_url(ticket))
    # then
    assert response.status_code == 200
    assert '<imgsrc="/etc/passwd"/>&<b>吵</b>' in pdf_text(response.content)


def test_a_long_timeline_runs_onto_numbered_pages(client, agent, house):
    # given a complaint with many notes
    ticket = make_ticket(
        actor=agent, house=house, type=TicketType.COMPLAINT, category=Category.NOISE
    )
    for i in range(60):
        services.ticket_comment(ticket=ticket, actor=agent, note=f"第{i + 1}次跟进")
    client.force_login(agent)
    # when
    pages = pdf_pages(client.get(_url(ticket)).content)
    # then each page carries the letterhead and "第 n 页 共 N 页"
    total = len(pages)
    assert total >= 2
    for n, page in enumerate(pages, start=1):
        flat = "".join(page.split())
        assert f"第{n}页共{total}页" in flat
        assert "安居物业" in flat
    assert "第60次跟进" in "".join("".join(pages).split())


# --- API ----------------------------------------------------------------------------


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("accept", [None, "application/pdf"])
def test_api_returns_the_pdf(agent, complaint, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = _api(agent).get(_api_url(complaint), **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert complaint.number in pdf_text(response.content)


def test_api_refuses_outsiders_and_other_types(
    agent, outsider, owner, house, complaint
):
    # given
    repair = make_ticket(actor=agent, house=house)
    # when
    theirs = _api(outsider).get(_api_url(complaint))
    owners = _api(owner).get(_api_url(complaint))
    wrong = _api(agent).get(_api_url(repair), HTTP_ACCEPT="application/pdf")
    # then
    assert theirs.status_code == 404
    assert theirs.json()["code"] == "not_found"
    assert owners.status_code == 403
    assert wrong.status_code == 409
    assert wrong["Content-Type"] == "application/json"
    assert wrong.json()["code"] == "ticket_report_not_complaint"
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_report_follows_the_language(agent, complaint):
    # when the report is printed with English selected
    with translation.override("en"):
        text = pdf_text(complaint_report_pdf(actor=agent, ticket=complaint))
    # then its labels are English and the data stays as recorded
    for expected in (
        "Complainthandlingreport",
        "Complaintno.",
        complaint.number,
        "138****1234",
        "building3,unit2,room1201",
        "5points(verysatisfied)",
        "Page1of",
    ):
        assert expected in text, expected
