"""The classifier on the committed model: danger cues, negation, determinism, goals."""

from __future__ import annotations

import pytest

from anju.triage.classifier import EmptyText, classify, get_model
from anju.triage.evaluation import evaluate
from anju.triage.model import MODEL_PATH, LinearModel
from anju.triage.training import load_rows


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("电梯困人了，3栋2单元，我妈在里面出不来", "trapped"),
        ("着火了！7栋12楼窗户往外冒火光", "fire"),
        ("楼道里全是浓烟，看不清路", "smoke"),
        ("单元里一股很重的煤气味，不知道哪家的", "gas"),
        ("楼上水管爆了，水从天花板往下灌，赶紧派人关阀门！", "flooding"),
        ("楼道电表箱在冒火花，噼里啪啦的", "sparks"),
        ("有个老人在花园摔倒了，头在流血", "injury"),
    ],
)
def test_domain_emergencies_are_emergency_with_the_deciding_cue(text, kind):
    # given one of DOMAIN §3's emergency examples
    # when it is classified
    result = classify(text)
    # then it is an emergency decided by a danger cue of that kind
    assert result["urgency"] == "emergency"
    assert result["urgency_source"] == "rule"
    assert kind in {c["kind"] for c in result["cues"]}


def test_burst_pipe_message_from_the_issue_is_a_plumbing_repair_emergency():
    # given the issue's example message
    text = "楼上水管爆了，水从天花板往下灌，赶紧派人关阀门！"
    # when it is classified
    result = classify(text)
    # then every field is what an agent would choose
    assert (result["type"], result["category"], result["urgency"]) == (
        "repair",
        "plumbing",
        "emergency",
    )


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("没有漏气，就是燃气表的数字跳得有点快，想请人看看", "negation"),
        ("不是着火，是楼下在阳台烧烤，烟飘上来了", "negation"),
        ("上次着火的事后来查清楚原因了吗？", "past"),
        ("消防通道被堵了，万一着火消防车进不来", "hypothetical"),
        ("电梯刚才停了一下又好了，没有困人，麻烦检查一下", "negation"),
    ],
)
def test_negated_past_or_hypothetical_danger_is_not_an_emergency(text, why):
    # given a message that names a danger only to deny it or talk about the past
    # when it is classified
    result = classify(text)
    # then it is not an emergency and the cue is reported as ignored, with the reason
    assert result["urgency"] != "emergency"
    assert why in {c["negated"] for c in result["ignored_cues"]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("家里停水了，一滴水都没有", "urgent"),
        ("电梯又坏了，停在1楼不动，我家住28楼", "urgent"),
        ("厨房下水道返水，污水从地漏冒出来了", "urgent"),
        ("请问明天小区停水吗？", "normal"),
        ("楼道灯坏了，晚上黑漆漆的", "normal"),
    ],
)
def test_urgent_cues_raise_to_urgent_but_not_in_questions(text, expected):
    # when it is classified
    result = classify(text)
    # then
    assert result["urgency"] == expected


@pytest.mark.parametrize(
    ("text", "ticket_type", "category"),
    [
        ("物业费怎么交？", "consult", "fees"),
        ("建议在小区门口加装充电桩", "suggestion", "parking"),
        ("感谢王师傅，水管修得又快又好", "praise", "service"),
        ("保安态度很差，问他个事爱答不理的", "complaint", "service"),
        ("楼上装修从早上七点就开始砸墙，还是周末", "complaint", "renovation"),
    ],
)
def test_types_and_categories_of_everyday_messages(text, ticket_type, category):
    # when
    result = classify(text)
    # then
    assert (result["type"], result["category"]) == (ticket_type, category)


def test_same_input_gives_the_same_output():
    # given a multi-issue message
    text = "楼道灯坏了好久没人修，今天楼上爆管了水灌下来了！"
    # when it is classified twice, once by a freshly loaded model
    first = classify(text)
    second = classify(text, model=LinearModel(MODEL_PATH))
    # then the answers are identical
    assert first == second


def test_answer_has_codes_confidence_and_cues():
    # when
    result = classify("电梯里的灯不亮了")
    # then
    assert set(result) == {
        "type",
        "category",
        "urgency",
        "confidence",
        "urgency_source",
        "cues",
        "ignored_cues",
    }
    assert set(result["confidence"]) == {"type", "category", "urgency"}
    assert all(0.0 <= v <= 1.0 for v in result["confidence"].values())


