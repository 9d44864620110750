"""Fees and payments: fee items, prices, billing runs, bills, payments, receipts.

Everything financial is append-only: rows are never deleted (``delete()`` raises, on the
model and on the queryset) and corrections are reversal rows that point at the original.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.errors import InvalidTransition
from anju.core.querysets import ScopedQuerySet
from anju.estates.choices import Usage

from .choices import (
    BillStatus,
    Channel,
    Cycle,
    DiscountKind,
    DiscountStatus,
    FeeKind,
    IncentiveKind,
    IntentPurpose,
    IntentStatus,
    LineChangeKind,
    LineKind,
    LineStatus,
    PaymentKind,
    PayProvider,
    PrepaymentSource,
    RefundKind,
    RefundStatus,
    RunStatus,
)

ZERO = Decimal("0.00")


def money_field(label: str, **kw):  # type: ignore[no-untyped-def]
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kw)


class LedgerDeleteRefused(InvalidTransition):
    """财务记录不可删除，请做冲销。"""

    code = "billing_append_only"


class LedgerQuerySet(ScopedQuerySet):
    """A scoped queryset whose rows cannot be deleted in bulk either."""

    def delete(self):  # type: ignore[no-untyped-def]
        raise LedgerDeleteRefused()

    delete.queryset_only = True  # type: ignore[attr-defined]


class AppendOnly(models.Model):
    """Base of ledger models: deleting raises; corrections are reversal rows."""

    objects = LedgerQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise LedgerDeleteRefused()


class BillingPolicy(models.Model):
    """A community's billing settings: cycle kind and vacant-house discount."""

    community = models.OneToOneField(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="billing_policy",
        verbose_name=_("小区"),
    )
    cycle = models.CharField(
        _("计费周期"), max_length=20, choices=Cycle.choices, default=Cycle.NATURAL
    )
    vacant_discount_percent = models.DecimalField(
        _("空置房减免比例(%)"),
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        help_text=_("空置房物业费按 (100 − 比例)% 计收；0 表示不减免"),
    )
    due_days = models.PositiveSmallIntegerField(
        _("缴费期限(天)"),
        default=0,
        help_text=_("到期日 = 计费开始日 + 天数；0 表示计费开始当日到期（预交）"),
    )
    # 滞纳金 only where the property service contract says so: off by default.
    late_fee_enabled = models.BooleanField(_("计收滞纳金"), default=False)
    late_fee_daily_rate = models.DecimalField(
        _("滞纳金日费率"),
        max_digits=6,
        decimal_places=4,
        default=Decimal("0.0000"),
        help_text=_("按欠费本金每日计收，如万分之三填 0.0003"),
    )
    late_fee_cap_percent = models.DecimalField(
        _("滞纳金上限(本金%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("每笔欠费的滞纳金累计不超过其本金的该比例；留空表示不设上限"),
    )
    late_fee_grace_days = models.PositiveSmallIntegerField(
        _("滞纳金宽限天数"),
        default=0,
        help_text=_("到期后这些天内不计滞纳金"),
    )
    late_fee_start_date = models.DateField(
        _("滞纳金起算日"),
        null=True,
        blank=True,
        help_text=_("合同约定开始计收的日期；此前的逾期天数不计"),
    )

    scope_community = "community"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(vacant_discount_percent__gte=0)
                & Q(vacant_discount_percent__lte=100),
                name="billing_policy_vacant_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(late_fee_daily_rate__gte=0)
                & Q(late_fee_daily_rate__lte=Decimal("0.01")),
                name="billing_policy_late_fee_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(late_fee_cap_percent__isnull=True)
                | Q(late_fee_cap_percent__gte=0),
                name="billing_policy_late_fee_cap_nonnegative",
            ),
        ]
        verbose_name = _("收费规则")
        verbose_name_plural = _("收费规则")

    def __str__(self) -> str:
        return f"{self.community} {self.get_cycle_display()}"


class FeeItem(models.Model):
    """A chargeable item of a community: 物业费, 车位管理费, 水费, 装修押金 …"""

    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="fee_items",
        verbose_name=_("小区"),
    )
    code = models.SlugField(_("编码"), max_length=30)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("计费方式"), max_length=20, choices=FeeKind.choices)
    active = models.BooleanField(_("启用"), default=True)

    scope_community = "community"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["community_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "code"], name="fee_item_code_unique"
            )
        ]
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")

    def __str__(self) -> str:
        return self.name


