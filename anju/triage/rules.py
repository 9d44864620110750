"""Explicit danger and urgency cues, with negation, figurative, past, drill and
hypothetical handling.

The linear model learns urgency from the corpus; these rules make sure that a message
that names a danger *now* (trapped, fire, smoke, gas smell, sparks, flooding, injury, a crime
going on, things falling on people) is never rated below `emergency`, and that "没有漏气",
"不是着火", "上次着火的事", "万一着火", "急得跟着了火似的", "消防演习" or "困人请按警铃的贴纸"
do not raise it. Rules read the normalised text (see text.normalize).

Each cue family is one compiled regular expression written by *concept* (synonyms,
homophones and typos such as 电体/电t, dialect, English), run once over the whole
message; a match is then judged in its clause (the text between punctuation, spaces or
但是/不过/现在 …) and against a few message-wide markers.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace

from .codes import EMERGENCY, URGENT

# Clause boundaries: negation and "past event" markers only reach inside their clause.
_CLAUSE = re.compile(r"[，,。.!！?？;；\s~…]+|但是|不过|可是|结果|现在|然后")

# A gap inside a pattern never crosses a clause boundary.
_G = r"[^，,。.!！?？;；\s~…]"


def _gap(n: int) -> str:
    return f"{_G}{{0,{n}}}"


# A gap that holds no passive 被: "电动车在车棚被偷了" is a theft that happened.
_NB = r"(?:(?!被)[^，,。.!！?？;；\s~…])"


# Lifts, with the usual typos and homophones of voice input and the English words.
LIFT = r"(?:电梯|电体|电悌|电t|电题|电第|点梯|扶梯|货梯|客梯|轿厢|𨋢|升降机|升降機|(?<=[部架个個])較|[一二两三四1-4]号梯|lift|elevator)"
# A gap after a lift word that does not wander into its parts (电梯里的灯坏了 is no lift out).
_LG = r"(?:(?!按钮|按键|的|里|间|口|灯|空调|电话|镜|扇)[^，,。.!！?？;；\s~…])"
# Words that say a lift stopped or will not open (context for the ambiguous trapped cues).
_LIFT_STOPPED = (
    r"停|不动|卡|坏|故障|打不开|扒不开|开不了|出不来|困|关在|关人|被关|关了|关里|关着|关电梯|溜|坠|往下掉|"
    r"掉下去|救命|警铃|黑屏|灯灭|灭了|黑咕隆咚|唔郁|唔开|开唔到|卡咗|困咗|stuck|trapped|stopped|broke"
)
# Who can be inside a lift.
_WHO = (
    r"(?:我|人|孩|娃|老人|小朋友|女儿|儿子|妈|媽|爸|爷|爺|奶|嫲|外婆|外公|老婆|老公|家人|"
    r"邻居|阿姨|保姆|他|她|佢|老豆|老母|细路|個仔|个仔|個女|个女|工人姐姐|菲佣|"
    r"helper|mum|mom|mother|dad|father|grandma|grandpa|kid|child|son|daughter|someone|people)"
)


# People, as the one hit, bitten or threatened, or the ones below a falling object.
_PERSON = (
    r"(?:人|我|他|她|保安|孩子|小孩|老人|路人|行人|业主|人家|女的|男的|大爷|阿姨|"
    r"大妈|老太|学生|小朋友|宝宝|娃|同事|邻居|大家|someone|people|him|her|me)"
)


# Live electrics that water or a burning smell can reach (a junction box 电线盒 is not
# among them: a drip there is the team's urgent leak).
_ELECTRICS = (
    r"(?:插座|插头|插排|插线板|排插|拖线板|配电箱|配电柜|配电房|配电室|配电间|电箱|电表箱|电表|电闸|"
    r"总闸|电线(?!盒)|电缆|开关|充电器|充电桩|电瓶|电器|变压器|socket|outlet|fuse box)"
)
# A place already closed off, covered or out of reach (urgent, not an emergency).
_CORDONED = (
    r"已经?(拉|围|封|设|挡|拦|隔)(了|好|上|起)?(警戒线|围挡|起来)|(拉|围|封|拦|挡|隔)(好|起来)了|"
    r"拉了警戒线|警戒线|锥桶|路障|围挡|隔离带|警示(带|牌|桩|线)|"
    r"(拉|绑|系|扯)(了)?(一|几)?(根|条|道)?(绳子|绳|警示带|隔离带|线拦)|"
    r"不让(人|车|大家)?(过|走|靠近|进|通行|经过)|"
    rf"(放|摆|立|拿|用|搬){_G}{{0,6}}(挡|拦|围|盖|隔)(着|住|上|起来|好)|"
    rf"(盖|遮|封)(住|上|好)了|没人能(上去|过去|进去|靠近|走)|门{_G}{{0,3}}锁着|上不去人|cordoned|taped off"
)
# A child (the ones who climb where they must not).
_CHILD = (
    r"(?:小孩|孩子|小朋友|娃|宝宝|儿童|小男孩|小女孩|男孩|女孩|小学生|初中生|中学生|学生|少年|熊孩子|"
    r"kid|child|toddler|boy|girl)"
)
# A ledge, a sill or an edge high up: where a child, or anyone, must not be.
_LEDGE = (
    r"(?:窗台|窗沿|窗框|窗户?外|飘窗外|阳台(外|边|栏杆|护栏|围栏|外面|的栏杆|的花架|花架)|"
    r"(栏杆|护栏|围栏|防护网|防盗网)(上|外|外面|外边)|空调外机|外机(上|架|平台)|空调(架|平台)|"
    r"(楼顶|天台|屋顶|顶楼|楼顶天台)(的)?(边|沿|外)|房檐|屋檐|ledge|window ?sill)"
)


@dataclass(frozen=True)
class Family:
    """One cue family: a kind of danger or trouble written as one pattern."""

    kind: str
    level: str
    pattern: str
    # the family counts only when each of these contexts (see _CONTEXTS) is in the
    # message: "lift" (a stopped lift), "people" (人来人往, 下面是, 孩子 …), "loose", "gas"
    context: tuple[str, ...] = ()
    # … and not when this pattern is (拖地的水发黑 is no drinking water)
    exclude: str = ""
    inside_negation: bool = True  # "水管没有爆": a negator inside the match denies it
    hypothetical_applies: bool = (
        True  # hazards are possible by nature: 怕/可能 keep them
    )
    # a danger that keeps coming back (天天上来砸我家门) is a complaint, not an event now
    chronic_applies: bool = False


_FAMILIES: tuple[Family, ...] = (
    # ── emergencies ─────────────────────────────────────────────────────────────
    Family(
        "trapped",
        EMERGENCY,
        r"困人|关人|夹人|昆人|困住人|关了人|困了人|"
        r"trapped|stuck (in|inside) (the |a )?(lift|elevator)|"
        rf"(lift|elevator){_gap(30)} stuck|stuck{_gap(30)}inside",
    ),
    Family(
        "trapped",
        EMERGENCY,
        rf"被困|困住|困着|困在(?!家|屋|楼上|\d+楼|[一二三四五六七八九十]+楼)|被关|"
        rf"关在{_gap(14)}里|关着|关住|被锁在{_gap(14)}里|出不来|卡在|卡住|扒不开|"
        rf"(困|关|卡|锁)(在|住|着)?{_gap(2)}(电梯|电体|轿厢|里头|里面)|"
        rf"{_WHO}{_gap(3)}(在|喺|困喺|困在|焗喺|关喺|锁喺)({LIFT})?(里|裏|入)(面|头|边|便)?|"
        rf"{_WHO}{_gap(5)}(在|喺){_gap(6)}{LIFT}(里|裏|内)(面|头|边)?|"
        r"困咗|困喺|焗喺|卡咗喺|出唔(到|嚟|返)|开唔(到|开)门|"
        rf"(?<![家屋楼元区村店])里(面|头)?(还)?{_gap(2)}(有|挤着?|站着?|关着?)了?{_gap(2)}"
        r"(个|一个|两个|三个|几个|好几个|人|小孩|孩子|老人|娃|宝宝)|"
        rf"{LIFT}{_gap(8)}(往下溜|下滑|溜车|溜梯|坠|急降|掉下去|往下掉|冲顶|蹲底)|inside",
        context=("lift",),
        inside_negation=False,
    ),
    Family(
        "trapped",
        EMERGENCY,
        r"夹(到|住|伤|倒)|被夹在|夹在门缝|卷进|"
        # a hand, a foot or a head caught in a gap (卡进门缝里了 拔不出来)
        rf"(手|脚|头|手指|胳膊|腿|脑袋|脖子){_gap(3)}(卡|夹|塞)(进|在|到|住)了?{_gap(6)}(缝|栏杆|护栏|洞|孔)",
    ),
    Family(
        "fire",
        EMERGENCY,
        r"着火|著火|起火|失火|火灾|火苗|明火|火光|火焰|火势|火很大|火好大|大火|窜火|"
        r"(电|线|插|箱|车|机|锅|屋|窗|楼|墙|灶|表|柜|管|棚|底下|里|在|往外)冒火|"
        r"(一直|还)有火|火(关|灭)不(掉|了)|灭不(了|掉)|扑不灭|"
        r"烧起来|烧着了|着伙|燃起来|自燃|(?:(?<!气)|(?<=[煤燃然化沼氧毒]气))(?<!肺)爆炸|🔥|着了.{0,3}火|(打|拨|叫)了?119|"
        r"(锅|油|窗帘|被子|沙发|衣服|纸箱|纸壳|纸|垃圾|车|电线|线路|插座|插排|插板|"
        rf"电瓶|电池|柜|床|树|草|房子|屋|杂物|电动车|车棚|柴){_gap(3)}"
        r"((?<![挡盖放拦围压看等睡急接跟顶拿堵靠贴关锁摆撑扶])着了|烧着|引着|点着|烧了起来|着起来|燃了|燃烧)|"
        r"点着了|引着了|on fire|burning|(?<![a-z])fire(?![a-z])"
        r"(?! (door|exit|extinguisher|alarm|drill|escape|hydrant|safety|check|lane|engine))",
    ),
    Family(
        "smoke",
        EMERGENCY,
        r"冒着?(白|黑|浓|青|灰)?烟|冒出(一股|一阵|好多|大量)?(白|黑|浓|青|灰)?烟|浓烟|黑烟|"
        r"飘(出|着)?(一股|一阵)?(白|黑|青|灰)烟|"
        r"烟雾(?!报警|探测|感应|传感)|烟很大|烟好大|(好|很|老)大的烟|"
        r"全是烟(?!味|头|熏)|都是烟(?!味|头|熏)|有烟(?!味|头|民|草|花|熏)|烟从|"
        rf"烟{_gap(4)}(冒出来|窜出来|涌出来|往外冒|往外窜|往外涌)|"
        r"焦糊|焦味|焦臭|烧焦|糊味|头晕恶心|中毒|smoking|"
        r"(?<![a-z])smoke(?![a-z])(?! (detector|alarm|sensor))",
    ),
    # a burning smell or crackling from electrics, by meaning
    Family(
        "smoke",
        EMERGENCY,
        rf"{_ELECTRICS}{_gap(8)}(烟味|烧(焦)?的?味|塑料味|胶皮味|橡胶味|焦味|糊味|烧起来|烫手|发烫冒)|"
        rf"(烟味|塑料味|胶皮味|橡胶味|烧焦的?味|烧塑料的?味){_gap(8)}{_ELECTRICS}|burning smell",
        exclude=r"抽烟|吸烟|谁抽|抽的|烟头|二手烟",
    ),
    Family(
        "sparks",
        EMERGENCY,
        rf"({_ELECTRICS}|箱子|箱)(里|里面)?{_gap(6)}(滋滋|嗞嗞|吱吱|噼啪|噼里啪啦|啪啪)(地|的)?(响|声|作响)",
    ),
    Family(
        "gas",
        EMERGENCY,
        r"(煤气|燃气|天然气|天然汽|煤起|媒气|煤汽|燃汽|液化气|石油气)的?(味|气味)|"
        r"(?<!胎)(?<!轮胎)(漏气|漏器|漏汽)(?!的?报警)|"
        r"泄漏|泄露|漏(煤|燃|天然|液化|媒)(气|器|汽)|漏(紧|緊|咗)(煤|石油)?气|"
        r"(燃气|煤气|媒气|天然气|液化气)(管道|管|立管|表|灶|阀|罐|瓶|接头|软管)?"
        r"(?:(?!箱|门|盖|柜|罩|牌|费|单)[^，,。.!！?？;；\s~…]){0,6}"
        r"(漏|泄|断|破|裂|挖断|砸坏)(?!费|交|缴|气的?报警)|"
        r"gas leak|leaking gas|smell(s|ing)? (of )?gas|gas smell",
    ),
    # 没气 for 煤气 (méi): the homophone of voice input, "有没气味 好冲"
    Family("gas", EMERGENCY, r"(?<=[有股])没气的?味", inside_negation=False),
    Family(
        "gas",
        EMERGENCY,
        rf"臭鸡蛋{_gap(2)}(味|气)",
        # rotten eggs from the tap, a drain or the bins is no gas leak
        exclude=r"自来水|水龙头|喝|下水|地漏|马桶|化粪池|垃圾|鸡蛋坏|坏鸡蛋",
    ),
    Family(
        "gas",
        EMERGENCY,
        rf"闻到{_gap(3)}(味|味道|气味)|味道{_gap(4)}(冲|重|大|浓)|好冲|很冲|嘶嘶|呲呲",
        context=("gas",),
    ),
    Family(
        "flooding",
        EMERGENCY,
        rf"爆管|爆裂|(管|水喉|水箱|暖气片|接头|阀|龙头|水表){_gap(4)}(爆|暴|崩|裂开|破裂|飙)|"
        rf"(?<!雨水)(?<!落水)(?<!排水)(?<!雨)(管|管子|接头){_gap(4)}(断开|断裂|脱落|脱开)|水{_gap(4)}(止不住|堵不住)|"
        r"burst|flood",
    ),
    Family(
        "flooding",
        EMERGENCY,
        rf"水{_gap(8)}(漫延|蔓延)|淹了|被淹|水淹|淹到|淹没|水漫金山|"
        rf"水{_gap(4)}越来越(多|大|深|猛)|越(冒|流|喷|涌|漫)越(大|多|猛|凶)|"
        rf"水{_gap(6)}(?<!倒)灌|(往下|往我家|往屋里|往外)(灌|冲)|灌下来|哗哗(?![的地]?(水)?(声|响))|发大水|"
        rf"进水了|进水{_gap(6)}(公分|厘米|cm|深)|"
        rf"(水|积水){_gap(6)}(没过|淹过|齐腰|到膝盖|往上涨)|水位{_gap(4)}(涨|上升)|"
        rf"成瀑布|水柱|(管|爆){_gap(8)}喷|water everywhere|"
        rf"(灯|灯孔|灯座|插座){_gap(4)}"
        r"(滴水|在滴|流水|往下流|往下淌|都是水|冒水|往下冒)",
        # garden sprinklers and hoses left running waste water, they flood nothing
        exclude=r"(草坪|绿化|花园|草地|花坛)[^，,。.!！?？;；\s~…]{0,6}(喷淋|喷头)|喷灌|滴灌|浇花|浇水|洒水|洗车|水枪|"
        r"(?<!像)(?<!跟)(?<!好像)喷泉(?!一样|似的|一般)",
    ),
    # water reaching live electrics, by meaning (unless the power is already off)
    Family(
        "flooding",
        EMERGENCY,
        rf"(?<![雨])(水|积水)(?![电费表])({_gap(8)})(漫|淹|泡|没过|流进|流到|灌进|渗进|渗到|进了?|到了?|碰到|快到|快淹到|顺着)"
        rf"了?{_gap(4)}{_ELECTRICS}|(流|灌|渗|淌|漫|淹)(进|到)了?{_gap(6)}{_ELECTRICS}|"
        rf"{_ELECTRICS}{_gap(6)}(泡在水|泡水|进水了|进了水|被淹|淹了|全是水|在滴水|在冒水|在流水|"
        r"往外(流|冒)水|往下(流|滴)水|湿透)|"
        rf"{_ELECTRICS}被{_gap(10)}(淋湿|浇湿|泡湿|打湿|泡了)|water (in|into|reach\w*) (the )?(socket|outlet|fuse box)",
        exclude=r"(总闸|电闸|闸|电源)(已经)?(给)?(关|拉|断)(了|掉|下)|(关|拉|断)(了|掉)?(总闸|电闸|闸|电源)|"
        r"停电了|没电了|跳闸了|断电了",
    ),
    Family(
        "flooding",
        EMERGENCY,
        rf"水{_gap(8)}(?<!往上)(涌|喷涌|狂喷|往外喷)(?!出来的)",
        # dirty water coming back up is sewage (urgent)
        exclude=r"污水|脏水|粪|下水|马桶|地漏|厕所|水槽|化粪池|反水|返水|倒灌",
    ),
    # a supply pipe broken and its water still pouring out, spreading through a car park,
    # a lobby or a stairwell, cars standing in it (flooding going on, not sewage)
    Family(
        "flooding",
        EMERGENCY,
        rf"(漫|淹|灌|流|冲)(到|进|满)了?{_gap(6)}(车库|地库|地下室|大堂|楼道|楼梯间|电梯|车位|走廊|配电)|"
        rf"(楼道|走廊|大堂|地库|车库|楼梯){_gap(2)}(全|都)是水|"
        rf"(车|轮子|轮胎|车轮){_gap(6)}(泡在水里|泡水了|泡了|淹了|被淹)|"
        rf"水{_gap(4)}(一直|还在|不停地?|哗哗地?)(往外)?(冒|流|涌|喷|淌)",
        context=("pipe_broken",),
        exclude=r"污水|脏水|粪|马桶|地漏|化粪池|反水|返水|暴雨|下雨|雨水|排水泵",
    ),
    # water out of a main, a meter pit or a hydrant running until the road is a river
    # (rain water standing in the road is the drainage team's urgent job)
    Family(
        "flooding",
        EMERGENCY,
        rf"(路|路面|马路|地面|院子|广场|车库|地库|小区){_gap(4)}(成|变成|成了)了?(一条)?(小)?(河|海)|"
        r"一片汪洋|成了?一片(水|汪洋)",
        exclude=r"下雨|暴雨|大雨|雨水|雨下|雨太大|台风|排水不好|排水不畅|一下雨",
    ),
    # water still running into a home from a flat nobody can reach (knocked, nobody
    # answers; the owner away): nobody can shut it off, and the damage spreads
    Family(
        "flooding",
        EMERGENCY,
        rf"水{_gap(8)}(往下|顺着|沿着){_gap(4)}(流|淌|灌|冲)|(还在|一直在?|不停地?|哗哗地?)(往下|往外)?(流|淌|灌)|"
        rf"(门缝|门底|门下|门口){_gap(4)}(往外)?(流|冒|淌|渗)(水|出水)|往外(流|冒|淌)水|"
        r"water (is )?(still )?(pouring|running|streaming) (down|in|into|through)",
        context=("unreachable",),
        exclude=r"污水|脏水|粪|马桶|地漏|化粪池|反水|返水|下雨|雨水|暴雨|空调",
    ),
    Family(
        "flooding",
        EMERGENCY,
        rf"水{_gap(4)}(漫|溢)出来",
        # a blocked drain or toilet that overflows is sewage (urgent), not a flood
        exclude=r"下水|马桶|地漏|厕所|堵|洗手池|水槽|浴缸|洗碗",
    ),
    Family(
        "sparks",
        EMERGENCY,
        r"(?<!焊)火花|(?<!焊)火星|短路|触电|"
        r"被电(?!动|瓶|车|费|梯|话|视|脑|工|表)|电到|漏电(?!保护|开关|断路|测试)|啪啪响|"
        r"sparks?(?![a-z])|sparking|electric shock|got shocked",
    ),
    Family(
        "sparks",
        EMERGENCY,
        r"打火(?!机)",
        # a stove that clicks and does not light is no electrical spark
        exclude=r"灶|打不着|点不着|点火|打火针|咔",
    ),
    Family(
        "injury",
        EMERGENCY,
        r"(?<![猫狗鸟])受伤(?!的(小)?(鸟|猫|狗|鸽子|动物))|砸伤|咬伤|摔伤|烫伤|划伤|割伤|撞伤|"
        rf"流(?!了?(一)?点血){_gap(4)}血|(?<![得要又大])出血|见血|是血|血流|头破|打破了?头|骨折|摔断|"
        rf"腿{_gap(4)}断|(划|割|刮|剌)(破|开)(了)?{_gap(4)}(腿|手|头|脚|脸|胳膊|口子|动脉)|"
        rf"伤口{_gap(2)}(很深|好深|很大|好大)|"
        r"晕倒|昏倒|昏迷|晕过去|抽搐|心脏病|中风|中暑|休克|心梗|脑梗|癫痫|羊癫疯|哮喘发作|跳楼(?!价|甩|大甩|清仓)|坠楼|溺水|落水(?!口|管)|在水里扑腾|"
        r"(要|想|像要)跳(楼|下去)?(?!绳|舞|高|远)|轻生|自杀|"
        rf"爬到了?{_gap(6)}(栏杆|护栏|窗|阳台){_gap(2)}外|"
        rf"压(住|在|到|着)了?{_gap(3)}(人|一个|两个|几个|孩|老人|小孩|阿姨|大爷)|被压(住|在)|"
        r"injured|bleeding|unconscious|help me",
    ),
    Family(
        "injury",
        EMERGENCY,
        r"叫不醒|喊不醒|不省人事|没(有)?(呼吸|意识|知觉)|不太清醒|不清醒|没上来|"
        rf"血{_gap(2)}(止不住|不止|停不下来)|止不住(地)?(流)?血|"
        # bleeding by meaning: blood + a flowing or not-stopping word, or a lot of it
        rf"(?<![献验抽])血{_gap(4)}(在流|流个不停|直流|往外(流|冒|涌|渗|淌)|往下(流|淌|滴)|淌|涌|喷|"
        r"滴(?!管)|流(了)?(一地|一身|满|好多|很多|不少)|一直(在)?流|不停(地)?流)|"
        r"(满|一)(手|脸|头|身|腿|地)(都是|全是)?(的)?血|(全|都)是血|血肉模糊|血淋淋|(?<![得要又])大出血|"
        r"(好多|很多|一大?滩|一地|大量)的?血|"
        rf"(喊|叫){_gap(3)}(不应|没反应|不醒|没动静|不答应|不理|没回应|不回应|不出声)",
        inside_negation=False,
    ),
    # someone where a fall would kill, by meaning: a child on a sill, a ledge, an
    # outdoor unit or outside a railing high up; anyone on a roof's edge; a body leaning
    # out of a window
    Family(
        "injury",
        EMERGENCY,
        rf"{_CHILD}{_gap(12)}{_LEDGE}|{_LEDGE}{_gap(6)}(有|站着|坐着|趴着|蹲着|爬着)(个|一个|两个)?{_CHILD}|"
        rf"(探出|伸出)(了)?(半个|大半个|上半)?(身子|身体)|半个身子{_gap(4)}(外|探出|出去|悬)|"
        rf"({_CHILD}|人|他|她){_gap(6)}(悬|挂|吊)在(窗|阳台|栏杆|护栏){_gap(2)}(外|上)|"
        rf"(有人|有个人|一个人|男的|女的|老人|一个男|一个女){_gap(8)}(站|坐|蹲|翻|跨|爬)(在|到|上|过)?了?{_gap(4)}"
        r"(楼顶|天台|屋顶|顶楼)(的)?(边|沿|外|栏杆外|护栏外)|"
        rf"(楼顶|天台|屋顶|顶楼)(的)?(边上|边缘|沿上|栏杆外|护栏外){_gap(6)}(走|站|坐|蹲|徘徊|来回|晃)|"
        r"(kid|child|toddler|boy|girl|someone)s? [a-z ]{0,24}(on|onto|over|out of|outside) (the |a )?"
        r"(window ?sill|ledge|balcony railing|railing|roof edge|edge of the roof)",
        context=("height",),
    ),
    Family(
        "injury",
        EMERGENCY,
        rf"{_CHILD}{_gap(12)}(飘窗|窗台|窗边)(上|边)?|(飘窗|窗台)(上|边)?{_gap(6)}{_CHILD}",
        context=("open_window", "height"),
    ),
    Family(
        "injury",
        EMERGENCY,
        r"(人|孩|娃|老人|宝宝|小朋友|学生|老太|大爷|阿姨|工人|大妈)"
        rf"{_gap(4)}(掉|摔|跌|滑)(下|进|倒)|摔倒|滑倒|跌倒|"
        rf"(?<!谁)((跌|摔|滑)(下|进)去|(掉|跌|摔|滑)(进|下|到)了?{_gap(3)}(井|水|河|湖|池|塘))|"
        r"(?<![树杆墙栏牌架])倒地|(人|他|她|老人|孩子|阿姨|大爷|老太|有人)"
        rf"{_gap(4)}倒在|躺在地上|(?<!爬)起不来|爬不起来|摔下来|摔进|在水里扑腾|在扑腾|"
        r"救护车(?!也|都|进|开不|过不)|(打|叫|拨)了?120|ambulance",
        # a count of people who slipped there (好几个人滑倒了) reports the hazard (ice,
        # oil, a loose board): the team's urgent job, not someone lying there now
        exclude=r"好几(个)?(人|次|回)|(几|好多|不少)(个)?人(都)?(滑|摔|跌)",
    ),
    Family(
        "injury",
        EMERGENCY,
        r"砸到(了)?人|砸中|打(了)?人|打起来|打架|殴打|"
        rf"砸(到|伤)了?{_gap(8)}(小哥|外卖员|快递员|师傅|保安|保洁|{_PERSON})(?!家|的?车|的?窗|的?门)|"
        r"(躺|倒|趴)着?(一动)?(没|不)动|一动不动|"
        rf"把{_gap(4)}{_PERSON}{_gap(2)}(打|踹|推|砸|捅|扑)(倒|伤|翻)|扑(倒|向)(了)?{_gap(2)}{_PERSON}|"
        # an attack by meaning: a hitting, throwing or stabbing verb and a person hit
        rf"(?<![别不])(砸|捅|砍|刺|扎|踢|踹|揍|抡|扇|掐|泼)(了|伤|倒|向|到)?{_PERSON}(?!电话|手机|家|门|的?车)|"
        # a push is an emergency when it knocks someone down or hurts (推了我一把 is rude)
        rf"(?<![别不])推(伤|倒|下)(了)?{_PERSON}|"
        rf"(拿|抄|举|抡|挥|拎)(起|着)?{_gap(3)}(酒瓶|瓶子|砖头|石头|铁棍|钢管|棍子|锤子|榔头|"
        rf"椅子|凳子|剪刀|铁锹|扳手){_gap(4)}(砸|打|捅|扎|刺|追|抡|挥|乱)|"
        rf"{_PERSON}被{_gap(4)}(打|砸|捅|砍|刺|扎|踢|踹|揍|推倒|打倒)(了|伤|倒|破|得)|"
        rf"(对着|朝着?|冲着?|向着?|往){_gap(4)}{_PERSON}(?!行道|行横道|家){_gap(3)}"
        r"(扔|砸|泼|丢|捅|砍|扎|挥|抡|打|开枪)|"
        rf"(持|拿|举|挥|提|带|拎)着?{_gap(5)}(刀|斧|棍|棒|凶器|枪)|持刀|拿刀|动了?刀子?|砍门|"
        r"砍人|要砍|砍死|捅人|杀人(?!不见血|不眨眼|犯法)|要杀|弄死|打死|"
        r"(在)?(砸|踹|撞)(我家)?门|踹开|(用力|使劲|拼命)(地)?(拍|敲|踢|撞)(我家)?门|"
        r"(家|屋)(里)?被翻|(家|屋|房间|里面|柜子|抽屉)(里)?(被)?翻得乱七八糟|人走没走|(小偷|贼|人)(可能)?还在(里面|屋里|家里)|"
        r"在撬|撬我家|撬门|进小偷|咬人|"
        rf"{_PERSON}被{_gap(6)}咬(了|伤|到|住)|把{_PERSON}{_gap(2)}咬(了|伤)|跟踪|一直跟着|"
        r"following (women|girls|a woman|a girl|kids|children|people|me) (in|into|around|home)|"
        r"break(ing)? into|breaking in|burglar|intruder",
        chronic_applies=True,
    ),
    # a loose dog going for a person now, by meaning: a dog chasing, jumping at or
    # cornering someone as the owner writes, with fear, a cry or nobody holding it in
    # the message (a dog that jumped at someone and was called back, a dog playing with
    # the children, a dog that always barks at people are not)
    Family(
        "injury",
        EMERGENCY,
        rf"(狗|犬|藏獒|狼狗|恶犬|野狗|流浪狗|大型犬){_gap(4)}"
        rf"((在|正在|还在|一直)(追|扑|冲|围|堵|咬)(着)?|(追|扑|围|堵|咬)着){_gap(3)}{_PERSON}|"
        r"dogs? (is |are )?(chasing|attacking|jumping at|going after|cornering) "
        r"(a |the |my |some )?(kid|child|boy|girl|woman|man|lady|someone|people|me)",
        context=("menace",),
        exclude=r"(一起|在|跟着?)[^，,。.!！?？;；\s~…]{0,4}玩|闹着玩|逗|开心|高兴|笑|playing",
        chronic_applies=True,
    ),
    # a lift door open on an empty shaft (the car on another floor)
    Family(
        "falling",
        EMERGENCY,
        r"(电梯|轿厢|梯)[^，,。.!！?？;；\s~…]{0,2}(没在|不在|没停在|没到)(这|本|我们这?)?层|"
        rf"(电梯井|井道){_gap(3)}(露|敞|开|空)|下面是空的|里面是空的|黑洞洞|empty shaft|no car",
        context=("lift_open",),
        inside_negation=False,
    ),
    # someone living alone who answers neither phone nor door (a welfare check)
    Family(
        "injury",
        EMERGENCY,
        r"(电话|打电话|打他电话|打她电话|手机)[^，,。.!！?？;；\s~…]{0,6}(没人接|不接|打不通|没接|关机)|"
        r"(敲门|按门铃|叫门)[^，,。.!！?？;；\s~…]{0,4}(没人应|不开|没反应|没人开|没动静)",
        context=("alone",),
        exclude=r"快递|外卖|收费|催费|物业费|维修师傅|师傅|客服|管家|业委会|装修",
        inside_negation=False,
    ),
    # an open fire still burning where it can spread: paper or rubbish burnt by a door,
    # with e-bikes, cardboard or a stairwell beside it
    Family(
        "fire",
        EMERGENCY,
        rf"火{_gap(2)}(还没灭|没灭|没熄|还在烧|还烧着|越烧越|烧起来了)|(还在|一直在?)(烧|冒火)",
        context=("flammable",),
        exclude=r"灶|锅|炉|烧烤|烧水|烧饭|煮|蜡烛|香炉",
        inside_negation=False,
    ),
    # a child taken away by a stranger
    Family(
        "crime",
        EMERGENCY,
        rf"({_CHILD}|女儿|儿子|闺女|孙子|孙女){_gap(10)}被{_gap(8)}(带走|抱走|拉走|领走|拐走|骗走|抢走)|"
        rf"(带走|抱走|拉走|拐走|骗走|抢走)(了)?{_gap(2)}({_CHILD}|女儿|儿子|闺女|孙子|孙女)|拐(卖|小孩|孩子)|"
        r"(someone|a (man|woman|stranger)) (took|is taking|grabbed) (my|a|the) (kid|child|son|daughter)",
        context=("stranger",),
        inside_negation=False,  # 被一个不认识的人抱走: the 不 is the stranger's
    ),
    # an ambulance that cannot get in or out while someone waits for it now (not the
    # fire lane's usual complaint: 救护车都开不进来)
    Family(
        "injury",
        EMERGENCY,
        rf"(救护车|120|急救车){_gap(4)}(进不来|进不去|开不进|过不去|出不去|被堵|堵住|被挡|挡住|堵在)|"
        r"ambulance (can'?t|cannot) (get|come) (in|through)",
        context=("patient",),
        exclude=r"上次|上回|以前|之前|那次|去年|上个月|建议|万一|如果",
        inside_negation=False,
    ),
    # a small child alone behind a locked door (keys inside, the stove on)
    Family(
        "trapped",
        EMERGENCY,
        rf"({_CHILD}|岁的?(儿子|女儿|娃)|婴儿|老人){_gap(6)}(一个人|自己|单独)(在)?(里面|屋里|家里|车里|屋头|房间)",
        context=("locked",),
    ),
    # someone hanging in the air from a fallen cradle or scaffold
    Family(
        "injury",
        EMERGENCY,
        rf"(人|工人|师傅|他|她){_gap(4)}(挂|吊|悬)在(半空|空中|半空中|外墙|楼外|外面)|"
        rf"吊篮{_gap(6)}(掉|翻|断|倾斜|歪|坠|塌)|(脚手架){_gap(4)}(塌|倒)了?{_gap(6)}(人|工人)",
    ),
    # a lift that moves with its door open (people still riding it)
    Family(
        "falling",
        EMERGENCY,
        rf"{LIFT}{_gap(2)}门{_gap(4)}(没关|没关好|没关上|开着|关不上|敞着|半开){_gap(6)}"
        r"(就)?(往上|往下|上去|下去|走了|跑了|开走|运行|动了)|"
        r"(moves|moving|runs|running|goes up|went up) with (the |its )?doors? open",
        inside_negation=False,
    ),
    # a worker high up without a harness, swaying
    Family(
        "injury",
        EMERGENCY,
        rf"(没系|没有系|没绑|没带|不系|没挂)(安全绳|安全带|保险绳|绳子)|(安全绳|安全带){_gap(2)}(都)?没(系|绑|带|挂)",
        context=("height",),
        exclude=r"上次|以前|之前|建议|是不是|规定|要求",
        inside_negation=False,
    ),
    # someone climbing a drainpipe or an outside wall toward the windows (not workers)
    Family(
        "crime",
        EMERGENCY,
        rf"(爬|攀){_gap(8)}(外墙|水管|管道|雨水管|落水管|防盗网|空调架|外机)|"
        rf"(顺着|沿着)(外墙|水管|管道|雨水管|落水管|防盗网){_gap(3)}(爬|攀|往上)",
        context=("height",),
        exclude=r"工人|师傅|维修|安装|空调工|蜘蛛人|清洗|作业|检修|猫|小孩子?玩|以前|上次",
        chronic_applies=True,
    ),
    # a child or anyone who swallowed a button battery, a magnet, poison or a cleaner
    Family(
        "injury",
        EMERGENCY,
        rf"({_CHILD}|老人|我爸|我妈|老公|老婆|他|她|人){_gap(6)}(误)?(吞|吃|喝)(了|下|进|掉)(去)?{_gap(4)}"
        r"(纽扣电池|电池|磁铁|磁珠|异物|老鼠药|鼠药|耗子药|农药|杀虫剂|洗洁精|消毒液|消毒水|漂白水|"
        r"干燥剂|硬币|图钉|针)|swallowed (a |the )?(button )?(battery|magnet|coin|poison|bleach)",
        exclude=r"(狗|猫|宠物|鸟)[^，,。.!！?？;；\s~…]{0,4}(误)?(吞|吃|喝)",
    ),
    # the same dangers in Cantonese, Sichuan, northern and English words
    Family(
        "fire",
        EMERGENCY,
        r"火烛|火燭|着咗火|烧(着|紧|咗)(?!饭|水|菜)|起咗火|着起火来|燃起咗|"
        r"(?<![a-z])(caught|catching) fire|in flames|flames",
    ),
    Family(
        "flooding",
        EMERGENCY,
        r"水浸(?!泡)|浸(咗|晒)|(水|屋|楼|家)(都)?浸到|水喉(爆|裂|断)|淹起了|淹起来了|"
        r"(?<![a-z])(is|are|got|getting) flooded|pipe (has )?burst",
    ),
    Family(
        "injury",
        EMERGENCY,
        r"跌(亲|低|倒咗|咗落|落楼梯)|(晕|暈)(咗|低|倒咗)|叫(极|極)?(都)?唔(醒|应|應)|流(紧|緊)血|"
        r"受咗伤|唔省人事|(瞓|躺|倒|跌)(咗)?(喺|在)地(下|上)?(唔郁|不动|起不来)|"
        rf"(遭|让人|叫人|给人)(给)?{_gap(2)}(打|砍|捅|撞|咬|揍|踢)(了|伤|倒|翻|得)|绊倒|摔得?起不来|"
        rf"(人|孩|小朋友|老人|娃|宝宝){_gap(4)}沉(下去|到水底|底)|(突然|一下子?)(就)?(歪倒|栽倒|瘫倒|倒下)了?|"
        rf"(楼顶|天台|屋顶|顶楼)(的)?(边|沿)(上|沿)?{_gap(4)}(站|坐|蹲)着(一)?个(人|男的|女的|老人|小孩)|"
        r"passed out|collapsed|not breathing|(fell|has fallen|have fallen) (down|over|off|from)|"
        r"badly hurt|knocked (down|over)|hit by a car|can'?t breathe",
    ),
    # 救命 is a cry for help only where a danger is named (救命啊 about a KTV or a bill is
    # a sigh)
    Family("injury", EMERGENCY, r"救命|救人", context=("danger_any",)),
    # … and someone heard crying for help is one
    Family(
        "injury",
        EMERGENCY,
        r"(喊|叫|嚷|呼|听到|听见)(着)?['\"“‘「]?(救命|救人)|呼救|有人喊救命",
    ),
    # an open manhole, a missing cover or an unfenced hole or pit where people are now
    # (with nobody named, or covered already, it is the urgent hazard below)
    Family(
        "falling",
        EMERGENCY,
        rf"(井盖|盖板|窨井|下水井|雨水井|污水井|检修井|井口){_gap(6)}(不见|没了|没盖|丢了|被偷|碎|塌|翻|缺|掀开|打开|开着|敞着|移开)|"
        rf"(没|没有)(盖)?(井盖|盖子)|(大|黑|深)?(洞|坑|窟窿|井口){_gap(3)}(敞着|露着|没盖|没围|没有围|没人围|开着)|"
        r"大黑洞|黑洞洞|黑窟窿|大窟窿|大坑|深坑|"
        r"(open|uncovered|missing) (manhole|drain cover|pit|hole)|manhole [a-z0-9 ]{0,30}(missing|open|gone|off)",
        context=("people_present",),
        exclude=r"扣上|扣住|木板|" + _CORDONED,
        inside_negation=False,
        hypothetical_applies=False,
    ),
    # crimes in progress: someone smashing, prising, stealing or robbing now
    Family(
        "crime",
        EMERGENCY,
        rf"(正在|人在|还在|当场|贼在|偷在){_NB}{{0,6}}"
        r"(?<!偷)(砸|撬|偷|抢|盗|划(?=车|花|了))(?!墙|地|柱|砖|偷|懒|倒|排|接|停|拍|看|听|跑|车位|位|购|着|先|救|红包|票|痕|承重|楼板|隔断|门框|窗框)|"
        rf"(正在|人在|还在){_NB}{{0,4}}打(人|架|起来|老人|孩子|小孩|我|他|她)|"
        r"(?<!被)(砸|撬)(车窗|车门|窗户|窗玻璃|玻璃窗)|抢劫|打劫|爆格|抢包|抢手机|入室|行窃|"
        rf"(小偷|贼|窃贼){_gap(4)}(还在|正在|在|进|跑)|"
        r"(thie(f|ves)|robbers?|someone|people|men|guys|a man|a woman) .{0,20}"
        r"(stealing|breaking into|smashing|robbing|trying to (open|force|break))|"
        r"robbery|being robbed|(grabbing|snatching) (their|her|his|people'?s|women'?s|someone'?s) "
        r"(bags?|purses?|handbags?|phones?|necklaces?)",
        exclude=rf"监控{_G}{{0,4}}(拍到|能|调|查)|好几(家|户|次|回)|加强巡逻|防范|防盗|最近|"
        r"抢修|抢险|抢救|(has|have) been (stealing|breaking)|keeps? (stealing|breaking)|cameras?|cctv",
        chronic_applies=True,
    ),
    # a crime that has just happened, by meaning: a robbery or theft with the offender
    # running away or still near (抢了包往东门跑了, 偷了车正在跑, 快追)
    Family(
        "crime",
        EMERGENCY,
        rf"抢(劫|夺|走|了|咗|起)|被(人)?抢|抢{_NB}{{0,6}}(包|手机|钱包|项链|耳环|金链|首饰|东西|电动车|车(?!位))|"
        r"偷(了|走|完|东西)|被(人)?偷|扒(了|走)|扒手|小偷|"
        r"(扯|拽|夺)(了|下|走|掉)|(拿|抱|顺|推|骑|拎|扛)走|剪(了|断)?(锁|车锁)|撬(开|了)|"
        r"(锁|车锁)(被)?(剪|撬)(了|断|开)|(拿|抱|拎|抢|偷|扯|揣)(了|上|起|着)?(东西)?(就|便)(跑|溜|逃)|"
        r"(阳台|窗户|窗|围墙)(上)?(翻|爬)(出来|进去|下来)|"
        r"贼(?!大|多|好|贵|快|亮|冷|热|难|烦|吵|香|长|便宜|拉风)|"
        r"snatch|stole|grabbed|robbed|mugged|thie(f|ves)",
        context=("fleeing",),
        # the offender long gone is a report for the CCTV, not an emergency
        exclude=r"车位|抢修|抢险|抢救|抢购|抢票|抢红包|加强巡逻|防范|好几(家|户|次|回)|"
        r"早(就)?(跑|溜|没影|走)|跑没影|跑远了|不知道(是)?(谁|哪天|什么时候)|"
        r"(调|查|看)(一下|下)?监控|监控(能不能|能|拍到|调)",
        chronic_applies=True,
    ),
    # a break-in with someone maybe still inside
    Family(
        "crime",
        EMERGENCY,
        r"(有人|人|贼|小偷)(还)?没(走|出来)|"
        r"(屋|家|房间?|里面|里头)里?(好像|还|好像还)?有(人|动静|响动|脚步声?|声音)",
        context=("broken_in",),
        chronic_applies=True,
    ),
    # theft going on, by meaning: someone handling one car door, lock or window after
    # another, or right now, with a word of suspicion in the message
    Family(
        "crime",
        EMERGENCY,
        r"(一辆一?辆|一个一?个|挨个|挨家挨户|一家一家|一户一户)(地)?(的)?"
        rf"{_gap(2)}(拉|拽|试|掰|撬|推|摸|开|拧|扒)|"
        rf"(正在|还在|人在|有人在|个人在|个男的在?|个女的在?|几个人在?|两个人在?){_NB}{{0,8}}"
        r"(拉|拽|试|掰|撬|剪|砸|拧|翻|爬|摸|拆|卸|扒)(了|着|进|上|过)?"
        rf"{_gap(4)}(车门|门把|车把|门锁|锁|车窗|窗户|窗|后备箱|电动车|电瓶|自行车|车|门|快递柜|"
        r"阳台|窗台|围墙|墙|栏杆|护栏)",
        context=("suspect",),
        exclude=rf"监控{_G}{{0,4}}(拍到|能|调|查)|好几(家|户|次|回)|加强巡逻|防范|最近|"
        r"抢修|抢险|抢救",
        chronic_applies=True,
    ),
    Family(
        "falling",
        EMERGENCY,
        rf"(还在|正在|在|一直在?|不停地?|不断){_gap(2)}往下(掉|扔|丢|砸|落)|"
        rf"(往下|正在)?掉下来{_gap(4)}砸(到|中|伤)",
        context=("people",),
        # caterpillars, leaves and catkins drop too (a nuisance for the greening team)
        exclude=r"毛毛虫|虫子|树叶|落叶|叶子|杨絮|柳絮|飞絮|花絮|鸟屎|灰尘",
    ),
    Family(
        "falling",
        EMERGENCY,
        r"砸在我(脚边|身边|面前|旁边|跟前|脚下)",
    ),
    # An object that has just fallen where people are, or hangs about to fall onto a
    # place where people are now, is an emergency (loose high up with nobody below,
    # or already cordoned off, is an urgent hazard below).
    Family(
        "falling",
        EMERGENCY,
        r"挂着|挂在(上面|上头|半空|空中|那|框上|树上|边上|外面|墙上)|吊在(半空|空中|上面|那)|"
        r"(卡|架|搭|悬|停|挂|吊|夹)(在|到)了?(半空|空中|树上|树杈|电线上|上面|上头)|"
        r"吊着|悬着|悬在|荡来荡去|晃来晃去|晃荡|晃悠|在晃|摇摇晃晃|风一吹就晃|"
        r"(掉|刮|吹|脱|塌)(下来|落|开)了?一半|耷拉|要掉不掉|"
        rf"随时{_gap(4)}(掉|砸|倒|塌|下来|脱落|飞下来)|(快|要)(掉|倒|塌)(下来|了)|"
        rf"往(外|下|路|人行道|这边|那边){_gap(2)}(歪|倒|斜)|"
        rf"(广告牌|招牌|灯箱|外机|雨棚|铁皮|大树|树干|电线杆|路灯杆){_gap(4)}(歪了|歪着|斜了)|"
        rf"刚(才|刚)?{_gap(10)}(掉|砸|落|塌|垮|刮|吹|掀|飞|甩)(了)?{_gap(4)}(下来|在|到|一地)|"
        r"(掉|落|刮|吹|砸)(了)(一|几|两|好几|一大)(块|片|根)|"
        rf"(掉|刮|吹|砸|落)(下来|下)(了)?{_gap(2)}(几|一|两|好几|一大)(块|片|根|个)|"
        r"往下(掉|落|砸)|砸下来|"
        rf"(砸|掉)(在|到){_gap(8)}(旁边|边上|脚边|身边|面前|跟前)|"
        r"hanging|swinging|about to fall|falling (down|off)",
        context=("people_now", "broken"),
        exclude=r"烟头|果皮|瓜子|树叶|落叶|叶子|花瓣|杨絮|柳絮|虫|鸟屎|口水|灰尘|"
        r"横幅|旗|彩带|灯笼|气球|衣服|被子|床单|风筝|窗帘|鸟窝|塑料袋|" + _CORDONED,
        inside_negation=False,
        hypothetical_applies=False,
        chronic_applies=True,
    ),
    # ── urgent: no water / power, lifts out, sewage, falling hazards, locked out … ─
    Family(
        "no_water",
        URGENT,
        rf"停水|断水|(?<![表卡车瓶池机])没水|没有水|没(有)?自来水|冇水|没得水|么得水|莫得水|无水|一滴水|"
        r"一点水(也|都)(没|冇|莫)|"
        rf"水压(?!忽){_gap(3)}(低|小)|不出水|"
        rf"(只|就)滴几滴|(什么时候|啥时候|几点|还没|还不|怎么还不){_gap(2)}(来水|通水|供水)|"
        r"no (running |hot |tap )?water|water (is )?(off|cut)",
        inside_negation=False,
    ),
    Family(
        "no_power",
        URGENT,
        rf"(家|屋|楼|层|单元|小区|全|都|整|我们|突然|期|区|栋){_gap(6)}"
        r"(?<![灯卡表车瓶池机扇座铃器话])(没电|停电|没有电|冇电|全黑|断电|没得电|莫得电|么得电)|"
        rf"(家|屋|楼|层|单元|小区|整)(里|里面|头)?{_gap(4)}(?<![车机表])电(全|都)?(没了|没有了|断了)|"
        rf"跳闸|停电了|停电|一推(上去)?就跳|推不上去|"
        rf"(什么时候|啥时候|几点|还没|还不|怎么还不){_gap(2)}(来电|通电|供电)|"
        rf"(整个|全|整)(小区|楼|栋|幢|座|层|单元){_gap(10)}(不亮|黑)|"
        r"power (has been |is |was )?(cut|out|off)|power outage|no (power|electricity)|blackout",
        inside_negation=False,
    ),
    Family(
        "lift_out",
        URGENT,
        rf"{LIFT}{_LG}{{0,8}}(坏|怀了|遭了|罢工|停|不动|不得动|不运行|不走|用不了|不能用|"
        r"没反应|故障|失灵|趴窝|黑屏|没电|关不上|关不了|开着不关|开不了|不开门|e\d|报错|"
        r"唔郁|唔得|坏咗|停咗|唔埋)|"
        rf"(所有|两部|几部|全部|都|整栋){_gap(2)}{LIFT}|"
        rf"{LIFT}{_gap(10)}(什么时候|啥时候|何时|几时){_gap(4)}(修好|能用|恢复|好)|"
        r"out of (service|order)|not working|"
        r"(lift|elevator)s? (has been |have been |is |are )?(down|broken|dead|out)",
        inside_negation=False,
    ),
    Family(
        "sewage",
        URGENT,
        rf"反水|返水|倒灌|冒污水|(反|返|倒|冒|漾|涌|溢){_gap(2)}(污水|脏水|粪水|臭水|黑水|粪)|"
        rf"往上(冒|返|反|涌){_gap(1)}(水|污|粪)|检查井{_gap(6)}(溢|冒)|化粪池{_gap(4)}(满|溢|冒)|"
        rf"(污|粪|脏)水{_gap(8)}(冒|溢|倒|漫|涌|流得)|(水|污|粪){_gap(4)}(溢|漫)出|"
        rf"(冒|涌|返|反|溢)(出来|上来){_gap(8)}(污水|脏水|粪水|臭水|黑水)|"
        r"往外(溢|冒|涌)|sewage|"
        rf"(污|粪|脏|臭|黑)水{_gap(12)}(冒|溢|返|反|涌)(上来|出来)|"
        rf"(返|反|冒|涌)(上来|出来)(了)?{_gap(4)}(屎|粪|污水|脏水)|一地(屎|粪)",
    ),
    Family(
        "hazard",
        URGENT,
        rf"要掉|快掉|要掉不掉|随时{_gap(6)}(掉|砸|倒|塌|飞|断|下来|脱落)|(可能|会)(会)?掉下来|"
        r"manhole|"
        rf"怕{_gap(2)}(砸|掉)|掉下来{_gap(2)}砸|砸{_gap(2)}(人|到人)怎么办|快断|要断|"
        r"摇摇晃晃|晃晃悠悠|晃荡|风一吹就(晃|动|响)|要塌|快塌|快倒|要倒(?![车垃水好几])|"
        rf"(松|松动|松脱|脱开|脱落|翘起|断了|裂了){_gap(12)}(晃|掉|挂|吊|砸)|"
        r"吊着一根|挂在(上面|半空|那|边上|外面|楼边|檐口)|吊在(半空|空中|上面|那)|垂下来|斜着挂|悬在|悬着|往下掉|砸下来|在掉(?!皮|漆|渣|毛|色|头发)|"
        # sheets on a roof that the wind lifts
        rf"(铁皮|彩钢瓦|瓦片|防水布|遮阳棚|雨棚|顶棚|广告布|篷布|棚顶|盖板|板子|保温层|保温板){_gap(6)}"
        r"(掀|吹|刮)(起来|开|翻|松|起)|"
        r"还在晃|高空抛物(?!的|监控|摄像|治理|宣传|罚|处罚|入刑|条例)|扔下来|"
        rf"往下(扔|丢|抛)(?!烟头|垃圾|果皮|纸|瓜子|皮)|砸(在|到){_gap(8)}(旁边|边上|脚边|身边|面前|跟前)|"
        rf"井盖{_gap(6)}(不见|没了|丢|被偷|碎|坏|塌|翻|缺)|盖板{_gap(4)}(碎|坏|没了|不见|塌)|"
        rf"(大)?洞敞着|窟窿|塌陷|about to fall|falling off",
        inside_negation=False,
        hypothetical_applies=False,
    ),
    Family(
        "hazard",
        URGENT,
        rf"(线头|电线|裸线|铜线){_gap(6)}(露|裸露|耷拉|垂)|exposed wires?|"
        rf"(外机|空调|广告牌|招牌|灯|树|杆|墙|柜|架|支架){_gap(4)}歪|"
        rf"(还在|正在|在|一直在?|不停地?|不断){_gap(2)}往下(掉|扔|丢|砸|落)|"
        rf"脱落|空鼓|(护栏|栏杆){_gap(4)}(断|松|倒|没了|缺了)|"
        # something loose high up, over a place where people pass
        r"(雨棚|广告牌|招牌|外墙|瓷砖|玻璃|吊顶|天花板|外机|支架|树枝|树杈|灯罩|铁皮|顶棚|"
        rf"装饰|墙皮|女儿墙){_gap(6)}(松|裂|翘|鼓|歪|开胶)",
        inside_negation=False,
        hypothetical_applies=False,
        context=("people",),
    ),
    Family(
        "hazard",
        URGENT,
        r"耷拉",
        inside_negation=False,
        hypothetical_applies=False,
        # a ceiling panel or a branch hanging down, not a mailbox flap or a plant
        exclude=r"信报箱|合页|柜|抽屉|耳朵|叶子|花|脑袋|眼皮|衣服",
    ),
    Family(
        "hazard",
        URGENT,
        rf"掉{_gap(4)}下来",
        inside_negation=False,
        hypothetical_applies=False,
        context=("people",),
        exclude=r"虫|叶|絮|花瓣|果子|鸟屎|水|毛",
    ),
    Family(
        "hazard",
        URGENT,
        r"(?<![会就扶])晃(?!眼|神|悠悠的走)",
        inside_negation=False,
        hypothetical_applies=False,
        context=("people", "loose"),
        exclude=r"跳绳|蹦|跑跳|震",
    ),
    Family(
        "leak_into_home",
        URGENT,
        rf"(漏|渗)(水)?(流)?(到|进){_gap(4)}(我家|她家|他家|楼下|家里|吊顶|天花板|屋里|电表|厨房|卧室|客厅|卫生间)|"
        rf"往我家(流|滴|漏|渗)|严重渗漏|渗漏严重|一下雨就漏|"
        rf"(天花板|吊顶|顶上|屋顶|房顶|顶棚|墙上){_gap(6)}(一直|在|往下)?{_gap(2)}(滴|渗|漏|流|淌)水?|"
        rf"(家|屋|卧室|客厅|房|顶楼|顶层|室内|床){_gap(6)}漏雨|漏雨{_gap(6)}(家|屋|卧室|客厅|房|床)|"
        rf"(一直|不停|都)在?(漏水|往下滴)|"
        rf"(阀|阀门|总阀|龙头|水管){_gap(3)}关不(上|住|掉)|"
        r"漏(落|入)(我)?(屋企|屋|家|厕所|廁所)|"
        r"leak(ing|s)? (into|through)|(dripping|leaking|coming) (down )?(through|from) (the |my )?(ceiling|upstairs)",
        inside_negation=False,
    ),
    Family(
        "locked_out",
        URGENT,
        rf"(?<![柜箱])(门|门禁|单元门|大门|道闸|闸|杆|出口|入口){_gap(14)}"
        r"(进不去|进不来|出不去|锁死|抬不起|堵死)|进不来也出不去|进不去也出不来|出不去也进不来|"
        rf"(出不来|出不去){_gap(6)}(进不去|进不来)|(进不去|进不来){_gap(6)}(出不来|出不去)|"
        rf"(关|锁|堵|挡)在{_gap(2)}(外面|门外|外头|外边)|(进不了|回不了)(家|门|楼)|出不了(家)?门|出不去门|locked out|"
        # a door that will not open, said as what residents must do instead
        rf"(只能|只好|只得)(翻窗|爬窗|翻墙|从窗户)|(翻|爬)窗(户)?(出入|进出)|(等了|站了|堵了){_gap(8)}进不去|"
        rf"(?<!梯)(大门|单元门|入户门|楼门|单元大门|入户大门){_gap(10)}(无法开启|无法打开)",
        inside_negation=False,
    ),
    # no gas for cooking: an outage like water or power
    Family(
        "no_gas",
        URGENT,
        rf"(燃气|煤气|天然气)(?!管|灶|表|报警|费){_gap(6)}(突然|又|也|都|就)?(没了|停了|断了|用不了|没有了|供不上)(?!吗)|"
        rf"(全楼|整栋|家里|全家|老人|我们){_gap(4)}(都)?((没法|不能|没办法)做饭|做不(了|成)饭)|"
        r"(没|没有)(燃气|煤气|天然气)了|no gas|lost gas|gas (is |has been )?(off|cut|gone)",
        inside_negation=False,
    ),
    # a car that cannot get out (blocked, a ground lock, a barrier)
    Family(
        "car_blocked",
        URGENT,
        rf"(我的?|我家的?|我们的?)(车|车子){_gap(8)}(堵|卡|锁|挡|困|夹)(死|住|在)|"
        rf"(车|车子){_gap(4)}(出不去|开不出(去|来)?|挪不出(来|去)?|出不来)|"
        rf"(堵|挡|卡)(住|死)了?{_gap(2)}(我的?车|我家的?车)|"
        rf"(车|車|车子)(被|让|给|遭|俾)(人)?{_gap(2)}(堵|挡|卡|锁|泊)(死|住|起|在|咗)|泊死|"
        r"(blocked|boxed) (my car )?in|can'?t get (my car )?out",
        inside_negation=False,
    ),
    # a gate or a door that lets anyone in (the estate open at night)
    Family(
        "locked_out",
        URGENT,
        rf"(门|门禁|锁|闸|道闸){_gap(12)}(谁都能|谁都可以|外人都能|外人可以|随便)(进|推|出入)|"
        rf"(入户门|家门|防盗门)(的)?(锁)?{_gap(4)}(锁不上|关不上|锁不了)|"
        r"(没法|无法|不能)封闭",
        inside_negation=False,
    ),
    # structure broken now: a load-bearing wall being demolished (urgent unless someone
    # is in danger)
    Family(
        "structure",
        URGENT,
        rf"(?<!现)(正在|在|还在){_gap(2)}(砸|拆|凿|打|敲|切|钻){_gap(4)}(承重|剪力墙|柱子|横梁|大梁)|"
        rf"承重(墙|柱|梁){_gap(6)}(正在|还在)(被)?(砸|拆|凿|敲|切|打)",
        inside_negation=False,
    ),
    Family(
        "water_quality",
        URGENT,
        rf"水{_gap(4)}(发黄|发黑|发红|浑浊|浑|有虫|虫|怪味|臭味|异味|黄|褐|锈)|黄水|黑水|臭水|锈水|"
        rf"不敢{_gap(3)}喝|不能喝|怎么敢喝|dirty water",
        inside_negation=False,
        exclude=r"拖地|拖把|洗车|积水|水坑|河|湖|池塘|游泳|鱼缸|水费",
    ),
    Family(
        "fire_system",
        URGENT,
        rf"(消防|喷淋){_gap(8)}(压力|水压){_gap(6)}(低|不够|掉|没)|"
        rf"消防{_gap(4)}(没水|停用|瘫痪)|消(火|防)栓{_gap(4)}没(有)?水",
    ),
)
# ── danger signals: broad, low-precision concept words for the learned detector ──
# Not decisions: each active (not negated, past, hypothetical, figurative, sign or
# habitual) signal becomes a feature token ("#sig:attack", "#sig:attack+now") for
# the emergency detector, so a danger said in words no cue family lists still shares
# a feature with the emergencies of the corpus.
SIGNAL = "signal"
_SIGNALS: tuple[Family, ...] = (
    Family(
        "attack",
        SIGNAL,
        rf"(打|砸|捅|砍|刺|扎|踢|踹|推|掐|揍|追|抡|泼|咬|撞|拽|扇){_gap(2)}{_PERSON}(?!们?家|的?车|的?窗|的?门)|"
        rf"(拿|拎|提|举|挥|抄|握|持|抓){_gap(4)}(刀|棍|棒|酒瓶|瓶子|砖|石头|斧|锤|铁棍|钢管|"
        r"凶器|剪刀|铁锹|扳手|枪)|"
        r"打架|打起来|动手|斗殴|群殴|扭打|厮打|撕打|拉架|拦不住|行凶|耍酒疯|发酒疯|撒酒疯|"
        r"闹事|威胁|砍|捅|喝醉|醉汉|疯子|精神(病|不正常)|fight|attack|knife|hit(ting)?",
    ),
    Family(
        "theft",
        SIGNAL,
        # (a theft said in the passive, 电池被偷了, is done: a report, not a crime going on)
        rf"(?<!被)(?<!被人)偷|(?<!被)盗|撬|(翻|爬){_gap(4)}(阳台|窗|墙|栏杆|围墙|护栏|水管|管道)(?!出入|进出|户?出入|回家)|"
        rf"(拉|试|撬|掰|砸|拽|扒){_gap(2)}(车门|车窗|门把)|(车门|车窗){_gap(2)}(被)?(砸|撬|拉开|打碎)|"
        r"小偷|贼(?!大|多|好|贵|快|亮|冷|热|难|烦|吵|香|长|便宜|拉风)|翻墙|爬窗(?!出入|进出)|爬进|翻进|溜进|钻进|鬼鬼祟祟|可疑|踩点|"
        r"开锁|翻(东西|抽屉|柜)|一辆一辆|挨个|一家一家|挨家挨户|一个一个地?(拉|试|拽|推|开)|"
        r"steal|thie|break(ing)? in",
    ),
    Family(
        "intruder",
        SIGNAL,
        rf"(屋|家|房|里面|里头|屋里){_gap(3)}(有|还有)(人|动静|声音|脚步)|(人|他|贼){_gap(2)}没走|"
        r"动静|陌生(人|男|女)|不认识的人|跟着我|跟踪|intruder|stranger",
    ),
    Family(
        "blood",
        SIGNAL,
        r"(?<![献贫验抽])血(?!压|糖|脂|型|管|缘|统|本|汗|拼|亏|赚|战|淋淋的教训)|bleed|blood",
    ),
    Family(
        "wound",
        SIGNAL,
        r"伤|口子|划破|割破|擦破|破皮|磕破|磕到|撞到头|撞破|扎破|刺破|骨折|扭到|肿|"
        r"疼|痛|划了|割了|划开|咬了|hurt|injur|wound|cut",
    ),
    Family(
        "collapse",
        SIGNAL,
        r"摔|跌|滑倒|倒在|倒地|栽|晕|昏|不醒|没反应|没呼吸|没意识|抽搐|口吐白沫|不动了|"
        r"(滑|绊)了?(一)?跤|动不了|扶不动|爬不起来|"
        r"站不起|起不来|休克|心脏|喘不上|呼吸困难|脸色发(白|紫|青)|嘴唇发紫|噎|呛|卡住喉|"
        # a sudden illness said as what one sees
        r"捂着(胸口|心口|肚子)|(胸口|心口)(疼|痛|闷)|说不出话|喘不过气|(蹲|瘫|坐)在地上|瘫(倒|软)|"
        r"口吐白沫|嘴歪|半边(身子)?(麻|动不了)|(意识|神志)不清|抽筋|"
        r"collapse|faint|fell|fall",
    ),
    Family(
        "fire",
        SIGNAL,
        r"(?<![上消发打点灭恼窝])火(?!车|锅|腿|柴|龙果|候|栓|机|大|爆|气|烧眉毛|热|辣|红|速|急|冒三丈|(都|就|一下子?|蹭蹭?地?)?(蹿|窜|冒)?上来)|烧(?!开|饭|菜|水|烤|鸡|饼|卖|钱|香)|燃(?!气)|焦|(?<![黏粘模迷含稀])糊(?![涂弄])|冒烟|浓烟|黑烟|"
        r"(?<!抽|吸|香|烟|油)烟(?!头|民|草|花|酒|台|囱|感|雾报警|瘾)|"
        r"(?:(?<!气)|(?<=[煤燃然化沼氧毒]气))(?<!肺)爆炸|(?:(?<!气)|(?<=[煤燃然化沼氧毒]气))(?<!肺)炸了|鼓包|fire(?! alarm| drill| door| exit| extinguisher| escape| safety| test| inspection)|smoke(?! alarm| detector)|burn",
    ),
    Family(
        "smell",
        SIGNAL,
        r"气味|味道|味儿|怪味|臭鸡蛋|刺鼻|呛人|呛得|"
        r"(煤气|燃气|天然气|液化气)(?!费|公司|卡|缴|充值|账|开户|过户|报装|营业|表箱)|"
        r"gas(?! bill| meter| fee| company| inspection| check| card| account)|smell",
    ),
    Family(
        "water",
        SIGNAL,
        rf"漏|渗|喷|涌|灌|淹|冒水|泡了|泡水|积水|水{_gap(2)}(流|漫|溢|冲|射)|哗哗|止不住|"
        r"关不住|关不上|堵不住|leak|flood|water",
    ),
    Family(
        "burst",
        SIGNAL,
        r"(轰|砰|嘭)(的|地)一声|一声巨响|(?<!火)爆(?!表|满|单|款|仓|米|红|料|笑|炒|灯)|崩|裂|断开|脱开|(?:(?<!气)|(?<=[煤燃然化沼氧毒]气))(?<!肺)炸(?!鸡|酱|串|薯)|burst|crack",
    ),
    Family(
        "fall",
        SIGNAL,
        # (not a verb's result: 停掉, 关掉, 扔掉, 换掉)
        r"(?<![毛漆皮色发停关扔去拆换剪删卖忘吃退撕用])掉(?!毛|漆|皮|色|头发|渣|线)|落(?!叶|灰)|塌|坠|垮|倒(?!垃圾|车|水|掉|是|了一杯)|(?<![不判中诊打])断(?!电|水|网|气|供|货|联|续|定|然|言|奶|了电|了水)|脱落|砸|悬|吊(?!顶)|挂|卡在|晃|歪|斜|"
        r"翘|飞下来|刮下|吹下|fall|hang|swing|loose",
    ),
    Family(
        "trapped",
        SIGNAL,
        r"(?<![好太犯很真])困(?!不着|觉|得|死了|意|倦|了就睡)|关在|卡住|卡在|出不来|锁在|被锁|夹|扒不开|"
        r"stuck(?! at home| in traffic)|trapped",
    ),
    Family(
        "electric",
        SIGNAL,
        r"火花|火星|触电|漏电|电到|被电(?!动|瓶|车|费|梯|话|视|脑|工|表|体)|短路|电线|裸露|带电|噼里啪啦|啪啪|spark|shock|wire",
    ),
    Family(
        "drown",
        SIGNAL,
        rf"落水|溺|(掉|跌|摔|滑|栽)(进|到|下){_gap(2)}(水|河|湖|池|井|坑|沟)|水里|drown",
    ),
)
# a danger word that keeps coming back (天天打架) is habit, not an event now; a
# negator inside the short match is part of the danger (拦不住, 止不住, 起不来)
_SIGNALS = tuple(
    replace(f, chronic_applies=True, inside_negation=False) for f in _SIGNALS
)
# A danger word about something harmless is ignored ("harmless"): a kite, a banner or
# leaves that fall; a drop of blood; the place is already cordoned off.
_HARMLESS_FALL = (
    r"烟头|果皮|瓜子|树叶|落叶|叶子|花瓣|杨絮|柳絮|虫|鸟屎|口水|灰尘|横幅|旗|彩带|灯笼|"
    r"气球|衣服|被子|床单|风筝|窗帘|鸟窝|塑料袋|毛|插头|"
    # a flickering light dazzles (晃得眼睛疼): glare, not a swinging object
    r"晃(得)?(人)?眼|刺眼|闪(个)?不停|"
    # a thing left behind (水壶落在游乐场了) has not fallen
    r"(水壶|杯子|钥匙|手机|钱包|东西|包|伞|衣服|外套|帽子)[^，,。.!！?？;；~…]{0,2}落在|"
    # an animal that falls or is lost is no person in danger
    r"(猫|狗|鸟|鹦鹉|仓鼠|兔子|宠物)[^，,。.!！?？;；~…]{0,6}(掉|摔|跌|飞|跑|断|瘸)|"
    + _CORDONED
)
_HARMLESS_INJURY = (
    # money spent (物业费一涨就得大出血) is no blood
    r"(得|要|又|狠狠地?)大出血|"
    r"(流|出)了?(一)?点(点)?血|一点点血|破了点皮|擦破点皮|小伤|没(什么|啥)?大碍|不严重|创可贴|"
    r"已经(去|送)(过)?医院(了)?|已经包扎|已经(带去)?打(过)?(针|疫苗)"
)
# … or nobody is at risk: nobody below or passing, nobody hurt, nobody inside.
_NOBODY_BELOW = (
    r"没(有)?(什么)?人(走|经过|路过|过|在下面|在底下)|(底下|下面|下边|那里|那边|平时|半夜)(也|都)?没(有)?人|"
    r"很少(有)?人|人很少|没(有)?(人|小孩|孩子)(敢)?(玩|用|坐|去|上去)了?|(还好|幸好|幸亏|好在)(当时)?(下面|底下)?没(有)?人|nobody (is )?(below|under)"
)
_NOBODY_HURT = (
    r"没(有)?(人)?受伤|没伤(到|着)|人没事|(孩子|人|他|她|我)(倒是|还好)?没事|"
    r"没(有)?(破皮|出血|流血|骨折)|有点红|红了一(下|块)|"
    r"没(有)?人(在)?(里面|被困|困在|被关)|冇人(困|喺入面)|里面没人|nobody (hurt|inside)"
)
# a car stuck or blocked in (地锁把我的车卡在车位里) is the urgent car_blocked
_CAR_STUCK = r"(车|车子)[^，,。.!！?？;；~…]{0,8}(卡|堵|困|锁|挡|夹)(在|住|死)|(卡|堵|困|锁|夹)在车位|地锁"
_HARMLESS = {
    "fall": re.compile(f"{_HARMLESS_FALL}|{_NOBODY_BELOW}|{_CAR_STUCK}"),
    "burst": re.compile(f"{_NOBODY_BELOW}|{_CORDONED}"),
    # someone smoked: a smell of cigarettes is no fire; a socket burnt black earlier
    "fire": re.compile(
        r"抽烟|吸烟|谁抽|抽的|烟头|二手烟|烟瘾|烟味[^，,。.!！?？;；~…]{0,6}(抽|吸)|"
        r"烧(黑|坏|断|化)了|"
        # … and smoke from cooking, a barbecue or incense is no fire
        r"烧烤|烤(肉|串|鸭|鱼|红薯|肠|鸡)|炒菜|做饭|油烟|熏腊肉|腊肉|烧纸|烧香|蚊香|艾灸|"
        # … nor cigarettes given or bought (收了外卖员的烟)
        r"(收|送|递|发|买|给)(了)?[^，,。.!！?？;；~…]{0,5}烟(?!雾|味)|一(包|条)烟"
    ),
    # a wire down where nobody can reach it, or with the power already off
    "electric": re.compile(
        rf"{_CORDONED}|(已经)?断(了)?电|停电了|拉了?(总)?闸|(总闸|电闸)(已经)?(关|拉)了"
    ),
    # water play and chores are no flood
    "water": re.compile(r"水枪|浇花|浇水|洗车|喷泉|洒水车|拖地|喷头|花洒|喷灌|滴灌"),
    "blood": re.compile(_HARMLESS_INJURY),
    # an animal hurt is no person in danger (a bird with a broken wing)
    "wound": re.compile(
        f"{_HARMLESS_INJURY}|{_NOBODY_HURT}|"
        r"(鸟|猫|狗|鸽子|小动物|宠物)[^，,。.!！?？;；~…]{0,4}(受伤|伤)|(受伤|伤)的(小)?(鸟|猫|狗|鸽子|动物)|"
        # eyes sore from glare, a toothache; hedges cut
        r"(眼睛|眼|耳朵|牙)(都)?(疼|痛)|hurts? (my |the )?eyes|eyes? hurt|"
        r"(cut|trimm?\w*|prun\w*) [a-z ]{0,12}(hedge|tree|grass|bush|branch|lawn)"
    ),
    "trapped": re.compile(f"{_NOBODY_HURT}|{_CAR_STUCK}"),
    # coughing at cooking fumes (爆炒辣椒 呛得直咳嗽) is no one choking
    "collapse": re.compile(_NOBODY_HURT + r"|油烟|炒|辣椒|做饭|烧烤|烟味"),
    # trees cut or pruned (树让你们给砍秃了) are no attack
    "attack": re.compile(
        r"砍(了|得|成|掉)?[^，,。.!！?？;；~…]{0,3}(树|枝|秃|光)|(树|枝)[^，,。.!！?？;；~…]{0,8}砍"
    ),
    # water to drink or wash with, not water to drown in (水里有小虫子在游)
    "drown": re.compile(r"虫|一杯|杯子|水龙头|龙头|自来水|水质|水箱|喝|鱼"),
    # the tap water smells (自来水一股臭鸡蛋的味儿): water quality, not gas
    "smell": re.compile(
        # rubbish and cooking smell of no danger, where no gas is named (a multi-issue
        # message can hold a full bin and a smell of gas)
        r"^(?!.*(煤气|燃气|天然气|液化气|石油气|gas))(?=.*(垃圾|garbage|trash|rubbish|\bbins?\b|"
        r"油烟|爆炒|炒菜|辣椒|做饭))|"
        # … nor a bill or its reading
        r"账单|读数|缴费|收费|\bbill\b|statement|usage|invoice|"
        # … nor a gas outage (天然气从中午就停了, 停气)
        r"停气|(燃气|煤气|天然气)((?!管|挖|漏)[^，,。.!！?？;；~…]){0,8}(停了|没了|断了)|"
        r"没(有)?(燃气|煤气|天然气|气)了|"
        r"(自来水|龙头|水质|喝的水|开水|热水|水管里的水|供水|水发黄|水发黑|水是黄的|水是浑的)"
        r"[^，,。.!！?？;；~…]{0,8}(味|臭)"
    ),
}
# Not dangers themselves, but what makes one an emergency: now, here, people around.
NOW = re.compile(
    r"正在|刚才|刚刚|刚|现在|还在|马上|立刻|赶紧|赶快|快来|快派|快叫|快点|救命|帮忙|急|"
    r"!|！|一直|不停|此刻|速|right now|now|help|hurry|urgent"
)
HELP = re.compile(
    r"救命|报警|110|120|119|救护车|急救|来人|快来|ambulance|police|help|first aid"
)
PEOPLE = re.compile(
    r"小孩|孩子|儿童|小朋友|学生|老人|行人|路人|人来人往|(很|好)多人|人(很|好)?多|"
    r"(?<!没)人(在|都)?(走|过|玩|进出)|正对|游乐|乐园|放学|上学|幼儿园|(?<!没)(?<!没有)有人|"
    r"people|kids|children"
)
# … and what says nobody is there (or the place is already closed off).
NOBODY = re.compile(r"围起来|拦起来|" + _CORDONED + "|" + _NOBODY_BELOW)

_COMPILED = [
    (f, re.compile(f.pattern), re.compile(f.exclude) if f.exclude else None)
    for f in _FAMILIES + _SIGNALS
]

# Words just before a danger cue (or inside it) that deny it: 没有漏气, 不是着火,
# 差点砸到人, 还以为真着火了.
_NEGATION = re.compile(
    r"没有|没|冇|不是|不|无|未|并非|非|别|差点|险些|幸好|还好|幸亏|气得|气到|会|可能|容易|"
    r"小心|防止|以防|以免|免得|省得|避免|以为|当成|当是|都快|快要|no |not |never "
)
# Fault cues name a lack themselves (没水, 不动): only a denial before them counts.
_FAULT_NEGATION = re.compile(r"没有|不是|并非|并没|并不|还没|没|no |not ")
_NEG_WINDOW = 6
# A potential complement (站不稳, 拦不住, 叫不醒) names what happens, it denies nothing.
_COMPLEMENT = re.compile(
    r"[站拦挡扶按止关抓拉爬]不(稳|住|动|起|了)|(?<!爬)起不来|爬不起来|叫不醒|喊不醒|喘不上"
)
# (没过 of water that rises over something is no negation: 积水没过了充电桩)
_INSIDE_NEGATION = re.compile(r"没(?!过[^来去])|不|未|差点|险些|容易|可能会")

# Figurative: 急得跟着了火似的, 嗓子冒烟, 心头冒火, 火冒三丈.
_SIMILE_BEFORE = re.compile(r"跟|像|好像|如同|仿佛|似")
_SIMILE_AFTER = re.compile(r"^.{0,2}(似的|一样|一般|般|似)")
_FIGURATIVE_BEFORE = re.compile(r"(急|气|忙|热|渴|饿|累|吓|笑|乐|哭|烦|愁|吵|闹|唱)得")
# … a body part that fumes or bursts (嗓子冒烟, 心头冒火, 脑袋要爆炸) — not one that bleeds
_FIGURATIVE_BODY = re.compile(
    r"嗓子|喉咙|心头|心里|肚子里|一肚子|眼睛|头顶|脑袋|脑子|脑壳|头都|肺都|心态"
)
_BODY_FIGURE_KINDS = ("fire", "smoke", "burst", "sparks", "flooding")
_FIGURATIVE_AFTER = re.compile(
    r"^.{0,1}(三丈|冒三丈)|^.{0,2}(都|也|简直)(要|快)(要)?(犯|发作|气|炸|爆|疯|吓)|^爆表"
)
# … an exaggeration of how a bill or a manner makes one feel: 看得我血压爆表, 说话冲得像要
# 跟人打架 (a simile of degree; "看着像要跳" is what one sees, and stays)
_FIGURATIVE_DEGREE = re.compile(
    r"(看|听|算|弄|搞|折腾|逼|气)得我|(看|听|晃|闪|吵|刺)得人|(冲|凶|吼|骂)得|得(跟|像|好像|仿佛|似)"
)
# … or a simile closed just before the word: 跟坐牢似的被困在大堂, 像打仗一样
_SIMILE_CLOSED = re.compile(r"(跟|像|好像|如同|仿佛).{0,6}(似的|一样|一般)(被|地|得)?$")
# A sign, sticker or instruction that names the danger: 困人请按警铃的贴纸, 着火时请勿乘梯.
_SIGN_AFTER = re.compile(
    r"^.{0,8}?(贴纸|牌子|标志|标识|提示|字样|标语|告示|海报|须知|宣传|警示)|"
    r"^.{0,2}(逃生|疏散|路线|应急|预案|保险|保护器|风险|隐患)|"
    r"^.{0,2}(请按|请勿|请拨|时请|时要|时应|时怎么|时该|怎么办|怎么处理|该怎么|应该怎么|的话)"
)
# "停电的时候就没照明了": a condition, not an event.
_WHEN_AFTER = re.compile(r"^(的)?(时候|时)")
# Past aspect right after the verb: 冒过火星.
_PAST_AFTER = re.compile(r"^(过|过了)")

# Markers anywhere in the clause that make it a past event …
_PAST = re.compile(
    r"上次|上回|上个月|上周|上礼拜|上星期|之前|以前|去年|前年|前几天|前两天|前阵子|前天|昨天|"
    r"昨晚|昨日|那天|当时|后来|已经修好|修好了|已经处理|已经解决|(?<![晕昏])过去了|"
    r"last (time|week|month)|yesterday"
)
# … a past event named as such, whatever else the clause says (上个月困人的事到现在也没个解释).
_PAST_EVENT = re.compile(
    r"那次|那回|原因|查清|用掉的|用完的|用过的|留下的|结果出来|处理结果|事故|(的|那个|那件)事(?!情况)"
)
# … unless the clause says it is still going on.
_ONGOING = re.compile(
    r"还在|仍在|仍然|正在|一直|到现在|至今|开始|又|[日天晚号月周时点]起|以来|未恢复|从.{0,8}就|"
    r"still|now|since"
)
# … and in the clause after it: "自昨日起全部停运，至今未恢复".
_CONTINUES = re.compile(r"至今|到现在|未恢复|仍然|仍未|still")
# A fault that keeps coming back is a complaint about the past, not trouble now.
_CHRONIC = re.compile(
    r"经常|三天两头|天天|老是|总是|每次|每天|每晚|动不动|隔三差五|修了又|修完又|老坏"
)
# Afterwards: who pays for the damage (停电都不通知，冰箱的东西全坏了，谁来赔).
_AFTERMATH = re.compile(r"谁来?赔|赔偿|赔钱|理赔|损失怎么算")
# Only part of the home is affected (只有一个回路没电, 其他都正常).
_PARTIAL = re.compile(
    r"只有一个|有个插座|其他.{0,3}都(正常|有电|好)|别的.{0,3}都(正常|好)"
)
# Contexts some families need in the message (evaluated once per message, on demand).
_CONTEXTS = {
    "lift": re.compile(f"(?=.*{LIFT})(?=.*({_LIFT_STOPPED}))", re.S),
    "people": re.compile(
        r"行人|路人|人来人往|有人在?(走|经过|路过)|人在走|过路|路过|经过|人行道|过道|通道|"
        r"主路|走道|小孩|孩子|儿童|娃|老人|女儿|儿子|宝宝|学生|下面(就)?是|底下(就)?是|"
        r"下边(就)?是|下方(为|是)|(车和人|人和车|人)都(还)?在|下面(还)?有人|people|kids?|children"
    ),
    "loose": re.compile(r"松|断|裂|挂|吊|掉|脱|翘|歪|碎|风|掀"),
    # people where it would land, said in the message (a bike shed or a car park is not)
    "people_now": re.compile(
        r"人来人往|(?<!没)(?<!没有)有人|(好多|很多|全是|都是|不少|一堆|大家)(人)?(在|进出|经过|走)|"
        r"(进出|来往|经过|路过|走动|上下学|排队)的人(很|好|特别|非常|挺|都)?多|人(很|好|特别|非常|挺)多|"
        r"(全是|都是|好多|很多|不少)人|行人|路人|人在(走|过|玩|等|排队)|有人(走|经过|路过)|"
        r"小孩|孩子|儿童|小朋友|学生|老人|幼儿园|游乐|沙坑|接孩子|放学|上学|公交站|站台|"
        r"(一帮|一群|一堆|好几个|几个|一伙)[^，,。.!！?？;；\s~…]{0,3}(人|阿姨|大妈|大爷|老人|孩子|小孩|小朋友|学生)|"
        r"广场舞|跳舞|下棋|打牌|遛娃|乘凉|散步|"
        r"人群|(差点|差一点|险些)(就)?(被)?砸(到|着)?[^，,。.!！?？;；\s~…]{0,6}(人|我|他|她|孩|小孩|老人|阿姨|大爷)|people|kids|children|pedestrians|someone"
    ),
    # something broken, loose or blown by the wind (a kite hanging in a tree is not)
    "broken": re.compile(
        r"松|断|裂|脱|翘|碎|坏|歪|斜|倒了|塌|锈|掀|掉|砸|大风|风吹|风刮|被风|台风|刮风|刮下|"
        r"loose|broken|cracked|wind"
    ),
    "gas": re.compile(r"燃气|煤气|天然气|液化气|gas"),
    # fear, a cry or an animal nobody holds (for a dog going for someone)
    "menace": re.compile(
        r"吓|哭|尖叫|大叫|喊|救命|快来|快点|赶紧|没(拴|牵|栓|系)绳?|没(有)?(人|主人)(管|牵|看着)|"
        r"(没看到|找不到|不见|没有)(它的?)?主人|主人(不在|不管|呢)|躲|跑不动|scared|screaming|crying|no owner|off (the )?leash"
    ),
    # a lift's landing door open (for a shaft with no car behind it)
    "lift_open": re.compile(
        r"(电梯|梯|厅)门[^，,。.!！?？;；~…]{0,4}(开着|开了|打开|敞着|自己开)|lift doors? (is |are )?open"
    ),
    # an old or frail person alone at home (for a phone nobody answers)
    "alone": re.compile(
        r"(一个人|独自|单独|自己)(在家|住|生活)|独居|空巢|(老人|老母亲|老父亲|我妈|我爸|奶奶|爷爷|外婆|外公)"
        r"[^，,。.!！?？;；\s~…]{0,4}(一个人|独自|自己)|平时都(会)?接|从来不会不接|lives alone|"
        r"(好几|几|两|三|四|多)天(都|了)?没(见|看到|看见|有)?(她|他|人)?(出门|出来|下楼|动静|露面|见人)|"
        r"(报纸|牛奶|快递|外卖)[^，,。.!！?？;；\s~…]{0,4}(堆|没(人)?拿|没收)"
    ),
    # what a fire left burning can reach
    "flammable": re.compile(
        r"电动车|电瓶车|纸箱|纸壳|楼道|单元门|门口|窗帘|干草|草坪|树|车|煤气|燃气|柴|垃圾|风一吹|风大"
    ),
    # someone ill or hurt waiting for help now
    "patient": re.compile(
        r"等着|在等|等车|要送|送(去)?医院|发病|犯病|病了|晕|抽搐|昏|不行了|喘不|心脏|要生了|羊水|"
        r"受伤|流血|waiting"
    ),
    # someone unknown to the family
    "stranger": re.compile(
        r"陌生|不认识|没这个|根本没|不是我(们)?家|冒充|骗|可疑|不知道是谁|stranger|don'?t know (him|her)"
    ),
    # a door locked with nobody able to open it
    "locked": re.compile(
        r"锁(在)?(屋|家|里|门外|外面)|进不去|打不开|出不来|钥匙|locked"
    ),
    # the flat the water comes from cannot be reached
    "unreachable": re.compile(
        r"(敲门|按门铃|打电话|打他电话|联系)[^，,。.!！?？;；\s~…]{0,4}(没人|没有人|不开|没反应|没人应|不接|打不通|联系不上)|"
        r"(家里|屋里|他家|楼上|那家)?(没人|没有人)(在家|开门|应)|联系不上|不在家|出差|出国|"
        r"(人)?在外地|不在本地|出远门|回老家|在国外|家里没人|家中无人|没人在家|"
        r"nobody (is )?(home|answers|answering)|no one (is )?(home|answers|answering)"
    ),
    # a danger named anywhere in the message (for 救命: a cry, not a sigh)
    "danger_any": re.compile(
        r"火|烟|烧|焦|血|伤|困|卡|关在|锁在|出不来|摔|跌|滑倒|晕|倒在|倒地|昏|不醒|漏|淹|浸|"
        r"水管|进水|积水|大水|水里|触电|漏电|电线|电箱|插座|短路|刀|棍|砍|捅|抢|偷|贼|追|"
        r"(?<![拨叫])打(?!电话|麻将|扫|卡|印|球|折|车|开|算|听|牌|针|扰|搅|工|烊|包|不通|过|给|款|钱|理|疫苗|个电话|了个电话)|"
        r"掉|砸|塌|坠|气味|煤气|燃气|咬|夹|溺|跳楼|爬|窗台|"
        r"𨋢|较|梯|心脏|呼吸|抽搐|fire|smoke|stuck|trapped|hurt|blood|bleed|fell|gas|flood"
    ),
    # people where the danger is, right now (not a place named, not a risk: 很容易掉进去)
    # a supply pipe broken (主水管裂了, 消防管破了, the pipe burst)
    "pipe_broken": re.compile(
        rf"(水管|主管|总管|管道|管子|消防管|供水管|水喉|pipe|main){_gap(6)}(裂|破|爆|断|崩|穿|burst)"
    ),
    "people_present": re.compile(
        r"(小孩|孩子|小朋友|学生|老人|人|大家|娃|宝宝|kids|children|people)[^，,。.!！?？;；~…]{0,6}"
        r"(就|正|都|还)?(在|正在|还在)[^，,。.!！?？;；~…]{0,6}"
        r"(跑|玩|走|经过|路过|跳|追|打闹|排队|等|骑|踢球|打球|散步|围着|蹲)|人来人往|"
        r"(好多|很多|一群|好几个|几个|一帮|一堆)(小孩|孩子|人|学生|小朋友|老人)|放学(的|了)|"
        r"(are|is) (playing|running|walking)"
    ),
    # the offender running away or still near, now
    "fleeing": re.compile(
        r"(往|朝|向)[^，,。.!！?？;；\s~…]{0,12}(跑|逃|溜|窜|钻|躲|去了|走了)|(跑|逃|溜|窜)(了|掉了|走了|得很快|咗|起)|"
        r"(骑|开|推|拎|抱|扛)(着|上)?(就)?(走|跑)|刚出(东|西|南|北|大|后|侧|正)?门|(喊|叫)[^，,。.!！?？;；\s~…]{0,4}(还|就)跑|"
        r"堵(门|住出口)|(在后面|快去)追|"
        r"(在|正在|还在|快)(跑|逃)|逃跑|(快|赶紧|帮忙)(追|拦|截|堵|抓)|追上去|拦住|截住|抓住他|"
        r"没跑远|跑不远|还在(小区|附近|里面|楼里|车库|地库|院子)|就在附近|"
        r"ran (off|away|towards?)|running (off|away|towards?)|fled|getting away"
    ),
    "open_window": re.compile(
        r"窗户?(开着|打开|是开|没关|大开|敞着)|开着窗|窗(户)?没(有)?(关|锁|装限位|防护)|没(有)?(防护网|护栏|限位)|window (is )?open"
    ),
    # high up, an open window, nobody watching: a ledge is a danger
    "height": re.compile(
        r"\d+ ?(楼|层|f)|[二三四五六七八九十几]+(楼|层)|高层|好高|很高|那么高|"
        r"窗户?(开着|打开|是开|没关)|开着窗|没(有)?(关窗|大人|家长|人看|人管|防护|护栏|纱窗)|"
        r"外面|外边|悬|探|危险|掉下去|摔下去|快|救命|楼顶|天台|屋顶|吓死|吓人|floor|"
        # a balcony is above the ground floor (a child astride its railing is enough)
        r"阳台|balcony"
    ),
    "broken_in": re.compile(
        r"撬|被翻|翻得|门(是)?开着|门被(打)?开|锁(被)?(弄)?坏|小偷|贼|闯进|破门|进了人|break"
    ),
    "suspect": re.compile(
        r"偷|贼|盗|可疑|鬼鬼祟祟|陌生|不认识|不像(是)?(业主|我们)|戴(着)?(口罩|帽子|头盔)|蒙面|"
        r"形迹|东张西望|望风|放风|一辆一?辆|挨个|挨家挨户|撬|剪锁|弄开|"
        rf"剪{_G}{{0,6}}锁|steal|thie|suspicious"
    ),
}
# … or a hypothesis, a plan, advice or news from elsewhere.
_HYPOTHETICAL = re.compile(
    r"万一|如果|是不是真|要是|假如|假设|的话|怕|担心|会不会|是否|自救|演练|演习|指南|应急预案|"
    r"灭火毯|隐患|的时候(用|要|怎么|该|能)|建议|以防|以免|免得|预防|一旦|哪天|发生时|应该先|"
    r"科普|培训|讲座|知识|注意事项|听说|据说|听"
    + _G
    + r"{0,6}说|新闻|(?<!另)外地|别的小区|网上|视频|"
    r"真的?(着火|起火|失火|出事)了?.{0,6}?(谁|怎么|咋|能|还)|真要|要真|电视|电影|游戏|谣言|传言|辟谣|群里说|群里有人说|if |in case|what if"
)
# A message that opens as a suggestion or a wish (建议在滑梯下面铺软垫 小孩摔下来太疼了)
# speaks of a risk, not of danger now: its danger words are hypothetical, message-wide.
_ADVICE = re.compile(
    r"^(建议|我建议|提议|希望|能否|可否|是否可以|i suggest|suggest|it would be nice)"
)
# Planned or announced outages (a notice, not trouble now): 明天停水, 下周停电.
_PLANNED = re.compile(
    r"明天|明早|明晚|后天|下周|下礼拜|下星期|下个月|计划|预计|将于|要停|会停|几号|"
    r"停水通知|停电通知|tomorrow|next week|planned"
)
# A lift stopped for maintenance is not out of order (好像是在检修).
_MAINTENANCE = re.compile(r"在检修|检修中|在保养|保养中|在维保|年检")
# Present-state words: a question about an outage *now* is still urgent (是不是停水了).
_PRESENT = re.compile(r"了|现在|一直|还|突然|今天|今早|刚|到现在|都|又|now|since")

# Message-wide: the alarm turned out false, was a drill, or is over.
_FALSE_ALARM = re.compile(
    r"嘴上说说|说说而已|(?<!不是)(?<!不是在)开(个)?玩笑|玩笑话|做梦|梦见|梦到|哈哈哈|逗你|吓唬|后来才知道|才知道是|原来是|结果是|才发现是|发现是|虚惊|误报|(?<!是不是)(?<!是不是我)(?<!是否)(?<!可能)(?<!怕)搞错了|(?<!是不是)(?<!是不是我)(?<!是否)(?<!可能)(?<!怕)看错了|"
    r"(烤|煮|炒|饭|菜|面包|锅|做饭)" + _G + r"{0,2}糊|不用来了|false alarm"
)
_DRILL = re.compile(r"演习|演练|drill")
_REAL_DRILL = re.compile(r"不是演习|不是演练|真的?着|真的?起火")
_RESOLVED = re.compile(
    r"修好了|修完(了|才)|处理好了|处理得|弄好了|搞定了|已经解决|解决了|又好了|已经好了|恢复了|没事了|出院了"
)
# Kind-specific endings: a fire put out (not 灯都灭了) or burnt out (烧得只剩个壳),
# people out of the lift, welding finished.
_PUT_OUT = (
    r"扑灭|浇灭|灭掉了|(?<!灯)(?<!灯都)(?<!灯全)(?<!灯也)灭了|"
    r"烧(得)?(只剩|光了|完了|没了|成了)|烧剩"
)
_RESOLVED_KIND = {
    "fire": re.compile(_PUT_OUT),
    "smoke": re.compile(_PUT_OUT),
    "trapped": re.compile(r"救出来|已经出来了|人出来了|放出来了|出来了"),
    "sparks": re.compile(r"焊完|收工了|停工了|不焊了"),
    # a gas smell gone by the time the owner writes (今早已经闻不到了)
    "gas": re.compile(
        r"闻不到了|没(有)?(味|味道|气味)了|(味|味道|气味)(已经)?(散|没|淡)了|no longer smell"
    ),
    "flooding": re.compile(
        r"关了?(总阀|阀门|水阀|总水阀)|(总阀|阀门|水阀)(已经)?(给)?关(了|掉|上|住)"
    ),
}
# Thanks for an emergency handled (电梯卡住报修 不到半小时师傅就来了 修好… 点赞): told
# after the event, so its danger words are resolved.
_THANKED = re.compile(r"点赞|感谢|谢谢|多谢|表扬|致谢|辛苦了|好评|给力|thank")
_HANDLED = re.compile(
    r"修好|(就|很快|马上|及时|立刻)(赶)?(来|到)(了)?|处理(好|完|得)|救出来|放出来|解决了|"
    r"及时|恢复正常|运行(得)?(很|挺)?(稳|正常|平稳)|fixed|sorted out|got (him|her|them|us) out"
)
# The owner says it is minor or not urgent (没啥大事, 擦破点皮, not urgent): no danger now.
_NOT_URGENT = re.compile(
    r"不急|不着急|不用急|不是很急|没那么急|有空(再|的时候|的话|来|过来)|方便的时候|not urgent|no rush|"
    r"no hurry|whenever (you|it'?s) convenient"
)
_MINOR = re.compile(
    r"没(啥|什么|多大)?大事|问题不大|没(什么|啥)?大碍|不严重|小伤|擦破(了)?(一)?点(儿)?皮|"
    r"破了(一)?点(儿)?皮|蹭破(了)?(一)?点(儿)?皮|人没事|nothing serious|just a scratch"
)
# person-harm kinds that a minor injury explains away
_HARM_KINDS = ("injury", "wound", "blood", "collapse")
# an animal that seems hurt (楼下有只猫好像受伤了) is no person in danger
_ANIMAL_HURT = re.compile(
    r"(猫|狗|鸟|鸽子|小动物|宠物|刺猬|松鼠)(咪|儿)?[^，,。.!！?？;；\s~…]{0,4}"
    r"(好像|可能|似乎|像是)?$"
)
# … unless the animal is the one that bites, scratches or knocks a person down
_ANIMAL_AGENT = re.compile(r"咬|抓|扑|撞|追|把")
_STILL = re.compile(r"还在|仍在|正在|现在还|一直(在)?往外|still")
_STILL_NEEDS_HELP = re.compile(
    # (急 but not 不急, 不着急, 不用急, 没那么急: the owner saying it can wait)
    r"(?<!尽)快来|赶紧|马上|快派|救命|速来|快点|"
    r"(?<!不)(?<!不着)(?<!不用)(?<!不太)(?<!不是很)(?<!没那么)急|hurry|quick"
)
_DANGER_ONLY_REASONS = ("false_alarm", "drill")
# The owner says nobody is shut in (我没被困啊 就想试试 the lift phone), even while asking
# for a repair today.
_NOT_TRAPPED = re.compile(
    r"没(有)?被困|没(有)?困住|没(有)?人被困|没关人|nobody (is )?(stuck|trapped)"
)
# Message-wide, for violence and crime words: children at play (喊'杀人啦'玩, 不是真打架).
_PLAY = re.compile(
    r"(?<!不是)(?<!不是在)闹着玩|(喊|叫|嚷)[^，,。.!！?？;；\s~…]{0,8}玩|"
    r"玩(警察|过家家|捉迷藏|打仗|游戏)|玩[^，,。.!！?？;；\s~…]{0,12}游戏|水枪|玩具枪|"
    r"警察抓小偷|不是真(的)?(打|吵|杀|砍|抢)"
)
_PLAY_KINDS = ("injury", "attack", "crime", "theft", "intruder")
# Message-wide, for every danger word: a picture, a story or a cartoon (宝宝画了一幅消防车
# 救火的画).
_PICTURE = re.compile(
    r"画(了)?(一|张|幅|个)|的画|绘画|画画|手抄报|作文|动画片|绘本|漫画|故事书|cartoon|drawing"
)
# Quoted words are said or written, not happening (孩子喊'电梯要掉下去啦', a '消防车来救火'
# drawing, a '当心坠物' sign) — unless the quote is a cry for help.
_QUOTE = re.compile(
    r"(?<![a-z])'([^']{1,30})'(?![a-z])|\"([^\"]{1,30})\"|“([^”]{1,30})”|‘([^’]{1,30})’|"
    r"「([^」]{1,30})」|『([^』]{1,30})』|《([^》]{1,30})》"
)
_CRY = re.compile(r"救命|救人|help|sos|抓(小偷|贼|坏人)|快跑|报警")
# Message-wide: hearsay, a rumour or a question whether it is true (朋友圈说…是谣言吧).
_RUMOUR = re.compile(
    r"谣言|传言|传说|辟谣|谣传|朋友圈(里)?(有人)?说|群里(有人)?(说|传)|听说|据说|听人说|"
    # someone from elsewhere told the owner (a prospective buyer's friend, an agent)
    r"(朋友|同事|亲戚|网友|中介|同学|外面的人|别人|人家)(跟我|和我|都|也)?(说|讲|告诉我)|"
    r"是真的吗|是不是真的|rumou?r"
)
# A door that locks people out, or in a lobby, is urgent (locked_out), not people
# trapped — unless the lift car is named (电梯里, 轿厢).
_LIFT_CAR = re.compile(
    rf"{LIFT}(里|内|中)|轿厢|困在{LIFT}|关在{LIFT}|卡在.{{0,4}}(中间|之间|层)|in the lift"
)
# Property only: water into a home with no danger word but water (暖气片漏水渗到楼下).
_WATER_SIGNALS = ("water", "burst", "drown")
# Hazard only: falling and breaking words over nobody (urgent).
_HAZARD_SIGNALS = ("fall", "burst")


@dataclass(frozen=True)
class Cue:
    """One danger or urgency cue found in the text."""

    text: str
    kind: str
    level: str
    # "", "negation", "figurative", "sign", "past", "hypothetical", "planned",
    # "chronic", "false_alarm", "drill", "resolved", "play" (children at play, a
    # picture), "quote" (words in quotation marks: said or written, not happening),
    # "door" (a door locks people out or in: urgent), "harmless", "property"
    # (water into a home only) and "hazard" (falling or breaking over nobody; danger
    # signals only)
    negated: str = ""
    # the clause speaks of the present (了/现在/一直…): see classifier for questions
    present: bool = True

    def as_dict(self) -> dict:
        out = {"cue": self.text, "kind": self.kind, "level": str(self.level)}
        if self.negated:
            out["negated"] = self.negated
        return out


def clause_spans(text: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of the clauses (sorted, non-overlapping)."""
    starts, ends = [], []
    pos = 0
    for m in _CLAUSE.finditer(text):
        if m.start() > pos:
            starts.append(pos)
            ends.append(m.start())
        pos = m.end()
    if pos < len(text):
        starts.append(pos)
        ends.append(len(text))
    return starts, ends


