"""Campaigns by segment: who they reach, through notify() or as tasks, exactly once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from anju.accounts.choices import Role
from anju.accounts.tests.factories import StaffFactory
from anju.core.errors import ValidationFailed
from anju.dunning import selectors, services
from anju.dunning.choices import (
    Channel,
    ContactStatus,
    DisputeKind,
    Outcome,
    Segment,
)
from anju.dunning.models import Contact, DunningCase
from anju.dunning.scripts import DEFAULT_SCRIPTS
from anju.estates.choices import Occupancy
from anju.notifications.choices import DeliveryStatus
from anju.notifications.models import Delivery, Notification

from .conftest import NOW, TODAY
from .factories import SH, at, house_in, owe, owner_of


@pytest.fixture
def segments(community, finance):
    """Four houses, one per segment, each with an owner who has an account."""
    short = house_in(community, "1-1-101")
    owe(short, "300.00", TODAY - timedelta(days=45))
    owner_of(short, "赵一", "13900000001")
    long = house_in(community, "1-1-102")
    owe(long, "300.00", TODAY - timedelta(days=120))
    owe(long, "300.00", TODAY - timedelta(days=45))
    owner_of(long, "钱二", "13900000002")
    vacant = house_in(community, "1-1-103", occupancy=Occupancy.VACANT)
    owe(vacant, "210.00", TODAY - timedelta(days=200))
    owner_of(vacant, "孙三", "13900000003")
    disputed = house_in(community, "1-1-104")
    owe(disputed, "300.00", TODAY - timedelta(days=60))
    owner_of(disputed, "李四", "13900000004")
    services.cases_sync(community=community, actor=finance, now=NOW)
    services.case_dispute(
        case=DunningCase.objects.get(house=disputed),
        actor=finance,
        kind=DisputeKind.SERVICE,
        reason="电梯经常故障",
        now=NOW,
    )
    return {"short": short, "long": long, "vacant": vacant, "disputed": disputed}


def campaign(community, finance, segment, channel, **kw):
    return services.campaign_create(
        community=community,
        actor=finance,
        name=kw.pop("name", f"{segment}-{channel}"),
        segment=segment,
        channel=channel,
        script=kw.pop("script", DEFAULT_SCRIPTS[segment]),
        **kw,
    )


def test_each_house_falls_in_one_segment(segments, finance):
    rows = selectors.case_list(user=finance, today=TODAY)
    assert {c.house.number: c.segment for c in rows} == {
        "1-1-101": Segment.SHORT_OVERDUE,
        "1-1-102": Segment.LONG_OVERDUE,
        "1-1-103": Segment.VACANT,
        "1-1-104": Segment.DISPUTED,
    }
    long = selectors.case_list(user=finance, segment=Segment.LONG_OVERDUE, today=TODAY)
    assert [(c.house.number, str(selectors.owed_of(c))) for c in long] == [
        ("1-1-102", "600.00")
    ]


def test_an_sms_campaign_sends_once_per_house_through_notify(
    segments, community, finance, settings
):
    settings.ANJU_QUIET_HOURS = "21:00-08:00"
    # given a short-overdue SMS campaign
    c = campaign(community, finance, Segment.SHORT_OVERDUE, Channel.SMS)
    # when it is run twice
    first = services.campaign_run(campaign=c, actor=finance, now=NOW)
    second = services.campaign_run(campaign=c, actor=finance, now=NOW + timedelta(1))
    # then the one short-overdue owner got one SMS, with the campaign's script
    assert (first.sent, first.tasks, first.skipped) == (1, 0, 0)
    assert (second.sent, second.tasks, second.skipped) == (0, 0, 0)
    contact = Contact.objects.get(campaign=c)
    assert (contact.house.number, contact.status) == ("1-1-101", ContactStatus.SENT)
    sms = Delivery.objects.get(channel="sms")
    assert sms.address == "13900000001"
    assert sms.body.startswith("【安居物业】赵一业主您好，这里是绿水苑物业服务中心。")
    assert "尚有物业费等费用300.00元未缴" in sms.body
    assert Notification.objects.get().event == "dunning_reminder"
    assert contact.notification_ids == [Notification.objects.get().pk]


def test_owners_without_an_account_are_skipped_not_sent_twice(
    community, finance, settings
):
    house = house_in(community, "2-1-201")
    owe(house, "300.00", TODAY - timedelta(days=40))
    owner_of(house, "周五", "13900000005", account=False)
    c = campaign(community, finance, Segment.SHORT_OVERDUE, Channel.WECHAT)
    result = services.campaign_run(campaign=c, actor=finance, now=NOW)
    assert (result.sent, result.skipped) == (0, 1)
    assert Contact.objects.get().status == ContactStatus.SKIPPED
    assert Notification.objects.count() == 0
    assert services.campaign_run(campaign=c, actor=finance, now=NOW).skipped == 0


def test_quiet_hours_hold_campaign_messages_until_morning(
    segments, community, finance, settings
):
    settings.ANJU_QUIET_HOURS = "21:00-08:00"
    c = campaign(community, finance, Segment.LONG_OVERDUE, Channel.SMS)
    # when the campaign is run at 22:30
    late = datetime(2026, 6, 15, 22, 30, tzinfo=SH)
    result = services.campaign_run(campaign=c, actor=finance, now=late)
    # then the SMS waits for 08:00 the next morning, and the run says so
    sms = Delivery.objects.get(channel="sms")
    assert sms.status == DeliveryStatus.HELD_QUIET
    assert sms.next_attempt_at == datetime(2026, 6, 16, 8, 0, tzinfo=SH)
    assert result.held_until == datetime(2026, 6, 16, 8, 0, tzinfo=SH)


def test_messages_go_at_once_in_the_daytime(segments, community, finance, settings):
    settings.ANJU_QUIET_HOURS = "21:00-08:00"
    c = campaign(community, finance, Segment.VACANT, Channel.SMS)
    result = services.campaign_run(campaign=c, actor=finance, now=NOW)
    sms = Delivery.objects.get(channel="sms")
    assert sms.status in (DeliveryStatus.QUEUED, DeliveryStatus.SENT)
    assert result.held_until is None
    assert "目前处于空置状态" in sms.body


def test_a_phone_campaign_hands_out_tasks_in_turn_once_per_house(
    community, finance, agent
):
    # given six long-overdue houses and two agents
    other = StaffFactory(role=Role.AGENT, username="agent2", communities=[community])
    for n in range(6):
        h = house_in(community, f"6-1-60{n}")
        owe(h, "300.00", TODAY - timedelta(days=100 + n))
    c = campaign(
        community,
        finance,
        Segment.LONG_OVERDUE,
        Channel.PHONE,
        assignees=[agent, other],
    )
    # when it runs, and again after a seventh house falls behind
    assert services.campaign_run(campaign=c, actor=finance, now=NOW).tasks == 6
    late = house_in(community, "6-1-699")
    owe(late, "300.00", TODAY - timedelta(days=95))
    assert services.campaign_run(campaign=c, actor=finance, now=NOW).tasks == 1
    assert services.campaign_run(campaign=c, actor=finance, now=NOW).tasks == 0
    # then each house has one pending task, shared out in turn, with the script
    tasks = Contact.objects.filter(campaign=c).order_by("id")
    assert [t.status for t in tasks] == [ContactStatus.PENDING] * 7
    assert [t.assigned_to for t in tasks] == [agent, other] * 3 + [agent]
    assert "累计4个月未缴物业费" in tasks[0].script_text
    assert Notification.objects.count() == 0


def test_disputed_owners_get_no_automatic_reminders(segments, community, finance):
    # a disputed segment cannot be sent automatically
    with pytest.raises(ValidationFailed) as err:
        campaign(community, finance, Segment.DISPUTED, Channel.SMS)
    assert err.value.code == "dunning_disputed_no_auto"
    # campaigns of the other segments leave the disputed house alone
    for segment in (Segment.SHORT_OVERDUE, Segment.LONG_OVERDUE, Segment.VACANT):
        c = campaign(community, finance, segment, Channel.SMS)
        services.campaign_run(campaign=c, actor=finance, now=NOW)
    reached = set(Contact.objects.values_list("house__number", flat=True))
    assert reached == {"1-1-101", "1-1-102", "1-1-103"}
    # a visit campaign for disputes reaches it, with the dispute in the script
    visit = campaign(community, finance, Segment.DISPUTED, Channel.VISIT)
    assert services.campaign_run(campaign=visit, actor=finance, now=NOW).tasks == 1
    assert "（电梯经常故障）" in Contact.objects.get(campaign=visit).script_text


def test_a_promise_holds_the_house_until_its_day(segments, community, finance):
    case = DunningCase.objects.get(house=segments["short"])
    services.contact_log(
        case=case,
        actor=finance,
        channel=Channel.PHONE,
        outcome=Outcome.PROMISED,
        promised_date=TODAY + timedelta(days=5),
        note="业主下周发工资后缴纳",
        now=NOW,
    )
    c = campaign(community, finance, Segment.SHORT_OVERDUE, Channel.SMS)
    assert services.campaign_run(campaign=c, actor=finance, now=NOW).sent == 0
    after = at(TODAY + timedelta(days=6))
    assert services.campaign_run(campaign=c, actor=finance, now=after).sent == 1


def test_an_ended_campaign_does_not_run(segments, community, finance):
    c = campaign(community, finance, Segment.SHORT_OVERDUE, Channel.SMS)
    services.campaign_end(campaign=c, actor=finance)
    with pytest.raises(Exception) as err:
        services.campaign_run(campaign=c, actor=finance, now=NOW)
    assert getattr(err.value, "code", "") == "dunning_campaign_ended"
    assert Contact.objects.count() == 0


def test_campaign_input_is_checked(community, finance, technician):
    with pytest.raises(ValidationFailed) as err:
        campaign(
            community,
            finance,
            Segment.SHORT_OVERDUE,
            Channel.SMS,
            script="{{ owner }}您好，请缴纳{{ amout }}元",
        )
    assert "amout" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        campaign(
            community,
            finance,
            Segment.SHORT_OVERDUE,
            Channel.PHONE,
            assignees=[technician],
        )
    assert "assignees" in err.value.fields
    assert DunningCase.objects.count() == 0


def test_mediation_and_lawsuit_cases_are_left_to_their_handlers(
    community, finance, segments
):
    case = DunningCase.objects.get(house=segments["long"])
    DunningCase.objects.filter(pk=case.pk).update(stage="lawsuit")
    c = campaign(community, finance, Segment.LONG_OVERDUE, Channel.SMS)
    assert services.campaign_run(campaign=c, actor=finance, now=NOW).sent == 0


def test_dates_in_scripts_read_in_chinese(community, finance):
    house = house_in(community, "7-1-701")
    owe(house, "300.00", date(2026, 3, 1))
    c = campaign(community, finance, Segment.LONG_OVERDUE, Channel.PHONE)
    services.campaign_run(campaign=c, actor=finance, now=NOW)
    assert "自2026年3月1日起已累计4个月" in Contact.objects.get().script_text