class PricePlan(AppendOnly):
    """A unit price of a fee item (for one house usage or all), valid from a date on.

    A price change is a new row with a later `effective_from`; issued bill lines keep
    the price they were billed at, so a change never rewrites them.
    """

    fee_item = models.ForeignKey(
        FeeItem,
        on_delete=models.PROTECT,
        related_name="price_plans",
        verbose_name=_("收费项目"),
    )
    usage = models.CharField(
        _("房屋用途"),
        max_length=20,
        choices=Usage.choices,
        blank=True,
        help_text=_("留空表示所有用途"),
    )
    unit_price = models.DecimalField(_("单价"), max_digits=12, decimal_places=4)
    effective_from = models.DateField(_("生效日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    scope_community = "fee_item__community"

    class Meta:
        ordering = ["fee_item_id", "usage", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["fee_item", "usage", "effective_from"],
                name="price_plan_unique",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="price_plan_price_nonnegative"
            ),
        ]
        verbose_name = _("价格方案")
        verbose_name_plural = _("价格方案")

    def __str__(self) -> str:
        return f"{self.fee_item} {self.usage or '*'} {self.unit_price} @{self.effective_from}"


class BillRun(AppendOnly):
    """One batch run of a community's bills for a period; resumable from `checkpoint`."""

    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="bill_runs",
        verbose_name=_("小区"),
    )
    period_start = models.DateField(_("账期开始"))
    period_end = models.DateField(_("账期结束"))
    cycle = models.CharField(_("计费周期"), max_length=20, choices=Cycle.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    # Last house id whose bills are committed: a restart continues after it.
    checkpoint_house_id = models.BigIntegerField(_("断点房屋ID"), default=0)
    bill_count = models.PositiveIntegerField(_("账单数"), default=0)
    line_count = models.PositiveIntegerField(_("明细数"), default=0)
    total_amount = money_field(_("应收合计"), default=ZERO)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发起人"),
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_community = "community"

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "period_start", "period_end"],
                name="bill_run_period_unique",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="bill_run_period_order",
            ),
        ]
        verbose_name = _("计费批次")
        verbose_name_plural = _("计费批次")

    def __str__(self) -> str:
        return f"{self.community} {self.period_start}~{self.period_end}"


class Bill(AppendOnly):
    """A house's bill for one period (or for one-off charges when `run` is empty)."""

    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("小区"),
    )
    house = models.ForeignKey(
        "estates.House",
        on_delete=models.PROTECT,
        related_name="bills",
        verbose_name=_("房屋"),
    )
    run = models.ForeignKey(
        BillRun,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bills",
        db_index=False,
        verbose_name=_("计费批次"),
    )
    period_start = models.DateField(_("账期开始"))
    period_end = models.DateField(_("账期结束"))
    total = money_field(_("应收金额"), default=ZERO)
    discount_total = money_field(_("减免金额"), default=ZERO)
    paid_total = money_field(_("已收金额"), default=ZERO)
    status = models.CharField(
        _("状态"), max_length=10, choices=BillStatus.choices, default=BillStatus.UNPAID
    )
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    scope_community = "community"
    scope_owner_house = "house"

    class Meta:
        ordering = ["house_id", "period_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["house", "period_start"],
                condition=Q(run__isnull=False),
                name="bill_house_period_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["community", "period_start"], name="bill_community_period_idx"
            ),
        ]
        verbose_name = _("账单")
        verbose_name_plural = _("账单")

    def __str__(self) -> str:
        return f"{self.house} {self.period_start}~{self.period_end}"

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.discount_total - self.paid_total


