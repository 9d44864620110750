"""Hand-made keyword lists: domain knowledge the corpus alone cannot teach.

Each hit becomes one extra feature token ("#cat:plumbing", "#type:question", …) next to
the character n-grams, so the linear model learns how much to trust it. A synonym that
is in a list but in no training message still moves the prediction the right way.
"""

from __future__ import annotations

import re

CATEGORY_WORDS: dict[str, str] = {
    "elevator": "电梯|电体|扶梯|货梯|客梯|轿厢|梯控|平层|维保|年检|困人|关人|lift|elevator|电t|轿厢|困在|关在",
    "plumbing": "水管|爆管|漏水|渗水|滴水|停水|没水|水压|水龙头|龙头|水笼头|马桶|马通|下水|地漏|反水|返水|倒灌|"
    "污水|粪水|化粪池|水表|阀门|总阀|角阀|水箱|二次供水|水质|黄水|疏通|堵了|排水|管道|淋浴|热水|自来水|水龙头|水喉|下水道|返污水|冒污水|马桶|water|pipe|leak|toilet|tap|drain|sewage|plumb",
    "electrical": "停电|没电|来电|电闸|跳闸|电表|电箱|配电|变压器|电线|插座|开关|短路|漏电|火花|火星|"
    "灯|照明|路灯|声控|电工|电压|增容|线路|断电|来电|电闸|总闸|吸顶灯|灯罩|灯泡|power|electric|socket|breaker|light",
    "fire_gas": "着火|起火|失火|火灾|火苗|明火|冒烟|浓烟|黑烟|烟感|消防|灭火|消火栓|消防栓|喷淋|防火门|"
    "安全出口|燃气|煤气|天然气|漏气|泄漏|燃气表|燃气灶|119|飞线充电|灭火器|烟感|警铃|演习|演练|液化气|油锅|fire|smoke|gas|extinguisher",
    "security": "门禁|保安|门岗|岗亭|巡逻|监控|摄像头|小偷|被偷|盗|撬|陌生人|可疑|访客|人脸识别|门卡|"
    "道闸|围墙|打架|持刀|高空抛物|跳楼|报警|安全|门禁卡|刷脸|围墙|翻墙|撬|划车|偷|跟踪|拿刀|菜刀|打人|burglar|theft|stolen|stranger|cctv|camera|intruder|break into",
    "noise": "噪音|吵|太响|声音|音响|广场舞|ktv|唱歌|打麻将|跑跳|跺|拖椅子|隔音|睡不着|扰民|喇叭|钢琴|鞭炮|噪声|嗡嗡|咚咚|哐当|轰隆|蹦迪|k歌|唱k|麻将|noise|noisy|loud|music|party|parties",
    "renovation": "装修|施工|电钻|电锤|砸墙|切割|装修垃圾|建筑垃圾|承重墙|违建|搭建|封阳台|押金|出入证|"
    "装修许可|开工|改水路|打孔|装修|电焊|敲墙|打墙|拆墙|renovat|drilling|construction",
    "sanitation": "垃圾|保洁|清洁|打扫|卫生|脏|臭|异味|老鼠|蟑螂|蚊子|苍蝇|消杀|灭鼠|垃圾分类|"
    "垃圾站|垃圾桶|拖地|呕吐|小广告|痰|垃圾房|垃圾车|清运|厨余|消杀|灭蚊|白蚁|吐了|garbage|rubbish|trash|cockroach|rats|dirty|smell",
    "greening": "绿化|草坪|树|树枝|修剪|花|草|浇水|打药|园林|杂草|枯|毛毛虫|杨絮|柳絮|绿地|灌木|园林|修剪|落叶|毛毛虫|打药|tree|grass|garden|lawn",
    "parking": "车位|停车|挪车|占位|车库|地库|充电桩|道闸|车牌|临停|月租|乱停|堵车|堵我车|僵尸车|"
    "地锁|电动车|车棚|车辆|减速带|车道|车库|地库|访客车|停车费|充电口|道闸|parking|car park|vehicle|charger",
    "fees": "物业费|缴费|交费|收费|费用|欠费|催缴|催费|发票|收据|账单|预交|滞纳金|违约金|公摊|"
    "水电费|电费|水费|退费|多收|涨价|账户|支付宝|微信支付|代扣|多少钱|一平|物业费|管理费|维修资金|维修基金|押金|收据|账单|催费|公摊|滞纳金|fee|bill|invoice|payment|charge",
    "pets": "狗|猫|宠物|遛狗|牵绳|狗屎|狗叫|犬|狂犬|鸽子|鸡|流浪猫|流浪狗|拾便|狗|猫|宠物|遛狗|犬|dog|cat|pet|barking",
    "facilities": "外墙|瓷砖|墙皮|墙面|裂缝|开裂|屋顶|楼顶|防水|渗漏|窗户|玻璃|台阶|扶手|井盖|"
    "健身器材|滑梯|秋千|游乐|长椅|凉亭|信报箱|快递柜|雨棚|道路|路面|坡道|单元门|广告牌|空调架|扶手|台阶|地砖|雨棚|井盖|外墙|瓷砖|长椅|秋千|滑梯|健身器材|handrail|roof|bench|playground|window",
    "neighbor": "邻居|对门|隔壁|楼上|楼下|楼道堆|堆放|杂物|晾衣服|占用|私占|鞋柜|油烟|调解|协调|对门|隔壁|楼上那家|楼下那家|邻居|neighbour|neighbor",
    "service": "态度|服务|客服|管家|前台|经理|工作人员|师傅|师父|保安大哥|保洁阿姨|回复|回访|推诿|"
    "不理|爱答不理|没人管|没人来|不接|打不通|效率|负责|敬业|辛苦|耐心|专业|管家|前台|客服|保安大哥|师傅|态度|回访|报修单|staff|front desk|customer service|reported|nobody came",
    "other": "快递|活动|业主大会|业委会|证明|宽带|wifi|学校|幼儿园|传单|推销|社区|疫苗|捡到|失物",
}

