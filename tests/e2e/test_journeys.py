"""Journeys a user makes in a real browser: staff search, owner portal, lockout, language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from anju.estates.tests.factories import HouseFactory, HouseResidentFactory

pytestmark = pytest.mark.browser


def _login(page, url, username, password):  # type: ignore[no-untyped-def]
    page.goto(url)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="登录").click()


def test_agent_finds_a_house_by_number_and_by_pinyin_initials(
    page, live_server, agent, password, house, owner_person
):
    # given the agent logs in through the login page
    _login(page, f"{live_server.url}/accounts/login/", "agent", password)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    search = page.get_by_role("searchbox", name="查找房屋")
    # when searching by the house number
    search.fill("3-2-1201")
    search.press("Enter")
    # then the house is listed
    results = page.locator("#results")
    expect(results.get_by_role("link", name="3-2-1201")).to_be_visible()
    # when searching by the owner's pinyin initials
    search = page.get_by_role("searchbox", name="查找房屋")
    search.fill("zs")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"q=zs"))
    expect(results.get_by_role("link", name="3-2-1201")).to_be_visible()
    # and opening it
    results.get_by_role("link", name="3-2-1201").click()
    # then the owner is shown with a masked phone
    expect(page.get_by_role("heading", name=re.compile("3-2-1201"))).to_be_visible()
    body = page.locator("main")
    expect(body).to_contain_text("张三")
    expect(body).to_contain_text("138****1234")
    expect(body).not_to_contain_text("13812341234")
    assert page.console_errors == []


def test_owner_sees_only_their_houses_on_a_phone(
    phone, live_server, owner, password, house, community
):
    # given another owner's house in the same community
    other = HouseFactory(unit=house.unit, room="902")
    HouseResidentFactory(
        house=other, person__name="李四", person__company=community.company
    )
    # when the owner logs in on a 390×844 screen with their mobile number
    _login(phone, f"{live_server.url}/portal/login/", "138 1234 1234", password)
    # then only their own house is listed
    expect(phone.get_by_role("heading", name="我的房屋")).to_be_visible()
    tiles = phone.locator("a.tile.house")
    expect(tiles).to_have_count(1)
    expect(tiles.first).to_contain_text("3-2-1201")
    expect(phone.locator("main")).not_to_contain_text(other.number)
    # and nothing overflows the screen sideways
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # when opening their house
    tiles.first.click()
    expect(phone.get_by_role("heading", name=re.compile("3-2-1201"))).to_be_visible()
    expect(phone.locator("#slot-bills")).to_be_visible()
    # when typing the other house's address
    response = phone.goto(f"{live_server.url}/portal/houses/{other.pk}/")
    # then it does not exist for them
    assert response.status == 404
    phone.console_errors.clear()  # the browser reports that 404 itself
    # when logging out
    phone.goto(f"{live_server.url}/portal/")
    phone.get_by_role("button", name="退出登录").click()
    expect(phone).to_have_url(f"{live_server.url}/portal/login/")
    assert phone.console_errors == []


def test_repeated_wrong_passwords_lock_the_account(
    page, live_server, agent, password, settings
):
    # given a limit of 3 (the live server runs in this process and reads the setting)
    settings.AXES_FAILURE_LIMIT = 3
    url = f"{live_server.url}/accounts/login/"
    # when the password is wrong as often as the limit allows
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(page, url, "agent", "wrong-password")
        expect(page.get_by_role("alert")).to_have_text("用户名或密码错误。")
    _login(page, url, "agent", "wrong-password")
    # then the account is locked, and stays locked for the right password
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("登录失败次数过多，账号已临时锁定")
    _login(page, url, "agent", password)
    expect(page.get_by_role("alert")).to_contain_text("账号已临时锁定")
    expect(page).to_have_url(url)


def test_language_switch_turns_the_staff_page_into_english(
    page, live_server, agent, password
):
    # given a logged-in agent on the Chinese workbench
    _login(page, f"{live_server.url}/accounts/login/", "agent", password)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    # (the switch submits from a deferred script: wait until it has run)
    page.wait_for_load_state("load")
    # when choosing English in the language switch
    with page.expect_navigation():
        page.get_by_label("Language").select_option("en")
    # then the same page comes back in English, and stays so
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert page.console_errors == []