class BillLine(AppendOnly):
    """One charge of a bill: quantity × unit price × (months + days/month_days) × rate.

    `amount` is rounded to 0.01 (ROUND_HALF_UP); a bill's total is the sum of its
    rounded lines. A periodic line is unique per (house, fee item, period start), so a
    rerun of a billing period never duplicates it.
    """

    bill = models.ForeignKey(
        Bill, on_delete=models.PROTECT, related_name="lines", verbose_name=_("账单")
    )
    house = models.ForeignKey(
        "estates.House",
        on_delete=models.PROTECT,
        related_name="bill_lines",
        verbose_name=_("房屋"),
    )
    fee_item = models.ForeignKey(
        FeeItem,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("收费项目"),
    )
    kind = models.CharField(
        _("类型"), max_length=10, choices=LineKind.choices, default=LineKind.PERIODIC
    )
    description = models.CharField(_("摘要"), max_length=100, blank=True)
    period_start = models.DateField(_("计费开始"))
    period_end = models.DateField(_("计费结束"))
    quantity = models.DecimalField(
        _("数量/面积"), max_digits=14, decimal_places=3, default=Decimal("1")
    )
    unit_price = models.DecimalField(_("单价"), max_digits=12, decimal_places=4)
    months = models.PositiveSmallIntegerField(_("整月数"), default=0)
    days = models.PositiveSmallIntegerField(_("零散天数"), default=0)
    month_days = models.PositiveSmallIntegerField(_("当月天数"), default=0)
    rate = models.DecimalField(
        _("计收比例"), max_digits=5, decimal_places=4, default=Decimal("1")
    )
    amount = money_field(_("金额"))
    discount_amount = money_field(_("减免金额"), default=ZERO)
    paid_amount = money_field(_("已收金额"), default=ZERO)
    status = models.CharField(
        _("状态"), max_length=10, choices=LineStatus.choices, default=LineStatus.UNPAID
    )
    reversal_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("冲销原明细"),
    )
    # The day the line falls due: start of the charge + the policy's payment term.
    # Arrears age and late fees count from here. Kept on the line, so a later policy
    # change never moves the due date of an issued bill.
    due_date = models.DateField(_("到期日"))
    late_fee_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="late_fees",
        db_index=False,  # the (late_fee_of, period_end) unique index leads with it
        verbose_name=_("滞纳金所属明细"),
    )
    # Split and merge (BillLineChange): the change that superseded this line, and the
    # change this line was written by. Originals keep their amount; replacements add up
    # to it to the fen.
    replaced_by = models.ForeignKey(
        "BillLineChange",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="originals",
        db_index=False,  # read through the house; the run's inserts stay lean
        verbose_name=_("被拆分/合并于"),
    )
    replacement_of = models.ForeignKey(
        "BillLineChange",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacements",
        db_index=False,  # read through the house; the run's inserts stay lean
        verbose_name=_("拆分/合并产生于"),
    )
    # A replacement's late fees start after the days already charged on the lines it
    # replaces (the latest late fee of any of them), never charging a day twice.
    late_fees_through = models.DateField(_("滞纳金已计至"), null=True, blank=True)
    # 退还 (kind `refund`): the paid one-off line this negative line gives back (part
    # of). The original is never edited; its refunds are these lines.
    refund_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refund_lines",
        db_index=False,  # a partial index below: almost every line has none
        verbose_name=_("退还原明细"),
    )
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    scope_community = "bill__community"
    scope_owner_house = "house"

    class Meta:
        ordering = ["period_start", "id"]
        constraints = [
            # One periodic charge per house, fee item and period start: a rerun of a
            # period never duplicates it. Replacements of a split/merge share their
            # original's start and are left out; the original keeps its place.
            models.UniqueConstraint(
                fields=["house", "fee_item", "period_start"],
                condition=Q(kind="periodic") & Q(replacement_of__isnull=True),
                name="bill_line_house_item_period_unique",
            ),
            # Only a 退还 line is settled by a negative amount (its refund payment).
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) | Q(kind="refund"),
                name="bill_line_paid_nonnegative",
            ),
            models.CheckConstraint(
                condition=~Q(kind="refund")
                | (Q(amount__lt=0) & Q(refund_of__isnull=False)),
                name="bill_line_refund_references_original",
            ),
            # A late fee is accrued once per line and accrued-through day.
            models.UniqueConstraint(
                fields=["late_fee_of", "period_end"],
                condition=Q(kind="late_fee"),
                name="bill_line_late_fee_unique",
            ),
        ]
        indexes = [
            # Arrears: the open lines of a house by due date (aging, late fees).
            models.Index(
                fields=["house", "due_date"],
                condition=Q(status__in=["unpaid", "partial"]),
                name="bill_line_open_idx",
            ),
            models.Index(
                fields=["refund_of"],
                condition=Q(refund_of__isnull=False),
                name="bill_line_refund_of_idx",
            ),
        ]
        verbose_name = _("账单明细")
        verbose_name_plural = _("账单明细")

    def __str__(self) -> str:
        return f"{self.house_id} {self.description} {self.amount}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.due_date is None:
            # Services set it from the policy; a line written elsewhere is due at once.
            self.due_date = self.period_start
        super().save(*args, **kwargs)

    @property
    def outstanding(self) -> Decimal:
        if self.status in (LineStatus.VOID, LineStatus.SUPERSEDED):
            return ZERO
        return self.amount - self.discount_amount - self.paid_amount

    def can_change(self) -> bool:
        """Only a line nobody has paid anything on may be voided or discounted away."""
        return self.status == LineStatus.UNPAID and self.kind != LineKind.REVERSAL


