"""Dunning writes: cases and their stages, documents, evidence, disputes, contacts,
campaigns and promises to pay.

Every service is keyword-only with an explicit actor and runs in one transaction; a
status change locks its case first (`select_for_update`), checks its guard, saves, and
writes a timeline event. Billing is only read. Nothing here can cut a utility: there is
no such stage, channel or task (Civil Code art. 944).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from anju.billing.choices import PaymentKind
from anju.billing.models import Payment
from anju.billing.words import amount_in_chinese_capitals
from anju.core import audit
from anju.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from anju.core.models import AuditAction
from anju.core.money import money
from anju.core.numbering import next_number
from anju.core.uploads import check_upload
from anju.estates.models import Community, House

from . import selectors
from .choices import (
    AUTO_CHANNELS,
    CAMPAIGN_STAGES,
    DOCUMENT_PREFIX,
    DOCUMENT_WIDTH,
    INTERRUPTING_STAGES,
    NEEDS_DELIVERED_NOTICE,
    STAGE_DOCUMENT,
    TASK_CHANNELS,
    TRANSITIONS,
    CampaignStatus,
    CaseStatus,
    Channel,
    CloseReason,
    ContactStatus,
    DeliveryMethod,
    DisputeKind,
    DocumentKind,
    EventKind,
    EvidenceKind,
    Outcome,
    PromiseStatus,
    Segment,
    Stage,
)
from .models import (
    Campaign,
    CaseEvent,
    Contact,
    DunningCase,
    DunningDocument,
    Evidence,
)
from .scripts import forbidden_phrases, render_script, unknown_placeholders

EVIDENCE_DIR = "dunning"
RECOVERY_WINDOW = timedelta(days=30)  # payments this soon after a contact count for it
NOTICE_DAYS = 15  # default time to pay a 催缴通知书
LAWYER_LETTER_DAYS = 7
MAX_PROMISE_DAYS = 180
RUN_BATCH = 500
REACHED = (Outcome.REACHED, Outcome.PROMISED, Outcome.REFUSED, Outcome.DISPUTED)


# --- helpers --------------------------------------------------------------------------


def _require(actor: Any, perm: str, community_id: int) -> None:
    """Staff with `perm` working in the community; anyone else is refused."""
    if community_id not in getattr(actor, "community_ids", lambda: [])():
        raise NotFound("催缴案件不存在或无权访问", code="dunning_not_found")
    if not actor.has_role_perm(perm):
        raise PermissionDenied("无权执行此操作", code="dunning_permission_denied")


def _zone(community: Community) -> ZoneInfo:
    return ZoneInfo(community.timezone or settings.TIME_ZONE)


def _today(community: Community, now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), _zone(community)).date()


def _locked(case: DunningCase) -> DunningCase:
    locked = (
        DunningCase.objects.select_for_update()
        .select_related("community__company", "house")
        .get(pk=case.pk)
    )
    if locked.status != CaseStatus.OPEN:
        raise InvalidTransition("该案件已结案", code="dunning_case_closed")
    return locked


def _event(
    case: DunningCase, kind: str, actor: Any, *, at: datetime | None = None, **kw: Any
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at or timezone.now(),
        **kw,
    )


def _text(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]


def _fmt_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _interrupt(case: DunningCase, day: date, reason: str) -> None:
    """The limitation period runs afresh from `day` (art. 195), never moving back."""
    if case.limitation_from is None or day >= case.limitation_from:
        case.limitation_from = day
        case.limitation_reason = reason[:200]


# --- cases ------------------------------------------------------------------------------


def case_open(
    *, house: House, actor: Any = None, now: datetime | None = None
) -> DunningCase:
    """Open the house's case (or return the open one)."""
    if actor is not None:
        _require(actor, "dunning.change", house.community_id)
    existing = DunningCase.objects.filter(house=house, status=CaseStatus.OPEN).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    try:
        with transaction.atomic():
            case = DunningCase.objects.create(
                community_id=house.community_id,
                house=house,
                opened_at=now,
                stage_changed_at=now,
                opened_by=actor,
            )
            _event(case, EventKind.OPENED, actor, at=now, to_stage=Stage.REMINDER)
    except IntegrityError:
        return DunningCase.objects.get(house=house, status=CaseStatus.OPEN)
    return case


@dataclass(frozen=True)
class SyncResult:
    opened: int
    closed: int


