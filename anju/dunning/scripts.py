"""催缴话术: the default script of each segment, rendering, and what no script may say.

A script is plain text with `{{ name }}` placeholders, filled in per house. It is not a
Django template (finance staff write scripts, and a template language is more than a
text needs). Civil Code art. 944 forbids cutting water, power, gas or heating to
collect fees; a script that threatens it (or to lock owners out) is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .choices import Segment

PLACEHOLDERS = {
    "house": "房屋",
    "owner": "业主称呼",
    "community": "小区",
    "amount": "欠费金额（元）",
    "since": "最早欠费到期日",
    "months": "欠费月数",
    "phone": "服务中心电话",
    "dispute": "异议内容",
}
TOKEN = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")

DEFAULT_SCRIPTS: dict[str, str] = {
    Segment.SHORT_OVERDUE: (
        "{{ owner }}您好，这里是{{ community }}物业服务中心。您的房屋{{ house }}"
        "尚有物业费等费用{{ amount }}元未缴（最早一笔于{{ since }}到期）。"
        "您可以在业主端在线缴费、办理银行代扣，或到服务中心缴纳。"
        "如已缴纳请忽略本提醒，感谢您对我们工作的支持！"
    ),
    Segment.LONG_OVERDUE: (
        "{{ owner }}您好，这里是{{ community }}物业服务中心。您的房屋{{ house }}"
        "自{{ since }}起已累计{{ months }}个月未缴物业费，共{{ amount }}元。"
        "物业费用于小区保洁、绿化、秩序维护和共用设施设备的运行维护，"
        "请您尽快缴清。如对费用有疑问或缴费有困难，请致电{{ phone }}"
        "或到服务中心与我们协商，我们会为您逐项核对、说明。"
    ),
    Segment.DISPUTED: (
        "{{ owner }}您好，我是{{ community }}物业服务中心的工作人员。"
        "关于您对{{ house }}物业费提出的意见（{{ dispute }}），我们已经进行了核实，"
        "今天想向您当面说明核实结果和处理措施，也请您谈谈还有哪些不满意的地方。"
        "对服务的意见我们会登记并限期整改；费用确有差错的会予以更正。"
        "问题说清楚后，也请您支持我们的工作，按时缴纳物业费。"
    ),
    Segment.VACANT: (
        "{{ owner }}您好，这里是{{ community }}物业服务中心。您的房屋{{ house }}"
        "目前处于空置状态，小区公共区域的保洁、绿化、秩序维护和设施设备维护"
        "照常进行，物业费需照常缴纳（空置房如有减免已在账单中计算）。"
        "目前尚有{{ amount }}元未缴，您不在本地也可以通过业主端在线缴费或办理"
        "银行代扣。如有疑问请致电{{ phone }}。"
    ),
}

# Civil Code art. 944 (no cutting water, power, heating or gas to collect fees), and
# local property regulations (no locking owners out of lifts or gates).
FORBIDDEN = re.compile(
    r"(停|断|限|切断|中断|关停|停止|暂停)(供)?"
    r"(水|电(?!话|梯|子|脑|视|邮)|燃?气|煤气|天然气|暖气?|热(?!线|情|心)|供暖|供热)"
    r"|拉闸|关闸"
    r"|(停用|限制|关闭|冻结)(门禁|电梯|梯控|出入)"
)


def forbidden_phrases(text: str) -> list[str]:
    """What in `text` threatens to cut utilities or lock the owner out ([] if nothing)."""
    squeezed = re.sub(r"[\s，,、。．.·・\-—_]+", "", text or "")
    return [m.group(0) for m in FORBIDDEN.finditer(squeezed)]


def unknown_placeholders(script: str) -> list[str]:
    return sorted({n for n in TOKEN.findall(script or "") if n not in PLACEHOLDERS})


def render_script(script: str, values: Mapping[str, object]) -> str:
    """Fill the placeholders; one that has no value reads as an empty string."""

    def fill(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return "" if value is None else str(value)

    return TOKEN.sub(fill, script or "").strip()