class BillLineChange(AppendOnly):
    """A split (one line → instalments) or merge (lines of one fee item → one line) of
    unpaid lines before payment. The originals stay, status `superseded` with
    `replaced_by` → this row; the replacements point here with `replacement_of`.
    `amount` is the total of either side (they are equal to the fen)."""

    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("小区"),
    )
    house = models.ForeignKey(
        "estates.House",
        on_delete=models.PROTECT,
        related_name="bill_line_changes",
        verbose_name=_("房屋"),
    )
    kind = models.CharField(_("类型"), max_length=10, choices=LineChangeKind.choices)
    amount = money_field(_("金额"))
    reason = models.CharField(_("原因"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("经办人"),
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    scope_community = "community"
    scope_owner_house = "house"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("明细拆分/合并")
        verbose_name_plural = _("明细拆分/合并")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class PrepaymentIncentive(AppendOnly):
    """A community's prepayment incentive (预缴优惠): prepaying at least `min_months`
    months of the property fee takes `percent` % off, or makes the last `free_months`
    months free. Configured by a manager (`billing.approve`), who thereby approves every
    discount it grants: its discounts are recorded as approved by `approved_by` through
    this policy. Ended by setting `valid_to`; never deleted."""

    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="prepayment_incentives",
        verbose_name=_("小区"),
    )
    name = models.CharField(_("名称"), max_length=50)
    min_months = models.PositiveSmallIntegerField(_("起享月数"))
    kind = models.CharField(_("优惠方式"), max_length=20, choices=IncentiveKind.choices)
    percent = models.DecimalField(
        _("优惠比例(%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    free_months = models.PositiveSmallIntegerField(_("免收月数"), null=True, blank=True)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审批人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    scope_community = "community"

    class Meta:
        ordering = ["community_id", "-min_months", "-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_months__gte=1), name="incentive_min_months_positive"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="percent")
                    & Q(percent__gt=0)
                    & Q(percent__lt=100)
                    & Q(free_months__isnull=True)
                )
                | (
                    Q(kind="free_months")
                    & Q(free_months__gte=1)
                    & Q(free_months__lt=models.F("min_months"))
                    & Q(percent__isnull=True)
                ),
                name="incentive_kind_values",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="incentive_validity_order",
            ),
        ]
        verbose_name = _("预缴优惠")
        verbose_name_plural = _("预缴优惠")

    def __str__(self) -> str:
        return self.name

    def describe(self) -> str:
        """满12个月 95折 / 满12个月 免1个月."""
        if self.kind == IncentiveKind.PERCENT:
            return f"预缴满{self.min_months}个月优惠{self.percent.normalize():f}%"
        return f"预缴满{self.min_months}个月免收{self.free_months}个月"


class DiscountLine(AppendOnly):
    """An explicit reduction of a bill line (compensation, prepay incentive, other).

    Requested by a cashier it waits for a manager (`requested` → `approved` or
    `rejected`); only an approved discount reduces the line. A prepayment incentive's
    discount is approved by the incentive itself (`incentive`, approved by the manager
    who configured it)."""

    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("小区"),
    )
    line = models.ForeignKey(
        BillLine,
        on_delete=models.PROTECT,
        related_name="discounts",
        verbose_name=_("账单明细"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=DiscountKind.choices)
    amount = money_field(_("减免金额"))
    reason = models.CharField(_("原因"), max_length=200)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=DiscountStatus.choices,
        default=DiscountStatus.APPROVED,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审批人"),
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    # The service desk's compensation it carries out (approved there, by a supervisor).
    compensation = models.ForeignKey(
        "servicedesk.Compensation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discounts",
        verbose_name=_("工单补偿"),
    )
    # The prepayment incentive that granted it (approved by its policy).
    incentive = models.ForeignKey(
        PrepaymentIncentive,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discounts",
        verbose_name=_("预缴优惠"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("经办人"),
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    scope_community = "community"
    scope_owner_house = "line__house"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="discount_amount_positive"
            ),
            # An approved discount always names who approved it.
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_by__isnull=False),
                name="discount_approved_has_approver",
            ),
        ]
        indexes = [
            models.Index(
                fields=["community", "created_at"],
                condition=Q(status="requested"),
                name="discount_requested_idx",
            ),
        ]
        verbose_name = _("减免")
        verbose_name_plural = _("减免")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class MeterReading(AppendOnly):
    """A meter reading of a house (or a common area when `house` is empty)."""

    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("小区"),
    )
    house = models.ForeignKey(
        "estates.House",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meter_readings",
        verbose_name=_("房屋"),
    )
    area_name = models.CharField(_("公共区域"), max_length=50, blank=True)
    fee_item = models.ForeignKey(
        FeeItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("收费项目")
    )
    reading = models.DecimalField(_("读数"), max_digits=14, decimal_places=3)
    read_on = models.DateField(_("抄表日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("抄表人"),
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    scope_community = "community"
    scope_owner_house = "house"

    class Meta:
        ordering = ["fee_item_id", "house_id", "read_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["house", "area_name", "fee_item", "read_on"],
                name="meter_reading_unique",
            ),
            models.CheckConstraint(
                condition=Q(house__isnull=False) | ~Q(area_name=""),
                name="meter_reading_has_place",
            ),
        ]
        verbose_name = _("抄表读数")
        verbose_name_plural = _("抄表读数")

    def __str__(self) -> str:
        return f"{self.house_id or self.area_name} {self.read_on} {self.reading}"


class Payment(AppendOnly):
    """Money received (or, as a reversal, given back); one per idempotency key."""

    company = models.ForeignKey(
        "estates.Company",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("公司"),
    )
    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("小区"),
    )
    house = models.ForeignKey(
        "estates.House",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("房屋"),
    )
    kind = models.CharField(
        _("类型"),
        max_length=10,
        choices=PaymentKind.choices,
        default=PaymentKind.PAYMENT,
    )
    channel = models.CharField(_("收款方式"), max_length=20, choices=Channel.choices)
    amount = money_field(_("金额"))
    # The part no bill line took: an explicit prepayment credit of the house.
    credit_amount = money_field(_("预收金额"), default=ZERO)
    idempotency_key = models.CharField(_("幂等键"), max_length=80)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("收款人"),
    )
    received_at = models.DateTimeField(_("收款时间"), default=timezone.now)
    reversal_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("冲正原收款"),
    )
    # A refund (退款): the payment whose money it gives back (its credit, or what it
    # paid on a one-off line). A payment may be refunded in several parts.
    refund_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("退款原收款"),
    )
    reason = models.CharField(_("说明"), max_length=200, blank=True)

    scope_community = "community"
    scope_owner_house = "house"

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "idempotency_key"],
                name="payment_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="payment")
                    & Q(amount__gt=0)
                    & Q(reversal_of__isnull=True)
                    & Q(refund_of__isnull=True)
                )
                | (
                    Q(kind="reversal")
                    & Q(amount__lt=0)
                    & Q(reversal_of__isnull=False)
                    & Q(refund_of__isnull=True)
                )
                | (
                    Q(kind="refund")
                    & Q(amount__lt=0)
                    & Q(refund_of__isnull=False)
                    & Q(reversal_of__isnull=True)
                ),
                name="payment_amount_sign",
            ),
            # A refund gives back money no line holds (credit) or what it paid on a
            # line (an allocation): never more credit than its own amount.
            models.CheckConstraint(
                condition=~Q(kind="refund")
                | (Q(credit_amount__lte=0) & Q(credit_amount__gte=models.F("amount"))),
                name="payment_refund_credit_range",
            ),
        ]
        verbose_name = _("收款")
        verbose_name_plural = _("收款")

    def __str__(self) -> str:
        return f"{self.house_id} {self.amount} {self.get_channel_display()}"