def find_cues(normalized: str) -> list[Cue]:
    """All cues in the text, each marked negated (and why) or not. Order: text order."""
    text = normalized
    matches = []
    contexts: dict[str, bool] = {}
    # quoted words (not a cry for help) are said or written, not happening: the
    # contexts a family needs and the owner's "快来" are read outside them (a shouted
    # '电梯要掉下去啦' does not make a lift stopped)
    quotes = [m.span() for m in _QUOTE.finditer(text) if not _CRY.search(m.group(0))]
    unquoted = text
    for qs, qe in quotes:
        unquoted = unquoted[:qs] + " " * (qe - qs) + unquoted[qe:]
    needs_help = _STILL_NEEDS_HELP.search(unquoted) is not None
    if needs_help:
        quotes, unquoted = [], text
    for family, pattern, exclude in _COMPILED:
        if family.context:
            ok = True
            for name in family.context:
                if name not in contexts:
                    contexts[name] = _CONTEXTS[name].search(unquoted) is not None
                ok = ok and contexts[name]
            if not ok:
                continue
        if exclude is not None and exclude.search(text):
            continue
        for m in pattern.finditer(text):
            matches.append((m.start(), m.end(), family))
    if not matches:
        return []

    starts, ends = clause_spans(text)
    false_alarm = _FALSE_ALARM.search(text) is not None
    drill = _DRILL.search(text) is not None and not _REAL_DRILL.search(text)
    resolved = (
        _RESOLVED.search(text) is not None
        or (_THANKED.search(text) is not None and _HANDLED.search(text) is not None)
    ) and not needs_help
    not_urgent = _NOT_URGENT.search(text) is not None and not needs_help
    minor = _MINOR.search(text) is not None and not needs_help
    aftermath = _AFTERMATH.search(text) is not None
    partial = _PARTIAL.search(text) is not None
    rumour = (
        _RUMOUR.search(text) is not None or _ADVICE.search(text) is not None
    ) and not needs_help
    play = _PLAY.search(text) is not None and not needs_help
    picture = _PICTURE.search(text) is not None and not needs_help
    found: list[tuple[int, Cue]] = []
    clause_info: dict[int, tuple[bool, bool, bool, bool, bool]] = {}
    for start, end, family in matches:
        i = bisect_right(starts, start) - 1
        if i < 0 or start >= ends[i]:
            continue  # a match on a boundary only (cannot happen with _G gaps)
        cs, ce = starts[i], ends[i]
        info = clause_info.get(i)
        if info is None:
            clause = text[cs:ce]
            # "自昨日起全部停运，至今未恢复": the next clause can say it goes on
            reach = text[cs : ends[i + 1]] if i + 1 < len(ends) else clause
            ongoing = (
                _ONGOING.search(clause) is not None
                or _CONTINUES.search(reach) is not None
            )
            info = (
                _PAST_EVENT.search(clause) is not None
                or (_PAST.search(clause) is not None and not ongoing),
                ongoing,
                _HYPOTHETICAL.search(clause) is not None,
                _PLANNED.search(clause) is not None,
                _PRESENT.search(clause) is not None,
            )
            clause_info[i] = info
        past, ongoing, hypo, planned, present = info
        still = _STILL.search(text[cs:ce]) is not None
        inside = text[start:end]
        before = text[max(cs, start - _NEG_WINDOW) : start]
        before = _COMPLEMENT.sub(
            "", before.replace("是不是", "").replace("有没有人", "")
        )
        after = text[end:ce]
        danger = family.level != URGENT  # emergencies and danger signals
        negation = _NEGATION if danger else _FAULT_NEGATION
        if negation.search(before[-4:] if danger else before[-3:]) or (
            family.inside_negation
            and _INSIDE_NEGATION.search(_COMPLEMENT.sub("", inside))
        ):
            why = "negation"
        elif (_SIMILE_BEFORE.search(before) and _SIMILE_AFTER.search(after)) or (
            _FIGURATIVE_BEFORE.search(before)
            or (
                family.kind in _BODY_FIGURE_KINDS
                and _FIGURATIVE_BODY.search(before) is not None
            )
            or _FIGURATIVE_DEGREE.search(text[max(cs, start - 8) : min(ce, start + 3)])
            or _FIGURATIVE_AFTER.search(after)
            or _SIMILE_CLOSED.search(text[max(cs, start - 12) : start])
        ):
            why = "figurative"
        elif _SIGN_AFTER.search(after):
            why = "sign"
        elif _WHEN_AFTER.search(after):
            why = "hypothetical"
        elif _PAST_AFTER.search(after) or past:
            why = "past"
        elif hypo and family.hypothetical_applies:
            why = "hypothetical"
        elif not danger and (
            planned or (family.kind == "lift_out" and _MAINTENANCE.search(text))
        ):
            why = "planned"
        elif (not danger or family.chronic_applies) and _CHRONIC.search(text[cs:ce]):
            why = "chronic"
        elif (
            not danger
            and (aftermath or (partial and family.kind in ("no_power", "no_water")))
            and not still
        ):
            why = "past" if aftermath else "negation"
        elif (
            family.level == SIGNAL
            and family.kind in _HARMLESS
            and _HARMLESS[family.kind].search(text)
        ):
            why = "harmless"
        elif (
            danger
            and not still
            and (not_urgent or (minor and family.kind in _HARM_KINDS))
        ):
            why = "minor"
        elif (
            family.kind in ("injury", "wound")
            and not _ANIMAL_AGENT.search(inside)
            and _ANIMAL_HURT.search(text[cs:start])
        ):
            why = "harmless"
        elif danger and rumour and not still:
            why = "hypothetical"
        elif danger and play and family.kind in _PLAY_KINDS and not still:
            why = "play"
        elif danger and picture and not still:
            why = "play"
        elif danger and any(qs < start and end < qe for qs, qe in quotes):
            why = "quote"
        elif danger and false_alarm and not still:
            why = "false_alarm"
        elif danger and drill:
            why = "drill"
        elif family.kind == "trapped" and _NOT_TRAPPED.search(text):
            why = "negation"
        elif not still and (
            resolved
            or (
                family.kind in _RESOLVED_KIND
                and _RESOLVED_KIND[family.kind].search(text)
                and not (family.kind in ("trapped", "flooding") and needs_help)
            )
        ):
            why = "resolved"
        else:
            why = ""
        found.append((start, Cue(inside, family.kind, family.level, why, present)))
    found = _property_or_door(found, text, needs_help)
    found.sort(key=lambda item: item[0])
    seen: set[tuple[str, str, bool]] = set()
    out = []
    for _pos, cue in found:
        # the same words found twice count once (a danger signal apart from the cues)
        key = (cue.text, cue.negated, cue.level == SIGNAL)
        if key not in seen:
            seen.add(key)
            out.append(cue)
    return out


