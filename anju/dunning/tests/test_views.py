"""Staff pages: 催缴 case list, case page and its actions, tasks, campaigns, FAQ."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.dunning import selectors, services
from anju.dunning.choices import Channel, Segment, Stage
from anju.dunning.models import (
    Campaign,
    Contact,
    DunningCase,
    DunningDocument,
    Evidence,
)
from anju.dunning.scripts import DEFAULT_SCRIPTS

from .factories import house_in, owe, photo


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def live_case(house, owner, finance, today):
    """张三's 3-2-1201 owes 300.00 due 100 days ago and 300.00 due 40 days ago."""
    owe(house, "300.00", today - timedelta(days=100))
    owe(house, "300.00", today - timedelta(days=40))
    return services.case_open(house=house, actor=finance)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_list_shows_what_each_house_owes_and_where_it_stands(
    client, finance, live_case, today
):
    client.force_login(finance)
    response = client.get(reverse("dunning:case_list"))
    assert response.status_code == 200
    text = _text(response)
    assert "3-2-1201" in text
    assert "张三" in text
    assert "600.00" in text
    assert "长期欠费（3个月以上）" in text
    assert (today - timedelta(days=100)).strftime("%Y-%m-%d") in text


def test_the_list_filters_by_stage_segment_and_limitation(
    client, finance, live_case, community, today
):
    old = house_in(community, "9-1-101")
    owe(old, "300.00", today - timedelta(days=3 * 365 - 30))
    services.case_open(house=old, actor=finance)
    client.force_login(finance)

    def houses(**params):
        body = client.get(reverse("dunning:case_list"), params).content.decode()
        return sorted(set(re.findall(r">(\d+-\d+-\d+)</a>", body)))

    assert houses() == ["3-2-1201", "9-1-101"]
    assert houses(warning="on") == ["9-1-101"]
    assert houses(stage=Stage.NOTICE) == []
    assert houses(segment=Segment.LONG_OVERDUE, q="3-") == ["3-2-1201"]
    assert "时效剩" in client.get(reverse("dunning:case_list")).content.decode()


@pytest.mark.parametrize("n", [3, 15])
def test_the_list_costs_the_same_number_of_queries_for_more_cases(
    client, finance, community, today, n, django_assert_max_num_queries
):
    for i in range(n):
        h = house_in(community, f"4-1-{i + 100}")
        owe(h, "300.00", today - timedelta(days=50))
        services.case_open(house=h, actor=finance)
    client.force_login(finance)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dunning:case_list"))
    assert response.content.decode().count("/dunning/cases/") == n


def test_the_case_page_shows_arrears_limitation_timeline_and_faq(
    client, agent, live_case, today
):
    client.force_login(agent)
    response = client.get(reverse("dunning:case_detail", args=[live_case.pk]))
    assert response.status_code == 200
    text = _text(response)
    expires = selectors.add_years(today - timedelta(days=100), 3)
    assert "600.00" in text
    assert "立案" in text
    assert "为什么要缴纳物业费？" in text
    assert 'data-faq-insert="物业费是物业服务企业' in text
    assert "诉讼时效" in text
    assert f"至 {expires:%Y-%m-%d}" in text
    # agents see it, but have no actions
    assert reverse("dunning:case_move", args=[live_case.pk]) not in text


