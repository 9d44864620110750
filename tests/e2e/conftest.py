"""Browser journeys: one headless Debian Chromium per session, a fresh context per test.

Without /usr/bin/chromium the journeys are skipped and the run ends with a line saying
which packages to install. A failing journey leaves a screenshot in the temp directory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
# ORM calls made by the test itself (fixtures, assertions on the database).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
INSTALL_HINT = "apt-get install -y chromium chromium-driver fonts-noto-cjk"
SCREENSHOTS = Path(tempfile.gettempdir()) / "anju-e2e-screenshots"
STAFF_VIEWPORT = {"width": 1366, "height": 768}
PHONE_VIEWPORT = {"width": 390, "height": 844}
# Generous: CI machines are shared; a passing journey never waits this long.
TIMEOUT_MS = 30_000

_skipped: list[str] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def pytest_terminal_summary(terminalreporter):  # type: ignore[no-untyped-def]
    if _skipped:
        terminalreporter.write_sep("-", "browser journeys skipped", yellow=True)
        terminalreporter.write_line(
            f"{len(_skipped)} browser test(s) skipped: {CHROMIUM} not found. "
            f"Install with: {INSTALL_HINT}",
            yellow=True,
        )


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _skipped.append(CHROMIUM)
        pytest.skip(f"{CHROMIUM} not found; install with: {INSTALL_HINT}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def warm_server(live_server, django_db_blocker):  # type: ignore[no-untyped-def]
    """The first request imports every view and compiles templates; do it once, here."""
    from urllib.request import urlopen

    expect.set_options(timeout=TIMEOUT_MS)
    with (
        django_db_blocker.unblock(),
        urlopen(f"{live_server.url}/accounts/login/", timeout=120) as response,
    ):
        response.read()
    return live_server


def _open_page(browser, request, viewport):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.set_default_timeout(TIMEOUT_MS)
    # Browsers ask for /favicon.ico on their own; answer so it is no console error.
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.console_errors = []  # CSP violations and script errors end up here
    page.on(
        "console",
        lambda m: m.type == "error" and page.console_errors.append(m.text),
    )
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{request.node.name}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"\nscreenshot: {path}")
    context.close()


@pytest.fixture
def page(browser, request, transactional_db, warm_server):  # type: ignore[no-untyped-def]
    """A staff-sized browser tab (1366×768)."""
    yield from _open_page(browser, request, STAFF_VIEWPORT)


@pytest.fixture
def phone(browser, request, transactional_db, warm_server):  # type: ignore[no-untyped-def]
    """A phone-sized browser tab (390×844), as owners use the portal."""
    yield from _open_page(browser, request, PHONE_VIEWPORT)
