"""Words that sound like danger with none behind them (a fire-alarm test, a bin room
that smells, a gas bill, glare, trees cut short, cooking fumes, a hurt cat, a grazed
knee the owner calls nothing serious, thanks for an emergency already handled), and a
burst main still flooding a car park."""

from __future__ import annotations

import pytest

from anju.triage.classifier import classify
from anju.triage.rules import SIGNAL, find_cues
from anju.triage.text import normalize


def _active(text: str, level: str) -> set[str]:
    return {
        c.kind for c in find_cues(normalize(text)) if c.level == level and not c.negated
    }


@pytest.mark.parametrize(
    "text",
    [
        # a supply pipe broken, its water still pouring out and spreading, cars in it
        "地下车库主水管爆了 水还在一个劲往外冒 已经淹到好几辆车的轮胎了",
        "小区大堂的供水管断了 水不停往外涌 已经漫到电梯口了",
        "B2消防管道裂开了 水哗哗往外流 车都泡在水里",
    ],
)
def test_a_burst_main_still_flooding_is_an_emergency(text: str) -> None:
    assert "flooding" in _active(text, "emergency")
    assert classify(text)["urgency"] == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        # rain water in a car park is the team's urgent, not a burst main
        "车库那边下雨积水 车轮泡了一半 排水泵好像不转",
        # a meter pit that leaks loudly but floods nothing
        "水表井一直在漏 哗哗地响 好在没淹到别处 来修一下",
    ],
)
def test_water_that_floods_nothing_is_no_flood(text: str) -> None:
    assert "flooding" not in _active(text, "emergency")
    assert classify(text)["urgency"] != "emergency"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Is the smoke alarm check next Tuesday? Do we need to be home for it?",
            "fire",
        ),
        ("the fire alarm test is at 10 on Friday, right?", "fire"),
        ("The bin area behind block 2 stinks and I saw a rat yesterday.", "smell"),
        ("垃圾房臭得不行 苍蝇老鼠到处跑 多久没清了", "smell"),
        ("The gas usage on my statement looks odd, how was it read?", "smell"),
        ("我们这栋燃气从早上就没了 也没通知 中午饭都做不了", "smell"),
        ("隔壁天天炒辣椒 油烟往我家窜 呛得我直咳嗽", "collapse"),
        ("楼前的香樟被砍得光秃秃的 谁让这么砍的", "attack"),
        ("楼道的灯一闪一闪的 晃得眼睛疼", "fall"),
        ("楼道的灯一闪一闪的 晃得眼睛疼", "wound"),
        ("They cut the hedges way too short, it looks terrible now.", "wound"),
        ("跷跷板的把手掉了一个 现在没人玩了 找时间换一下", "fall"),
        ("孩子的水壶落在游乐场了 物业有没有失物招领", "fall"),
    ],
)
def test_no_danger_signal_where_no_danger_is(text: str, kind: str) -> None:
    assert kind not in _active(text, SIGNAL)


@pytest.mark.parametrize(
    "text",
    [
        # an animal hurt is no person in danger
        "楼下有只猫好像受伤了 腿一瘸一瘸的 物业能帮忙联系救助站吗",
        "楼下有只流浪狗腿好像断了 一直在叫 物业能联系一下动物救助吗",
        # the owner says it is minor or not urgent
        "小孩在跑道上摔了一跤 膝盖蹭破点皮 没啥大事 建议跑道边上铺点软的",
        "不着急 楼道那个烟感灯一直闪红光 是不是没电了 有空来看看",
        # thanks for an emergency already handled
        "昨晚电梯困人 报警后十分钟保安和维保就到了 人很快放出来了 谢谢你们",
        "凌晨家里水管爆了 打了电话师傅二十分钟就到 关阀换管 太感谢了",
        "上午电梯卡住报修 不到半小时师傅就来了 修好了现在运行很稳 点赞",
    ],
)
def test_told_as_minor_handled_or_about_an_animal_is_no_emergency(text: str) -> None:
    assert not _active(text, "emergency")
    assert classify(text)["urgency"] != "emergency"


@pytest.mark.parametrize(
    "text",
    [
        # an animal that hurts a person stays an emergency
        "狗把孩子咬伤了 流了好多血",
        "有条大狗把老人扑倒了 腿好像断了",
        # "not urgent for me" does not outweigh someone asking for help now
        "电梯困人了 我们不急 但是里面老人快不行了 快来",
        # a full bin does not hide a smell of gas in the same message
        "几件事：1.垃圾桶老是满的 2.刚才楼道里煤气味很重 好像是4楼传出来的",
    ],
)
def test_real_dangers_next_to_those_words_stay_emergencies(text: str) -> None:
    assert classify(text)["urgency"] == "emergency"


@pytest.mark.parametrize(
    ("text", "ticket_type"),
    [
        ("为什么我家这个月水费比上个月多了一倍 家里也没人住", "consult"),
        ("车位怎么买 还有没有剩的", "consult"),
        ("装修师傅进小区要办证吗 在哪办 要带啥", "consult"),
    ],
)
def test_questions_with_a_complaint_tone_are_consultations(
    text: str, ticket_type: str
) -> None:
    assert classify(text)["type"] == ticket_type
