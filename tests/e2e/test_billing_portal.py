"""Owner portal journey: an owner pays a bill online in the sandbox on a phone."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from anju.billing.models import Payment, PaymentIntent
from anju.billing.services import bill_run_period
from anju.billing.tests.factories import property_fee

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def _shot(page, name):  # type: ignore[no-untyped-def]
    if os.environ.get("ANJU_E2E_SHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"billing-{name}.png"), full_page=True)


def test_owner_pays_a_bill_in_the_sandbox_on_a_phone(
    phone, live_server, owner, password, house, finance
):
    # given 3-2-1201 billed 300.00 for January and February
    property_fee(house.community)
    for month, end in ((1, 31), (2, 28)):
        bill_run_period(
            community=house.community,
            period_start=date(2026, month, 1),
            period_end=date(2026, month, end),
            actor=finance,
        )
    # when the owner signs in on a 390×844 phone and opens the house's bills
    phone.goto(f"{live_server.url}/portal/login/")
    phone.locator("input[name=username]").fill("13812341234")
    phone.locator("input[name=password]").fill(password)
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("link", name=re.compile("3-2-1201")).click()
    phone.get_by_role("link", name=re.compile("物业账单")).click()
    # then 我的账单 shows both months and what is owed
    expect(phone.get_by_role("heading", name="我的账单")).to_be_visible()
    expect(phone.locator(".due-total")).to_contain_text("¥600.00")
    lines = phone.locator("ul.bill-lines li")
    expect(lines).to_have_count(2)
    expect(lines.first).to_contain_text("2026-01-01 ~ 2026-01-31")
    _shot(phone, "bills")
    # when the owner ticks January and pays it with the sandbox
    lines.first.get_by_role("checkbox").check()
    phone.get_by_text("模拟支付", exact=True).click()
    phone.get_by_role("button", name="支付所选").click()
    expect(phone.get_by_role("heading", name=re.compile("模拟收银台"))).to_be_visible()
    expect(phone.locator(".intent-amount")).to_have_text("¥300.00")
    _shot(phone, "sandbox")
    phone.get_by_role("button", name="确认支付").click()
    # then the result page shows it paid, with the receipt number
    expect(phone.locator("#intent-status")).to_have_text("已支付")
    payment = Payment.objects.get()
    expect(phone.locator("main")).to_contain_text(payment.receipt.number)
    _shot(phone, "paid")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # and back on 我的账单 only February is left
    phone.get_by_role("link", name="返回我的账单").click()
    expect(phone.locator("ul.bill-lines li")).to_have_count(1)
    expect(phone.locator(".due-total")).to_contain_text("¥300.00")
    # and 缴费记录 lists the payment
    phone.get_by_role("link", name="缴费记录").click()
    expect(phone.locator(".tile.payment")).to_contain_text("¥300.00")
    assert PaymentIntent.objects.get().status == "paid"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.console_errors == []
