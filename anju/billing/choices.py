"""Codes for fees and payments (DOMAIN §5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

RECEIPT_PREFIX = "SJ"  # 收据 SJ2026-000123
RECEIPT_WIDTH = 6


class FeeKind(models.TextChoices):
    # 单价(元/m²/月) × 建筑面积 × 月数
    AREA_BASED = "area_based", _("按面积")
    # 固定月费：车位租金、车位管理费
    FIXED_MONTHLY = "fixed_monthly", _("固定月费")
    # 抄表：(本期读数 − 上期读数) × 单价
    METERED = "metered", _("抄表计费")
    # 一次性：押金、有偿服务、赔偿
    ONE_OFF = "one_off", _("一次性")
    # 滞纳金：逾期欠费按日费率计收（仅合同约定且小区启用时），由批处理写入
    LATE_FEE = "late_fee", _("滞纳金")


PERIODIC_KINDS = (FeeKind.AREA_BASED, FeeKind.FIXED_MONTHLY)


class Cycle(models.TextChoices):
    # 自然月：每月1日至月末
    NATURAL = "natural", _("自然月")
    # 按交付日：如16日至次月15日
    DELIVERY_ANCHORED = "delivery_anchored", _("按交付日")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("进行中")  # started, or crashed: a rerun continues it
    COMPLETED = "completed", _("已完成")


class LineKind(models.TextChoices):
    PERIODIC = "periodic", _("周期费用")  # written by a billing run, one per period
    ONE_OFF = "one_off", _("一次性费用")
    REVERSAL = "reversal", _("冲销")  # negative twin of a voided line
    # 退还: a negative line giving back (part of) a paid one-off line such as a
    # deposit (`refund_of` → it), settled at once by a refund payment's negative
    # allocation; the original line stays as it was (paid)
    REFUND = "refund", _("退还")
    # 滞纳金: accrued on an overdue periodic/one-off line (`late_fee_of`), never on
    # another late fee; one per (line, accrued-through day)
    LATE_FEE = "late_fee", _("滞纳金")


class LineStatus(models.TextChoices):
    UNPAID = "unpaid", _("未缴")
    PARTIAL = "partial", _("部分缴纳")
    PAID = "paid", _("已缴清")
    VOID = "void", _("已冲销")  # voided by a reversal line; never deleted
    # replaced by the lines of a split or a merge (BillLineChange); never deleted
    SUPERSEDED = "superseded", _("已拆分/合并")


# Lines that still owe money (arrears when past their due date).
OPEN_LINE_STATUSES = (LineStatus.UNPAID, LineStatus.PARTIAL)
# Lines that no longer count in a bill's total: voided (with their reversal lines) and
# superseded by a split or merge (their replacements count instead). A bill's total is
# the sum of its other lines.
CLOSED_LINE_STATUSES = (LineStatus.VOID, LineStatus.SUPERSEDED)
# Lines a late fee may accrue on: charges, never late fees themselves (no compounding).
LATE_FEE_BASE_KINDS = (LineKind.PERIODIC, LineKind.ONE_OFF)


class LineChangeKind(models.TextChoices):
    SPLIT = "split", _("拆分")  # one line → several (instalments)
    MERGE = "merge", _("合并")  # several lines of one fee item → one


class BillStatus(models.TextChoices):
    UNPAID = "unpaid", _("未缴")
    PARTIAL = "partial", _("部分缴纳")
    PAID = "paid", _("已缴清")


class Channel(models.TextChoices):
    CASH = "cash", _("现金")
    BANK_TRANSFER = "bank_transfer", _("银行转账")
    POS = "pos", _("POS刷卡")
    WECHAT = "wechat", _("微信")
    ALIPAY = "alipay", _("支付宝")
    WITHHOLDING = "withholding", _("银行代扣")


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", _("收款")
    REVERSAL = "reversal", _("冲正")  # negative twin of a payment, references it
    # money given back after a second person's approval (退款审批): negative, `refund_of`
    # → the payment whose money goes back; several partial refunds per payment
    REFUND = "refund", _("退款")


class DiscountKind(models.TextChoices):
    COMPENSATION = "compensation", _("赔偿减免")
    PREPAYMENT = "prepayment", _("预缴优惠")
    OTHER = "other", _("其他减免")


class DiscountStatus(models.TextChoices):
    # asked for by a cashier; the line is not reduced until a manager approves
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")  # reduces the line; `approved_by` says who
    REJECTED = "rejected", _("已驳回")


class RefundKind(models.TextChoices):
    """What a refund (退款) gives back (anju.billing.refunds)."""

    # from a payment's unallocated prepayment credit (an overpayment, a prepayment)
    CREDIT = "credit", _("预收款退款")
    # a paid one-off line (装修押金, a paid service) given back, whole or in part
    LINE = "line", _("押金/一次性费用退还")


class RefundStatus(models.TextChoices):
    # asked for by a cashier; nothing is given back until another person approves
    REQUESTED = "requested", _("待审批")
    # approved: the refund payment, its receipt (退款凭证) and any 退还 line exist
    APPROVED = "approved", _("已退款")
    REJECTED = "rejected", _("已驳回")  # kept, with the reviewer's note


# Channels that can only give money back to where it came from: a refund by one of
# these must go back by the original payment's own channel. Cash and bank transfer
# can always be used.
REFUND_ORIGINAL_ONLY_CHANNELS = (Channel.POS, Channel.WECHAT, Channel.ALIPAY)
REFUND_ANY_CHANNELS = (Channel.CASH, Channel.BANK_TRANSFER)


class IncentiveKind(models.TextChoices):
    """Prepayment incentives (预缴优惠, DOMAIN §5)."""

    PERCENT = "percent", _("按比例优惠")  # e.g. 12 months prepaid → 5 % off
    FREE_MONTHS = "free_months", _("免收月数")  # e.g. 12 months → the last one free


class PrepaymentSource(models.TextChoices):
    COUNTER = "counter", _("柜台")  # a cashier took the money
    PORTAL = "portal", _("业主端")  # the owner paid online


class PayProvider(models.TextChoices):
    """Online payment providers (anju.billing.online)."""

    WECHAT = "wechat", _("微信支付")
    ALIPAY = "alipay", _("支付宝")
    # development only (`make run`), refused by the production settings
    SANDBOX = "sandbox", _("模拟支付")


class IntentStatus(models.TextChoices):
    CREATED = "created", _("待支付")  # order created, waiting for the provider
    PAID = "paid", _("已支付")  # verified callback recorded the payment
    FAILED = "failed", _("支付失败")  # the provider closed or refused the order
    # not paid in time; a paid callback arriving later still settles it
    EXPIRED = "expired", _("已过期")


class IntentPurpose(models.TextChoices):
    BILLS = "bills", _("缴纳账单")  # the chosen (or all) unpaid lines
    PREPAY = "prepay", _("预缴物业费")  # N months ahead, kept as prepayment credit
