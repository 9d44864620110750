"""Dangers said in Cantonese, Sichuan, northern or English words; open holes where
people are; sighs, bills, suggestions and praise that only sound like danger; the
hazards, blocked cars and outages the team calls urgent."""

from __future__ import annotations

import pytest

from anju.triage.classifier import classify, detector_fires
from anju.triage.lexicon import lexicon_tokens
from anju.triage.rules import SIGNAL, Cue, find_cues
from anju.triage.text import normalize


def _active(text: str, level: str) -> set[str]:
    return {
        c.kind for c in find_cues(normalize(text)) if c.level == level and not c.negated
    }


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Cantonese: the lift (𨋢, 較, 升降機) stopped with someone inside (喺入面, 困咗)
        ("7座部𨋢停咗喺半路，我老婆喺入面，門開唔到", "trapped"),
        ("部較壞咗停喺4樓，我個女困咗喺入面喊緊", "trapped"),
        ("升降機唔郁，有個阿伯焗喺入面成廿分鐘", "trapped"),
        # fire, gas, flooding, injury and crime in Cantonese
        ("後樓梯火燭呀，成層都係煙", "fire"),
        ("廚房石油氣好似漏緊氣，好大陣味", "gas"),
        ("停車場水浸到半個車轆咁高", "flooding"),
        ("我阿爺喺廁所跌親，頭流緊血", "injury"),
        ("隔籬屋俾人爆格，門鎖撬咗", "crime"),
        # Sichuan and northern
        ("我老汉儿在楼下遭电瓶车撞倒了，起不来", "injury"),
        ("俺家楼下那老太太一下子就歪倒了，叫也不应", "injury"),
        # English
        ("The bin store caught fire, flames are coming out of the door", "fire"),
        ("A delivery man collapsed by gate 3 and is not breathing", "injury"),
    ],
)
def test_dangers_in_dialect_and_english_are_emergencies(text, kind):
    # when an owner names a danger in Cantonese, Sichuan, northern or English words
    result = classify(text)
    # then a cue of that kind decides an emergency
    assert result["urgency"] == "emergency"
    assert result["urgency_source"] == "rule"
    assert kind in {c["kind"] for c in result["cues"]}


@pytest.mark.parametrize(
    "text",
    [
        "幼儿园后门的井盖不见了 一群孩子正在旁边追着玩",
        "施工队挖的深坑没围起来，几个小学生就在坑边上蹲着看",
        "The manhole cover outside block 2 is missing and kids are playing around the hole",
    ],
)
def test_an_open_hole_where_people_are_now_is_an_emergency(text):
    assert classify(text)["urgency"] == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        # nobody named, covered already, or only a risk (很容易掉下去)
        "东门路上的井盖不见了，晚上黑乎乎的，快来补",
        "那个没盖的井口我已经拿木板盖上了，你们来换个新的",
        "雨水井的盖子碎了，小孩骑车很容易掉下去",
    ],
)
def test_an_open_hole_with_nobody_there_is_urgent(text):
    assert classify(text)["urgency"] == "urgent"
    assert "falling" not in _active(text, "emergency")


@pytest.mark.parametrize(
    "text",
    [
        # a sigh, anger, a bill: no danger named
        "救命啊，楼上的钢琴从早弹到晚",
        "这个月物业费又涨了，我真是气炸了",
        "楼下烧烤店的音乐吵到半夜，我火都上来了",
        # a bill for gas is no gas
        "燃气费在物业前台能交吗？还是要去营业厅",
        # a suggestion that speaks of falls
        "建议在秋千下面铺上软垫，小孩摔下来太疼",
    ],
)
def test_sighs_bills_and_suggestions_are_not_emergencies(text):
    assert classify(text)["urgency"] != "emergency"


def test_someone_heard_crying_for_help_stays_an_emergency():
    # 救命 counts where a danger is named, or when someone is heard crying it
    assert classify("听到隔壁有人喊救命 好像是个老人")["urgency"] == "emergency"
    assert classify("救命 我爸在楼梯上摔倒了起不来")["urgency"] == "emergency"


def test_the_detector_does_not_vote_for_questions_suggestions_and_praise():
    fall = Cue("积水", "water", SIGNAL)
    # above the threshold with an active danger word: a repair or a complaint yes
    assert detector_fires([fall], 0.5, 0.0, "repair", "门口有积水")
    # a question, a suggestion or praise: no, unless the owner calls for help
    for ticket_type in ("consult", "suggestion", "praise"):
        assert not detector_fires([fall], 0.5, 0.0, ticket_type, "门口有积水")
    assert detector_fires([fall], 0.5, 0.0, "consult", "有没有人会急救 快来")
    # a praise that tells of water and an open window is no emergency
    text = "谢谢保洁大姐把楼道的积水拖干净了，还提醒我家窗户没关，太细心了"
    assert classify(text)["urgency"] != "emergency"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # loose over parked cars, nobody named: the team's urgent hazard
        ("车位上方那棵树有根大枝劈开了，吊在半空，下面停着三辆车", "hazard"),
        # a load-bearing wall being broken now, nobody in danger
        ("1503现在正在砸承重墙，整层都在震，赶紧来人制止", "structure"),
        # a car that cannot get out
        ("有人用地锁把我的车卡死在车位里，我要去上班", "car_blocked"),
        ("我的车被一辆面包车堵死了，挪车电话没人接，急着送孩子", "car_blocked"),
        # no gas for cooking
        ("家里燃气突然停了，灶打不着，晚上没法做饭", "no_gas"),
        # a gate that cannot be shut at night
        ("北门的伸缩门坏了合不上，晚上没法封闭", "locked_out"),
    ],
)
def test_hazards_blocked_cars_and_outages_are_urgent(text, kind):
    result = classify(text)
    # then urgent, never an emergency (no danger word left for the detector)
    assert result["urgency"] == "urgent"
    assert kind in _active(text, "urgent")
    assert not [
        c
        for c in find_cues(normalize(text))
        if c.level == SIGNAL
        and not c.negated
        and c.kind in ("fall", "burst", "trapped")
    ]


def test_someone_below_a_loose_branch_keeps_the_emergency():
    # the same branch over children playing now is an emergency
    text = "那棵树有根大枝劈开了 吊在半空晃 下面一群小孩在玩"
    assert classify(text)["urgency"] == "emergency"


def test_a_thing_to_handle_today_is_a_token_for_the_field_model():
    assert "#urg:today" in lexicon_tokens(normalize("楼道被堵了，今天必须来清走"))
    assert "#urg:today" not in lexicon_tokens(normalize("今天天气不错，谢谢保安大哥"))