def test_others_get_404(client, live_case, outsider, technician, owner):
    url = reverse("dunning:case_detail", args=[live_case.pk])
    for user in (outsider, technician, owner):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_issuing_and_printing_a_notice_from_the_case_page(client, finance, live_case):
    client.force_login(finance)
    response = client.post(
        reverse("dunning:case_move", args=[live_case.pk]),
        {"move-to_stage": Stage.NOTICE, "move-note": "两个月以上未缴"},
    )
    assert response.status_code == 302
    live_case.refresh_from_db()
    assert live_case.stage == Stage.NOTICE
    notice = DunningDocument.objects.get()
    page = client.get(reverse("dunning:case_detail", args=[live_case.pk]))
    assert notice.number in page.content.decode()
    assert "未送达" in page.content.decode()
    pdf = client.get(reverse("dunning:document_pdf", args=[notice.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "private, no-store"


def test_a_refused_move_is_explained_and_changes_nothing(client, finance, live_case):
    client.force_login(finance)
    client.post(
        reverse("dunning:case_move", args=[live_case.pk]),
        {"move-to_stage": Stage.NOTICE},
    )
    response = client.post(
        reverse("dunning:case_move", args=[live_case.pk]),
        {"move-to_stage": Stage.LAWSUIT},
        follow=True,
    )
    assert "催缴通知书尚未送达业主" in response.content.decode()
    live_case.refresh_from_db()
    assert live_case.stage == Stage.NOTICE


def test_read_only_staff_cannot_post_actions(client, agent, live_case):
    client.force_login(agent)
    response = client.post(
        reverse("dunning:case_move", args=[live_case.pk]),
        {"move-to_stage": Stage.NOTICE},
    )
    assert response.status_code == 403
    assert DunningDocument.objects.count() == 0


def test_uploading_a_delivery_proof_and_viewing_the_scan(
    client, finance, live_case, outsider, today
):
    client.force_login(finance)
    client.post(
        reverse("dunning:case_move", args=[live_case.pk]),
        {"move-to_stage": Stage.NOTICE},
    )
    notice = DunningDocument.objects.get()
    response = client.post(
        reverse("dunning:case_evidence", args=[live_case.pk]),
        {
            "evidence-kind": "delivery",
            "evidence-document": notice.pk,
            "evidence-method": "in_person",
            "evidence-delivered_on": today.isoformat(),
            "evidence-receiver": "张三",
            "evidence-file": photo(),
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    scan = client.get(reverse("dunning:evidence_file", args=[evidence.pk]))
    assert (scan.status_code, scan["Content-Type"]) == (200, "image/jpeg")
    assert scan["X-Content-Type-Options"] == "nosniff"
    assert scan["Content-Disposition"].startswith("inline")
    page = client.get(reverse("dunning:case_detail", args=[live_case.pk]))
    assert "已送达" in page.content.decode()
    client.force_login(outsider)
    assert (
        client.get(reverse("dunning:evidence_file", args=[evidence.pk])).status_code
        == 404
    )


def test_an_agent_records_the_call_of_a_task_given_to_them(
    client, finance, agent, live_case, community, today
):
    campaign = services.campaign_create(
        community=community,
        actor=finance,
        name="长期欠费电话回访",
        segment=Segment.LONG_OVERDUE,
        channel=Channel.PHONE,
        script=DEFAULT_SCRIPTS[Segment.LONG_OVERDUE],
        assignees=[agent],
    )
    services.campaign_run(campaign=campaign, actor=finance)
    client.force_login(agent)
    tasks = client.get(reverse("dunning:task_list")).content.decode()
    assert "长期欠费电话回访" in tasks
    assert "3-2-1201" in tasks
    task = Contact.objects.get()
    response = client.post(
        reverse("dunning:contact_outcome", args=[task.pk]),
        {
            "outcome-outcome": "promised",
            "outcome-promised_date": (today + timedelta(days=7)).isoformat(),
            "outcome-note": "业主同意下周缴清",
            "next": reverse("dunning:task_list"),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dunning:task_list")
    task.refresh_from_db()
    assert (task.outcome, task.contacted_by) == ("promised", agent)
    assert "没有待办任务" in client.get(reverse("dunning:task_list")).content.decode()


def test_a_campaign_with_a_threatening_script_is_refused_on_the_form(
    client, finance, community
):
    client.force_login(finance)
    response = client.post(
        reverse("dunning:campaign_create"),
        {
            "community": community.pk,
            "name": "强硬",
            "segment": Segment.LONG_OVERDUE,
            "channel": Channel.SMS,
            "script": "再不缴费就停水停电",
        },
    )
    assert response.status_code == 200
    assert "第九百四十四条" in response.content.decode()
    assert Campaign.objects.count() == 0


def test_creating_and_running_a_campaign_from_the_pages(
    client, finance, community, live_case
):
    client.force_login(finance)
    form = client.get(reverse("dunning:campaign_create")).content.decode()
    assert "script-defaults" in form
    assert DEFAULT_SCRIPTS[Segment.SHORT_OVERDUE][:10] in form
    response = client.post(
        reverse("dunning:campaign_create"),
        {
            "community": community.pk,
            "name": "长期欠费短信",
            "segment": Segment.LONG_OVERDUE,
            "channel": Channel.SMS,
            "script": DEFAULT_SCRIPTS[Segment.LONG_OVERDUE],
        },
    )
    campaign = Campaign.objects.get()
    assert response["Location"] == reverse(
        "dunning:campaign_detail", args=[campaign.pk]
    )
    ran = client.post(
        reverse("dunning:campaign_run", args=[campaign.pk]), follow=True
    ).content.decode()
    assert "已执行：发送 1 户" in ran
    assert "3-2-1201" in ran
    listing = client.get(reverse("dunning:campaign_list")).content.decode()
    assert "长期欠费短信" in listing
    assert "催缴成效" in listing


def test_the_faq_is_searchable_and_htmx_gets_the_list_alone(client, agent):
    client.force_login(agent)
    page = client.get(reverse("dunning:faq"), {"q": "停水"}).content.decode()
    assert "欠了物业费，物业会停水停电吗？" in page
    assert "为什么要缴纳物业费？" not in page
    assert "出处" in page
    part = client.get(
        reverse("dunning:faq"), {"q": "空置", "insert": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in part
    assert "房子空着没有入住" in part
    assert "data-faq-insert" in part


def test_the_nav_offers_dunning_to_those_who_may_see_it(client, agent, technician):
    client.force_login(agent)
    assert 'href="/dunning/"' in client.get("/").content.decode()
    client.force_login(technician)
    assert 'href="/dunning/"' not in client.get("/").content.decode()


def test_the_sync_button_opens_cases(client, finance, community, today):
    h = house_in(community, "5-1-501")
    owe(h, "300.00", today - timedelta(days=35))
    client.force_login(finance)
    response = client.post(reverse("dunning:cases_sync"), follow=True)
    assert "新立案 1 户" in response.content.decode()
    assert DunningCase.objects.get().house == h