def cases_sync(
    *, community: Community, actor: Any = None, now: datetime | None = None
) -> SyncResult:
    """Open a case for each house whose oldest arrears are 30 days overdue; close the
    open cases of houses that owe nothing any more (paid)."""
    if actor is not None:
        _require(actor, "dunning.change", community.pk)
    now = now or timezone.now()
    today = _today(community, now)
    due_houses = set(
        selectors.arrears_lines(today=today - timedelta(days=selectors.OPEN_AFTER_DAYS))
        .filter(house__community_id=community.pk)
        .values_list("house_id", flat=True)
        .distinct()
    )
    with transaction.atomic():
        open_cases = selectors.with_arrears(
            DunningCase.objects.select_for_update(of=("self",)).filter(
                community=community, status=CaseStatus.OPEN
            ),
            today=today,
        )
        have = {}
        paid = []
        for case in open_cases:
            have[case.house_id] = case
            if not selectors.owed_of(case):
                paid.append(case)
        new = [
            DunningCase(
                community=community,
                house_id=house_id,
                opened_at=now,
                stage_changed_at=now,
                opened_by=actor,
            )
            for house_id in sorted(due_houses - set(have))
        ]
        created = DunningCase.objects.bulk_create(new)
        CaseEvent.objects.bulk_create(
            CaseEvent(
                case=c,
                kind=EventKind.OPENED,
                to_stage=Stage.REMINDER,
                actor=actor,
                at=now,
                note="欠费逾期30天以上，自动立案",
            )
            for c in created
        )
        for case in paid:
            _close(
                case, actor=actor, reason=CloseReason.PAID, note="欠费已结清", now=now
            )
    return SyncResult(opened=len(created), closed=len(paid))


def _close(
    case: DunningCase, *, actor: Any, reason: str, note: str, now: datetime
) -> None:
    case.status = CaseStatus.PAID if reason == CloseReason.PAID else CaseStatus.CLOSED
    case.close_reason = reason
    case.closed_at = now
    case.closed_by = actor if getattr(actor, "pk", None) else None
    case.hold_until = None
    case.needs_follow_up = False
    case.save(
        update_fields=[
            "status",
            "close_reason",
            "closed_at",
            "closed_by",
            "hold_until",
            "needs_follow_up",
        ]
    )
    Contact.objects.filter(case=case, status=ContactStatus.PENDING).update(
        status=ContactStatus.CANCELLED
    )
    _event(case, EventKind.CLOSED, actor, at=now, note=note)


def case_close(
    *,
    case: DunningCase,
    actor: Any,
    reason: str,
    note: str = "",
    now: datetime | None = None,
) -> DunningCase:
    """结案: paid (only when nothing is owed), mediated, judged, or another reason."""
    _require(actor, "dunning.change", case.community_id)
    if reason not in CloseReason.values:
        raise ValidationFailed("结案原因无效", fields={"reason": ["结案原因无效"]})
    note = _text(note, 500)
    if reason != CloseReason.PAID and not note:
        raise ValidationFailed("请填写结案说明", fields={"note": ["请填写结案说明"]})
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(case)
        if reason == CloseReason.PAID and selectors.house_owed(
            locked.house_id, today=_today(locked.community, now)
        ):
            raise InvalidTransition(
                "该房屋仍有欠费，不能按已缴清结案", code="dunning_still_owed"
            )
        _close(
            locked,
            actor=actor,
            reason=reason,
            note=note or CloseReason(reason).label,
            now=now,
        )
    return locked


# --- stages and documents ----------------------------------------------------------------


def _has_delivered(case: DunningCase, kind: str) -> bool:
    return Evidence.objects.filter(
        case=case, kind=EvidenceKind.DELIVERY, document__kind=kind
    ).exists()


