"""催缴 in the browser: finance opens a case, finds the standard answer about utilities
in the fee FAQ (htmx search), inserts it into the call note (dunning.js, allowed by the
CSP), records the call, and issues the payment notice.

Set ANJU_E2E_SHOTS=1 to keep a screenshot of each page in the e2e screenshot folder.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anju.dunning.models import Contact, DunningDocument
from anju.dunning.services import case_open
from anju.dunning.tests.factories import owe

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def _shot(page, name):  # type: ignore[no-untyped-def]
    if os.environ.get("ANJU_E2E_SHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"dunning-{name}.png"), full_page=True)


def test_finance_answers_with_the_faq_records_the_call_and_issues_a_notice(
    page, live_server, finance, owner, house, password, fee_faq
):
    # given 张三's house owes two months, one of them 100 days overdue
    today = timezone.localdate()
    owe(house, "300.00", today - timedelta(days=100))
    owe(house, "300.00", today - timedelta(days=40))
    case = case_open(house=house, actor=finance)
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(finance.username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="登录").click()
    # when finance opens the case from the 催缴 list
    page.get_by_role("link", name="催缴", exact=True).click()
    _shot(page, "list")
    page.get_by_role("link", name="3-2-1201").click()
    expect(page.get_by_role("heading", name="绿水苑 3-2-1201")).to_be_visible()
    page.wait_for_load_state("load")  # the FAQ search runs through a deferred script
    expect(page.locator("[data-figure=owed]")).to_have_text("600.00")
    # and, on the phone with the owner, looks up the answer about utilities
    page.get_by_text("记录电话/上门").click()
    note = page.locator("#id_contact-note")
    note.fill("业主问欠费会不会停水。")
    page.get_by_placeholder("搜索标准答复").fill("停水")
    answer = page.locator("#case-faq .faq-item")
    expect(answer).to_have_count(1)
    expect(answer).to_contain_text("欠了物业费，物业会停水停电吗？")
    note.click()
    note.press("End")
    answer.get_by_role("button", name="插入到联系记录").click()
    expect(note).to_have_value(
        "业主问欠费会不会停水。不会。《民法典》第九百四十四条明确规定，物业服务人不得采取"
        "停止供电、供水、供热、供燃气等方式催交物业费，我们也不会限制您正常出入和使用电梯。"
        "欠费会通过提醒和书面催缴通知向您说明，仍未缴纳的，物业服务企业可以依法申请调解"
        "或提起诉讼。"
    )
    page.locator("#id_contact-outcome").select_option("reached")
    _shot(page, "case-call")
    page.locator("form[action$='/contact/'] button[type=submit]").click()
    # then the call is in the case's record
    expect(page.locator(".messages")).to_contain_text("已记录联系结果")
    assert Contact.objects.get().note.startswith("业主问欠费会不会停水。不会。")
    # and the notice is issued from the same page
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/move/'] button[type=submit]").click()
    expect(page.locator(".stage-path li.current")).to_have_text("催缴通知书")
    notice = DunningDocument.objects.get(case=case)
    expect(
        page.get_by_role("link", name=f"催缴通知书 {notice.number}").first
    ).to_be_visible()
    _shot(page, "case-notice")
    assert page.console_errors == []