class PaymentAllocation(AppendOnly):
    """The part of a payment that settles one bill line (negative for a reversal)."""

    payment = models.ForeignKey(
        Payment,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("收款"),
    )
    line = models.ForeignKey(
        BillLine,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("账单明细"),
    )
    amount = money_field(_("金额"))
    reversal_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("冲正原分配"),
    )
    # Set against the line later from the payment's prepayment credit (credit_apply),
    # not when the payment was taken: the receipt shows it as credit, as issued.
    from_credit = models.BooleanField(_("预收冲抵"), default=False)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    scope_community = "payment__community"
    scope_owner_house = "payment__house"

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0), name="allocation_amount_nonzero"
            )
        ]
        verbose_name = _("收款分配")
        verbose_name_plural = _("收款分配")

    def __str__(self) -> str:
        return f"{self.payment_id}→{self.line_id} {self.amount}"


class Receipt(AppendOnly):
    """The receipt (收据) of one payment, with a unique number such as SJ2026-000123."""

    company = models.ForeignKey(
        "estates.Company",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("公司"),
    )
    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("小区"),
    )
    payment = models.OneToOneField(
        Payment,
        on_delete=models.PROTECT,
        related_name="receipt",
        verbose_name=_("收款"),
    )
    number = models.CharField(_("收据号"), max_length=30)
    amount = money_field(_("金额"))
    amount_in_words = models.CharField(_("大写金额"), max_length=100)
    issued_at = models.DateTimeField(_("开具时间"), default=timezone.now)

    scope_community = "community"
    scope_owner_house = "payment__house"

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], name="receipt_number_unique"
            )
        ]
        verbose_name = _("收据")
        verbose_name_plural = _("收据")

    def __str__(self) -> str:
        return self.number


