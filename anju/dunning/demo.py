"""Demo dunning (催缴) for `seed_demo`: the last three weeks of following up arrears.

Played through the dunning services at their moments (`anju.core.demo_clock`), after
the billing demo has left houses in arrears: three weeks ago the cases were opened
(`cases_sync`), an SMS reminder went to the short arrears and a phone campaign to the
long ones (`campaign_run`); the calls came back with promises, refusals, an unanswered
phone and a dispute (`contact_record`); the longest arrears got a 催缴通知书
(`case_move`), one of them delivered in person (`evidence_add`, the printed notice as
the scan) and followed by a lawyer's letter. Today the cases are synced again (paid ones
close) and the promises whose day has passed are checked (`promises_check`). Nothing
here cuts a utility (Civil Code art. 944).
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from anju.accounts.models import User
from anju.billing.choices import Channel as PayChannel
from anju.billing.services import payment_record
from anju.core.demo_clock import Story, story_clock
from anju.estates.models import Community, Company

from . import selectors
from .choices import (
    CaseStatus,
    Channel,
    DeliveryMethod,
    DisputeKind,
    DocumentKind,
    EvidenceKind,
    Outcome,
    Segment,
    Stage,
)
from .documents_pdf import document_pdf
from .models import Campaign, Contact, DunningCase, DunningDocument
from .scripts import DEFAULT_SCRIPTS
from .services import (
    campaign_create,
    campaign_run,
    case_move,
    cases_sync,
    contact_record,
    evidence_add,
    promises_check,
)

DAYS = 21  # the follow-up started three weeks ago
# who runs dunning in each community, and who takes the calls with them
COLLECTORS = {
    "lsy": ("finance", "agent"),
    "qsf": ("finance", "agent"),
    "other": ("finance2", "agent2"),
}
LAW_FIRM = ("上海申和律师事务所", "王律师")
# what the calls came to, in turn
OUTCOMES = (
    (Outcome.PROMISED, "业主表示月底前缴清"),
    (Outcome.NO_ANSWER, "连续拨打两次无人接听"),
    (Outcome.REFUSED, "业主称房屋漏水未修好，拒绝缴费，已告知报修渠道"),
    (Outcome.PROMISED, "业主在外地出差，回沪后到前台缴纳"),
    (Outcome.DISPUTED, "业主认为空置期间不应按全额收取"),
    (Outcome.REACHED, "已告知欠费金额和缴费方式，业主表示会考虑"),
)


@dataclass
class DunningDemo:
    """What the dunning part of the demo wrote."""

    cases: int = 0
    open_cases: int = 0
    campaigns: int = 0
    contacts: int = 0
    documents: int = 0
    promises_kept: int = 0


class _Dunning:
    def __init__(self, *, company: Company, now: datetime, seed: int) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.story = Story()
        self.communities = list(
            Community.objects.filter(company=company).order_by("pk")
        )
        self.users = {
            u.username: u
            for u in User.objects.filter(company=company, kind="staff").order_by("pk")
        }
        self.zone = ZoneInfo(self.communities[0].timezone) if self.communities else None
        self.out = DunningDemo()

    def people(self, community: Community) -> tuple[User, User]:
        lead, helper = COLLECTORS.get(community.code, COLLECTORS["other"])
        return self.users[lead], self.users[helper]

    def day(self, days_ago: float, hour: int, minute: int = 0) -> datetime:
        local = (self.now - timedelta(days=days_ago)).astimezone(self.zone)
        moment = datetime.combine(local.date(), time(hour, minute), self.zone)
        return min(moment, self.now - timedelta(minutes=5))

    # --- the story ----------------------------------------------------------------
    def build(self) -> None:
        for index, community in enumerate(self.communities):
            start = self.day(DAYS, 9, 30 + index * 5)
            self.story.at(start, self.opened(community))
            self.story.at(start + timedelta(minutes=20), self.sms(community))
            self.story.at(
                self.day(DAYS - 1, 9, 15 + index * 5), self.phone_campaign(community)
            )
        for index, community in enumerate(self.communities[:2]):
            self.story.at(
                self.day(DAYS - 8, 10, 30 + index * 10), self.notices(community)
            )

    def opened(self, community: Community) -> Callable[[], None]:
        def step() -> None:
            lead, _helper = self.people(community)
            cases_sync(community=community, actor=lead)

        return step

    def sms(self, community: Community) -> Callable[[], None]:
        def step() -> None:
            lead, _helper = self.people(community)
            month = timezone.localtime(timezone.now(), self.zone).month
            campaign = campaign_create(
                community=community, actor=lead, name=f"{month}月短期欠费短信提醒",
                segment=Segment.SHORT_OVERDUE, channel=Channel.SMS,
                script=DEFAULT_SCRIPTS[Segment.SHORT_OVERDUE],
            )  # fmt: skip
            campaign_run(campaign=campaign, actor=lead)
            self.out.campaigns += 1

        return step

    def phone_campaign(self, community: Community) -> Callable[[], None]:
        def step() -> None:
            lead, helper = self.people(community)
            month = timezone.localtime(timezone.now(), self.zone).month
            campaign = campaign_create(
                community=community, actor=lead, name=f"{month}月长期欠费电话催缴",
                segment=Segment.LONG_OVERDUE, channel=Channel.PHONE,
                script=DEFAULT_SCRIPTS[Segment.LONG_OVERDUE], assignees=[lead, helper],
            )  # fmt: skip
            campaign_run(campaign=campaign, actor=lead)
            self.out.campaigns += 1
            tasks = list(
                Contact.objects.filter(campaign=campaign)
                .select_related("assigned_to")
                .order_by("id")
            )
            # about half of the calls are made over the next days; the rest wait
            for number, task in enumerate(tasks[: max(1, len(tasks) // 2)]):
                at = self.day(DAYS - 2 - number % 9, 10 + number % 7, (number * 7) % 60)
                if at > timezone.now():
                    self.story.at(at, self.call(task, number))

        return step

    def call(self, task: Contact, number: int) -> Callable[[], None]:
        outcome, note = OUTCOMES[number % len(OUTCOMES)]

        def step() -> None:
            found = Contact.objects.get(pk=task.pk)
            if found.status != "pending":
                return
            today = timezone.localdate()
            extra: dict[str, Any] = {}
            if outcome == Outcome.PROMISED:
                extra = {"promised_date": today + timedelta(days=7)}
            elif outcome == Outcome.DISPUTED:
                extra = {"dispute_kind": DisputeKind.VACANT, "dispute_reason": note}
            contact_record(
                contact=found,
                actor=task.assigned_to or self.people(found.community)[0],
                outcome=outcome,
                note=note,
                **extra,
            )
            self.out.contacts += 1
            if outcome == Outcome.PROMISED and number % 3 != 2:  # two in three keep it
                paid_on = extra["promised_date"] - timedelta(days=number % 5)
                at = datetime.combine(paid_on, time(10 + number % 8, 17), self.zone)
                if at < self.now - timedelta(minutes=10):
                    self.story.at(at, self.kept(found.pk))

        return step

    def kept(self, contact_id: int) -> Callable[[], None]:
        """The owner pays what was promised: at the counter, through billing."""

        def step() -> None:
            contact = Contact.objects.select_related("house__community").get(
                pk=contact_id
            )
            owed = selectors.house_owed(contact.house_id, today=timezone.localdate())
            if owed <= 0:
                return
            house = contact.house
            payment_record(
                community=house.community, house=house, amount=owed,
                channel=PayChannel.WECHAT, idempotency_key=f"demo-promise-{contact.pk}",
                actor=self.people(house.community)[0],
            )  # fmt: skip
            self.out.promises_kept += 1

        return step

    def notices(self, community: Community) -> Callable[[], None]:
        """The longest arrears of the community get a written demand; the first one is
        delivered in person and, a week on, followed by a lawyer's letter."""

        def step() -> None:
            lead, _helper = self.people(community)
            today = timezone.localdate()
            cases = list(
                selectors.with_arrears(
                    DunningCase.objects.filter(
                        community=community,
                        status=CaseStatus.OPEN,
                        stage=Stage.REMINDER,
                        disputed=False,
                    ),
                    today=today,
                )
                .filter(owed__gt=0)
                .order_by("oldest_due", "-owed", "id")[:2]
            )
            for index, case in enumerate(cases):
                case_move(
                    case=case, to_stage=Stage.NOTICE, actor=lead,
                    note="欠费时间长、金额大，经电话催缴无果，出具书面催缴通知书",
                )  # fmt: skip
                self.out.documents += 1
                if index == 0:
                    at = timezone.now() + timedelta(days=2, hours=3)
                    self.story.at(at, self.delivered(case.pk, lead))

        return step

    def delivered(self, case_id: int, lead: User) -> Callable[[], None]:
        def step() -> None:
            case = DunningCase.objects.select_related("community", "house").get(
                pk=case_id
            )
            document = DunningDocument.objects.get(case=case, kind=DocumentKind.NOTICE)
            _doc, content = document_pdf(actor=lead, pk=document.pk)
            scan = io.BytesIO(content)
            scan.name = f"{document.number}-送达回执.pdf"
            owners = selectors.owner_names(case.house)
            evidence_add(
                case=case, actor=lead, kind=EvidenceKind.DELIVERY, file=scan,
                document=document, method=DeliveryMethod.IN_PERSON,
                delivered_on=timezone.localdate(),
                receiver=owners[0] if owners else "业主本人",
                note="客服与财务上门送达，业主本人签收",
            )  # fmt: skip
            later = timezone.now() + timedelta(days=7)
            if later < self.now - timedelta(hours=1):
                self.story.at(later, self.lawyer(case_id, lead))

        return step

    def lawyer(self, case_id: int, lead: User) -> Callable[[], None]:
        def step() -> None:
            case = DunningCase.objects.get(pk=case_id)
            if case.status != CaseStatus.OPEN:
                return
            case_move(
                case=case, to_stage=Stage.LAWYER_LETTER, actor=lead,
                note="通知书送达后逾期仍未缴纳，委托律师发函",
                law_firm=LAW_FIRM[0], lawyer=LAW_FIRM[1],
            )  # fmt: skip
            self.out.documents += 1

        return step


def seed_dunning_demo(*, company: Company, now: datetime, seed: int) -> DunningDemo:
    """Cases, campaigns, calls and demands of the last three weeks, through the
    services; then today's sync and promise check."""
    dunning = _Dunning(company=company, now=now, seed=seed)
    if not dunning.communities:
        return dunning.out
    dunning.build()
    with story_clock() as clock:
        dunning.story.play(clock)
    for community in dunning.communities:
        lead, _helper = dunning.people(community)
        cases_sync(community=community, actor=lead)
    promises_check()
    out = dunning.out
    cases = DunningCase.objects.filter(community__company=company)
    out.cases = cases.count()
    out.open_cases = cases.filter(status=CaseStatus.OPEN).count()
    out.campaigns = Campaign.objects.filter(community__company=company).count()
    return out
