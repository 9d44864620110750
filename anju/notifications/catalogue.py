"""Events and their default Chinese templates, per channel.

Subject and body use Django template syntax over the context the caller passes to
`notify()`. A community (or the whole company) may override any of them in the admin
(`MessageTemplate`); what is shipped here is the fallback. SMS bodies carry the sign-off
the SMS vendors require (【安居物业】) and stay short; WeChat bodies become the template
message's content.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


SIGN = "【安居物业】"

EVENTS: dict[str, str] = {
    "sla_breach": "工单超时",
    "sla_breach_digest": "工单超时汇总",
    "ticket_assigned": "工单派单",
    "ticket_resolved": "报事办结",
    "bill_issued": "账单通知",
    "arrears_reminder": "欠费催缴",
    "dunning_reminder": "催缴提醒",
    "announcement": "小区公告",
}

DEFAULT_TEMPLATES: dict[str, dict[str, Template]] = {
    "sla_breach": {
        "inbox": Template(
            "工单 {{ number }} {{ clock }}超时",
            "{{ community }} 工单 {{ number }}（{{ category }}）{{ clock }}时限 {{ due }} 已过，"
            "责任人：{{ assignee|default:'未指派' }}。请尽快处理。",
        ),
        "email": Template(
            "【安居】工单 {{ number }} {{ clock }}超时提醒",
            "您好：\n\n{{ community }} 的工单 {{ number }}（{{ category }}）{{ clock }}时限 "
            "{{ due }} 已过，目前责任人：{{ assignee|default:'未指派' }}。\n\n"
            "内容：{{ description }}\n\n请尽快处理。\n\n安居物业服务平台",
        ),
        "sms": Template(
            "",
            "{{ sign }}工单{{ number }}{{ clock }}已超时（时限{{ due }}），请尽快处理。",
        ),
        "wechat": Template(
            "工单超时提醒",
            "工单 {{ number }} {{ clock }}已超时，时限 {{ due }}，"
            "责任人：{{ assignee|default:'未指派' }}。",
        ),
    },
    "sla_breach_digest": {
        "inbox": Template(
            "{{ community }} {{ count }} 张工单超时",
            "本次巡检发现 {{ community }} 有 {{ count }} 张工单超时：{{ numbers }}"
            "{% if more %} 等{% endif %}。请在工作台“已超时”队列中处理。",
        ),
        "email": Template(
            "【安居】{{ community }} {{ count }} 张工单超时",
            "您好：\n\n本次巡检发现 {{ community }} 有 {{ count }} 张工单超时：\n"
            "{{ numbers }}{% if more %} 等{% endif %}\n\n请在工作台“已超时”队列中处理。"
            "\n\n安居物业服务平台",
        ),
    },
    "ticket_assigned": {
        "inbox": Template(
            "新派单：{{ number }}",
            "{{ community }} {{ location }}：{{ description }}（{{ urgency }}）",
        ),
        "sms": Template(
            "",
            "{{ sign }}您有新派单{{ number }}：{{ location }}，{{ urgency }}，请及时处理。",
        ),
        "wechat": Template(
            "派单通知", "工单 {{ number }}：{{ location }} {{ description }}"
        ),
    },
    "ticket_resolved": {
        "inbox": Template(
            "您的报事 {{ number }} 已办结",
            "您于 {{ created }} 提交的报事（{{ category }}）已处理完毕：{{ resolution }}。"
            "如有疑问请致电 {{ phone }}。",
        ),
        "sms": Template(
            "",
            "{{ sign }}您的报事{{ number }}已办结，如有疑问请致电{{ phone }}。",
        ),
        "wechat": Template(
            "报事办结通知", "您的报事 {{ number }} 已办结：{{ resolution }}"
        ),
    },
    "bill_issued": {
        "inbox": Template(
            "{{ period }} 账单已出",
            "{{ house }} {{ period }} 应缴 {{ amount }} 元，请于 {{ due }} 前缴纳。",
        ),
        "email": Template(
            "【安居】{{ house }} {{ period }} 物业账单",
            "尊敬的业主：\n\n{{ house }} {{ period }} 应缴 {{ amount }} 元，"
            "请于 {{ due }} 前缴纳。\n\n安居物业",
        ),
        "sms": Template(
            "",
            "{{ sign }}{{ house }}{{ period }}应缴{{ amount }}元，请于{{ due }}前缴纳。",
        ),
        "wechat": Template("账单通知", "{{ house }} {{ period }} 应缴 {{ amount }} 元"),
    },
    "arrears_reminder": {
        "inbox": Template(
            "缴费提醒",
            "{{ house }} 尚有 {{ amount }} 元物业费未缴，请尽快缴纳。如已缴纳请忽略。",
        ),
        "sms": Template(
            "",
            "{{ sign }}{{ house }}尚有{{ amount }}元物业费未缴，请尽快缴纳。如已缴纳请忽略。",
        ),
        "wechat": Template("缴费提醒", "{{ house }} 尚有 {{ amount }} 元未缴"),
    },
    # a dunning campaign's own script (anju/dunning): `title`, `text`
    "dunning_reminder": {
        "inbox": Template("{{ title }}", "{{ text }}"),
        "sms": Template("", "{{ sign }}{{ text }}"),
        "wechat": Template("{{ title }}", "{{ text }}"),
    },
    "announcement": {
        "inbox": Template("{{ title }}", "{{ text }}"),
        "email": Template("【{{ community }}】{{ title }}", "{{ text }}"),
        "sms": Template("", "{{ sign }}{{ title }}：{{ text }}"),
        "wechat": Template("{{ title }}", "{{ text }}"),
    },
}
