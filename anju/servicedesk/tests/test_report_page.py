"""服务台报表: the page with its charts, the Excel export and the API, scoped by community."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anju.servicedesk import services
from anju.servicedesk.choices import Category, TicketType, VisitMethod

from .factories import make_ticket

pytestmark = pytest.mark.django_db

URL = "/servicedesk/report/"


@pytest.fixture
def month() -> str:
    return timezone.localdate().strftime("%Y-%m")


@pytest.fixture
def tickets(agent, house):
    made = [
        make_ticket(
            actor=agent, house=house, type=TicketType.COMPLAINT, category=Category.NOISE
        ),
        make_ticket(
            actor=agent, house=house, type=TicketType.COMPLAINT, category=Category.NOISE
        ),
        make_ticket(actor=agent, house=house, category=Category.PLUMBING),
    ]
    done = services.ticket_accept(ticket=made[2], actor=agent)
    done = services.ticket_resolve(ticket=done, actor=agent, resolution="已修复")
    services.visit_record(
        ticket=done, actor=agent, method=VisitMethod.PHONE, satisfaction=5
    )
    return made


def _bars(html: str, label: str) -> str:
    marker = f'data-label="{label}" data-value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_supervisor_sees_figures_and_charts(client, supervisor, tickets, month):
    client.force_login(supervisor)
    response = client.get(URL, {"month": month})
    assert response.status_code == 200
    html = response.content.decode()
    assert "服务台报表" in html
    assert "<svg" in html
    # the type chart: two complaints, one repair; the category chart skips zeros
    assert _bars(html, "投诉") == "2"
    assert _bars(html, "报修") == "1"
    assert 'data-label="电梯"' not in html
    assert _bars(html, "噪音扰民") == "2"
    summary = response.context["summary"]
    assert dict(summary)["工单总数"] == 3
    assert dict(summary)["满意度均分"] == 5.0
    # the daily series covers every day of the month, today holding the three
    days = response.context["figures"]["by_day"]
    assert len(days) >= 28
    assert dict(days)[timezone.localdate().isoformat()] == 3


def test_report_query_count_does_not_grow_with_tickets(
    client, supervisor, agent, house, month, django_assert_max_num_queries
):
    client.force_login(supervisor)
    make_ticket(actor=agent, house=house)
    with django_assert_max_num_queries(40) as few:
        client.get(URL, {"month": month})
    for _ in range(10):
        make_ticket(actor=agent, house=house, category=Category.ELEVATOR)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL, {"month": month})


def test_other_community_is_404_and_agents_have_no_report(
    client, supervisor, agent, outsider, other_community, tickets, month
):
    client.force_login(supervisor)
    assert (
        client.get(URL, {"community": other_community.pk, "month": month}).status_code
        == 404
    )
    client.force_login(outsider)
    page = client.get(URL, {"month": month})
    assert page.status_code == 200
    assert dict(page.context["summary"])["工单总数"] == 0
    client.force_login(agent)
    assert client.get(URL).status_code == 404
    assert client.get("/servicedesk/report.xlsx").status_code == 404


def test_bad_month_is_explained_and_this_month_shown(client, supervisor, tickets):
    client.force_login(supervisor)
    page = client.get(URL, {"month": "2026-13"})
    assert page.status_code == 200
    assert "月份格式应为 YYYY-MM" in page.content.decode()
    assert page.context["month"] == timezone.localdate().strftime("%Y-%m")
    assert client.get("/servicedesk/report.xlsx", {"month": "soon"}).status_code == 400


def test_excel_export_holds_the_same_figures(client, supervisor, tickets, month):
    client.force_login(supervisor)
    response = client.get("/servicedesk/report.xlsx", {"month": month})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = {row[0]: row[1] for row in workbook["汇总"].iter_rows(values_only=True)}
    assert summary["工单总数"] == 3
    by_type = dict(workbook["按类型"].iter_rows(min_row=2, values_only=True))
    assert by_type["投诉"] == 2
    assert by_type["报修"] == 1
    daily = dict(workbook["每日"].iter_rows(min_row=2, values_only=True))
    assert daily[timezone.localdate().isoformat()] == 3


def test_api_report_is_scoped_and_errors_have_codes(
    client, supervisor, agent, other_community, tickets, month
):
    client.force_login(supervisor)
    body = client.get("/api/v1/servicedesk/report/", {"month": month}).json()
    assert body["total"] == 3
    assert body["by_type"]["complaint"] == 2
    assert {"date": timezone.localdate().isoformat(), "count": 3} in body["by_day"]
    bad = client.get("/api/v1/servicedesk/report/", {"month": "2026/11"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "report_invalid_month"
    other = client.get("/api/v1/servicedesk/report/", {"community": other_community.pk})
    assert other.status_code == 404
    assert "total" not in other.json()
    client.force_login(agent)
    assert client.get("/api/v1/servicedesk/report/").status_code == 403