TYPE_WORDS: dict[str, str] = {
    "question": r"请问|问一下|问下|想问|咨询|怎么|如何|哪里|在哪|哪个|几点|多少|多久|什么时候|是否|能不能|"
    r"可以吗|可不可以|吗[?？]?$|吗[?？]|\?|？|要不要|需要什么|是谁|有没有|快递|业委会|居住证明|宽带|活动|parcel|delivery|broadband|school|visa|是不是|咋办|咋整|能开不|how|what|when|where|can i|is there|do i|\?",
    "suggestion": r"建议|希望|能否|是不是可以|最好|提议|呼吁|可以考虑|应该加|加装|增设|多装|多种|多安排|能不能(加|装|多|改|换|设|搞|弄|安排)|可以考虑|是否可以|suggest|would be nice|please consider",
    "praise": r"感谢|谢谢|多谢|表扬|点赞|赞|好评|辛苦了|辛苦|给力|满意|太棒|很棒|锦旗|五星|nice|thanks|👍|👏|🙏|贴心|暖心|敬业|太好了|好多了|方便多了|终于|感动|热心|great job|well done|thank|appreciate",
    "complaint": r"投诉|太差|不管|没人管|怎么回事|凭什么|受不了|烦死|吵死|臭死|气死|什么物业|到底|"
    r"还让不让|说了多少次|好几次|又|总是|天天|每天|一直|老是|不负责|骗|违规|乱|凭什么|什么态度|不像话|太过分|骚扰|管不管|有没有人管|没人修|没人来|没人接|没人理|一直没|还没人|多少次|几次了|服了|无语|离谱|complain|ridiculous|terrible|nobody|again",
    "repair": r"报修|坏了|坏掉|不亮|不转|不动|漏|堵|修|维修|故障|断了|松了|裂|掉了|不灵|打不开|关不上|"
    r"没反应|异响|换一个|派人|派个|来看看|检查|麻烦(来|派|安排|帮忙)|派个人|修一下|换一下|看一下|检查一下|处理一下|fix|broken|repair|not working|leak",
}

# Urgency words for the field model: a thing that must be handled today, someone who
# cannot wait (urgent rather than normal; never an emergency by themselves).
URGENCY_WORDS: dict[str, str] = {
    "today": r"今天(就|之内|内|必须|一定|务必|得|要|下午|上午|晚上|中午|能不能|能否|麻烦|赶紧)"
    r"[^，,。.!！?？;；]{0,4}(来|处理|修|补|解决|弄|清|查|派|联系|恢复)|今天之内|今晚之前|今天下班前|"
    r"马上要(去|出门|上班|接|送)|赶着(去|送|接|上班)|急着(去|送|接|用|出门)|(要|得)?去医院|"
    r"出不了门|没法出门|today|tonight|asap",
}

_CATEGORY = [(c, re.compile(p)) for c, p in CATEGORY_WORDS.items()]
_TYPE = [(t, re.compile(p)) for t, p in TYPE_WORDS.items()]
_URGENCY = [(u, re.compile(p)) for u, p in URGENCY_WORDS.items()]


def lexicon_tokens(normalized: str) -> list[str]:
    """One token per list that has at least one hit, plus one per further hit (≤3)."""
    out: list[str] = []
    for name, pattern in _CATEGORY:
        hits = len(pattern.findall(normalized))
        out.extend([f"#cat:{name}"] * min(hits, 3))
    for name, pattern in _TYPE:
        hits = len(pattern.findall(normalized))
        out.extend([f"#type:{name}"] * min(hits, 3))
    for name, pattern in _URGENCY:
        if pattern.search(normalized):
            out.append(f"#urg:{name}")
    return out