class PaymentIntent(AppendOnly):
    """An online payment order (在线支付订单) of a house: what the owner chose to pay,
    the provider's order, and the payment its verified callback recorded."""

    company = models.ForeignKey(
        "estates.Company",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("公司"),
    )
    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("小区"),
    )
    house = models.ForeignKey(
        "estates.House",
        on_delete=models.PROTECT,
        related_name="payment_intents",
        verbose_name=_("房屋"),
    )
    purpose = models.CharField(
        _("用途"),
        max_length=10,
        choices=IntentPurpose.choices,
        default=IntentPurpose.BILLS,
    )
    amount = money_field(_("金额"))
    # The bill lines chosen (all unpaid lines when the owner pays everything); empty
    # for a prepayment, which is kept as the house's credit.
    line_ids = models.JSONField(_("所选明细"), default=list, blank=True)
    months = models.PositiveSmallIntegerField(_("预缴月数"), default=0)
    # The incentive quoted when the owner ordered a prepayment (its price is what they
    # pay, even if the incentive ends before the provider calls back).
    incentive = models.ForeignKey(
        PrepaymentIncentive,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("预缴优惠"),
    )
    provider = models.CharField(
        _("支付渠道"), max_length=10, choices=PayProvider.choices
    )
    out_trade_no = models.CharField(_("商户订单号"), max_length=32, unique=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=IntentStatus.choices,
        default=IntentStatus.CREATED,
    )
    provider_txn_id = models.CharField(_("支付流水号"), max_length=64, blank=True)
    payment = models.OneToOneField(
        Payment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intent",
        verbose_name=_("收款"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    scope_community = "community"
    scope_owner_house = "house"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="payment_intent_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="paid")
                | (Q(payment__isnull=False) & ~Q(provider_txn_id="")),
                name="payment_intent_paid_has_payment",
            ),
        ]
        indexes = [
            models.Index(
                fields=["house", "status"], name="payment_intent_house_status"
            ),
        ]
        verbose_name = _("在线支付订单")
        verbose_name_plural = _("在线支付订单")

    def __str__(self) -> str:
        return self.out_trade_no


