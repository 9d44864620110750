"""Codes for dunning (催缴, DOMAIN §5): stages, segments, channels, outcomes.

Civil Code art. 944: a property company may not cut water, power, gas or heating to
collect fees. No stage, channel, task kind or outcome here does anything of the kind,
and `tests/test_no_utility_cut.py` keeps it that way.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    # 提醒：短信、微信、电话、上门提醒缴费
    REMINDER = "reminder", _("提醒")
    # 书面催缴通知书（PDF），须送达业主并留存送达凭证
    NOTICE = "notice", _("催缴通知书")
    # 律师函（PDF），以律师事务所名义发出
    LAWYER_LETTER = "lawyer_letter", _("律师函")
    # 申请人民调解或其他调解
    MEDIATION = "mediation", _("调解")
    # 向人民法院起诉（或申请仲裁）
    LAWSUIT = "lawsuit", _("诉讼")


STAGE_ORDER = [s.value for s in Stage]

# The allowed moves; anything else is `dunning_invalid_transition`. Moving on from a
# notice needs a notice delivered to the owner (see services.case_move).
TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.REMINDER: frozenset({Stage.NOTICE}),
    Stage.NOTICE: frozenset({Stage.LAWYER_LETTER, Stage.MEDIATION, Stage.LAWSUIT}),
    Stage.LAWYER_LETTER: frozenset({Stage.MEDIATION, Stage.LAWSUIT}),
    Stage.MEDIATION: frozenset({Stage.LAWSUIT}),
    Stage.LAWSUIT: frozenset(),
}
# Stages that need a delivered 催缴通知书 first: no skipping to the lawyers or the court.
NEEDS_DELIVERED_NOTICE = frozenset(
    {Stage.LAWYER_LETTER, Stage.MEDIATION, Stage.LAWSUIT}
)
# Filing for mediation or a lawsuit interrupts the limitation period (art. 195 (3)(4)).
INTERRUPTING_STAGES = frozenset({Stage.MEDIATION, Stage.LAWSUIT})
# Campaign reminders reach cases up to the lawyer's letter; mediation and lawsuits are
# handled by the people in charge of them.
CAMPAIGN_STAGES = (Stage.REMINDER, Stage.NOTICE, Stage.LAWYER_LETTER)


class CaseStatus(models.TextChoices):
    OPEN = "open", _("催缴中")
    PAID = "paid", _("已结清")  # nothing owed any more (closed by staff or the sync)
    CLOSED = "closed", _("已结案")  # mediated, judged, or closed with a reason


class CloseReason(models.TextChoices):
    PAID = "paid", _("已缴清")
    MEDIATED = "mediated", _("调解结案")
    JUDGED = "judged", _("判决/执行结案")
    OTHER = "other", _("其他")


class Segment(models.TextChoices):
    # oldest arrears 30–90 days overdue
    SHORT_OVERDUE = "short_overdue", _("短期欠费（1–3个月）")
    # oldest arrears more than 90 days overdue
    LONG_OVERDUE = "long_overdue", _("长期欠费（3个月以上）")
    # the owner disputes the fee: no automatic reminders until it is resolved
    DISPUTED = "disputed", _("有争议")
    # the house is vacant (空置房)
    VACANT = "vacant", _("空置房")


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")
    PHONE = "phone", _("电话")
    VISIT = "visit", _("上门")


# Sent through notifications.notify() (quiet hours apply there).
AUTO_CHANNELS = (Channel.SMS, Channel.WECHAT)
# A contact task for a person: phone call or visit.
TASK_CHANNELS = (Channel.PHONE, Channel.VISIT)


class ContactStatus(models.TextChoices):
    PENDING = "pending", _("待联系")  # a phone/visit task not done yet
    SENT = "sent", _("已发送")  # handed to notify(); quiet hours may hold it
    DONE = "done", _("已联系")  # the outcome is recorded
    SKIPPED = "skipped", _("未发送")  # nobody to send to on that channel
    CANCELLED = "cancelled", _("已取消")  # the case closed before the task was done


class Outcome(models.TextChoices):
    REACHED = "reached", _("已沟通")
    PROMISED = "promised", _("承诺缴费")
    REFUSED = "refused", _("拒绝缴费")
    DISPUTED = "disputed", _("提出异议")
    NO_ANSWER = "no_answer", _("无人接听")
    NOT_HOME = "not_home", _("无人在家")
    WRONG_NUMBER = "wrong_number", _("号码错误")


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("待兑现")
    KEPT = "kept", _("已兑现")
    BROKEN = "broken", _("未兑现")
    REPLACED = "replaced", _("已改期")  # a later promise on the same case replaced it


class DisputeKind(models.TextChoices):
    SERVICE = "service", _("对服务质量不满")
    AMOUNT = "amount", _("面积/单价/金额有误")
    PAID = "paid", _("称已缴费")
    HOUSE_QUALITY = "house_quality", _("房屋质量问题")
    VACANT = "vacant", _("未入住/空置")
    OTHER = "other", _("其他")


class DocumentKind(models.TextChoices):
    NOTICE = "notice", _("催缴通知书")
    LAWYER_LETTER = "lawyer_letter", _("律师函")


DOCUMENT_PREFIX = {DocumentKind.NOTICE: "CJ", DocumentKind.LAWYER_LETTER: "LSH"}
DOCUMENT_WIDTH = 6
# The stage whose move issues each document.
STAGE_DOCUMENT = {
    Stage.NOTICE: DocumentKind.NOTICE,
    Stage.LAWYER_LETTER: DocumentKind.LAWYER_LETTER,
}


class EvidenceKind(models.TextChoices):
    DELIVERY = "delivery", _("送达凭证")  # a document delivered: method, date, receiver
    CALL_LOG = "call_log", _("通话记录")
    FILING = "filing", _("调解/诉讼材料")
    OTHER = "other", _("其他")


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", _("直接送达（本人签收）")
    POST = "post", _("邮寄送达（EMS）")
    LEFT = "left", _("留置送达")
    POSTED = "posted", _("张贴送达")
    ELECTRONIC = "electronic", _("电子送达")


class EventKind(models.TextChoices):
    OPENED = "opened", _("立案")
    STAGE = "stage", _("阶段变更")
    DOCUMENT = "document", _("生成文书")
    EVIDENCE = "evidence", _("上传证据")
    DELIVERY = "delivery", _("送达")
    CONTACT = "contact", _("联系")
    DISPUTE = "dispute", _("业主提出异议")
    DISPUTE_RESOLVED = "dispute_resolved", _("异议已处理")
    PROMISE_BROKEN = "promise_broken", _("承诺未兑现")
    CLOSED = "closed", _("结案")


class CampaignStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    ENDED = "ended", _("已结束")
