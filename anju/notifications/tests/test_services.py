"""notify(): inbox rows, deliveries per channel, quiet hours, retries, send-once."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anju.accounts.tests.factories import StaffFactory
from anju.notifications.choices import DeliveryStatus
from anju.notifications.models import (
    Delivery,
    MessageTemplate,
    Notification,
    WechatBinding,
)
from anju.notifications.providers import WechatTemplateProvider
from anju.notifications.services import (
    UnknownEvent,
    deliveries_release_held,
    delivery_send,
    notify,
)
from anju.notifications.tasks import deliver

from .providers import FlakyProvider

SH = ZoneInfo("Asia/Shanghai")
TESTS = "anju.notifications.tests.providers"
BREACH = {
    "number": "TS2026-0568",
    "clock": "响应/到场",
    "category": "报修",
    "due": "11-26 10:30",
    "assignee": "李师傅",
    "community": "绿水苑",
    "description": "3-2-1201 厨房漏水",
}


def at(hour: int, minute: int = 0, day: int = 26) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH)


@pytest.fixture
def supervisor_reachable(supervisor):
    supervisor.email = "zhuguan@example.com"
    supervisor.phone = "13900001111"
    supervisor.save()
    return supervisor


def _statuses(user) -> dict[str, str]:
    return dict(
        Delivery.objects.filter(notification__recipient=user).values_list(
            "channel", "status"
        )
    )


def test_notify_writes_inbox_rows_and_a_delivery_per_reachable_channel(
    recording,
    supervisor_reachable,
    agent,
    community,
    django_capture_on_commit_callbacks,
):
    # given a supervisor with email and phone, an agent with neither
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notes = notify(
            event="sla_breach",
            recipients=[supervisor_reachable, agent, supervisor_reachable],
            context=BREACH,
            community=community,
            channels=["inbox", "email", "sms"],
            now=at(10),
        )
    # then one inbox row each (the duplicate recipient counted once)
    assert sorted(n.recipient.username for n in notes) == ["agent", "supervisor"]
    inbox = Notification.objects.get(recipient=agent)
    assert inbox.title == "工单 TS2026-0568 响应/到场超时"
    assert inbox.body == (
        "绿水苑 工单 TS2026-0568（报修）响应/到场时限 11-26 10:30 已过，"
        "责任人：李师傅。请尽快处理。"
    )
    assert inbox.read_at is None
    assert _statuses(supervisor_reachable) == {
        "inbox": "sent",
        "email": "sent",
        "sms": "sent",
    }
    assert _statuses(agent) == {"inbox": "sent"}
    assert sorted((m.channel, m.to) for m in recording) == [
        ("email", "zhuguan@example.com"),
        ("sms", "13900001111"),
    ]
    sms = next(m for m in recording if m.channel == "sms")
    assert (
        sms.body
        == "【安居物业】工单TS2026-0568响应/到场已超时（时限11-26 10:30），请尽快处理。"
    )


def test_outside_messages_go_only_after_the_transaction_commits(
    recording, supervisor_reachable, community, django_capture_on_commit_callbacks
):
    # given / when notify runs inside a transaction that has not committed yet
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(
            event="sla_breach",
            recipients=[supervisor_reachable],
            context=BREACH,
            community=community,
            channels=["sms"],
            now=at(10),
        )
    # then nothing was sent and one job waits for the commit
    assert recording == []
    assert _statuses(supervisor_reachable) == {"sms": "queued"}
    assert len(callbacks) == 1


def test_normal_sms_at_22_is_held_and_released_at_8(
    recording, supervisor_reachable, community, django_capture_on_commit_callbacks
):
    # given a non-urgent SMS at 22:00
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            event="sla_breach",
            recipients=[supervisor_reachable],
            context=BREACH,
            community=community,
            channels=["inbox", "sms"],
            now=at(22),
        )
    sms = Delivery.objects.get(channel="sms")
    assert sms.status == DeliveryStatus.HELD_QUIET
    assert sms.next_attempt_at == at(8, day=27)
    assert recording == []
    # when the release job runs a minute before 08:00, then at 08:00
    with django_capture_on_commit_callbacks(execute=True):
        early = deliveries_release_held(now=at(7, 59, day=27))
    assert early == 0
    assert recording == []
    with django_capture_on_commit_callbacks(execute=True):
        released = deliveries_release_held(now=at(8, day=27))
    # then it goes out once
    assert released == 1
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.SENT
    assert sms.attempts == 1
    assert [(m.channel, m.to) for m in recording] == [("sms", "13900001111")]


def test_a_held_delivery_run_early_by_the_worker_is_not_sent(
    recording, supervisor_reachable, community, django_capture_on_commit_callbacks
):
    # given an email held at 23:30
    notify(
        event="sla_breach",
        recipients=[supervisor_reachable],
        context=BREACH,
        community=community,
        channels=["email"],
        now=at(23, 30),
    )
    held = Delivery.objects.get()
    # when a stray job for it runs during quiet hours
    outcome = delivery_send(delivery_id=held.pk, now=at(23, 45))
    # then
    held.refresh_from_db()
    assert outcome.sent is False
    assert (held.status, held.attempts, recording) == (DeliveryStatus.HELD_QUIET, 0, [])


def test_urgent_sms_at_22_goes_at_once(
    recording, supervisor_reachable, community, django_capture_on_commit_callbacks
):
    # given / when
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            event="sla_breach",
            recipients=[supervisor_reachable],
            context=BREACH,
            community=community,
            urgent=True,
            channels=["sms", "email"],
            now=at(22),
        )
    # then
    assert _statuses(supervisor_reachable) == {"sms": "sent", "email": "sent"}
    assert len(recording) == 2
    assert Notification.objects.get().urgent is True


def test_quiet_hours_follow_the_community_time_zone(
    recording, supervisor_reachable, community, django_capture_on_commit_callbacks
):
    # given a community on Xinjiang time (UTC+6): 21:30 in Shanghai is 19:30 there
    community.timezone = "Asia/Urumqi"
    community.save()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            event="sla_breach",
            recipients=[supervisor_reachable],
            context=BREACH,
            community=community,
            channels=["sms"],
            now=at(21, 30),
        )
    # then
    assert _statuses(supervisor_reachable) == {"sms": "sent"}


def test_a_failing_provider_is_retried_until_it_succeeds_and_each_attempt_is_logged(
    recording, settings, supervisor_reachable, community
):
    # given an SMS gateway that times out twice
    settings.ANJU_NOTIFY_PROVIDERS = {**settings.ANJU_NOTIFY_PROVIDERS}
    settings.ANJU_NOTIFY_PROVIDERS["sms"] = f"{TESTS}.FlakyProvider"
    FlakyProvider.failures = 2
    notify(
        event="sla_breach",
        recipients=[supervisor_reachable],
        context=BREACH,
        community=community,
        channels=["sms"],
        now=at(10),
    )
    sms = Delivery.objects.get()
    # when the job runs (in-process: its retries run at once)
    deliver.delay(sms.pk)
    # then
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.SENT
    assert sms.attempts == 3
    assert [h["ok"] for h in sms.history] == [False, False, True]
    assert sms.history[1]["error"] == "ProviderError: 网关超时（第 2 次）"
    assert sms.last_error == "ProviderError: 网关超时（第 2 次）"
    assert sms.provider_message_id == "rec-1"
    assert len(recording) == 1


def test_a_provider_failing_every_time_is_given_up_after_the_last_attempt(
    recording, settings, supervisor_reachable, community
):
    # given
    settings.ANJU_NOTIFY_PROVIDERS = {**settings.ANJU_NOTIFY_PROVIDERS}
    settings.ANJU_NOTIFY_PROVIDERS["sms"] = f"{TESTS}.FlakyProvider"
    settings.ANJU_NOTIFY_MAX_ATTEMPTS = 3
    FlakyProvider.failures = 99
    notify(
        event="sla_breach",
        recipients=[supervisor_reachable],
        context=BREACH,
        community=community,
        channels=["sms"],
        now=at(10),
    )
    sms = Delivery.objects.get()
    # when
    deliver.delay(sms.pk)
    deliver.delay(sms.pk)
    # then
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.next_attempt_at) == ("failed", 3, None)
    assert FlakyProvider.calls == 3
    assert recording == []


def test_running_the_delivery_job_twice_sends_once(
    recording, supervisor_reachable, community
):
    # given a queued email
    notify(
        event="sla_breach",
        recipients=[supervisor_reachable],
        context=BREACH,
        community=community,
        channels=["email"],
        now=at(10),
    )
    email = Delivery.objects.get()
    # when the same job arrives twice (a redelivered message, a double enqueue)
    first = deliver.delay(email.pk).get()
    second = deliver.delay(email.pk).get()
    # then
    email.refresh_from_db()
    assert (first, second) == (True, False)
    assert len(recording) == 1
    assert (email.status, email.attempts) == (DeliveryStatus.SENT, 1)


def test_a_community_template_overrides_the_shipped_one_for_that_community_only(
    recording, supervisor_reachable, community, other_community
):
    # given
    MessageTemplate.objects.create(
        event="sla_breach",
        channel="inbox",
        community=community,
        subject="【绿水苑】{{ number }} 超时",
        body="请主管 {{ assignee }} 跟进",
    )
    MessageTemplate.objects.create(
        event="sla_breach", channel="inbox", subject="全公司：{{ number }}", body="-"
    )
    # when
    here = notify(
        event="sla_breach",
        recipients=[supervisor_reachable],
        context=BREACH,
        community=community,
        channels=["inbox"],
    )[0]
    there = notify(
        event="sla_breach",
        recipients=[supervisor_reachable],
        context=BREACH,
        community=other_community,
        channels=["inbox"],
    )[0]
    # then
    assert (here.title, here.body) == (
        "【绿水苑】TS2026-0568 超时",
        "请主管 李师傅 跟进",
    )
    assert there.title == "全公司：TS2026-0568"


def test_an_unknown_event_is_refused_and_nothing_is_written(
    recording, supervisor_reachable
):
    # when
    with pytest.raises(UnknownEvent) as caught:
        notify(event="no_such_event", recipients=[supervisor_reachable], context={})
    # then
    assert caught.value.code == "notification_unknown_event"
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0


def test_wechat_goes_to_the_bound_openid_as_a_template_message(
    recording,
    supervisor_reachable,
    agent,
    community,
    django_capture_on_commit_callbacks,
):
    # given only the supervisor has bound WeChat
    WechatBinding.objects.create(user=supervisor_reachable, openid="oAnju_zhuguan")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            event="sla_breach",
            recipients=[supervisor_reachable, agent],
            context=BREACH,
            community=community,
            channels=["wechat"],
            now=at(10),
        )
    # then
    [message] = recording
    assert (message.to, message.subject) == ("oAnju_zhuguan", "工单超时提醒")
    payload = WechatTemplateProvider().payload(message)
    assert payload["touser"] == "oAnju_zhuguan"
    assert payload["data"]["keyword1"]["value"] == (
        "工单 TS2026-0568 响应/到场已超时，时限 11-26 10:30，责任人：李师傅。"
    )


def test_notify_costs_the_same_queries_for_two_or_twenty_recipients(
    recording, community
):
    # given
    def people(n: int) -> list:
        return StaffFactory.create_batch(
            n, email="x@example.com", phone="13900000000", communities=[community]
        )

    few, many = people(2), people(20)

    def queries(recipients: list) -> int:
        with CaptureQueriesContext(connection) as captured:
            notify(
                event="announcement",
                recipients=recipients,
                context={"title": "停水", "text": "明日停水"},
                community=community,
                now=at(10),
            )
        return len(captured)

    # when / then
    assert queries(few) == queries(many)


def test_a_template_that_does_not_compile_is_refused_before_it_is_saved(db):
    # given
    broken = MessageTemplate(event="sla_breach", channel="sms", body="{% if %}超时")
    # when
    with pytest.raises(ValidationError) as caught:
        broken.full_clean()
    # then
    assert list(caught.value.message_dict) == ["body"]
    assert MessageTemplate.objects.count() == 0