def test_empty_text_is_refused():
    with pytest.raises(EmptyText):
        classify("   ")


def test_committed_model_file_loads_and_is_small():
    # when the shipped file is loaded
    model = get_model()
    # then it knows the three fields' codes and stays a few MB
    assert set(model.classes["urgency"]) == {"emergency", "urgent", "normal"}
    assert len(model.classes["category"]) == 16
    assert len(model.classes["type"]) == 5
    assert MODEL_PATH.stat().st_size < 5_000_000
    assert model.trained_on.startswith("train+dev:")


def test_held_out_split_meets_the_goals():
    # given the corpus' held-out split, never seen in training
    rows = load_rows(split="test")
    # when the committed model classifies it
    report = evaluate(rows)
    # then emergencies are all caught within the false-alarm budget (the detector
    # spends part of the 5 % on recall: 2.5 % out of fold; the split is at 2.5 %)
    assert len(rows) >= 700
    assert report["emergency"]["recall"] == 1.0
    assert report["emergency"]["false_alarm_rate"] <= 0.03
    assert report["accuracy"]["urgency"] >= 0.95
    # the hand3, hand4 and hand5 test rows were written to sit between confusable types
    # and categories (see docs/triage.md): the whole split is at the 0.90 goal on type
    # and below it on category, the rows written before hand3 about at it. This guards
    # against regressions from there.
    assert report["accuracy"]["type"] >= 0.90
    assert report["accuracy"]["category"] >= 0.88
    before_hand5 = evaluate([r for r in rows if r["source"] not in ("hand5", "hand6")])
    assert before_hand5["accuracy"]["type"] >= 0.90
    assert before_hand5["accuracy"]["category"] >= 0.88
    earlier = evaluate(
        [r for r in rows if r["source"] not in ("hand4", "hand5", "hand6")]
    )
    assert earlier["accuracy"]["type"] >= 0.90
    assert earlier["accuracy"]["category"] >= 0.89
    before_hand3 = evaluate(
        [r for r in rows if r["source"] not in ("hand3", "hand4", "hand5", "hand6")]
    )
    assert before_hand3["accuracy"]["category"] >= 0.89


@pytest.mark.parametrize(
    ("text", "ticket_type"),
    [
        # a formal letter that asks for a repair is a repair
        (
            "尊敬的物业：本人系3幢2单元602室业主，厨房排烟道止回阀损坏，油烟倒灌，特此报修，请安排师傅上门。",
            "repair",
        ),
        (
            "致物业服务中心：本单元楼道声控灯已损坏多日，请尽快派员更换，谢谢。",
            "repair",
        ),
        # a repair request that complains about the wait is still a repair
        ("报修四天了没人来 卫生间下水还是堵的 请今天一定派人来疏通", "repair"),
        ("热水器进水阀漏水好几天了 一直说没配件 请尽快安排师傅来换", "repair"),
        # thanks told as a report of what happened are praise
        ("上周报的阳台漏水 师傅第二天就来修好了 这几天下大雨一滴没漏 谢谢", "praise"),
        ("跟物业反映一下 小区门口的坑填平了 推婴儿车再也不颠了 谢谢", "praise"),
        # a person in danger with no facility at fault is a complaint
        ("两个人在车库打起来了 一个拿着扳手 快叫保安", "complaint"),
        ("有条狗把一个小孩咬了 腿上在流血 狗主人跑了", "complaint"),
        # "能不能…": a new thing, a service, a fix, someone's behaviour
        ("能不能在单元门口加装一个雨棚", "suggestion"),
        ("能不能帮我开一个居住证明 孩子上学要用", "consult"),
        ("能不能派人来把我家门口那盏坏了的灯换一下", "repair"),
        ("能不能管管楼上 半夜还在拖家具", "complaint"),
    ],
)
def test_type_at_the_repair_complaint_praise_and_question_borders(text, ticket_type):
    # when an owner writes at the border of two types
    result = classify(text)
    # then the type follows the labelling rules of the corpus
    assert result["type"] == ticket_type
