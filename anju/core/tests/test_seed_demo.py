"""seed_demo: realistic, valid, deterministic demo data that is never duplicated, and
operations data (bills, payments, tickets, dunning) that the demo logins can click
through. One seeding (150 houses) serves the whole module; it is rolled back at the end.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from anju.accounts.models import User
from anju.billing import finance
from anju.billing.models import Bill, BillRun, DiscountLine, Payment, Receipt
from anju.core.validators import is_id_number, is_mobile
from anju.dunning.models import Campaign, Contact, DunningCase, DunningDocument
from anju.estates.models import Community, House, HouseResident, Person, Vehicle
from anju.servicedesk import selectors
from anju.servicedesk.choices import EventKind, Status
from anju.servicedesk.models import Compensation, ReturnVisit, SLABreach, Ticket

pytestmark = pytest.mark.django_db
HOUSES = 150


def _seed(**kw) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **kw)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The demo seeded once for the module, inside a transaction rolled back after."""
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        output = _seed(houses=HOUSES)
        yield output
        transaction.set_rollback(True)


def _counts() -> tuple[int, ...]:
    return (
        Community.objects.count(),
        House.objects.count(),
        Person.objects.count(),
        HouseResident.objects.count(),
        Vehicle.objects.count(),
        User.objects.count(),
        Ticket.objects.count(),
        Bill.objects.count(),
        Payment.objects.count(),
        DunningCase.objects.count(),
    )


def test_seed_builds_the_demo_group_with_valid_people(seeded, settings):
    # then
    assert list(Community.objects.order_by("pk").values_list("name", flat=True)) == [
        "绿水苑",
        "青山府",
        "金桂园",
        "翠湖天地",
    ]
    assert House.objects.count() == HOUSES
    home = House.objects.get(community__code="lsy", number="3-2-1201")
    assert list(
        home.residents.filter(person__user__isnull=False).values_list(
            "person__name", "person__phone"
        )
    ) == [("张三", "13812341234"), ("刘芳", "13812345678")]
    phones = [p for p in Person.objects.values_list("phone", flat=True) if p]
    assert len(phones) == len(set(phones))
    assert all(is_mobile(p) for p in phones)
    ids = [i for i in Person.objects.values_list("id_number", flat=True) if i]
    assert ids
    assert all(is_id_number(i) for i in ids)
    assert set(House.objects.values_list("usage", flat=True)) == {
        "residential",
        "shop",
        "parking",
        "storage",
    }
    assert House.objects.filter(occupancy="unsold").exists()
    assert Vehicle.objects.filter(plate__startswith="沪").exists()
    assert "13812341234" in seeded
    assert "supervisor" in seeded
    assert "已生成运营数据：24 个计费批次" in seeded
    for username in ("admin", "agent", "supervisor", "technician", "guard",
                     "finance", "manager", "committee", "13812341234"):  # fmt: skip
        user = User.objects.get(username=username)
        assert user.check_password(settings.ANJU_DEMO_PASSWORD)


def test_seed_twice_never_duplicates(seeded):
    # given
    before = _counts()
    # when
    quiet = _seed(houses=HOUSES, once=True)
    with pytest.raises(CommandError) as refused:
        _seed(houses=HOUSES)
    # then
    assert "演示数据已存在，跳过。" in quiet
    assert "已生成运营数据" not in quiet
    assert "不会重复生成" in str(refused.value)
    assert _counts() == before


@pytest.mark.parametrize("username", ["agent", "supervisor"])
def test_every_workbench_queue_of_the_demo_desk_has_tickets(seeded, client, username):
    # given
    user = User.objects.get(username=username)
    client.force_login(user)
    # when
    counts = selectors.queue_counts(user=user)
    pages = {
        queue: client.get(reverse("servicedesk:workbench"), {"queue": queue})
        for queue in selectors.QUEUE_LABELS
    }
    # then
    assert set(counts) == set(selectors.QUEUE_LABELS) - {selectors.Queue.ALL}
    assert all(n > 0 for n in counts.values()), counts
    for queue, page in pages.items():
        assert page.status_code == 200
        assert len(page.context["page"]) > 0, queue