def _property_or_door(
    found: list[tuple[int, Cue]], text: str, needs_help: bool
) -> list[tuple[int, Cue]]:
    """A door that locks people out or in (not the lift car) explains "trapped" away;
    water leaking into a home or sewage coming back up, with no other danger word, is
    property only (urgent)."""
    active = [c for _, c in found if not c.negated]
    kinds = {c.kind for c in active}
    door = "locked_out" in kinds and not _LIFT_CAR.search(text)
    other_danger = any(
        c.level in (EMERGENCY, SIGNAL) and c.kind not in _WATER_SIGNALS for c in active
    )
    # sewage coming back up (马桶往外涌粪水) is the same: urgent, whatever it floods
    leak = (
        bool(kinds & {"leak_into_home", "sewage"})
        and not other_danger
        and not needs_help
    )
    # a loose thing or a wall being broken with nobody said to be where it would fall
    # (a branch over parked cars, 正在砸承重墙) is the team's urgent hazard: its falling
    # and breaking words are no danger signals
    hazard = (
        bool(kinds & {"hazard", "structure"})
        and not any(c.level == EMERGENCY for c in active)
        and _CONTEXTS["people_now"].search(text) is None
    )
    if not door and not leak and not hazard:
        return found
    out = []
    for pos, cue in found:
        if not cue.negated and door and cue.kind == "trapped":
            cue = replace(cue, negated="door")
        elif not cue.negated and leak and cue.kind in _WATER_SIGNALS:
            cue = replace(cue, negated="property")
        elif (
            not cue.negated
            and hazard
            and cue.level == SIGNAL
            and cue.kind in _HAZARD_SIGNALS
        ):
            cue = replace(cue, negated="hazard")
        out.append((pos, cue))
    return out
