"""Demo tickets for `seed_demo`: the last two months of a service desk, every state.

Each ticket is played through the service-desk services at its own moments
(`anju.core.demo_clock`): logged (by an agent, or by an owner in the portal), accepted,
dispatched, started, paused, resolved, visited, closed, cancelled, escalated, reopened
after a poor visit, with complaint feedback and compensations. Each step is scheduled
when the one before it has run, from the due times the services set: a step meant to be
on time falls before its due time, a late one after it, and the SLA breach scan runs
when a clock runs out (and once more at the end), so the breaches, escalations and
timeline events are the ones production would have. A step that would fall after now
has not happened yet: the ticket stays where it is.

Featured stories give every workbench queue of the demo agent and supervisor something
to open (the third noise complaint in a month, a burst pipe at 2 a.m., a lift with
people inside, a compensation waiting for approval, the demo owner's repair waiting for
his rating); the rest are drawn from the templates below.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from anju.accounts.models import User
from anju.core.demo_clock import Story, story_clock
from anju.estates.choices import Occupancy, Relation, Usage
from anju.estates.models import Community, Company, House, HouseResident, Person

from . import breaches, services
from .choices import (
    Category,
    Channel,
    PauseReason,
    TicketType,
    Urgency,
    VisitMethod,
)
from .models import SLABreach, Ticket
from .owner_services import ticket_submit_by_owner

DAYS = 60  # the story covers the last two months
# who does what, per community: desk (logs, accepts, visits), dispatcher, approver of
# compensations, and the responsible person per kind of work
STAFF = {
    "lsy": {
        "desk": "agent", "dispatch": "supervisor", "approve": "supervisor",
        "repair": "technician", "security": "guard", "clean": "supervisor",
        "agent": "agent", "complaint": "supervisor",
    },
    "qsf": {
        "desk": "agent", "dispatch": "supervisor", "approve": "supervisor",
        "repair": "technician", "security": "supervisor", "clean": "supervisor",
        "agent": "agent", "complaint": "supervisor",
    },
    "other": {
        "desk": "agent2", "dispatch": "agent2", "approve": "manager",
        "repair": "technician2", "security": "manager", "clean": "manager",
        "agent": "agent2", "complaint": "manager",
    },
}  # fmt: skip
DEPARTMENT = {
    "repair": "工程部",
    "security": "秩序维护部",
    "clean": "环境部",
    "agent": "客服中心",
    "complaint": "客服中心",
}


@dataclass(frozen=True)
class Template:
    """A kind of ticket: what the owner says, what was done about it."""

    type: str
    category: str
    urgency: str
    text: str
    resolution: str
    expected: str = ""
    work: str = "repair"  # who handles it (a key of STAFF)
    public: bool = False  # about a common part: the location names it
    found_by: str = ""  # "patrol": found on a round; "system": an equipment alarm
    location: str = ""


T, C, U = TicketType, Category, Urgency
TEMPLATES: tuple[Template, ...] = (
    # 报修
    Template(T.REPAIR, C.PLUMBING, U.EMERGENCY,
             "厨房下水管接头突然爆裂，水喷得满地都是，已经流到客厅，楼下可能也要被淹了，请马上派人来关阀门！",
             "维修工到场关闭进户总阀，更换爆裂的PPR接头，清理积水，并到楼下住户家查看，无渗漏。",
             "马上上门关阀抢修"),
    Template(T.REPAIR, C.PLUMBING, U.URGENT,
             "卫生间地漏往上返污水，味道很大，家里卫生间没法用了。",
             "疏通主立管堵塞（楼上住户倒入装修水泥浆所致），冲洗地漏并消毒。", "今天之内处理好"),
    Template(T.REPAIR, C.PLUMBING, U.NORMAL, "厨房水龙头关不紧，一直滴水，麻烦师傅来看一下。",
             "更换水龙头阀芯，试水正常。"),
    Template(T.REPAIR, C.PLUMBING, U.NORMAL, "卫生间吊顶有水渍往下滴，怀疑是楼上防水层坏了。",
             "查明为楼上卫生间防水层破损，已协调楼上业主修复防水，本户吊顶干燥后恢复。"),
    Template(T.REPAIR, C.PLUMBING, U.URGENT, "家里突然没水了，问了邻居家也没有，什么时候能恢复？",
             "二次供水泵房变频器故障，已更换，供水恢复正常，已在单元群内致歉。", "尽快恢复供水"),
    Template(T.REPAIR, C.PLUMBING, U.NORMAL, "马桶堵了，自己用皮搋子通不开。",
             "疏通马桶，提醒业主不要冲入卫生纸以外的杂物。"),
    Template(T.REPAIR, C.ELECTRICAL, U.NORMAL,
             "单元楼道8楼到12楼的灯都不亮了，晚上回家很黑，老人孩子上下楼不安全。",
             "更换声控开关4个、LED灯泡6只，楼道照明全部恢复。", public=True, location="{building}号楼{unit}单元楼道"),
    Template(T.REPAIR, C.ELECTRICAL, U.URGENT, "家里总闸一直跳，合不上，整个家都没电，冰箱里的东西要坏了。",
             "查为空调回路短路，已隔离故障回路，其余用电恢复，建议业主联系空调售后检修。", "尽快恢复用电"),
    Template(T.REPAIR, C.ELECTRICAL, U.EMERGENCY, "厨房插座插电饭煲的时候冒火花还有焦味，现在不敢用电了。",
             "断电检查，插座内部接线松动烧蚀，已更换插座并紧固线路，绝缘测试正常。", "马上来人检查"),
    Template(T.REPAIR, C.ELECTRICAL, U.NORMAL, "地下车库B区有一排照明灯不亮，停车时看不清车位线。",
             "更换LED灯管12根，车库照明恢复。", public=True, location="地下车库B区",
             found_by="patrol"),
    Template(T.REPAIR, C.PLUMBING, U.URGENT,
             "【设备告警】生活水泵房水箱液位低于下限，2号泵运行电流异常。",
             "现场检查为进水浮球阀卡滞，已疏通复位，液位恢复正常；2号泵轴承加注润滑脂，运行电流正常。",
             public=True, location="地下生活水泵房", found_by="system"),
    Template(T.REPAIR, C.ELEVATOR, U.EMERGENCY,
             "电梯卡在9楼和10楼之间，里面困了两个人，按了警铃没人应，快来人！",
             "保安5分钟到场安抚被困人员，电梯维保单位22分钟到场救援，被困人员安全救出；故障为门锁回路接触不良，已修复并全面检查。",
             "马上救人", public=True, location="{building}号楼{unit}单元电梯"),
    Template(T.REPAIR, C.ELEVATOR, U.URGENT, "单元电梯从早上开始就停了，家里有老人上不了楼。",
             "维保单位更换变频器主板，电梯恢复运行，已张贴停运说明并致歉。", "今天修好",
             public=True, location="{building}号楼{unit}单元电梯"),
    Template(T.REPAIR, C.ELEVATOR, U.NORMAL, "电梯运行的时候有很响的咔咔声，坐着心里发毛。",
             "维保单位检查发现导靴磨损，已更换并润滑，运行平稳。", public=True,
             location="{building}号楼{unit}单元电梯"),
    Template(T.REPAIR, C.FACILITIES, U.NORMAL, "单元楼下门禁刷卡没反应，门一直关不上，陌生人随便进。",
             "更换门禁读卡器和闭门器（等配件两天），门禁恢复正常。", public=True,
             location="{building}号楼{unit}单元大堂", found_by="patrol"),
    Template(T.REPAIR, C.FACILITIES, U.URGENT, "外墙有瓷砖掉下来，差点砸到人，楼下是小孩玩的地方！",
             "设置警戒区域，高空作业队清除松动瓷砖12块并修补外墙。", "尽快排除隐患",
             public=True, location="{building}号楼外墙"),
    Template(T.REPAIR, C.FACILITIES, U.NORMAL, "客厅窗户密封条老化，刮风下雨就往里渗水。",
             "更换窗户密封胶条并重新打胶。"),
    Template(T.REPAIR, C.FACILITIES, U.NORMAL, "入户门锁芯坏了，钥匙插进去拧不动。",
             "更换锁芯（有偿维修，材料费由业主承担）。"),
    Template(T.REPAIR, C.FIRE_GAS, U.EMERGENCY, "楼道里有很浓的煤气味，不知道是哪家漏气了，大家都很害怕。",
             "关闭单元燃气总阀，通知燃气公司抢修，查明为5楼一户燃气表接口松动，修复后开窗通风并恢复供气。",
             "马上处理", public=True, location="{building}号楼{unit}单元楼道"),
    # 投诉
    Template(T.COMPLAINT, C.NOISE, U.NORMAL,
             "楼上每天晚上十一点以后还在拖椅子、跳绳，吵得孩子睡不着，已经说过好几次了。",
             "客服与楼上业主沟通，对方表示会铺设地垫并注意作息；安排保安夜间巡查。",
             "请物业出面协调，不要再半夜制造噪音", work="complaint"),
    Template(T.COMPLAINT, C.RENOVATION, U.NORMAL,
             "隔壁周末早上七点就开始用电钻装修，管理规定不是九点以后才能施工吗？",
             "现场核实违规施工，责令停工，向装修公司发出整改通知并记入装修违规记录。",
             "按规定时间施工", work="complaint"),
    Template(T.COMPLAINT, C.NOISE, U.NORMAL, "中心花园的广场舞音响开得特别大，到晚上九点半还不停。",
             "与舞蹈队负责人沟通，音量调低，每晚八点半前结束。", work="complaint",
             public=True, location="中心花园"),
    Template(T.COMPLAINT, C.PARKING, U.NORMAL, "我家的产权车位又被别人的车占了，打电话挪车也没人接。",
             "保安联系车主挪车，对违停车辆登记警告，再次违停将报交警处理。", "让对方马上挪车",
             work="security"),
    Template(T.COMPLAINT, C.PARKING, U.NORMAL, "消防通道上天天停着外来车辆，门岗是怎么放进来的？",
             "加强门岗外来车辆登记，消防通道施划禁停标线。", work="security", public=True,
             location="北门消防通道"),
    Template(T.COMPLAINT, C.SANITATION, U.NORMAL, "垃圾房的垃圾两天没清运了，臭气熏天，苍蝇到处飞。",
             "与清运公司协调增加清运频次，垃圾房冲洗消毒。", work="clean", public=True,
             location="{building}号楼旁垃圾房"),
    Template(T.COMPLAINT, C.SANITATION, U.NORMAL, "我们单元楼道好几天没人打扫了，烟头、外卖盒到处都是。",
             "保洁主管现场检查，安排每日打扫两次，主管每周抽查。", work="clean", public=True,
             location="{building}号楼{unit}单元楼道"),
    Template(T.COMPLAINT, C.SERVICE, U.NORMAL, "前台工作人员态度很不耐烦，我咨询问题她一直在看手机。",
             "核实属实，对当事员工批评教育，客服主管电话向业主致歉。", "工作人员道歉",
             work="complaint"),
    Template(T.COMPLAINT, C.PETS, U.NORMAL,
             "小区里好多人遛狗不牵绳，刚才一只大狗冲着我孩子叫，孩子吓哭了。",
             "在出入口和草坪增设文明养犬提示牌，保安巡逻时劝导遛狗牵绳。", work="security"),
    Template(T.COMPLAINT, C.NEIGHBOR, U.NORMAL, "楼上装修把我家天花板弄漏了，找他们赔偿一直推脱。",
             "组织双方现场协商，楼上业主同意承担修复费用。", "协调楼上赔偿", work="complaint"),
    Template(T.COMPLAINT, C.NEIGHBOR, U.NORMAL, "对门邻居在公共走廊堆了很多纸箱和旧家具，挡住了消防通道。",
             "上门劝导清理，张贴消防通道禁止堆物通知。", work="complaint"),
    Template(T.COMPLAINT, C.GREENING, U.NORMAL, "楼前的大树树枝伸到我家窗户，挡光而且有虫子。",
             "绿化班修剪树枝并喷洒除虫药剂。", work="clean"),
    Template(T.COMPLAINT, C.SECURITY, U.NORMAL, "昨晚停在车棚的电动车电瓶被偷了，监控能不能帮忙查一下？",
             "调取监控协助业主报警，车棚增加巡逻频次并加装照明。", work="security"),
    # 咨询
    Template(T.CONSULT, C.FEES, U.NORMAL, "请问物业费的电子发票怎么开？单位报销需要。",
             "告知业主可在业主端“缴费记录”中申请，或到前台登记抬头，3个工作日内开具。",
             work="agent"),
    Template(T.CONSULT, C.RENOVATION, U.NORMAL, "准备下个月装修，需要办理什么手续？要交押金吗？",
             "告知装修申请流程：提交申请表、施工方资质和图纸，缴纳装修押金，签署装修管理协议后领取施工证。",
             work="agent"),
    Template(T.CONSULT, C.PARKING, U.NORMAL, "小区还有地面车位可以租吗？每个月多少钱？",
             "告知地面租赁车位尚有空余，月租300元，携带行驶证到前台办理。", work="agent"),
    Template(T.CONSULT, C.OTHER, U.NORMAL, "快递柜满了，快递员说包裹放物业了，在哪里取？",
             "告知包裹暂存物业前台，凭取件码领取。", work="agent"),
    Template(T.CONSULT, C.PLUMBING, U.NORMAL, "听说明天要停水，几点到几点？",
             "告知明日9:00–15:00清洗二次供水水箱，已在各单元张贴通知。", work="agent"),
    Template(T.CONSULT, C.SECURITY, U.NORMAL, "家里老人需要再办一张门禁卡，怎么办理？",
             "告知携带房产证或租赁合同及身份证到前台办理，工本费20元。", work="agent"),
    Template(T.CONSULT, C.FEES, U.NORMAL, "现在一次交一年物业费有优惠吗？",
             "告知预缴一年可享优惠，可在业主端“预缴”或到前台办理。", work="agent"),
    # 建议
    Template(T.SUGGESTION, C.FACILITIES, U.NORMAL,
             "建议在地下车库增设新能源汽车充电桩，现在开电车的业主越来越多了。",
             "已记录并上报公司，将联系供电部门评估容量，并在业主大会上征求意见。", work="agent"),
    Template(T.SUGGESTION, C.FACILITIES, U.NORMAL, "儿童游乐区的滑梯有些旧了，建议更换，再加几个遮阳棚。",
             "已列入下季度公共设施改造计划。", work="agent"),
    Template(T.SUGGESTION, C.OTHER, U.NORMAL, "建议在北门再加一组快递柜，现在经常满。",
             "已与快递柜运营商联系，北门新增一组快递柜。", work="agent"),
    Template(T.SUGGESTION, C.SANITATION, U.NORMAL,
             "建议垃圾分类投放点早上提前开放，上班族七点前就出门了。",
             "投放点开放时间调整为6:30–9:00、18:00–21:00。", work="agent"),
    # 表扬
    Template(T.PRAISE, C.SECURITY, U.NORMAL,
             "感谢门岗的孙师傅，昨天我母亲在小区里迷路了，是他一路把老人送回家的，非常感谢！",
             "已向孙师傅转达业主的感谢，公司通报表扬。", work="agent"),
    Template(T.PRAISE, C.SERVICE, U.NORMAL,
             "赵师傅上次来修水管特别专业，还帮我们检查了其他管道，一分钱没多收，点赞！",
             "已转达表扬，计入员工月度考核。", work="agent"),
    Template(T.PRAISE, C.SANITATION, U.NORMAL,
             "保洁何阿姨每天把楼道打扫得很干净，下雨天还在大堂铺防滑垫，辛苦了！",
             "已向保洁班转达业主的表扬。", work="agent"),
    Template(T.PRAISE, C.SERVICE, U.NORMAL, "客服处理我的投诉很耐心，问题也解决得很快，谢谢！",
             "已转达表扬。", work="agent"),
)  # fmt: skip
TYPE_WEIGHTS = {
    TicketType.REPAIR: 45,
    TicketType.COMPLAINT: 22,
    TicketType.CONSULT: 18,
    TicketType.SUGGESTION: 6,
    TicketType.PRAISE: 9,
}
VISIT_NOTES = (
    (5, "电话回访，业主对处理结果非常满意", "师傅很专业，速度也快"),
    (5, "电话回访，问题已解决，业主满意", "感谢物业"),
    (4, "电话回访，业主基本满意", "希望以后响应再快一点"),
    (4, "上门回访，现场查看已修复", "还可以"),
    (3, "电话回访，业主认为处理一般", "来得有点慢"),
    (2, "电话回访，业主反映问题仍然存在", "还是不行，请再派人看看"),
)
SATISFACTION = ((5, 55), (4, 30), (3, 10), (2, 5))


@dataclass
class Plan:
    """One ticket's story: where, who, what, when it was logged and how far it gets."""

    community: Community
    template: Template
    created: datetime
    target: str  # new accepted assigned in_progress paused resolved closed cancelled
    house: House | None = None
    reporter: Person | None = None
    contact: tuple[str, str] = ("", "")
    channel: str = Channel.PHONE
    owner: User | None = None  # logged and visited by this owner in the portal
    late: frozenset[str] = frozenset()  # clocks this ticket misses
    visits: list[int] = field(default_factory=list)  # satisfaction per visit
    work: str = ""  # overrides the template's handler
    escalate: str = ""  # a reason to escalate (上报) after acceptance
    compensation: Decimal | None = None  # 补偿 asked for after resolution
    compensation_reason: str = ""
    approve: bool = False  # … and approved by the supervisor
    cancel: str = ""
    text: str = ""  # overrides the template's description
    rng: random.Random | None = None  # the ticket's own draws while it is played
    resolution: str = ""  # … and its resolution