def test_ticket_timelines_follow_the_story_clock(seeded):
    # given
    now = timezone.now()
    tickets = list(Ticket.objects.prefetch_related("events"))
    # then: logged over the last two months, every event after the one before it
    assert len({t.status for t in tickets}) == len(Status.values)
    for ticket in tickets:
        events = sorted(ticket.events.all(), key=lambda e: e.pk)
        assert now - timedelta(days=62) < ticket.created_at < now
        assert events[0].kind == EventKind.CREATED
        assert events[0].created_at == ticket.created_at
        times = [e.created_at for e in events]
        assert times == sorted(times), ticket.number
        moves = [e for e in events if e.to_status]
        assert moves[-1].to_status == ticket.status, ticket.number
        for stamp in ("accepted_at", "assigned_at", "started_at", "resolved_at"):
            value = getattr(ticket, stamp)
            assert value is None or ticket.created_at <= value <= now
    # a breach found by the scan when a clock ran out, a repeat, a poor visit reopened
    assert SLABreach.objects.filter(detected_at__lt=now - timedelta(days=1)).exists()
    assert Ticket.objects.filter(is_repeat=True, escalated=True).exists()
    assert ReturnVisit.objects.filter(satisfaction__lte=2).exists()
    assert Ticket.objects.filter(reopen_count__gt=0, status=Status.CLOSED).exists()
    assert set(Compensation.objects.values_list("status", flat=True)) == {
        "approved",
        "requested",
    }


def test_the_cashier_sees_bills_and_payments_on_a_house_page(seeded, client):
    # given
    cashier = User.objects.get(username="finance")
    receipt = (
        Receipt.objects.filter(payment__community__code="lsy", amount__gt=0)
        .select_related("payment")
        .order_by("pk")
        .first()
    )
    client.force_login(cashier)
    # when
    page = client.get(reverse("billing:house_ledger", args=[receipt.payment.house_id]))
    # then
    assert page.status_code == 200
    text = page.content.decode()
    assert receipt.number in text
    assert "物业费" in text
    assert Payment.objects.filter(kind="reversal").count() == 2
    assert DiscountLine.objects.filter(status="requested").count() == 1  # to approve
    months = {
        timezone.localtime(at).strftime("%Y-%m")
        for at in Payment.objects.values_list("received_at", flat=True)
    }
    assert len(months) >= 5  # paid month by month, not all at once today


def test_the_finance_report_has_figures(seeded, client):
    # given
    cashier = User.objects.get(username="finance")
    lsy = Community.objects.get(code="lsy")
    today = timezone.localdate()
    # when
    report = finance.finance_report(
        user=cashier,
        community=lsy,
        communities=[lsy],
        period=finance.period_for(year=today.year),
        today=today,
    )
    client.force_login(cashier)
    page = client.get(reverse("billing:finance"), {"community": lsy.pk})
    # then
    assert BillRun.objects.filter(community=lsy).count() == 6
    assert report.total.billed > 0
    assert report.total.collected > 0
    assert report.total.collection_rate > 0
    assert report.income > 0
    assert len([c for c in report.channels if c.net > 0]) >= 3
    assert report.aging["total"] > 0
    assert page.status_code == 200


def test_the_demo_owner_has_bills_to_pay_and_tickets_in_the_portal(seeded, client):
    # given
    owner = User.objects.get(username="13812341234")
    client.force_login(owner)
    # when
    bills = client.get(reverse("portal_billing:bill_list"))
    payments = client.get(reverse("portal_billing:payment_list"))
    tickets = client.get(reverse("portal_tickets:ticket_list"))
    # then
    assert bills.status_code == 200
    open_bills = Bill.objects.filter(
        house__number="3-2-1201", house__community__code="lsy", status="unpaid"
    )
    assert open_bills.count() == 2
    assert "物业费" in bills.content.decode()
    assert payments.status_code == 200
    assert Payment.objects.filter(house__number="3-2-1201").count() >= 3
    assert tickets.status_code == 200
    mine = Ticket.objects.filter(house__number="3-2-1201", channel="portal")
    assert set(mine.values_list("status", flat=True)) == {"closed", "resolved"}
    assert mine.get(status="resolved").number in tickets.content.decode()


def test_dunning_follows_up_the_longest_arrears(seeded):
    # then
    assert DunningCase.objects.filter(status="open").exists()
    assert DunningDocument.objects.filter(kind="notice").exists()
    assert Campaign.objects.filter(channel="sms").exists()
    calls = Contact.objects.filter(campaign__channel="phone")
    assert calls.filter(status="pending", assigned_to__username="finance").exists()
    assert calls.filter(status="done", outcome="promised").exists()
