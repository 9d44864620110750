"""The learned emergency detector: a second opinion for dangers the rules do not name,
that speaks only when the message holds an active danger word."""

from __future__ import annotations

import pytest

from anju.triage.classifier import classify, classify_many, detector_fires, get_model
from anju.triage.rules import SIGNAL, Cue, find_cues
from anju.triage.text import normalize


@pytest.mark.parametrize(
    "text",
    [
        "楼下有人晕在电梯口了 脸色发白 叫了半天",
        "配电房里面轰的一声 灯全灭了 一股怪味",
        "地库B2那边有个人捂着胸口蹲在地上 说不出话",
        "地下室的水已经漫到脚踝了 还在往上涨 车都泡着",
        "小孩的脑袋被楼梯栏杆夹着了 出不来 哭得厉害",
    ],
)
def test_the_detector_flags_dangers_that_no_rule_names(text):
    # given a message in which no danger cue is active
    assert not [
        c
        for c in find_cues(normalize(text))
        if c.level == "emergency" and not c.negated
    ]
    # when it is classified
    result = classify(text)
    # then the detector makes it an emergency and names the danger words it read
    assert result["urgency"] == "emergency"
    assert result["urgency_source"] == "model"
    assert result["cues"]
    assert all(c["level"] == "emergency" for c in result["cues"])
    assert 0.5 <= result["confidence"]["urgency"] <= 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # no danger word at all: a loose canopy is the team's urgent hazard
        ("单元门口的雨棚好像有点松 下面人来人往的", "urgent"),
        # danger words, all explained away: harmless, past, denied
        ("树上挂着一个风筝，小孩够不着，能帮忙拿下来吗", "normal"),
        ("小区门口挂着的横幅被风吹破了 在晃 好多人看", "normal"),
        ("灶台打火一直咔咔响就是点不着，没有闻到煤气味", "normal"),
        ("我女儿手指被门夹了一下 有点红 没破皮 问下门的缓冲能不能调", "normal"),
    ],
)
def test_the_detector_needs_an_active_danger_word(text, expected):
    result = classify(text)
    assert result["urgency"] == expected
    # danger signals are features, never reported as ignored rule cues
    assert all(c["level"] != SIGNAL for c in result["ignored_cues"])


@pytest.mark.parametrize(
    "text",
    [
        "我家孩子被电梯门夹了一下 没受伤 但感觉门的感应不太灵 麻烦检查下",
        "3座部𨋢道門閂唔埋，停咗喺地下唔郁，冇人困喺入面，快啲搵人嚟整",
        "老槐树有根大枝裂开了 吊在那里 下面是草坪平时没人走 先拉个线吧",
    ],
)
def test_nobody_at_risk_explains_the_danger_words_away(text):
    # nobody hurt, nobody inside (Cantonese 冇人), nobody below: the danger words are
    # harmless and the detector does not vote
    cues = find_cues(normalize(text))
    assert [c.negated for c in cues if c.level == SIGNAL]
    assert all(c.negated for c in cues if c.level in (SIGNAL, "emergency"))
    assert classify(text)["urgency"] != "emergency"


def test_detector_vote_rule():
    fall = Cue("掉", "fall", SIGNAL)
    fall_harmless = Cue("掉", "fall", SIGNAL, negated="harmless")
    fire_past = Cue("着火", "fire", "emergency", negated="past")
    # above the threshold with an active danger word: yes
    assert detector_fires([fall], 0.5, 0.0)
    assert detector_fires([fire_past, fall], 0.5, 0.0)
    # at or below the threshold: no
    assert not detector_fires([fall], 0.0, 0.0)
    # no danger word, or every one explained away: no
    assert not detector_fires([], 5.0, 0.0)
    assert not detector_fires([fall_harmless, fire_past], 5.0, 0.0)
    assert not detector_fires([Cue("没水", "no_water", "urgent")], 5.0, 0.0)


def test_the_committed_detector_has_its_threshold_and_training_record():
    model = get_model()
    # trained on the train split and the development sets, threshold out of fold
    assert model.det_trained_on.startswith("train+dev:")
    assert len(model.det_index) > 1000
    assert model.det_weights.shape == (len(model.det_index),)
    assert -2.0 < model.det_threshold < 2.0


def test_detector_answers_in_a_batch_are_the_answers_one_by_one():
    texts = [
        "楼下有人晕在电梯口了 脸色发白 叫了半天",
        "树上挂着一个风筝，小孩够不着",
        "电梯困人了，快来",
        "物业费怎么交？",
    ]
    assert classify_many(texts) == [classify(t) for t in texts]