class Prepayment(AppendOnly):
    """预缴: N months of a house's property fee billed ahead in a bill of their own
    (`bill`), with the incentive's discounts, paid by `payment` (at the counter, or
    online: `source`). A billing run leaves these months' property fee to it."""

    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("小区"),
    )
    house = models.ForeignKey(
        "estates.House",
        on_delete=models.PROTECT,
        related_name="prepayments",
        verbose_name=_("房屋"),
    )
    bill = models.OneToOneField(
        Bill,
        on_delete=models.PROTECT,
        related_name="prepayment",
        verbose_name=_("账单"),
    )
    months = models.PositiveSmallIntegerField(_("预缴月数"))
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    gross = money_field(_("应收金额"))
    discount = money_field(_("优惠金额"), default=ZERO)
    net = money_field(_("实收金额"))
    incentive = models.ForeignKey(
        PrepaymentIncentive,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="prepayments",
        verbose_name=_("预缴优惠"),
    )
    source = models.CharField(
        _("来源"), max_length=10, choices=PrepaymentSource.choices
    )
    payment = models.OneToOneField(
        Payment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="prepayment",
        verbose_name=_("收款"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("经办人"),
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    scope_community = "community"
    scope_owner_house = "house"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # A billing run's batch looks up the prepaid months of its houses.
            models.Index(
                fields=["community", "house", "period_end"],
                name="prepayment_house_period_idx",
            ),
        ]
        verbose_name = _("预缴")
        verbose_name_plural = _("预缴")

    def __str__(self) -> str:
        return f"{self.house_id} {self.period_start}~{self.period_end} {self.net}"


class Refund(AppendOnly):
    """退款申请: money given back to an owner, asked for by a cashier and approved (or
    rejected) by another person with `billing.approve`.

    A refund gives back the unallocated prepayment credit of one payment (`kind`
    credit), or (part of) a paid one-off line such as a renovation deposit (`kind`
    line, `line` → it; `payment` → the payment that paid it). Approving writes the
    ledger rows in one transaction: the refund payment (negative, `refund_of` → the
    original payment) with its receipt (退款凭证) and, for a line, the 退还 line and its
    negative allocation. A rejected request stays, with the reviewer's note."""

    community = models.ForeignKey(
        "estates.Community",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("小区"),
    )
    house = models.ForeignKey(
        "estates.House",
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("房屋"),
    )
    kind = models.CharField(_("退款类型"), max_length=10, choices=RefundKind.choices)
    payment = models.ForeignKey(
        Payment,
        on_delete=models.PROTECT,
        related_name="refund_requests",
        verbose_name=_("原收款"),
    )
    line = models.ForeignKey(
        BillLine,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refund_requests",
        verbose_name=_("退还明细"),
    )
    amount = money_field(_("退款金额"))
    channel = models.CharField(_("退款方式"), max_length=20, choices=Channel.choices)
    reason = models.CharField(_("退款原因"), max_length=200)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=RefundStatus.choices,
        default=RefundStatus.REQUESTED,
    )
    # The request's own key (a double submit of the form asks once); blank: none.
    idempotency_key = models.CharField(_("幂等键"), max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("申请人"),
    )
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    refund_payment = models.OneToOneField(
        Payment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refund_request",
        verbose_name=_("退款记录"),
    )
    refund_line = models.OneToOneField(
        BillLine,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("退还明细行"),
    )

    scope_community = "community"
    scope_owner_house = "house"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="refund_amount_positive"
            ),
            models.CheckConstraint(
                condition=(Q(kind="credit") & Q(line__isnull=True))
                | (Q(kind="line") & Q(line__isnull=False)),
                name="refund_kind_target",
            ),
            # requested: undecided; approved: who and the ledger rows; rejected: who,
            # and nothing written.
            models.CheckConstraint(
                condition=(
                    Q(status="requested")
                    & Q(decided_by__isnull=True)
                    & Q(refund_payment__isnull=True)
                )
                | (
                    Q(status="approved")
                    & Q(decided_by__isnull=False)
                    & Q(refund_payment__isnull=False)
                )
                | (
                    Q(status="rejected")
                    & Q(decided_by__isnull=False)
                    & Q(refund_payment__isnull=True)
                ),
                name="refund_status_decision",
            ),
            # Nobody reviews their own request (the service says so first).
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | ~Q(decided_by=models.F("created_by")),
                name="refund_second_person",
            ),
            models.UniqueConstraint(
                fields=["community", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="refund_idempotency_key_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["community", "created_at"],
                condition=Q(status="requested"),
                name="refund_requested_idx",
            ),
        ]
        verbose_name = _("退款申请")
        verbose_name_plural = _("退款申请")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"
