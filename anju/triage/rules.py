"""Explicit danger cues for urgency, with negation, past-event and hypothetical handling.

The linear model learns urgency from the corpus; these rules make sure that a message
that names a danger *now* (trapped, fire, smoke, gas smell, sparks, flooding, injury) is
never rated below `emergency`, and that "没有漏气", "不是着火", "上次着火的事" or
"万一着火" do not raise it. Rules read the normalised text (see text.normalize).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .codes import EMERGENCY, URGENT

# Clause boundaries: negation and "past event" markers only reach inside their clause.
_CLAUSE = re.compile(r"[，,。.!！?？;；\s~…]+|但是|不过|可是|结果|现在|然后")

# Lift context for the trapped patterns that are ambiguous on their own.
_LIFT = re.compile(r"电梯|电体|扶梯|轿厢|梯")

# (kind, level, pattern, needs_lift_context)
_CUES: list[tuple[str, str, str, bool]] = [
    # people trapped or caught
    ("trapped", EMERGENCY, r"困人|关人|夹人|昆人|困住人", False),
    ("trapped", EMERGENCY, r"被困|困住|困着|关着|关住|出不来|卡在|卡住", True),
    (
        "trapped",
        EMERGENCY,
        r"(困|关|卡|锁)(在|住|着)?.{0,2}(电梯|轿厢|里头|里面)",
        True,
    ),
    (
        "trapped",
        EMERGENCY,
        r"(我|人|孩|娃|老人|小朋友|女儿|儿子)[^，]{0,3}在(电梯)?里(面|头)",
        True,
    ),
    (
        "trapped",
        EMERGENCY,
        r"里(面|头)?(还)?有(个|一个|两个|人|小孩|老人|孩)",
        True,
    ),
    ("trapped", EMERGENCY, r"夹(到|住|伤|倒)|卷进", False),
    # fire
    (
        "fire",
        EMERGENCY,
        r"着火|起火|失火|火灾|火苗|明火|火光|火焰|火势|烧起来|烧着了|着伙|燃起来|自燃|爆炸|🔥",
        False,
    ),
    ("fire", EMERGENCY, r"着了.{0,3}火|(打|拨|叫)了?119", False),
    # smoke
    (
        "smoke",
        EMERGENCY,
        r"冒烟|浓烟|黑烟|烟雾|烟很大|烟好大|(好|很|老)大的烟|全是烟|有烟|烟从|冒黑烟|焦糊|焦味|烧焦|糊味",
        False,
    ),
    # gas
    (
        "gas",
        EMERGENCY,
        r"(煤气|燃气|天然气|煤起)的?(味|气味)|漏气(?!的?报警)|泄漏|泄露|臭鸡蛋味|嘶嘶",
        False,
    ),
    # burst pipe, flooding
    (
        "flooding",
        EMERGENCY,
        r"爆管|爆裂|(管|水箱|暖气片|接头|阀)[^，]{0,4}(爆|暴|崩|裂开|破裂)",
        False,
    ),
    (
        "flooding",
        EMERGENCY,
        r"水[^，]{0,8}(漫延|蔓延)|淹了|被淹|水淹|淹到|淹没|水漫金山|漫出来|水[^，]{0,6}(?<!倒)灌|(往下|往我家|往屋里)(灌|冲)|灌下来|哗哗|发大水|进水了|成瀑布|水柱|(管|爆)[^，]{0,8}喷",
        False,
    ),
    # sparks, electric shock
    (
        "sparks",
        EMERGENCY,
        r"火花|火星|打火(?!机)|短路|触电|被电(?!动|瓶|车)|电到|漏电|啪啪响",
        False,
    ),
    # injury, violence, people in danger
    (
        "injury",
        EMERGENCY,
        r"受伤|砸伤|咬伤|摔伤|烫伤|划伤|割伤|撞伤|流.{0,4}血|出血|见血|是血|头破|骨折|晕倒|昏倒|昏迷|叫不醒|不省人事|抽搐|跳楼|坠楼",
        False,
    ),
    (
        "injury",
        EMERGENCY,
        r"(人|孩|娃|老人|宝宝|小朋友)[^，]{0,4}(掉|摔|跌)(下|进|倒)|摔倒|倒地|倒在|躺在地上|摔下来|摔进|救命|救护车|(打|叫|拨)了?120",
        False,
    ),
    (
        "injury",
        EMERGENCY,
        r"砸到(了)?人|打(了)?人|打起来|打架|殴打|持刀|拿刀|砍门|在撬|撬我家|撬门|进小偷|咬人|咬了|跟踪|一直跟着|爬到.{0,3}(窗|阳台).{0,2}外",
        False,
    ),
    # urgent: no water / power, lifts out of service, sewage backflow, hazard about to fall
    (
        "no_water",
        URGENT,
        r"停水|没水|没有水|冇水|没得水|么得水|一滴水|水压太低|不出水",
        False,
    ),
    (
        "no_power",
        URGENT,
        r"(家|屋|楼|单元|小区|全|都|整|我们|突然)[^，]{0,6}(没电|停电|没有电|冇电|全黑)|跳闸|停电了",
        False,
    ),
    (
        "lift_out",
        URGENT,
        r"电梯(又|全|都|全部|突然|也)?(坏了|坏咯|坏脱|怀了|停了|停运|停用|不动|不运行|不得动|故障|趴窝)|电梯[^，]{0,4}(全停|全部停|停运)|所有电梯",
        False,
    ),
    (
        "sewage",
        URGENT,
        r"反水|返水|倒灌|冒污水|粪水|污水.{0,4}(冒|溢|倒)|溢出|往外溢",
        False,
    ),
    (
        "hazard",
        URGENT,
        r"要掉|快掉|随时.{0,6}(掉|砸|倒|塌|飞)|摇摇晃晃|在晃|一直在晃|要塌|快塌|快倒|要倒|歪了|松了.{0,6}(掉|砸)|断了.{0,6}挂",
        False,
    ),
    (
        "leak_into_home",
        URGENT,
        r"漏到我家|往我家(流|滴|漏)|一直(在)?滴|关不(上|住|掉)[^，]{0,4}水|水[^，]{0,6}关不(上|住|掉)",
        False,
    ),
]
_COMPILED = [(k, lvl, re.compile(p), lift) for k, lvl, p, lift in _CUES]

# Words just before a cue (or inside it) that deny it: 没有漏气, 不是着火, 差点砸到人.
_NEGATION = re.compile(
    r"没有|没|不是|不|无|未|并非|非|别|差点|险些|幸好|还好|幸亏|气得|气到|会|可能|容易|小心|防止|以防|避免"
)
_NEG_WINDOW = 4
# Markers anywhere in the clause that make it a past event or a hypothesis.
_PAST = re.compile(
    r"上次|上回|上个月|上周|上礼拜|之前|以前|去年|前几天|前两天|前阵子|那次|那回|后来|原因|结果出来|"
    r"处理结果|事故|(的|那个|那件)事|已经修好|修好了|已经处理|已经解决"
)
_HYPOTHETICAL = re.compile(
    r"万一|如果|是不是真|要是|假如|假设|的话|怕|担心|会不会|是否|自救|演练|指南|应急|灭火毯|隐患|的时候(用|要|怎么|该|能)|建议"
)
# Message-wide: a fire that has been put out is no longer a fire.
_PUT_OUT = re.compile(r"扑灭|灭了|灭掉了|浇灭")


@dataclass(frozen=True)
class Cue:
    """One danger or urgency cue found in the text."""

    text: str
    kind: str
    level: str
    negated: str = ""  # "", "negation", "past", "hypothetical", "put_out"

    def as_dict(self) -> dict:
        out = {"cue": self.text, "kind": self.kind, "level": str(self.level)}
        if self.negated:
            out["negated"] = self.negated
        return out


def find_cues(normalized: str) -> list[Cue]:
    """All cues in the text, each marked negated (and why) or not. Order: text order."""
    has_lift = bool(_LIFT.search(normalized))
    put_out = bool(_PUT_OUT.search(normalized))
    found: list[tuple[int, Cue]] = []
    offset = 0
    for clause in _split(normalized):
        start_of_clause = normalized.find(clause, offset)
        offset = start_of_clause + len(clause)
        past = _PAST.search(clause)
        hypo = _HYPOTHETICAL.search(clause)
        for kind, level, pattern, needs_lift in _COMPILED:
            if needs_lift and not has_lift:
                continue
            for m in pattern.finditer(clause):
                before = clause[max(0, m.start() - _NEG_WINDOW) : m.start()]
                before = before.replace("是不是", "").replace("有没有人", "")
                inside = m.group(0)
                if _NEGATION.search(before) or re.search(r"没|不|未|差点|险些", inside):
                    why = "negation"
                elif past:
                    why = "past"
                elif hypo:
                    why = "hypothetical"
                elif put_out and kind in ("fire", "smoke"):
                    why = "put_out"
                else:
                    why = ""
                found.append(
                    (start_of_clause + m.start(), Cue(inside, kind, level, why))
                )
    found.sort(key=lambda item: item[0])
    seen: set[tuple[str, str]] = set()
    out = []
    for _pos, cue in found:
        key = (cue.text, cue.negated)
        if key not in seen:
            seen.add(key)
            out.append(cue)
    return out


def _split(text: str) -> list[str]:
    return [c for c in _CLAUSE.split(text) if c and c.strip()]