@dataclass
class ServiceDeskDemo:
    """What the service-desk part of the demo wrote."""

    tickets: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    visits: int = 0
    breaches: int = 0
    repeats: int = 0
    escalated: int = 0
    compensations: int = 0


def _pick(rng: random.Random, weighted: Any) -> Any:
    items = list(weighted.items()) if isinstance(weighted, dict) else list(weighted)
    return rng.choices([i[0] for i in items], [i[1] for i in items])[0]


class _Desk:
    def __init__(self, *, company: Company, now: datetime, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.planned = 0
        self.now = now
        self.story = Story()
        self.out = ServiceDeskDemo()
        self.communities = {
            c.code: c for c in Community.objects.filter(company=company).order_by("pk")
        }
        self.zone = ZoneInfo(next(iter(self.communities.values())).timezone)
        self.users = {
            u.username: u
            for u in User.objects.filter(company=company, kind="staff").order_by("pk")
        }
        owners = (
            HouseResident.objects.filter(
                house__community__company=company,
                relation=Relation.OWNER,
                is_primary=True,
                active=True,
            )
            .select_related("house__community", "person")
            .order_by("house_id")
        )
        self.owner_of: dict[int, Person] = {}
        self.homes: dict[int, list[House]] = defaultdict(list)
        for tie in owners:
            house = tie.house
            self.owner_of[house.pk] = tie.person
            if house.usage == Usage.RESIDENTIAL and house.occupancy in (
                Occupancy.OCCUPIED,
                Occupancy.RENOVATING,
            ):
                self.homes[house.community_id].append(house)
        self.used: dict[tuple[int, str], list[datetime]] = defaultdict(list)
        self.reserved: set[int] = set()  # the demo owners' homes: their own stories
        self.fee_of: Callable[[House], Decimal] = lambda house: Decimal("200.00")

    # --- who --------------------------------------------------------------------
    def staff(self, community: Community, duty: str) -> User:
        roles = STAFF.get(community.code, STAFF["other"])
        return self.users[roles.get(duty, roles["desk"])]

    # --- time -------------------------------------------------------------------
    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def working(self, moment: datetime) -> datetime:
        """The same moment if staff are at work then (08:30–19:30), else the next
        morning a little after 08:30."""
        local = self.local(moment)
        if time(8, 30) <= local.time() <= time(19, 30):
            return moment
        day = local.date() + (
            timedelta(days=1) if local.time() > time(19, 30) else timedelta()
        )
        opens = datetime.combine(day, time(8, 30), self.zone)
        return opens + timedelta(minutes=self.rng.randint(3, 50))

    def minutes(self, low: float, high: float) -> timedelta:
        return timedelta(minutes=self.rng.uniform(low, high))

    def logged_at(self, days_ago: float, urgency: str) -> datetime:
        """A moment `days_ago` days back at a plausible time of day for the call."""
        rng = self.rng
        day = self.local(self.now - timedelta(days=days_ago)).date()
        if urgency == Urgency.EMERGENCY:
            hour = rng.choice((1, 2, 6, 7, 9, 12, 15, 18, 19, 20, 21, 22, 23))
        else:
            hour = rng.choices(
                range(7, 23), [2, 4, 6, 6, 5, 4, 5, 6, 6, 5, 4, 4, 5, 5, 4, 2]
            )[0]
        moment = datetime.combine(day, time(hour, rng.randrange(60)), self.zone)
        return min(moment, self.now - self.minutes(8, 40))

    # --- what -------------------------------------------------------------------
    def house_for(
        self, community: Community, category: str, created: datetime
    ) -> House | None:
        """A home in the community not reporting the same kind of problem within the
        repeat window (repeats are told on purpose, not by chance)."""
        homes = [
            h for h in self.homes.get(community.pk) or [] if h.pk not in self.reserved
        ]
        for _ in range(8):
            if not homes:
                return None
            house = self.rng.choice(homes)
            times = self.used[(house.pk, category)]
            if all(abs((created - t).days) > 31 for t in times):
                return house
        return None

    def plan(self, community: Community, template: Template, created: datetime,
             target: str, house: House | None = None, **kw: Any) -> Plan:  # fmt: skip
        if house is None and not kw.get("owner"):
            house = self.house_for(community, template.category, created)
        if house is None:
            kw.pop("compensation", None)  # a compensation is credited to a house
        if house is not None:
            self.used[(house.pk, template.category)].append(created)
        reporter = self.owner_of.get(house.pk) if house is not None else None
        channel = kw.pop("channel", None) or self.channel(template)
        if channel in (Channel.PATROL, Channel.SYSTEM):  # nobody called: staff found it
            reporter = None
            guard = self.staff(community, "security")
            contact = (
                "设备监控系统"
                if channel == Channel.SYSTEM
                else f"{guard.display_name}（巡查）"
                if guard.role == "guard"
                else "秩序维护部（巡查）",
                "",
            )
        else:
            contact = (reporter.name, reporter.phone) if reporter else ("业主", "")
        return Plan(
            community=community, template=template, created=created, target=target,
            house=house, reporter=reporter, contact=contact, channel=channel, **kw,
        )  # fmt: skip

    def channel(self, template: Template) -> str:
        roll = self.rng.random()
        owners = {Channel.PHONE: 45, Channel.WECHAT: 25, Channel.COUNTER: 12}
        spoken = _pick(self.rng, owners)
        if template.found_by == "system":
            return Channel.SYSTEM
        if template.urgency == Urgency.EMERGENCY:
            return Channel.PHONE
        if template.found_by == "patrol" and roll < 0.5:
            return Channel.PATROL
        return spoken

    def location(self, plan: Plan) -> str:
        template, house = plan.template, plan.house
        if not template.location:
            return ""
        building = house.building.number if house is not None else "1"
        unit = house.unit.number if house is not None and house.unit_id else "1"
        return template.location.format(building=building, unit=unit)

    # --- the story of one ticket -------------------------------------------------
    def steps(self, plan: Plan) -> list[str]:
        kind = plan.template.type
        if plan.target == "cancelled":
            return ["create", "accept", "cancel"]
        if kind in (TicketType.REPAIR, TicketType.COMPLAINT):
            work = ["assign", "start", "pause", "resolve", "visit"]
        elif kind == TicketType.CONSULT and plan.target in ("assigned", "in_progress"):
            work = ["assign", "start", "resolve", "close"]
        else:
            work = ["resolve", "close"]
        done = ["create", "accept"]
        if kind == TicketType.COMPLAINT:
            done.append("feedback")
        if plan.escalate:
            done.append("escalate")
        cut = {
            "new": [],
            "accepted": [],
            "assigned": ["assign"],
            "in_progress": ["assign", "start"],
            "paused": ["assign", "start", "pause"],
            "resolved": [w for w in work if w not in ("pause", "visit", "close")],
        }
        if plan.target == "new":
            return ["create"]
        if plan.target in cut:
            chosen = [w for w in work if w in cut[plan.target]]
        else:  # closed, or reopened after a poor visit
            chosen = [w for w in work if w != "pause"]
            if "visit" in chosen:  # a poor visit reopens it: done again, visited again
                chosen += ["resolve", "visit"] * len(plan.visits[1:])
        if plan.compensation is not None and "resolve" in chosen:
            at = chosen.index("resolve") + 1
            chosen[at:at] = ["compensate"] + (["decide"] if plan.approve else [])
        return done + chosen

    def begin(self, plan: Plan) -> None:
        # each ticket draws its own times: where one story stops (at now) does not
        # change the others
        self.planned += 1
        plan.rng = random.Random(f"{self.seed}:{self.planned}")
        steps = self.steps(plan)
        state: dict[str, Any] = {"ticket": None, "visit": 0}
        self.story.at(plan.created, lambda: self.run(plan, steps, 0, state))

    def run(
        self, plan: Plan, steps: list[str], index: int, state: dict[str, Any]
    ) -> None:
        self.rng = plan.rng or self.rng
        getattr(self, f"do_{steps[index]}")(plan, state)
        if index + 1 >= len(steps):
            return
        ticket: Ticket = state["ticket"]
        nxt = steps[index + 1]
        moment, due = self.when(nxt, plan, ticket, state)
        if moment >= self.now - timedelta(minutes=2):
            if due is not None and due < self.now:
                self.scan_at(due)  # the clock ran out while it waits
            return  # not yet: the ticket stays where it is
        if due is not None and due < moment:
            self.scan_at(due, before=moment)
        self.story.at(moment, lambda: self.run(plan, steps, index + 1, state))

    def scan_at(self, due: datetime, before: datetime | None = None) -> None:
        clock_now = timezone.now()
        at = max(due + self.minutes(1, 6), clock_now + timedelta(seconds=30))
        if before is not None:
            at = min(at, before - timedelta(seconds=30))
        if clock_now < at < self.now - timedelta(minutes=1):
            self.story.at(at, self.scan)

    def scan(self) -> None:
        breaches.scan_breaches()

    def when(self, step: str, plan: Plan, ticket: Ticket,
             state: dict[str, Any]) -> tuple[datetime, datetime | None]:  # fmt: skip
        """When the next step happens and the due time it meets or misses."""
        now = timezone.now()
        urgency = plan.template.urgency
        normal = urgency == Urgency.NORMAL
        late = plan.late
        due: datetime | None = None
        if step == "accept":
            due = ticket.ack_due_at
            if "ack" in late:
                moment = due + self.minutes(25, 200)
            else:
                quick = {Urgency.EMERGENCY: (1, 3), Urgency.URGENT: (2, 10)}
                moment = now + self.minutes(*quick.get(urgency, (6, 50)))
                if normal:
                    moment = self.working(moment)
                moment = min(moment, due - self.minutes(1, 3))
        elif step == "feedback":
            due = ticket.feedback_due_at
            moment = (
                due + self.minutes(30, 150)
                if "feedback" in late
                else min(now + self.minutes(20, 80), due - self.minutes(2, 10))
            )
        elif step in ("assign", "escalate", "cancel", "compensate"):
            moment = now + self.minutes(4, 35)
            if step == "compensate":
                moment = now + self.minutes(60, 180)
            if normal:
                moment = self.working(moment)
        elif step == "decide":
            moment = self.working(now + self.minutes(120, 900))
        elif step == "start":
            due = ticket.onsite_due_at
            if "onsite" in late:
                moment = due + self.minutes(40, 300)
            else:
                span = {Urgency.EMERGENCY: (6, 20), Urgency.URGENT: (20, 90)}
                moment = now + self.minutes(*span.get(urgency, (30, 420)))
                if normal:
                    moment = self.working(moment)
                moment = min(moment, due - self.minutes(2, 10))
        elif step == "pause":
            moment = now + self.minutes(25, 70)
        elif step == "resolve":
            due = ticket.resolve_due_at
            if "resolve" in late and not state["visit"]:
                moment = self.working(due + self.minutes(120, 1800))
            else:
                span = {Urgency.EMERGENCY: (35, 200), Urgency.URGENT: (60, 480)}
                low, high = span.get(urgency, (45, 1500))
                if plan.template.type != TicketType.REPAIR:
                    low, high = (10, 90) if normal else (low, high)
                moment = now + self.minutes(low, high)
                if normal:
                    moment = self.working(moment)
                if due is not None:
                    moment = min(moment, due - self.minutes(5, 30))
        elif step == "visit":
            due = ticket.visit_due_at
            if "visit" in late:
                moment = self.working(due + self.minutes(90, 1200))
            else:
                moment = self.working(now + self.minutes(120, 1000))
                if due is not None:
                    moment = min(moment, due - self.minutes(5, 60))
        else:  # close
            moment = now + self.minutes(2, 25)
        return max(moment, now + timedelta(minutes=1)), due

    # --- the steps (each one a service call) --------------------------------------
    def do_create(self, plan: Plan, state: dict[str, Any]) -> None:
        template = plan.template
        text = plan.text or template.text
        if plan.owner is not None:
            ticket = ticket_submit_by_owner(
                actor=plan.owner, house=plan.house, type=template.type,
                category=template.category, description=text,
                contact_name=plan.contact[0], contact_phone=plan.contact[1],
                location=self.location(plan), expected_solution=template.expected,
                urgency=template.urgency,
            )  # fmt: skip
        else:
            ticket = services.ticket_create(
                actor=self.staff(plan.community, "desk"), community=plan.community,
                type=template.type, channel=plan.channel, category=template.category,
                description=text, contact_name=plan.contact[0] or "业主",
                contact_phone=plan.contact[1], urgency=template.urgency,
                house=plan.house if plan.reporter is not None else None,
                reporter=plan.reporter, location=self.location(plan),
                occurred_at=timezone.now() - self.minutes(5, 90),
                expected_solution=template.expected,
            )  # fmt: skip
        state["ticket"] = ticket
        self.out.tickets += 1
        self.out.repeats += int(ticket.is_repeat)

    def do_accept(self, plan: Plan, state: dict[str, Any]) -> None:
        state["ticket"] = services.ticket_accept(
            ticket=state["ticket"], actor=self.staff(plan.community, "desk"),
            note="已告知业主处理流程和时限",
        )  # fmt: skip

    def do_feedback(self, plan: Plan, state: dict[str, Any]) -> None:
        state["ticket"] = services.ticket_feedback(
            ticket=state["ticket"], actor=self.staff(plan.community, "desk"),
            note="已电话告知业主：已安排专人处理，处理结果会及时回复",
        )  # fmt: skip

    def do_escalate(self, plan: Plan, state: dict[str, Any]) -> None:
        state["ticket"] = services.ticket_escalate(
            ticket=state["ticket"], actor=self.staff(plan.community, "desk"),
            reason=plan.escalate,
        )  # fmt: skip

    def do_assign(self, plan: Plan, state: dict[str, Any]) -> None:
        work = plan.work or plan.template.work
        state["ticket"] = services.ticket_assign(
            ticket=state["ticket"], assignee=self.staff(plan.community, work),
            actor=self.staff(plan.community, "dispatch"),
            department=DEPARTMENT.get(work, "客服中心"),
            note="请尽快联系业主处理",
        )  # fmt: skip

    def handler(self, plan: Plan, ticket: Ticket) -> User:
        if ticket.assignee_id:
            return next(u for u in self.users.values() if u.pk == ticket.assignee_id)
        return self.staff(plan.community, "desk")

    def do_start(self, plan: Plan, state: dict[str, Any]) -> None:
        ticket = state["ticket"]
        state["ticket"] = services.ticket_start(
            ticket=ticket, actor=self.handler(plan, ticket), note="已到现场/开始处理"
        )

    def do_pause(self, plan: Plan, state: dict[str, Any]) -> None:
        ticket = state["ticket"]
        state["ticket"] = services.ticket_pause(
            ticket=ticket, actor=self.handler(plan, ticket),
            reason=PauseReason.WAITING_PARTS, note="需更换配件，已向供应商订货，预计两天到货",
        )  # fmt: skip

    def do_resolve(self, plan: Plan, state: dict[str, Any]) -> None:
        ticket = state["ticket"]
        again = state["visit"] > 0
        resolution = plan.resolution or plan.template.resolution
        if again:
            resolution = "再次上门处理：" + resolution
        state["ticket"] = services.ticket_resolve(
            ticket=ticket, actor=self.handler(plan, ticket), resolution=resolution
        )

    def do_visit(self, plan: Plan, state: dict[str, Any]) -> None:
        ticket = state["ticket"]
        number = state["visit"]
        satisfaction = (
            plan.visits[number]
            if number < len(plan.visits)
            else _pick(self.rng, SATISFACTION)
        )
        note = next(
            (
                n
                for n in VISIT_NOTES
                if n[0] == satisfaction and self.rng.random() < 0.6
            ),
            next(n for n in VISIT_NOTES if n[0] == satisfaction),
        )
        if plan.owner is not None:
            actor, method = plan.owner, VisitMethod.PORTAL
        else:
            actor = self.staff(plan.community, "desk")
            method = (
                VisitMethod.PHONE if self.rng.random() < 0.85 else VisitMethod.VISIT
            )
        services.visit_record(
            ticket=ticket, actor=actor, method=method, satisfaction=satisfaction,
            content=note[1], owner_feedback=note[2],
            problems_found="问题未彻底解决" if satisfaction <= 2 else "",
            improvement_measures="安排维修主管复查" if satisfaction <= 2 else "",
        )  # fmt: skip
        state["visit"] = number + 1
        state["ticket"] = Ticket.objects.get(pk=ticket.pk)
        self.out.visits += 1

    def do_close(self, plan: Plan, state: dict[str, Any]) -> None:
        state["ticket"] = services.ticket_close(
            ticket=state["ticket"], actor=self.staff(plan.community, "desk"),
            note="已答复业主，无需回访",
        )  # fmt: skip

    def do_cancel(self, plan: Plan, state: dict[str, Any]) -> None:
        state["ticket"] = services.ticket_cancel(
            ticket=state["ticket"], actor=self.staff(plan.community, "desk"),
            reason=plan.cancel or "业主来电撤销：问题已自行解决",
        )  # fmt: skip

    def do_compensate(self, plan: Plan, state: dict[str, Any]) -> None:
        assert plan.compensation is not None
        state["compensation"] = services.compensation_request(
            ticket=state["ticket"], actor=self.staff(plan.community, "desk"),
            amount=plan.compensation,
            reason=plan.compensation_reason,
        )  # fmt: skip
        self.out.compensations += 1

    def do_decide(self, plan: Plan, state: dict[str, Any]) -> None:
        services.compensation_decide(
            compensation=state["compensation"],
            actor=self.staff(plan.community, "approve"),
            approve=True, note="情况属实，同意减免",
        )  # fmt: skip

    # --- which tickets ------------------------------------------------------------
    def template(self, type: str | None = None, text: str = "") -> Template:
        pool = [t for t in TEMPLATES if (type is None or t.type == type)]
        if text:
            return next(t for t in TEMPLATES if text in t.text)
        return self.rng.choice(pool)

    def featured(self, demo_owner: User | None, demo_home: House | None,
                 multi_owner: User | None, multi_home: House | None) -> None:  # fmt: skip
        """The stories the demo logins should find."""
        lsy = self.communities.get("lsy")
        qsf = self.communities.get("qsf")
        other = next(
            (c for c in self.communities.values() if c.code not in ("lsy", "qsf")), None
        )
        days = self.logged_at
        if lsy is None:
            return
        if demo_owner is not None and demo_home is not None:
            # 张三: an old repair he rated in the portal, a new one waiting for his rating
            self.begin(
                self.plan(
                    lsy,
                    self.template(text="厨房水龙头"),
                    days(34, U.NORMAL),
                    "closed",
                    house=demo_home,
                    owner=demo_owner,
                    visits=[5],
                    channel=Channel.PORTAL,
                )
            )
            self.begin(
                self.plan(
                    lsy,
                    self.template(text="卫生间吊顶"),
                    days(2.6, U.NORMAL),
                    "resolved",
                    house=demo_home,
                    owner=demo_owner,
                    channel=Channel.PORTAL,
                )
            )
        if multi_owner is not None and multi_home is not None:
            self.begin(
                self.plan(
                    multi_home.community,
                    self.template(text="产权车位"),
                    days(1.2, U.NORMAL),
                    "in_progress",
                    house=multi_home,
                    owner=multi_owner,
                    channel=Channel.PORTAL,
                )
            )
        # the third noise complaint about the same flat within a month: a repeat,
        # escalated at once; the second one was reopened after a poor visit
        noisy = self.house_for(lsy, Category.NOISE, days(41, U.NORMAL))
        if noisy is not None:
            noise = self.template(text="跳绳")
            self.begin(
                self.plan(
                    lsy,
                    noise,
                    days(41, U.NORMAL).replace(hour=23, minute=12),
                    "closed",
                    house=noisy,
                    visits=[3],
                )
            )
            self.begin(
                self.plan(
                    lsy,
                    noise,
                    days(19, U.NORMAL).replace(hour=22, minute=47),
                    "closed",
                    house=noisy,
                    visits=[2, 4],
                    text="楼上又是半夜跳绳拖椅子，上次协调后只安静了一个星期，这已经是第二次投诉了。",
                )
            )
            self.begin(
                self.plan(
                    lsy,
                    noise,
                    days(2, U.NORMAL).replace(hour=23, minute=5),
                    "in_progress",
                    house=noisy,
                    escalate="一个月内第三次投诉，业主情绪激动，要求项目经理出面协调",
                    text="第三次投诉了！楼上昨晚十二点还在跳，物业到底管不管？再不解决我就打12345了。",
                )
            )
        # a compensation approved (waiting for the next bill run) and one to approve
        slow = self.plan(
            lsy, self.template(text="前台工作人员"), days(17, U.NORMAL), "closed",
            visits=[4], compensation=Decimal("0"), approve=True,  # amount: below
            text="报修卫生间漏水一个星期了还没人来修，打了三次电话，木地板都泡坏了！",
            resolution="工程部主管上门致歉，当天完成维修；因拖延造成木地板泡水，"
            "经客服主管批准减免一个月物业费作为补偿。",
            compensation_reason="维修拖延造成业主木地板泡水，减免一个月物业费",
        )  # fmt: skip
        if slow.compensation is not None and slow.house is not None:
            slow.compensation = self.fee_of(slow.house)
        self.begin(slow)
        if qsf is not None:
            self.begin(self.plan(
                qsf, self.template(text="前台工作人员"), days(0.8, U.NORMAL), "resolved",
                compensation=Decimal("100.00"),
                text="快递放在物业前台被人冒领了，前台说不归他们管，态度很差。",
                resolution="调取前台监控确认冒领人并追回包裹；对前台员工批评教育，"
                "主管向业主当面致歉。",
                compensation_reason="快递在前台被冒领，处置不当，补偿业主100元物业费",
            ))  # fmt: skip
        # emergencies at night, a lift with people inside, a lift stopped just now
        self.begin(
            self.plan(
                lsy,
                self.template(text="下水管接头突然爆裂"),
                days(12, U.EMERGENCY).replace(hour=2, minute=10),
                "closed",
                visits=[5],
            )
        )
        if qsf is not None:
            self.begin(
                self.plan(
                    qsf,
                    self.template(text="困了两个人"),
                    days(25, U.EMERGENCY).replace(hour=18, minute=40),
                    "closed",
                    visits=[4],
                )
            )
        self.begin(
            self.plan(
                lsy,
                self.template(text="单元电梯从早上"),
                self.now - self.minutes(150, 200),
                "new",
            )
        )
        # 表扬, 建议, 咨询 handled by the agent herself, a duplicate cancelled
        self.begin(
            self.plan(lsy, self.template(text="孙师傅"), days(9, U.NORMAL), "closed")
        )
        self.begin(
            self.plan(lsy, self.template(text="充电桩"), days(15, U.NORMAL), "closed")
        )
        self.begin(
            self.plan(
                lsy, self.template(text="电子发票"), days(0.9, U.NORMAL), "assigned"
            )
        )
        self.begin(
            self.plan(
                qsf or lsy,
                self.template(text="一次交一年"),
                days(1.6, U.NORMAL),
                "in_progress",
            )
        )
        self.begin(
            self.plan(
                lsy,
                self.template(text="门禁卡"),
                days(6, U.NORMAL),
                "cancelled",
                cancel="重复登记：业主已通过微信报过同一事项",
            )
        )
        # waiting for parts; late on site; visit overdue; the supervisor's own complaint
        self.begin(
            self.plan(
                lsy, self.template(text="门禁刷卡没反应"), days(2.3, U.NORMAL), "paused"
            )
        )
        self.begin(
            self.plan(
                lsy,
                self.template(text="地下车库B区"),
                days(14, U.NORMAL),
                "in_progress",
                late=frozenset({"onsite"}),
                channel=Channel.PATROL,
            )
        )
        self.begin(
            self.plan(
                lsy,
                self.template(text="窗户密封条"),
                days(4.5, U.NORMAL),
                "resolved",
                late=frozenset({"visit"}),
            )
        )
        self.begin(
            self.plan(
                lsy,
                self.template(text="楼道好几天没人打扫"),
                days(1.4, U.NORMAL),
                "in_progress",
                work="complaint",
            )
        )
        self.begin(
            self.plan(
                lsy,
                self.template(text="消防通道上天天停着"),
                days(0.3, U.NORMAL),
                "accepted",
            )
        )
        if qsf is not None:
            self.begin(
                self.plan(
                    qsf,
                    self.template(text="地漏往上返污水"),
                    self.now - self.minutes(15, 30),
                    "new",
                )
            )
        if qsf is not None:
            self.begin(
                self.plan(
                    qsf, self.template(text="设备告警"), days(5, U.URGENT), "closed"
                )
            )
        if other is not None:
            self.begin(
                self.plan(
                    other,
                    self.template(text="煤气味"),
                    days(7, U.EMERGENCY),
                    "closed",
                    visits=[5],
                )
            )

    def random(self, count: int) -> None:
        """Tickets drawn from the templates, older ones mostly closed."""
        rng = self.rng
        weights = {
            c: w
            for c, w in zip(self.communities.values(), (40, 25, 20, 15), strict=False)
        }
        for _ in range(count):
            community = _pick(rng, weights)
            kind = _pick(rng, TYPE_WEIGHTS)
            template = self.template(kind)
            age = DAYS * rng.random() ** 1.4
            if age > 8:  # long done, but for a few stuck ones
                target = _pick(rng, {"closed": 94, "cancelled": 3, "in_progress": 2,
                                     "resolved": 1})  # fmt: skip
            elif age > 3:
                target = _pick(rng, {"closed": 82, "in_progress": 10, "resolved": 4,
                                     "assigned": 4})  # fmt: skip
            else:
                target = _pick(rng, {"new": 18, "accepted": 15, "assigned": 22,
                                     "in_progress": 20, "resolved": 25})  # fmt: skip
            if target in ("new", "accepted"):  # taken within hours, as a rule
                age = min(age, rng.uniform(0.02, 0.4))
            late = frozenset(
                clock
                for clock, p in (
                    ("ack", 0.04),
                    ("onsite", 0.05),
                    ("resolve", 0.06),
                    ("visit", 0.06),
                    ("feedback", 0.08),
                )  # fmt: skip
                if rng.random() < p
            )
            visits = [_pick(rng, SATISFACTION)]
            if visits[0] <= 2:
                visits.append(_pick(rng, ((5, 1), (4, 2), (3, 1))))
            self.begin(self.plan(community, template, self.logged_at(age, template.urgency),
                                 target, late=late, visits=visits))  # fmt: skip


def seed_servicedesk_demo(
    *,
    company: Company,
    now: datetime,
    seed: int,
    count: int,
    demo_owner: User | None = None,
    multi_owner: User | None = None,
    fee_of: Callable[[House], Decimal] | None = None,
) -> ServiceDeskDemo:
    """About `count` tickets of the last two months in every state, played through the
    services, then the breach scan at the real now. `fee_of` gives a house's monthly
    property fee (the approved compensation waives one month)."""
    desk = _Desk(company=company, now=now, seed=seed)
    if fee_of is not None:
        desk.fee_of = fee_of
    demo_home = _home_of(demo_owner)
    multi_home = _home_of(multi_owner, usage=Usage.PARKING) or _home_of(multi_owner)
    desk.reserved = {h.pk for h in (demo_home, multi_home) if h is not None}
    desk.featured(demo_owner, demo_home, multi_owner, multi_home)
    desk.random(max(0, count - len(desk.story)))
    with story_clock() as clock:
        desk.story.play(clock)
    breaches.scan_breaches()
    out = desk.out
    out.by_status = Counter(
        Ticket.objects.filter(company=company).values_list("status", flat=True)
    )
    out.breaches = SLABreach.objects.filter(ticket__company=company).count()
    out.escalated = Ticket.objects.filter(company=company, escalated=True).count()
    return out


def _home_of(user: User | None, usage: str | None = None) -> House | None:
    if user is None:
        return None
    ties = HouseResident.objects.filter(
        person__user=user, relation=Relation.OWNER, active=True
    ).select_related("house__community", "house__building", "house__unit")
    if usage:
        ties = ties.filter(house__usage=usage)
    tie = ties.order_by("house_id").first()
    return tie.house if tie else None
