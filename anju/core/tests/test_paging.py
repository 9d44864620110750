"""Capped counts: exact up to the cap, then "cap+", with pages up to the cap."""

from __future__ import annotations

import pytest

from anju.core.paging import CappedPaginator, capped_count
from anju.estates.models import Community
from anju.estates.tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def communities():
    return [CommunityFactory() for _ in range(7)]


def test_exact_below_the_cap(communities):
    assert capped_count(Community.objects.all(), 10) == (7, False)
    assert capped_count(Community.objects.all(), 7) == (7, False)


def test_capped_above_the_cap(communities, django_assert_num_queries):
    with django_assert_num_queries(1) as ctx:
        assert capped_count(Community.objects.order_by("name"), 5) == (5, True)
    sql = ctx.captured_queries[0]["sql"].upper()
    assert "LIMIT 6" in sql
    assert "ORDER BY" not in sql  # the subquery need not sort the history


def test_paginator_offers_pages_up_to_the_cap(communities):
    class Small(CappedPaginator):
        cap = 5

    paginator = Small(Community.objects.order_by("pk"), 2)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (5, True, 3)
    assert len(paginator.page(3).object_list) == 1
    exact = CappedPaginator(Community.objects.order_by("pk"), 2)
    assert (exact.count, exact.capped) == (7, False)


def test_api_lists_say_whether_the_count_is_capped(client, supervisor, house):
    client.force_login(supervisor)
    body = client.get("/api/v1/houses/").json()
    assert body["count"] == 1
    assert body["count_capped"] is False


def test_workbench_tab_shows_a_capped_count(client, agent, house, monkeypatch):
    from anju.servicedesk import views
    from anju.servicedesk.tests.factories import make_ticket

    monkeypatch.setattr(views, "TAB_COUNT_CAP", 2)
    for _ in range(3):
        make_ticket(actor=agent, house=house)
    client.force_login(agent)
    page = client.get("/servicedesk/?queue=unassigned")
    tabs = {t["code"]: t for t in page.context["tabs"]}
    assert (tabs["unassigned"]["count"], tabs["unassigned"]["capped"]) == (2, True)
    assert "2+" in page.content.decode()


def test_partitioned_pages_equal_the_plain_order(community, other_community):
    from datetime import timedelta

    from django.utils import timezone

    from anju.accounts.choices import Role
    from anju.accounts.tests.factories import StaffFactory
    from anju.core.paging import PartitionedPaginator
    from anju.estates.tests.factories import HouseFactory
    from anju.servicedesk.models import Ticket
    from anju.servicedesk.tests.factories import make_ticket

    staff = StaffFactory(role=Role.SUPERVISOR, communities=[community, other_community])
    houses = [
        HouseFactory(unit__building__community=c) for c in (community, other_community)
    ]
    made = [make_ticket(actor=staff, house=houses[i % 2]) for i in range(11)]
    # interleave the communities in time, with two tickets at the same instant
    base = timezone.now()
    for i, t in enumerate(made):
        Ticket.objects.filter(pk=t.pk).update(
            created_at=base - timedelta(minutes=i if i != 5 else 4)
        )
    qs = Ticket.objects.visible_to(staff).order_by("-created_at", "-id")
    expected = [t.pk for t in qs]
    merged = PartitionedPaginator(qs, 4, partitions=[community.pk, other_community.pk])
    got = [t.pk for n in merged.page_range for t in merged.page(n)]
    assert got == expected
    assert merged.count == 11
