"""Service-desk journeys: an agent logs a phone call; an owner reports a repair.

Set ANJU_E2E_SHOTS=1 to keep a screenshot of each page in the e2e screenshot folder.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from anju.servicedesk.models import Ticket

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def _login(page, url, username, password):  # type: ignore[no-untyped-def]
    page.goto(url)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="登录").click()


def _shot(page, name):  # type: ignore[no-untyped-def]
    if os.environ.get("ANJU_E2E_SHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"servicedesk-{name}.png"))


def test_agent_logs_a_call_found_by_pinyin_then_accepts_and_assigns(
    page, live_server, agent, technician, password, house, owner_person
):
    # given the agent is logged in
    _login(page, f"{live_server.url}/accounts/login/", "agent", password)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    # when opening the service desk and starting a new ticket
    page.get_by_role("navigation", name="模块导航").get_by_role(
        "link", name="工单"
    ).click()
    expect(page.get_by_role("heading", name="工单工作台")).to_be_visible()
    _shot(page, "workbench-empty")
    page.get_by_role("link", name=re.compile("登记工单")).click()
    # (the search runs through htmx, a deferred script: wait until it has run)
    expect(page.get_by_role("heading", name=re.compile("登记工单"))).to_be_visible()
    page.wait_for_load_state("load")
    # and finding the caller's house by the owner's pinyin initials
    page.get_by_role("searchbox", name="查找房屋").fill("zs")
    result = page.get_by_role("option", name=re.compile("3-2-1201"))
    expect(result).to_contain_text("张三（业主）")
    result.click()
    # then the house is picked, the owner's name filled in, its tickets shown
    expect(page.locator("#picked-house")).to_have_text("绿水苑 · 3-2-1201")
    expect(page.get_by_label("联系人")).to_have_value("张三")
    expect(page.locator("#house-tickets")).to_contain_text("近期没有工单")
    # when the agent inserts the greeting phrase and writes down the matter
    page.get_by_label("类型").select_option(label="报修")
    page.get_by_label("类别").select_option(label="给排水")
    page.get_by_label("紧急程度").select_option(label="加急")
    page.get_by_label("联系电话").fill("13812341234")
    page.get_by_label("内容").fill("厨房下水道堵塞返水。")
    page.get_by_role("button", name=re.compile("投诉两小时反馈承诺")).click()
    expect(page.get_by_label("内容")).to_have_value(
        "厨房下水道堵塞返水。我会立即安排专人处理这个问题，并在两小时内给您反馈。"
    )
    _shot(page, "intake")
    page.get_by_role("button", name=re.compile("保存工单")).click()
    # then the ticket page shows the new number
    ticket = Ticket.objects.get()
    expect(page.locator(".messages")).to_contain_text(f"工单 {ticket.number} 已登记")
    expect(page.get_by_role("heading", name=re.compile(ticket.number))).to_be_visible()
    expect(page.locator("main")).to_contain_text("138****1234")
    # when accepting and assigning it to the technician
    page.get_by_role("button", name="受理", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已受理")
    page.get_by_label("责任人").select_option(label=f"{technician} · 维修工")
    page.get_by_label("责任部门").fill("工程部")
    page.get_by_role("button", name="派单", exact=True).click()
    # then the timeline shows each step
    expect(page.locator(".messages")).to_contain_text("已派单")
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("已受理 → 已派单")
    expect(timeline).to_contain_text("工程部")
    _shot(page, "ticket")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee_id) == ("assigned", technician.pk)
    # and the workbench lists it in the team queue
    page.goto(f"{live_server.url}/servicedesk/?queue=team")
    expect(page.locator("table.tickets")).to_contain_text(ticket.number)
    _shot(page, "workbench")
    assert page.console_errors == []


def test_owner_reports_a_repair_on_a_phone(phone, live_server, owner, password, house):
    # given the owner logs in on a 390×844 screen
    _login(phone, f"{live_server.url}/portal/login/", "13812341234", password)
    expect(phone.get_by_role("heading", name="我的房屋")).to_be_visible()
    # when reporting a repair
    phone.goto(f"{live_server.url}/portal/tickets/new/")
    phone.get_by_text("报修", exact=True).click()
    phone.get_by_label("问题类别").select_option(label="供电照明")
    phone.get_by_label("问题描述").fill("客厅灯不亮，开关没反应")
    _shot(phone, "portal-form")
    phone.get_by_role("button", name="提交").click()
    # then the ticket number is shown, and the ticket is in 我的报事
    ticket = Ticket.objects.get()
    expect(phone.locator(".messages")).to_contain_text(ticket.number)
    _shot(phone, "portal-detail")
    phone.get_by_role("link", name=re.compile("我的报事")).click()
    expect(phone.get_by_role("heading", name="我的报事")).to_be_visible()
    tile = phone.locator("a.tile.ticket")
    expect(tile).to_have_count(1)
    expect(tile).to_contain_text("客厅灯不亮")
    expect(tile).to_contain_text("待受理")
    _shot(phone, "portal-list")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert ticket.channel == "portal"
    assert phone.console_errors == []
