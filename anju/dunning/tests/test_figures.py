"""催缴成效: per campaign and stage — houses contacted, promises, money in within 30 days."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from anju.dunning import services
from anju.dunning.choices import Channel, Outcome, Segment, Stage
from anju.dunning.figures import effectiveness
from anju.dunning.scripts import DEFAULT_SCRIPTS

from .conftest import NOW, TODAY
from .factories import at, house_in, owe, owner_of, pay


def test_money_paid_within_30_days_of_a_contact_counts_for_it(
    community, finance, outsider
):
    # given two long-overdue houses reached by an SMS campaign on 15 June
    a = house_in(community, "1-1-101")
    owe(a, "600.00", TODAY - timedelta(days=120))
    owner_of(a, "赵一", "13900000001")
    b = house_in(community, "1-1-102")
    owe(b, "900.00", TODAY - timedelta(days=100))
    owner_of(b, "钱二", "13900000002")
    campaign = services.campaign_create(
        community=community,
        actor=finance,
        name="长期欠费短信",
        segment=Segment.LONG_OVERDUE,
        channel=Channel.SMS,
        script=DEFAULT_SCRIPTS[Segment.LONG_OVERDUE],
    )
    services.campaign_run(campaign=campaign, actor=finance, now=NOW)
    # and a call to b on 20 June with a promise
    case_b = b.dunning_cases.get()
    services.contact_log(
        case=case_b,
        actor=finance,
        channel=Channel.PHONE,
        outcome=Outcome.PROMISED,
        promised_date=TODAY + timedelta(days=10),
        now=at(TODAY + timedelta(days=5)),
    )
    # when a pays its 600.00 ten days after the SMS (and 100.00 more, beyond its
    # arrears: a prepayment credit, which does not count), and b pays 500.00 on day
    # 33: too late for the SMS, 28 days after the call
    pay(a, finance, "600.00", "k-a", when=at(TODAY + timedelta(days=10)))
    pay(a, finance, "100.00", "k-a2", when=at(TODAY + timedelta(days=12)))
    pay(b, finance, "500.00", "k-b1", when=at(TODAY + timedelta(days=33)))
    report = effectiveness(
        user=finance, date_from=TODAY, date_to=TODAY + timedelta(days=30)
    )
    # then the campaign reached two houses, with 600.00 back within its 30 days;
    # the call counts b's 500.00; the reminder stage (all three contacts) both
    by_campaign = {f.label: f for f in report["campaigns"]}
    sms = by_campaign["长期欠费短信"]
    assert (sms.houses, sms.contacts, sms.promises, sms.recovered) == (
        2,
        2,
        0,
        Decimal("600.00"),
    )
    calls = by_campaign["手工联系与跟进"]
    assert (calls.houses, calls.promises, calls.recovered) == (
        1,
        1,
        Decimal("500.00"),
    )
    reminder = next(f for f in report["stages"] if f.key == Stage.REMINDER)
    assert (reminder.houses, reminder.contacts, reminder.recovered) == (
        2,
        3,
        Decimal("1100.00"),
    )
    assert report["total"].recovered == Decimal("1100.00")
    # and nobody of another community sees any of it
    assert (
        effectiveness(
            user=outsider, date_from=TODAY, date_to=TODAY + timedelta(days=30)
        )["total"].houses
        == 0
    )


def test_skipped_and_pending_contacts_are_not_counted(community, finance):
    h = house_in(community, "2-1-201")
    owe(h, "300.00", TODAY - timedelta(days=100))
    owner_of(h, "周五", "13900000005", account=False)
    campaign = services.campaign_create(
        community=community,
        actor=finance,
        name="短信",
        segment=Segment.LONG_OVERDUE,
        channel=Channel.SMS,
        script=DEFAULT_SCRIPTS[Segment.LONG_OVERDUE],
    )
    services.campaign_run(campaign=campaign, actor=finance, now=NOW)
    report = effectiveness(user=finance, date_from=TODAY, date_to=TODAY)
    assert report["campaigns"] == []
    assert report["total"].houses == 0
