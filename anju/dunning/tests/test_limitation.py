"""诉讼时效: three years from the due date (art. 188), restarted by a demand delivered to
the owner or by filing for mediation/a lawsuit (art. 195); warned 90 days ahead."""

from __future__ import annotations

from datetime import date

from anju.dunning import selectors, services
from anju.dunning.choices import DeliveryMethod, EvidenceKind, Stage
from anju.dunning.models import DunningDocument
from anju.dunning.selectors import add_years, limitation_for

from .factories import at, house_in, owe, photo


def test_three_years_from_the_oldest_due_date():
    # given arrears due on 1 July 2023, seen on 1 May 2026
    lim = limitation_for(
        oldest_due=date(2023, 7, 1),
        limitation_from=None,
        reason="",
        today=date(2026, 5, 1),
    )
    # then the claim is in time until 1 July 2026: 61 days, a warning
    assert (lim.start, lim.expires, lim.days_left) == (
        date(2023, 7, 1),
        date(2026, 7, 1),
        61,
    )
    assert (lim.warning, lim.expired, lim.interrupted) == (True, False, False)


def test_no_warning_with_90_days_or_more_left_and_expired_after_the_last_day():
    def lim(today):
        return limitation_for(
            oldest_due=date(2023, 7, 1), limitation_from=None, reason="", today=today
        )

    assert lim(date(2026, 4, 2)).days_left == 90
    assert lim(date(2026, 4, 2)).warning is False
    assert lim(date(2026, 4, 3)).warning is True
    assert lim(date(2026, 7, 1)).expired is False
    assert lim(date(2026, 7, 2)).expired is True


def test_a_29_february_due_date_ends_on_28_february():
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)


def test_nothing_in_arrears_has_no_limitation():
    assert (
        limitation_for(
            oldest_due=None, limitation_from=None, reason="", today=date(2026, 1, 1)
        )
        is None
    )


def test_a_delivered_notice_restarts_the_period(community, finance):
    # given a house that owes since 1 July 2023; on 1 May 2026 the case is warned
    today = date(2026, 5, 1)
    house = house_in(community, "8-1-801")
    owe(house, "300.00", date(2023, 7, 1))
    case = services.case_open(house=house, actor=finance, now=at(today))
    before = selectors.case_limitation(case, today=today)
    assert (before.expires, before.warning) == (date(2026, 7, 1), True)
    warned = selectors.case_list(user=finance, warning=True, today=today)
    assert [c.pk for c in warned] == [case.pk]
    # when a notice is delivered to the owner on 5 May 2026
    services.case_move(case=case, to_stage=Stage.NOTICE, actor=finance, now=at(today))
    services.evidence_add(
        case=case,
        actor=finance,
        kind=EvidenceKind.DELIVERY,
        document=DunningDocument.objects.get(),
        method=DeliveryMethod.IN_PERSON,
        delivered_on=date(2026, 5, 5),
        receiver="王五",
        file=photo(),
        now=at(date(2026, 5, 5), 15),
    )
    # then the period runs afresh from that day: until 5 May 2029, no warning
    case.refresh_from_db()
    after = selectors.case_limitation(case, today=date(2026, 5, 6))
    assert (after.start, after.expires, after.interrupted) == (
        date(2026, 5, 5),
        date(2029, 5, 5),
        True,
    )
    assert after.warning is False
    assert "CJ2026-000001 于2026年5月5日送达" in after.reason
    assert list(selectors.case_list(user=finance, warning=True, today=today)) == []


def test_printing_a_notice_alone_does_not_restart_the_period(community, finance):
    today = date(2026, 5, 1)
    house = house_in(community, "8-1-802")
    owe(house, "300.00", date(2023, 7, 1))
    case = services.case_open(house=house, actor=finance, now=at(today))
    services.case_move(case=case, to_stage=Stage.NOTICE, actor=finance, now=at(today))
    case.refresh_from_db()
    assert case.limitation_from is None
    assert selectors.case_limitation(case, today=today).expires == date(2026, 7, 1)


def test_an_older_delivery_never_moves_the_restart_back(community, finance):
    today = date(2026, 5, 1)
    house = house_in(community, "8-1-803")
    owe(house, "300.00", date(2023, 7, 1))
    case = services.case_open(house=house, actor=finance, now=at(today))
    services.case_move(case=case, to_stage=Stage.NOTICE, actor=finance, now=at(today))
    notice = DunningDocument.objects.get()
    for day in (date(2026, 5, 10), date(2026, 5, 3)):  # the older one entered last
        services.evidence_add(
            case=case,
            actor=finance,
            kind=EvidenceKind.DELIVERY,
            document=notice,
            method=DeliveryMethod.POST,
            delivered_on=day,
            receiver="王五",
            file=photo(),
            now=at(date(2026, 5, 12)),
        )
    case.refresh_from_db()
    assert case.limitation_from == date(2026, 5, 10)


def test_filing_a_lawsuit_restarts_the_period(community, finance):
    today = date(2026, 5, 1)
    house = house_in(community, "8-1-804")
    owe(house, "300.00", date(2023, 7, 1))
    case = services.case_open(house=house, actor=finance, now=at(today))
    services.case_move(case=case, to_stage=Stage.NOTICE, actor=finance, now=at(today))
    services.evidence_add(
        case=case,
        actor=finance,
        kind=EvidenceKind.DELIVERY,
        document=DunningDocument.objects.get(),
        method=DeliveryMethod.IN_PERSON,
        delivered_on=today,
        receiver="王五",
        file=photo(),
        now=at(today, 15),
    )
    filed = date(2026, 6, 20)
    services.case_move(case=case, to_stage=Stage.LAWSUIT, actor=finance, now=at(filed))
    case.refresh_from_db()
    assert (case.limitation_from, case.limitation_reason) == (
        filed,
        "诉讼（2026年6月20日）",
    )


def test_each_line_runs_from_its_own_due_date_until_a_restart():
    assert selectors.line_expiry(date(2024, 3, 1), None) == date(2027, 3, 1)
    assert selectors.line_expiry(date(2024, 3, 1), date(2025, 1, 10)) == date(
        2028, 1, 10
    )
    assert selectors.line_expiry(date(2025, 6, 1), date(2025, 1, 10)) == date(
        2028, 6, 1
    )
