"""Dunning (催缴): a case per house in arrears, its stages, contacts, documents and
evidence; campaigns by segment; the fee FAQ agents answer owners with.

Billing rows are read, never written: what a house owes comes from its open bill lines
(`selectors.arrears`). Cases, events, documents and evidence are never deleted: they are
the record a mediation or a court will ask for.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.errors import InvalidTransition
from anju.core.querysets import ScopedQuerySet

from .choices import (
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


def money_field(label, **kw):  # type: ignore[no-untyped-def]
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kw)


class RecordDeleteRefused(InvalidTransition):
    """催缴记录和证据不可删除。"""

    code = "dunning_append_only"


class RecordQuerySet(ScopedQuerySet):
    def delete(self):  # type: ignore[no-untyped-def]
        raise RecordDeleteRefused()

    delete.queryset_only = True  # type: ignore[attr-defined]


class Record(models.Model):
    """Base of rows that are evidence: deleting raises."""

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RecordDeleteRefused()


class DunningCase(Record):
    """催缴案件: one open case per house in arrears, moved through the stages."""

    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the (community, status, stage) index leads with it
        verbose_name=_("小区"),
    )
    house = models.ForeignKey(
        "estates.House",
        on_delete=models.PROTECT,
        related_name="dunning_cases",
        verbose_name=_("房屋"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    stage = models.CharField(
        _("阶段"), max_length=20, choices=Stage.choices, default=Stage.REMINDER
    )
    stage_changed_at = models.DateTimeField(_("阶段变更时间"), default=timezone.now)
    opened_at = models.DateTimeField(_("立案时间"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("立案人"),
    )
    # 业主对收费有异议: automatic reminders stop until it is resolved.
    disputed = models.BooleanField(_("有异议"), default=False)
    dispute_kind = models.CharField(
        _("异议类型"), max_length=20, choices=DisputeKind.choices, blank=True
    )
    dispute_reason = models.CharField(_("异议内容"), max_length=500, blank=True)
    disputed_at = models.DateTimeField(_("提出异议时间"), null=True, blank=True)
    # A promise to pay by this day holds campaign reminders until then.
    hold_until = models.DateField(_("暂缓至"), null=True, blank=True)
    # Set when a promise passed unpaid; cleared by the next recorded contact.
    needs_follow_up = models.BooleanField(_("待跟进"), default=False)
    # The last interruption of the limitation period (诉讼时效中断): a demand delivered
    # to the owner, or filing for mediation/a lawsuit. The period restarts from it.
    limitation_from = models.DateField(_("时效重新起算日"), null=True, blank=True)
    limitation_reason = models.CharField(_("时效中断事由"), max_length=200, blank=True)
    close_reason = models.CharField(
        _("结案原因"), max_length=10, choices=CloseReason.choices, blank=True
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("结案人"),
    )

    scope_community = "community"

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["house"],
                condition=Q(status="open"),
                name="dunning_case_one_open_per_house",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False),
                name="dunning_case_closed_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["community", "status", "stage"], name="dunning_case_list_idx"
            ),
        ]
        verbose_name = _("催缴案件")
        verbose_name_plural = _("催缴案件")

    def __str__(self) -> str:
        return f"{self.house_id} {self.get_stage_display()}"


class Campaign(models.Model):
    """催缴活动: one segment, one channel, one script; run once per house."""

    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("小区"),
    )
    name = models.CharField(_("名称"), max_length=100)
    segment = models.CharField(_("目标分群"), max_length=20, choices=Segment.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    script = models.TextField(
        _("话术"),
        help_text=_(
            "可用占位符：{{ house }} {{ owner }} {{ community }} {{ amount }} "
            "{{ since }} {{ months }} {{ phone }} {{ dispute }}"
        ),
    )
    # Phone and visit tasks go to these people in turn (none: anyone may take them).
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("执行人"),
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=CampaignStatus.choices,
        default=CampaignStatus.ACTIVE,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_run_at = models.DateTimeField(_("最近执行"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    scope_community = "community"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("催缴活动")
        verbose_name_plural = _("催缴活动")

    def __str__(self) -> str:
        return self.name


class DunningDocument(Record):
    """A printed demand: 催缴通知书 or 律师函, with the arrears as they were on issue.

    The lines are a snapshot (what the owner was told), so the PDF prints the same
    figures however the account moves afterwards.
    """

    company = models.ForeignKey(
        "estates.Company",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("公司"),
    )
    case = models.ForeignKey(
        DunningCase,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("案件"),
    )
    kind = models.CharField(_("文书类型"), max_length=20, choices=DocumentKind.choices)
    number = models.CharField(_("文书编号"), max_length=30)
    addressee = models.CharField(_("致"), max_length=200)
    house_label = models.CharField(_("房屋"), max_length=200)
    # [{"item", "period", "due", "amount", "outstanding"}] as strings, oldest first
    lines = models.JSONField(_("欠费明细"), default=list)
    total = money_field(_("欠费合计"))
    total_in_words = models.CharField(_("大写金额"), max_length=100)
    deadline = models.DateField(_("缴费期限"))
    law_firm = models.CharField(_("律师事务所"), max_length=100, blank=True)
    lawyer = models.CharField(_("律师"), max_length=50, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("出具人"),
    )
    issued_at = models.DateTimeField(_("出具时间"), default=timezone.now)

    scope_community = "case__community"

    class Meta:
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], name="dunning_document_number_unique"
            )
        ]
        verbose_name = _("催缴文书")
        verbose_name_plural = _("催缴文书")

    def __str__(self) -> str:
        return self.number


class Evidence(Record):
    """证据: a delivery proof of a document, a call log, filing papers, with a scan.

    The file lives under MEDIA_ROOT with a random name, outside any served URL; it is
    sent only by `views.evidence_file` to users who may see the case.
    """

    case = models.ForeignKey(
        DunningCase,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("案件"),
    )
    kind = models.CharField(_("证据类型"), max_length=20, choices=EvidenceKind.choices)
    stage = models.CharField(_("所处阶段"), max_length=20, choices=Stage.choices)
    document = models.ForeignKey(
        DunningDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("送达文书"),
    )
    method = models.CharField(
        _("送达方式"), max_length=20, choices=DeliveryMethod.choices, blank=True
    )
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    receiver = models.CharField(_("签收人"), max_length=50, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    stored_name = models.CharField(max_length=200, blank=True, editable=False)
    content_type = models.CharField(max_length=50, blank=True, editable=False)
    size = models.PositiveIntegerField(_("大小(字节)"), default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    scope_community = "case__community"

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="delivery")
                | (
                    Q(document__isnull=False)
                    & Q(delivered_on__isnull=False)
                    & ~Q(method="")
                    & ~Q(stored_name="")
                ),
                name="dunning_delivery_complete",
            ),
        ]
        verbose_name = _("催缴证据")
        verbose_name_plural = _("催缴证据")

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


class Contact(models.Model):
    """One contact with the owner of a case: a campaign's SMS/WeChat message, a phone or
    visit task, or a call logged by hand; with its outcome and any promise to pay."""

    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the (community, contacted_at) index leads with it
        verbose_name=_("小区"),
    )
    case = models.ForeignKey(
        DunningCase,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("案件"),
    )
    house = models.ForeignKey(
        "estates.House",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the (campaign, house) unique index covers campaign runs
        verbose_name=_("房屋"),
    )
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        db_index=False,
        verbose_name=_("催缴活动"),
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ContactStatus.choices,
        default=ContactStatus.PENDING,
    )
    stage = models.CharField(_("所处阶段"), max_length=20, choices=Stage.choices)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("执行人"),
    )
    script_text = models.TextField(_("话术"), blank=True)
    # The notifications notify() wrote (their ids), for a message sent by a campaign.
    notification_ids = models.JSONField(_("通知"), default=list, blank=True)
    outcome = models.CharField(
        _("结果"), max_length=20, choices=Outcome.choices, blank=True
    )
    note = models.TextField(_("联系记录"), blank=True)
    contacted_at = models.DateTimeField(_("联系时间"), null=True, blank=True)
    contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("联系人"),
    )
    # Payments up to this moment count as recovered after the contact (30 days).
    window_end = models.DateTimeField(_("回款统计截止"), null=True, blank=True)
    promised_date = models.DateField(_("承诺缴费日期"), null=True, blank=True)
    promised_amount = money_field(_("承诺金额"), null=True, blank=True)
    promise_status = models.CharField(
        _("承诺状态"), max_length=10, choices=PromiseStatus.choices, blank=True
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    scope_community = "community"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A campaign reaches each house once, however often it is run.
            models.UniqueConstraint(
                fields=["campaign", "house"],
                condition=Q(campaign__isnull=False),
                name="dunning_contact_once_per_campaign",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="promised")
                | (Q(promised_date__isnull=False) & ~Q(promise_status="")),
                name="dunning_contact_promise_has_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["assigned_to", "status"], name="dunning_contact_task_idx"
            ),
            models.Index(
                fields=["community", "contacted_at"], name="dunning_contact_time_idx"
            ),
            models.Index(
                fields=["promise_status", "promised_date"],
                condition=Q(promise_status="open"),
                name="dunning_contact_promise_idx",
            ),
        ]
        verbose_name = _("催缴联系")
        verbose_name_plural = _("催缴联系")

    def __str__(self) -> str:
        return (
            f"{self.house_id} {self.get_channel_display()} {self.get_status_display()}"
        )


class CaseEvent(Record):
    """A line of a case's timeline: who did what, when, from which stage to which."""

    case = models.ForeignKey(
        DunningCase,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("案件"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=EventKind.choices)
    from_stage = models.CharField(
        _("原阶段"), max_length=20, choices=Stage.choices, blank=True
    )
    to_stage = models.CharField(
        _("新阶段"), max_length=20, choices=Stage.choices, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.ForeignKey(
        Evidence, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        DunningDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_community = "case__community"

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("催缴记录")
        verbose_name_plural = _("催缴记录")

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


class FaqQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view") -> FaqQuerySet:  # type: ignore[no-untyped-def]
        """Staff with `dunning.view`: the shipped answers and their company's own."""
        if (
            user is None
            or not user.is_authenticated
            or getattr(user, "is_owner_account", False)
            or not user.has_role_perm(f"dunning.{action}")
        ):
            return self.none()
        return self.filter(Q(company__isnull=True) | Q(company_id=user.company_id))


class FaqEntry(models.Model):
    """A standard answer to an owner's fee question (物业费常见问题)."""

    company = models.ForeignKey(
        "estates.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("公司"),
        help_text=_("留空表示随系统提供的标准答复"),
    )
    question = models.CharField(_("问题"), max_length=200)
    answer = models.TextField(_("标准答复"))
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    source = models.CharField(_("出处"), max_length=200)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    objects = FaqQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("收费常见问题")
        verbose_name_plural = _("收费常见问题")

    def __str__(self) -> str:
        return self.question
