"""Photos in the browser: an owner reports a leak with two phone photos; the agent sees
them on the ticket page. The thumbnails really load (served through the scoped view,
allowed by the CSP), and nothing overflows a phone screen.

Set ANJU_E2E_SHOTS=1 to keep a screenshot of each page in the e2e screenshot folder.
"""

from __future__ import annotations

import io
import os

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
        page.screenshot(path=str(SCREENSHOTS / f"photos-{name}.png"), full_page=True)


def _jpeg(colour: str, size: tuple[int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return out.getvalue()


def expect_thumbnails_loaded(page, widths: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Each thumbnail decoded at its width (a refused or broken image has 0)."""
    images = page.locator("ul.photos img")
    expect(images).to_have_count(len(widths))
    for n, width in enumerate(widths):
        expect(images.nth(n)).to_have_js_property("naturalWidth", width)


def test_owner_reports_a_leak_with_photos_and_the_agent_sees_them(
    phone, page, live_server, owner, agent, password, house
):
    # given the owner on a phone, on the 我要报事 form
    _login(phone, f"{live_server.url}/portal/login/", "13812341234", password)
    expect(phone.get_by_role("heading", name="我的房屋")).to_be_visible()
    phone.goto(f"{live_server.url}/portal/tickets/new/")
    # when reporting a leak with two photos from the phone
    phone.get_by_text("报修", exact=True).click()
    phone.get_by_label("问题类别").select_option(label="给排水")
    phone.get_by_label("问题描述").fill("卫生间天花板滴水")
    phone.locator("input[name=photos]").set_input_files(
        [
            {
                "name": "IMG_0001.JPG",
                "mimeType": "image/jpeg",
                "buffer": _jpeg("red", (1200, 900)),
            },
            {
                "name": "IMG_0002.JPG",
                "mimeType": "image/jpeg",
                "buffer": _jpeg("teal", (900, 1200)),
            },
        ]
    )
    _shot(phone, "portal-form")
    phone.get_by_role("button", name="提交").click()
    # then the progress page shows both thumbnails, loaded
    ticket = Ticket.objects.get()
    expect(phone.locator(".messages")).to_contain_text(ticket.number)
    expect_thumbnails_loaded(phone, [320, 240])
    _shot(phone, "portal-detail")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.console_errors == []
    # and the agent sees them on the ticket page, each linking to the full photo
    _login(page, f"{live_server.url}/accounts/login/", "agent", password)
    page.goto(f"{live_server.url}/servicedesk/tickets/{ticket.pk}/")
    photos = page.locator("ul.photos a")
    expect_thumbnails_loaded(page, [320, 240])
    _shot(page, "ticket-page")
    full = page.request.get(f"{live_server.url}{photos.first.get_attribute('href')}")
    assert (full.status, full.headers["content-type"]) == (200, "image/jpeg")
    assert page.console_errors == []