def document_issue(
    *,
    case: DunningCase,
    kind: str,
    actor: Any,
    deadline: date | None = None,
    law_firm: str = "",
    lawyer: str = "",
    now: datetime | None = None,
) -> DunningDocument:
    """Write a 催缴通知书 or 律师函 with the house's arrears as they are today.

    Called by `case_move` inside its transaction; the lines are stored with the
    document so that its PDF always shows what the owner was sent."""
    now = now or timezone.now()
    community = case.community
    today = _today(community, now)
    lines = selectors.house_arrears_lines(case.house_id, today=today)
    total = money(sum((line.outstanding for line in lines), Decimal("0")))
    if total <= 0:
        raise InvalidTransition("该房屋目前没有欠费", code="dunning_nothing_owed")
    days = NOTICE_DAYS if kind == DocumentKind.NOTICE else LAWYER_LETTER_DAYS
    deadline = deadline or today + timedelta(days=days)
    if deadline <= today:
        raise ValidationFailed(
            "缴费期限须晚于今天", fields={"deadline": ["缴费期限须晚于今天"]}
        )
    if kind == DocumentKind.LAWYER_LETTER and not (law_firm and lawyer):
        raise ValidationFailed(
            "律师函须填写律师事务所和律师",
            fields={
                k: ["必填"]
                for k, v in (("law_firm", law_firm), ("lawyer", lawyer))
                if not v
            },
        )
    owners = selectors.owner_names(case.house)
    number = next_number(
        company_id=community.company_id,
        prefix=DOCUMENT_PREFIX[kind],
        year=timezone.localtime(now, _zone(community)).year,
        width=DOCUMENT_WIDTH,
    )
    return DunningDocument.objects.create(
        company_id=community.company_id,
        case=case,
        kind=kind,
        number=number,
        addressee="、".join(owners) or f"{case.house.number} 业主",
        house_label=f"{community.name} {case.house.number}",
        lines=[
            {
                "item": line.fee_item.name,
                "description": line.description,
                "period": f"{line.period_start:%Y-%m-%d} ~ {line.period_end:%Y-%m-%d}",
                "due": f"{line.due_date:%Y-%m-%d}",
                "amount": str(money(line.amount)),
                "outstanding": str(money(line.outstanding)),
            }
            for line in lines
        ],
        total=total,
        total_in_words=amount_in_chinese_capitals(total),
        deadline=deadline,
        law_firm=law_firm,
        lawyer=lawyer,
        issued_by=actor,
        issued_at=now,
    )


def case_move(
    *,
    case: DunningCase,
    to_stage: str,
    actor: Any,
    note: str = "",
    deadline: date | None = None,
    law_firm: str = "",
    lawyer: str = "",
    now: datetime | None = None,
) -> DunningCase:
    """Move a case one step on: notice (issues the 催缴通知书), lawyer's letter (issues
    the 律师函), mediation or lawsuit. The lawyers and the courts come only after a
    notice has been delivered to the owner; a disputed case is answered first."""
    _require(actor, "dunning.change", case.community_id)
    if to_stage not in Stage.values:
        raise ValidationFailed("阶段无效", fields={"to_stage": ["阶段无效"]})
    note = _text(note, 1000)
    law_firm, lawyer = _text(law_firm, 100), _text(lawyer, 50)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(case)
        if to_stage not in TRANSITIONS[locked.stage]:
            raise InvalidTransition(
                f"不能从“{Stage(locked.stage).label}”转到“{Stage(to_stage).label}”",
                code="dunning_invalid_transition",
            )
        if locked.disputed:
            raise InvalidTransition(
                "业主对收费有异议，请先处理异议再升级催缴",
                code="dunning_case_disputed",
            )
        if to_stage in NEEDS_DELIVERED_NOTICE and not _has_delivered(
            locked, DocumentKind.NOTICE
        ):
            raise InvalidTransition(
                "催缴通知书尚未送达业主（请先上传送达凭证）",
                code="dunning_notice_not_delivered",
            )
        today = _today(locked.community, now)
        if not selectors.house_owed(locked.house_id, today=today):
            raise InvalidTransition("该房屋目前没有欠费", code="dunning_nothing_owed")
        document = None
        if to_stage in STAGE_DOCUMENT:
            document = document_issue(
                case=locked,
                kind=STAGE_DOCUMENT[to_stage],
                actor=actor,
                deadline=deadline,
                law_firm=law_firm,
                lawyer=lawyer,
                now=now,
            )
        if to_stage in INTERRUPTING_STAGES:
            _interrupt(locked, today, f"{Stage(to_stage).label}（{_fmt_day(today)}）")
        from_stage = locked.stage
        locked.stage = to_stage
        locked.stage_changed_at = now
        locked.save(
            update_fields=[
                "stage",
                "stage_changed_at",
                "limitation_from",
                "limitation_reason",
            ]
        )
        _event(
            locked,
            EventKind.STAGE,
            actor,
            at=now,
            from_stage=from_stage,
            to_stage=to_stage,
            note=note,
            document=document,
        )
        if document is not None:
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=document,
                community_id=locked.community_id,
                changes={
                    "number": [None, document.number],
                    "total": [None, str(document.total)],
                },
            )
    return locked


# --- evidence ---------------------------------------------------------------------------


def _store(file: IO[bytes], kinds: set[str]) -> tuple[str, str, int]:
    found = check_upload(file, kinds=kinds, max_bytes=settings.ANJU_MAX_UPLOAD_BYTES)
    file.seek(0)
    content = file.read()
    now = timezone.now()
    name = f"{EVIDENCE_DIR}/{now:%Y/%m}/{uuid.uuid4().hex}{found.extension}"
    stored = default_storage.save(name, ContentFile(content))
    return stored, found.content_type, len(content)


