"""Staged escalation: reminder → 催缴通知书 → 律师函 → 调解/诉讼, with guards."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from anju.dunning import services
from anju.dunning.choices import (
    CaseStatus,
    CloseReason,
    DeliveryMethod,
    DisputeKind,
    DocumentKind,
    EventKind,
    EvidenceKind,
    Stage,
)
from anju.dunning.models import CaseEvent, DunningCase, DunningDocument, Evidence

from .conftest import NOW, TODAY
from .factories import at, pay, photo


def deliver(case, finance, document, day=TODAY, method=DeliveryMethod.IN_PERSON):
    return services.evidence_add(
        case=case,
        actor=finance,
        kind=EvidenceKind.DELIVERY,
        document=document,
        method=method,
        delivered_on=day,
        receiver="张三",
        file=photo(),
        now=at(day, 16),
    )


def test_a_case_cannot_skip_from_reminder_to_a_lawsuit(case, finance):
    # when finance tries to sue straight from the reminder stage
    with pytest.raises(InvalidTransition) as err:
        services.case_move(case=case, to_stage=Stage.LAWSUIT, actor=finance, now=NOW)
    # then it is refused and nothing moved
    assert err.value.code == "dunning_invalid_transition"
    case.refresh_from_db()
    assert case.stage == Stage.REMINDER
    assert list(CaseEvent.objects.values_list("kind", flat=True)) == [EventKind.OPENED]


def test_moving_to_notice_issues_a_numbered_notice_of_the_arrears(case, finance):
    # when
    moved = services.case_move(
        case=case, to_stage=Stage.NOTICE, actor=finance, note="三个月未缴", now=NOW
    )
    # then the case is at the notice stage, with who moved it and when
    assert moved.stage == Stage.NOTICE
    event = CaseEvent.objects.get(kind=EventKind.STAGE)
    assert (event.from_stage, event.to_stage, event.actor, event.at) == (
        Stage.REMINDER,
        Stage.NOTICE,
        finance,
        NOW,
    )
    # and a notice lists the three months in arrears, in figures and in words
    notice = DunningDocument.objects.get()
    assert (notice.kind, notice.number) == (DocumentKind.NOTICE, "CJ2026-000001")
    assert [line["due"] for line in notice.lines] == [
        "2026-03-01",
        "2026-04-01",
        "2026-05-01",
    ]
    assert (str(notice.total), notice.total_in_words) == ("900.00", "玖佰元整")
    assert notice.deadline == TODAY + timedelta(days=15)
    assert notice.addressee == "张三"
    assert event.document == notice


def test_no_lawsuit_or_lawyer_letter_before_the_notice_is_delivered(case, finance):
    # given a notice that was printed but not delivered
    services.case_move(case=case, to_stage=Stage.NOTICE, actor=finance, now=NOW)
    # when finance tries the next stages
    for stage in (Stage.LAWYER_LETTER, Stage.MEDIATION, Stage.LAWSUIT):
        with pytest.raises(InvalidTransition) as err:
            services.case_move(
                case=case,
                to_stage=stage,
                actor=finance,
                law_firm="某律所",
                lawyer="李律师",
                now=NOW,
            )
        assert err.value.code == "dunning_notice_not_delivered"
    # then nothing moved and no lawyer's letter was written
    case.refresh_from_db()
    assert case.stage == Stage.NOTICE
    assert DunningDocument.objects.count() == 1


def test_after_delivery_the_case_goes_to_the_lawyers_then_to_court(case, finance):
    # given a delivered notice
    services.case_move(case=case, to_stage=Stage.NOTICE, actor=finance, now=NOW)
    notice = DunningDocument.objects.get()
    later = TODAY + timedelta(days=20)
    deliver(case, finance, notice, day=TODAY + timedelta(days=1))
    # when the lawyer's letter is issued (it needs the firm and the lawyer)
    with pytest.raises(ValidationFailed) as err:
        services.case_move(
            case=case, to_stage=Stage.LAWYER_LETTER, actor=finance, now=at(later)
        )
    assert sorted(err.value.fields) == ["law_firm", "lawyer"]
    services.case_move(
        case=case,
        to_stage=Stage.LAWYER_LETTER,
        actor=finance,
        law_firm="上海安和律师事务所",
        lawyer="李明",
        now=at(later),
    )
    letter = DunningDocument.objects.get(kind=DocumentKind.LAWYER_LETTER)
    # then the letter has its own number and a week to pay
    assert (letter.number, letter.deadline) == ("LSH2026-000001", later + timedelta(7))
    # and then to court
    sued = services.case_move(
        case=case, to_stage=Stage.LAWSUIT, actor=finance, now=at(later + timedelta(10))
    )
    assert sued.stage == Stage.LAWSUIT
    assert list(
        CaseEvent.objects.filter(kind=EventKind.STAGE).values_list(
            "to_stage", flat=True
        )
    ) == [Stage.NOTICE, Stage.LAWYER_LETTER, Stage.LAWSUIT]


def test_a_disputed_case_is_answered_before_it_escalates(case, finance):
    # given the owner disputes the area the fee is charged on
    services.case_dispute(
        case=case,
        actor=finance,
        kind=DisputeKind.AMOUNT,
        reason="业主称建筑面积应为 110 平方米",
        now=NOW,
    )
    # when finance escalates
    with pytest.raises(InvalidTransition) as err:
        services.case_move(case=case, to_stage=Stage.NOTICE, actor=finance, now=NOW)
    assert err.value.code == "dunning_case_disputed"
    # then after the dispute is answered, it may
    services.case_dispute_resolve(
        case=case, actor=finance, note="核对房产证，面积 120 平方米无误，已向业主说明"
    )
    assert services.case_move(
        case=case, to_stage=Stage.NOTICE, actor=finance, now=NOW
    ).stage == (Stage.NOTICE)


def test_agents_see_cases_but_do_not_move_them(case, agent, outsider):
    with pytest.raises(PermissionDenied):
        services.case_move(case=case, to_stage=Stage.NOTICE, actor=agent, now=NOW)
    with pytest.raises(Exception) as err:
        services.case_move(case=case, to_stage=Stage.NOTICE, actor=outsider, now=NOW)
    assert getattr(err.value, "status", None) == 404
    assert DunningCase.objects.get().stage == Stage.REMINDER


def test_a_delivery_proof_needs_method_date_receiver_and_a_real_scan(case, finance):
    services.case_move(case=case, to_stage=Stage.NOTICE, actor=finance, now=NOW)
    notice = DunningDocument.objects.get()
    # when the proof is missing its parts
    with pytest.raises(ValidationFailed) as err:
        services.evidence_add(
            case=case, actor=finance, kind=EvidenceKind.DELIVERY, now=NOW
        )
    assert err.value.code == "dunning_delivery_incomplete"
    assert sorted(err.value.fields) == [
        "delivered_on",
        "document",
        "file",
        "method",
        "receiver",
    ]
    # and when the "photo" is a renamed text file
    fake = SimpleUploadedFile("回执.jpg", b"not a picture at all", "image/jpeg")
    with pytest.raises(ValidationFailed) as err:
        services.evidence_add(
            case=case,
            actor=finance,
            kind=EvidenceKind.DELIVERY,
            document=notice,
            method=DeliveryMethod.IN_PERSON,
            delivered_on=TODAY,
            receiver="张三",
            file=fake,
            now=NOW,
        )
    assert err.value.code == "upload_type_not_allowed"
    # then nothing was kept, and the limitation period did not restart
    assert Evidence.objects.count() == 0
    assert not default_storage.exists("dunning")
    case.refresh_from_db()
    assert case.limitation_from is None


def test_a_delivery_proof_is_stored_with_its_scan(case, finance):
    services.case_move(case=case, to_stage=Stage.NOTICE, actor=finance, now=NOW)
    notice = DunningDocument.objects.get()
    evidence = deliver(case, finance, notice, method=DeliveryMethod.POST)
    assert (evidence.stage, evidence.content_type, evidence.receiver) == (
        Stage.NOTICE,
        "image/jpeg",
        "张三",
    )
    assert default_storage.exists(evidence.stored_name)
    event = CaseEvent.objects.get(kind=EventKind.DELIVERY)
    assert "CJ2026-000001 于2026年6月15日送达" in event.note
    assert "邮寄送达（EMS）" in event.note


def test_a_case_is_closed_as_paid_only_when_nothing_is_owed(
    case, finance, arrears_house
):
    with pytest.raises(InvalidTransition) as err:
        services.case_close(case=case, actor=finance, reason=CloseReason.PAID)
    assert err.value.code == "dunning_still_owed"
    pay(arrears_house, finance, "900.00", "k-all")
    closed = services.case_close(case=case, actor=finance, reason=CloseReason.PAID)
    assert (closed.status, closed.close_reason) == (CaseStatus.PAID, CloseReason.PAID)
    with pytest.raises(InvalidTransition) as err:
        services.case_move(case=case, to_stage=Stage.NOTICE, actor=finance)
    assert err.value.code == "dunning_case_closed"


def test_nothing_is_deleted(case):
    from anju.dunning.models import RecordDeleteRefused

    with pytest.raises(RecordDeleteRefused):
        case.delete()
    with pytest.raises(RecordDeleteRefused):
        CaseEvent.objects.all().delete()
    assert DunningCase.objects.count() == 1


def test_the_sync_opens_cases_30_days_overdue_and_closes_paid_ones(
    community, house, finance
):
    from .factories import house_in, owe

    # given 3-2-1201 owes since 45 days and 5-1-101 since 10 days
    owe(house, "300.00", TODAY - timedelta(days=45))
    recent = house_in(community, "5-1-101")
    owe(recent, "300.00", TODAY - timedelta(days=10))
    # when the cases are synced
    result = services.cases_sync(community=community, actor=finance, now=NOW)
    # then only the first becomes a case; syncing again changes nothing
    assert (result.opened, result.closed) == (1, 0)
    assert list(DunningCase.objects.values_list("house_id", flat=True)) == [house.pk]
    assert services.cases_sync(community=community, now=NOW).opened == 0
    # and once paid, the sync closes it
    pay(house, finance, "300.00", "k-1")
    assert services.cases_sync(community=community, now=NOW).closed == 1
    assert DunningCase.objects.get().status == CaseStatus.PAID


def test_due_dates_drive_the_notice_not_the_period(case, finance, arrears_house):
    from .factories import owe

    # a charge not yet due is not in arrears and not on the notice
    owe(arrears_house, "300.00", date(2026, 7, 1))
    services.case_move(case=case, to_stage=Stage.NOTICE, actor=finance, now=NOW)
    assert str(DunningDocument.objects.get().total) == "900.00"