def evidence_add(
    *,
    case: DunningCase,
    actor: Any,
    kind: str,
    file: IO[bytes] | None = None,
    document: DunningDocument | None = None,
    method: str = "",
    delivered_on: date | None = None,
    receiver: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Evidence:
    """Keep a piece of evidence with its scan (photo or PDF, checked by content).

    A delivery proof names the document, how and when it was delivered and who took
    it; a delivered demand restarts the limitation period from that day."""
    _require(actor, "dunning.change", case.community_id)
    if kind not in EvidenceKind.values:
        raise ValidationFailed("证据类型无效", fields={"kind": ["证据类型无效"]})
    now = now or timezone.now()
    note, receiver = _text(note, 500), _text(receiver, 50)
    today = _today(case.community, now)
    if kind == EvidenceKind.DELIVERY:
        errors: dict[str, list[str]] = {}
        if document is None or document.case_id != case.pk:
            errors["document"] = ["请选择本案件的催缴文书"]
        if method not in DeliveryMethod.values:
            errors["method"] = ["请选择送达方式"]
        if delivered_on is None:
            errors["delivered_on"] = ["请填写送达日期"]
        elif delivered_on > today:
            errors["delivered_on"] = ["送达日期不能晚于今天"]
        elif (
            document is not None
            and delivered_on
            < timezone.localtime(document.issued_at, _zone(case.community)).date()
        ):
            errors["delivered_on"] = ["送达日期不能早于文书出具日期"]
        if not receiver and method != DeliveryMethod.POSTED:
            errors["receiver"] = ["请填写签收人"]
        if file is None:
            errors["file"] = ["请上传送达回执、邮寄凭证或现场照片"]
        if errors:
            raise ValidationFailed(
                "送达凭证不完整：" + "；".join(e[0] for e in errors.values()),
                code="dunning_delivery_incomplete",
                fields=errors,
            )
    else:
        document, method, delivered_on = None, "", None
        if file is None and not note:
            raise ValidationFailed(
                "请上传文件或填写说明", fields={"file": ["请上传文件或填写说明"]}
            )
    stored, content_type, size = ("", "", 0)
    if file is not None:
        stored, content_type, size = _store(file, {"image", "pdf"})
    try:
        with transaction.atomic():
            locked = _locked(case)
            evidence = Evidence.objects.create(
                case=locked,
                kind=kind,
                stage=locked.stage,
                document=document,
                method=method,
                delivered_on=delivered_on,
                receiver=receiver,
                note=note,
                original_name=_text(getattr(file, "name", ""), 255),
                stored_name=stored,
                content_type=content_type,
                size=size,
                uploaded_by=actor,
                created_at=now,
            )
            if kind == EvidenceKind.DELIVERY:
                assert document is not None
                assert delivered_on is not None
                label = (
                    f"{document.get_kind_display()} {document.number} "
                    f"于{_fmt_day(delivered_on)}送达"
                )
                _interrupt(locked, delivered_on, label)
                locked.save(update_fields=["limitation_from", "limitation_reason"])
                summary = f"{label}（{DeliveryMethod(method).label}，签收人：{receiver or '—'}）"
                _event(
                    locked,
                    EventKind.DELIVERY,
                    actor,
                    at=now,
                    note=summary + (f"\n{note}" if note else ""),
                    evidence=evidence,
                    document=document,
                )
            else:
                _event(
                    locked,
                    EventKind.EVIDENCE,
                    actor,
                    at=now,
                    note=f"{EvidenceKind(kind).label}：{note or evidence.original_name}",
                    evidence=evidence,
                )
    except BaseException:
        if stored:
            default_storage.delete(stored)  # the row was never committed
        raise
    return evidence


# --- disputes ---------------------------------------------------------------------------


def _dispute(
    case: DunningCase, *, actor: Any, kind: str, reason: str, now: datetime
) -> None:
    if kind not in DisputeKind.values:
        raise ValidationFailed(
            "请选择异议类型", fields={"dispute_kind": ["请选择异议类型"]}
        )
    reason = _text(reason, 500)
    if not reason:
        raise ValidationFailed(
            "请填写业主的异议内容", fields={"dispute_reason": ["请填写异议内容"]}
        )
    case.disputed = True
    case.dispute_kind = kind
    case.dispute_reason = reason
    case.disputed_at = now
    case.save(
        update_fields=["disputed", "dispute_kind", "dispute_reason", "disputed_at"]
    )
    _event(
        case,
        EventKind.DISPUTE,
        actor,
        at=now,
        note=f"{DisputeKind(kind).label}：{reason}",
    )


def case_dispute(
    *,
    case: DunningCase,
    actor: Any,
    kind: str,
    reason: str,
    now: datetime | None = None,
) -> DunningCase:
    """The owner disputes the fee: record why; automatic reminders stop."""
    _require(actor, "dunning.change", case.community_id)
    with transaction.atomic():
        locked = _locked(case)
        _dispute(
            locked, actor=actor, kind=kind, reason=reason, now=now or timezone.now()
        )
    return locked


def case_dispute_resolve(
    *, case: DunningCase, actor: Any, note: str, now: datetime | None = None
) -> DunningCase:
    """The dispute is answered (corrected, or explained): reminders may resume."""
    _require(actor, "dunning.change", case.community_id)
    note = _text(note, 1000)
    if not note:
        raise ValidationFailed(
            "请填写异议的核实与处理结果", fields={"note": ["请填写处理结果"]}
        )
    with transaction.atomic():
        locked = _locked(case)
        if not locked.disputed:
            raise InvalidTransition(
                "该案件没有未处理的异议", code="dunning_not_disputed"
            )
        locked.disputed = False
        locked.save(update_fields=["disputed"])
        _event(
            locked,
            EventKind.DISPUTE_RESOLVED,
            actor,
            at=now or timezone.now(),
            note=note,
        )
    return locked


# --- contacts ---------------------------------------------------------------------------


def _parse_amount(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = money(Decimal(str(value)))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationFailed(
            "承诺金额无效", fields={"promised_amount": ["请输入金额"]}
        ) from exc
    if amount <= 0:
        raise ValidationFailed(
            "承诺金额须大于0", fields={"promised_amount": ["承诺金额须大于0"]}
        )
    return amount


def _apply_outcome(
    case: DunningCase,
    contact: Contact,
    *,
    actor: Any,
    outcome: str,
    note: str,
    promised_date: date | None,
    promised_amount: Any,
    dispute_kind: str,
    dispute_reason: str,
    now: datetime,
) -> None:
    """Record what the contact came to and what follows from it for the case."""
    if outcome not in Outcome.values:
        raise ValidationFailed("请选择联系结果", fields={"outcome": ["请选择联系结果"]})
    today = _today(case.community, now)
    amount = None
    if outcome == Outcome.PROMISED:
        if promised_date is None:
            raise ValidationFailed(
                "请填写承诺缴费日期", fields={"promised_date": ["请填写承诺缴费日期"]}
            )
        if promised_date < today or promised_date > today + timedelta(
            days=MAX_PROMISE_DAYS
        ):
            raise ValidationFailed(
                "承诺缴费日期须在今天到180天之内",
                fields={"promised_date": ["承诺缴费日期须在今天到180天之内"]},
            )
        amount = _parse_amount(promised_amount) or selectors.house_owed(
            case.house_id, today=today
        )
    contact.status = ContactStatus.DONE
    contact.outcome = outcome
    contact.note = note
    contact.contacted_at = now
    contact.contacted_by = actor
    contact.window_end = now + RECOVERY_WINDOW
    contact.stage = case.stage
    if outcome == Outcome.PROMISED:
        # an earlier promise not yet due is replaced by this one
        Contact.objects.filter(case=case, promise_status=PromiseStatus.OPEN).exclude(
            pk=contact.pk
        ).update(promise_status=PromiseStatus.REPLACED)
        contact.promised_date = promised_date
        contact.promised_amount = amount
        contact.promise_status = PromiseStatus.OPEN
        case.hold_until = promised_date
    contact.save()
    if outcome == Outcome.DISPUTED:
        _dispute(case, actor=actor, kind=dispute_kind, reason=dispute_reason, now=now)
    if outcome in REACHED:
        case.needs_follow_up = False
    case.save(update_fields=["hold_until", "needs_follow_up"])
    label = f"{contact.get_channel_display()} · {Outcome(outcome).label}"
    if outcome == Outcome.PROMISED:
        label += f"（{promised_date:%Y-%m-%d} 前缴 {amount} 元）"
    _event(
        case,
        EventKind.CONTACT,
        actor,
        at=now,
        note=label + (f"\n{note}" if note else ""),
        contact=contact,
    )


def contact_log(
    *,
    case: DunningCase,
    actor: Any,
    channel: str,
    outcome: str,
    note: str = "",
    promised_date: date | None = None,
    promised_amount: Any = None,
    dispute_kind: str = "",
    dispute_reason: str = "",
    now: datetime | None = None,
) -> Contact:
    """Log a call or visit made outside any campaign (the call log of the case)."""
    _require(actor, "dunning.change", case.community_id)
    if channel not in TASK_CHANNELS:
        raise ValidationFailed(
            "手工记录只适用于电话或上门", fields={"channel": ["请选择电话或上门"]}
        )
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(case)
        contact = Contact(
            community_id=locked.community_id,
            case=locked,
            house_id=locked.house_id,
            channel=channel,
            stage=locked.stage,
            created_at=now,
        )
        _apply_outcome(
            locked,
            contact,
            actor=actor,
            outcome=outcome,
            note=_text(note, 2000),
            promised_date=promised_date,
            promised_amount=promised_amount,
            dispute_kind=dispute_kind,
            dispute_reason=dispute_reason,
            now=now,
        )
    return contact


def contact_record(
    *,
    contact: Contact,
    actor: Any,
    outcome: str,
    note: str = "",
    promised_date: date | None = None,
    promised_amount: Any = None,
    dispute_kind: str = "",
    dispute_reason: str = "",
    now: datetime | None = None,
) -> Contact:
    """Record the outcome of a phone or visit task: by whoever it is assigned to, or
    by staff who may change dunning cases."""
    if contact.community_id not in getattr(actor, "community_ids", lambda: [])():
        raise NotFound("催缴任务不存在或无权访问", code="dunning_not_found")
    may_change = actor.has_role_perm("dunning.change")
    if not may_change:
        if not actor.has_role_perm("dunning.view"):
            raise PermissionDenied("无权执行此操作", code="dunning_permission_denied")
        if contact.assigned_to_id != actor.pk:
            raise PermissionDenied(
                "只有任务执行人可以记录结果", code="dunning_not_assignee"
            )
    now = now or timezone.now()
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        if locked.status != ContactStatus.PENDING:
            raise InvalidTransition(
                "该任务已完成或已取消", code="dunning_contact_not_pending"
            )
        case = _locked(locked.case)
        _apply_outcome(
            case,
            locked,
            actor=actor,
            outcome=outcome,
            note=_text(note, 2000),
            promised_date=promised_date,
            promised_amount=promised_amount,
            dispute_kind=dispute_kind,
            dispute_reason=dispute_reason,
            now=now,
        )
    return locked


# --- promises ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PromiseResult:
    kept: int
    broken: int


def _paid_between(house_id: int, start: datetime, end: datetime) -> Decimal:
    """What the house paid in the window, net of reversals; a refund (a deposit or an
    overpayment given back) does not undo a promise kept."""
    total = (
        Payment.objects.filter(
            house_id=house_id, received_at__gte=start, received_at__lt=end
        )
        .exclude(kind=PaymentKind.REFUND)
        .aggregate(s=Sum("amount"))["s"]
    )
    return money(total or 0)


def promises_check(*, now: datetime | None = None) -> PromiseResult:
    """Promises whose day has passed: kept if the house paid the amount promised
    (or owes nothing now); else the case comes back — the hold ends, it is marked for
    follow-up and the person who took the promise gets a phone task."""
    now = now or timezone.now()
    kept = broken = 0
    due = (
        Contact.objects.filter(
            promise_status=PromiseStatus.OPEN,
            promised_date__lt=timezone.localdate(now),
        )
        .select_related("community")
        .order_by("promised_date", "id")
    )
    for candidate in due:
        zone = _zone(candidate.community)
        today = _today(candidate.community, now)
        assert candidate.promised_date is not None
        if candidate.promised_date >= today:
            continue  # not yet past in the community's own time zone
        with transaction.atomic():
            contact = Contact.objects.select_for_update().get(pk=candidate.pk)
            if contact.promise_status != PromiseStatus.OPEN:
                continue
            assert contact.promised_date is not None
            assert contact.contacted_at
            end = datetime.combine(
                contact.promised_date + timedelta(days=1), datetime.min.time(), zone
            )
            paid = _paid_between(contact.house_id, contact.contacted_at, end)
            target = contact.promised_amount or Decimal("0.01")
            owed = selectors.house_owed(contact.house_id, today=today)
            if paid >= target or not owed:
                contact.promise_status = PromiseStatus.KEPT
                contact.save(update_fields=["promise_status"])
                kept += 1
                continue
            contact.promise_status = PromiseStatus.BROKEN
            contact.save(update_fields=["promise_status"])
            broken += 1
            case = DunningCase.objects.select_for_update().get(pk=contact.case_id)
            if case.status != CaseStatus.OPEN:
                continue
            if case.hold_until is not None and case.hold_until <= contact.promised_date:
                case.hold_until = None
            case.needs_follow_up = True
            case.save(update_fields=["hold_until", "needs_follow_up"])
            text = (
                f"业主承诺于{_fmt_day(contact.promised_date)}前缴纳 "
                f"{contact.promised_amount} 元，到期仅收到 {paid} 元，请电话跟进。"
            )
            assignee = contact.contacted_by
            if assignee is not None and not (
                assignee.is_active and assignee.has_role_perm("dunning.view")
            ):
                assignee = None
            follow = Contact.objects.create(
                community_id=case.community_id,
                case=case,
                house_id=case.house_id,
                channel=Channel.PHONE,
                stage=case.stage,
                assigned_to=assignee,
                script_text=text,
                created_at=now,
            )
            _event(
                case, EventKind.PROMISE_BROKEN, None, at=now, note=text, contact=follow
            )
    return PromiseResult(kept=kept, broken=broken)


# --- campaigns --------------------------------------------------------------------------


def _check_script(script: str) -> str:
    script = (script or "").strip()
    if not script:
        raise ValidationFailed("请填写话术", fields={"script": ["请填写话术"]})
    if len(script) > 2000:
        raise ValidationFailed("话术过长", fields={"script": ["不超过2000字"]})
    bad = forbidden_phrases(script)
    if bad:
        message = (
            "话术不得以停水、停电、停气、停暖或限制出入相威胁"
            f"（《民法典》第九百四十四条）：{'、'.join(bad)}"
        )
        raise ValidationFailed(
            message, code="dunning_script_forbidden", fields={"script": [message]}
        )
    unknown = unknown_placeholders(script)
    if unknown:
        message = "未知的占位符：" + "、".join(unknown)
        raise ValidationFailed(message, fields={"script": [message]})
    return script


def campaign_create(
    *,
    community: Community,
    actor: Any,
    name: str,
    segment: str,
    channel: str,
    script: str,
    assignees: Iterable[Any] = (),
) -> Campaign:
    """A campaign for one segment through one channel with its own script."""
    _require(actor, "dunning.change", community.pk)
    name = _text(name, 100)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["请填写名称"]
    if segment not in Segment.values:
        errors["segment"] = ["请选择目标分群"]
    if channel not in Channel.values:
        errors["channel"] = ["请选择渠道"]
    if errors:
        raise ValidationFailed("输入有误", fields=errors)
    if segment == Segment.DISPUTED and channel in AUTO_CHANNELS:
        message = "对有异议的业主不发送自动提醒，请选择电话或上门沟通"
        raise ValidationFailed(
            message, code="dunning_disputed_no_auto", fields={"channel": [message]}
        )
    script = _check_script(script)
    people = list(assignees) if channel in TASK_CHANNELS else []
    for person in people:
        if (
            not person.is_active
            or not person.has_role_perm("dunning.view")
            or community.pk not in person.community_ids()
        ):
            message = f"{person} 不是该小区可执行催缴任务的员工"
            raise ValidationFailed(message, fields={"assignees": [message]})
    with transaction.atomic():
        campaign = Campaign.objects.create(
            community=community,
            name=name,
            segment=segment,
            channel=channel,
            script=script,
            created_by=actor,
        )
        campaign.assignees.set(people)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=campaign,
            changes={"segment": [None, segment], "channel": [None, channel]},
        )
    return campaign


def campaign_end(*, campaign: Campaign, actor: Any) -> Campaign:
    """End a campaign: it runs no more; its pending tasks stay with their people."""
    _require(actor, "dunning.change", campaign.community_id)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != CampaignStatus.ACTIVE:
            raise InvalidTransition("该活动已结束", code="dunning_campaign_ended")
        locked.status = CampaignStatus.ENDED
        locked.ended_at = timezone.now()
        locked.save(update_fields=["status", "ended_at"])
    return locked


@dataclass(frozen=True)
class RunResult:
    sent: int = 0  # SMS/WeChat handed to notify()
    tasks: int = 0  # phone/visit tasks created
    skipped: int = 0  # nobody to send to on the channel
    held_until: datetime | None = None  # quiet hours: messages go out then


def _months(since: date, today: date) -> int:
    months = (today.year - since.year) * 12 + today.month - since.month
    if today.day >= since.day:
        months += 1
    return max(months, 1)


def _script_values(case: DunningCase, today: date) -> dict[str, Any]:
    owners = selectors.owner_names(case.house)
    since = getattr(case, "oldest_due", None) or today
    return {
        "house": case.house.number,
        "owner": f"{owners[0]}业主" if owners else "尊敬的业主",
        "community": case.community.name,
        "amount": f"{selectors.owed_of(case)}",
        "since": _fmt_day(since),
        "months": _months(since, today),
        "phone": case.community.phone,
        "dispute": case.dispute_reason,
    }


def _owner_accounts(case: DunningCase) -> list[Any]:
    people = []
    for tie in getattr(case.house, "owner_ties", []):
        user = tie.person.user
        if user is not None and user.is_active:
            people.append(user)
    return people


def campaign_targets(campaign: Campaign, *, today: date) -> Any:
    """Open cases of the campaign's segment that owe, are not held by a promise, are
    not in mediation or court, and that this campaign has not reached yet."""
    from django.db.models import Prefetch

    from anju.estates.choices import Relation
    from anju.estates.models import HouseResident

    reached = Contact.objects.filter(campaign=campaign).values("house_id")
    ties = (
        HouseResident.objects.filter(active=True, relation=Relation.OWNER)
        .select_related("person__user")
        .order_by("-is_primary", "id")
    )
    return (
        selectors.with_arrears(
            DunningCase.objects.filter(
                community_id=campaign.community_id,
                status=CaseStatus.OPEN,
                stage__in=CAMPAIGN_STAGES,
            ).exclude(house_id__in=reached),
            today=today,
        )
        .filter(segment=campaign.segment, owed__gt=0)
        .filter(Q(hold_until__isnull=True) | Q(hold_until__lt=today))
        .select_related("house", "community")
        .prefetch_related(
            Prefetch("house__residents", queryset=ties, to_attr="owner_ties")
        )
        .order_by("house__number", "id")
    )


def campaign_run(
    *, campaign: Campaign, actor: Any, now: datetime | None = None
) -> RunResult:
    """Run a campaign: open the cases due, then reach every targeted house once —
    SMS/WeChat through notify() (which holds them over quiet hours), phone and visit
    as tasks for the campaign's people in turn. Running it again reaches only the
    houses it has not reached; a crash loses at most the batch in flight."""
    from anju.notifications.services import address_for, notify, quiet_until

    _require(actor, "dunning.change", campaign.community_id)
    campaign = Campaign.objects.select_related("community").get(pk=campaign.pk)
    if campaign.status != CampaignStatus.ACTIVE:
        raise InvalidTransition("该活动已结束", code="dunning_campaign_ended")
    now = now or timezone.now()
    community = campaign.community
    today = _today(community, now)
    cases_sync(community=community, actor=actor, now=now)
    people = sorted(campaign.assignees.filter(is_active=True), key=lambda u: u.pk)
    sent = tasks = skipped = 0
    auto = campaign.channel in AUTO_CHANNELS
    while True:
        with transaction.atomic():
            locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
            if locked.status != CampaignStatus.ACTIVE:
                break
            batch = list(campaign_targets(locked, today=today)[:RUN_BATCH])
            if not batch:
                locked.last_run_at = now
                locked.save(update_fields=["last_run_at"])
                break
            turn = itertools.cycle(people) if people else None
            if turn is not None:
                done = Contact.objects.filter(campaign=locked).count()
                for _ in range(done % len(people)):
                    next(turn)
            for case in batch:
                text = render_script(locked.script, _script_values(case, today))
                contact = Contact(
                    community_id=case.community_id,
                    case=case,
                    house_id=case.house_id,
                    campaign=locked,
                    channel=locked.channel,
                    stage=case.stage,
                    script_text=text,
                    created_at=now,
                )
                if not auto:
                    contact.assigned_to = next(turn) if turn is not None else None
                    contact.save()
                    tasks += 1
                    continue
                reachable = [
                    u for u in _owner_accounts(case) if address_for(u, locked.channel)
                ]
                if not reachable:
                    contact.status = ContactStatus.SKIPPED
                    contact.note = (
                        "业主未开通业主端账号，或未留手机号/未绑定微信，未能发送"
                    )
                    contact.save()
                    skipped += 1
                    continue
                notes = notify(
                    event="dunning_reminder",
                    recipients=reachable,
                    context={
                        "title": "缴费提醒",
                        "text": text,
                        "house": case.house.number,
                    },
                    community=community,
                    channels=["inbox", locked.channel],
                    now=now,
                )
                contact.status = ContactStatus.SENT
                contact.contacted_at = now
                contact.contacted_by = actor
                contact.window_end = now + RECOVERY_WINDOW
                contact.notification_ids = [n.pk for n in notes]
                contact.save()
                _event(
                    case,
                    EventKind.CONTACT,
                    actor,
                    at=now,
                    note=f"{locked.name} · {contact.get_channel_display()}已发送\n{text}",
                    contact=contact,
                )
                sent += 1
    held = quiet_until(now, community.timezone) if auto and sent else None
    return RunResult(sent=sent, tasks=tasks, skipped=skipped, held_until=held)


def assignee_choices(*, community: Community) -> Sequence[Any]:
    """Staff of the community who may take dunning tasks."""
    from anju.accounts.models import User

    staff = User.objects.filter(
        is_active=True, kind="staff", communities=community
    ).order_by("display_name", "username")
    return [u for u in staff if u.has_role_perm("dunning.view")]
