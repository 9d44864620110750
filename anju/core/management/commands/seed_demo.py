"""Demo data: a realistic community group (安居物业) with staff and owner logins, and
the last months of its operations.

Master data is deterministic (fixed random seed) and bulk-inserted: `--houses 100000
--no-operations` takes well under two minutes on SQLite (bench/seed_demo.py). Then each
app tells its part of the story through its own services, in dependency order, each call
at its moment of the past (`anju.core.demo_clock`): six months of bills and payments
(anju/billing/demo.py), two months of tickets in every state (anju/servicedesk/demo.py),
three weeks of dunning (anju/dunning/demo.py) — about 25 s for the default 2,000 houses.
Everything is one transaction: the demo is there whole or not at all. Running it again
never duplicates anything: with `--once` it quietly does nothing, without it refuses.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from anju.accounts.choices import AccountKind, Role
from anju.accounts.models import User
from anju.core.validators import id_check_digit
from anju.estates.choices import Occupancy, ParkingKind, Relation, Usage
from anju.estates.importexport import new_person
from anju.estates.models import (
    Building,
    Community,
    Company,
    House,
    HouseResident,
    ParkingSpace,
    Person,
    Unit,
    Vehicle,
    house_number,
)

SEED = 20260101
BATCH = 2000
COMPANY = ("anju", "安居物业")
# code, name, address, share of the houses, delivery date of the first phase
COMMUNITIES = (
    ("lsy", "绿水苑", "上海市浦东新区绿水路88号", 0.40, date(2016, 6, 30)),
    ("qsf", "青山府", "上海市闵行区青山路1号", 0.25, date(2019, 12, 28)),
    ("jgy", "金桂园", "上海市徐汇区金桂路266号", 0.20, date(2012, 9, 15)),
    ("chtd", "翠湖天地", "上海市杨浦区翠湖路19号", 0.15, date(2021, 5, 1)),
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋"
    "蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段"
    "雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛")
GIVEN_NAMES = (
    "伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 建华 "
    "文 华 红 玉兰 建国 志强 晓东 海燕 婷 雪 浩然 子涵 欣怡 梓轩 宇轩 一诺 思远 佳怡 "
    "雨桐 俊杰 晨曦 丹 鹏 辉 斌 宁 颖 琳 倩 莉 慧 鑫 波 燕 萍 建军 国强 建平 春梅 "
    "秀珍 海涛 晓明 晓红 丽娟 志刚 文杰 振华 淑珍 凤英 玉梅 子豪 梓涵 诗涵 雨欣 浩宇 "
    "博文 天佑 明轩 嘉懿 若曦 俊熙 思琪 家豪 美玲"
).split()
MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 155 157 158 159 166 176 177 "
    "180 181 182 183 185 186 187 188 189 191 198 199"
).split()
REGIONS = ("310101", "310104", "310105", "310110", "310112", "310115", "320102",
           "330106", "110105", "440305", "420106", "510107", "370202", "350203")  # fmt: skip
PLATE_LETTERS = "ABCDEFGHJKLMN"
CAR_BRANDS = ("白色大众", "黑色丰田", "银色本田", "白色特斯拉", "蓝色比亚迪",
              "黑色奥迪", "灰色宝马", "红色吉利", "白色理想", "黑色奔驰")  # fmt: skip

# username, role, display name, community codes ("*" = whole company)
STAFF = (
    ("admin", Role.ADMIN, "周建华", "*"),
    ("agent", Role.AGENT, "陈晓敏", "lsy qsf"),
    ("supervisor", Role.SUPERVISOR, "林静", "lsy qsf"),
    ("technician", Role.TECHNICIAN, "赵师傅", "lsy qsf"),
    ("guard", Role.GUARD, "孙保安", "lsy"),
    ("cleaner", Role.CLEANER, "何阿姨", "lsy"),
    ("finance", Role.FINANCE, "吴会计", "lsy qsf"),
    ("manager", Role.MANAGER, "郑经理", "lsy qsf jgy chtd"),
    ("committee", Role.COMMITTEE, "许主任", "lsy"),
    ("agent2", Role.AGENT, "黄丽", "jgy chtd"),
    ("technician2", Role.TECHNICIAN, "钱师傅", "jgy chtd"),
    ("finance2", Role.FINANCE, "冯出纳", "jgy chtd"),
)
# The owner portal logins: name, phone, what they hold
DEMO_OWNER = ("张三", "13812341234")
DEMO_MULTI_OWNER = ("李娜", "13912345678")
DEMO_TENANT = ("王磊", "13700001111")
DEMO_CO_OWNER = ("刘芳", "13812345678")


@dataclass
class Spec:
    """A house to create, before it has a primary key."""

    community: int
    building: str
    unit: str
    room: str
    floor: int | None
    usage: str
    area: Decimal


class Generator:
    def __init__(self, houses: int) -> None:
        self.total = houses
        self.rng = random.Random(SEED)
        self.used_phones: set[str] = {
            DEMO_OWNER[1],
            DEMO_MULTI_OWNER[1],
            DEMO_TENANT[1],
            DEMO_CO_OWNER[1],
        }
        self.phone_pool: list[int] = []
        self.people: list[Person] = []
        self.ties: list[tuple[int, Person, str, bool]] = []  # house index, person, …
        self.logins: list[tuple[str, str, str, str]] = []

    # --- people -------------------------------------------------------------------
    def phone(self) -> str:
        rng = self.rng
        while True:
            if not self.phone_pool:
                self.phone_pool = rng.sample(range(10**8), 4096)
            number = f"{rng.choice(MOBILE_PREFIXES)}{self.phone_pool.pop():08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def name(self) -> str:
        rng = self.rng
        surname = (
            rng.choice(COMPOUND_SURNAMES)
            if rng.random() < 0.01
            else rng.choice(SURNAMES)
        )
        return surname + rng.choice(GIVEN_NAMES)

    def id_number(self, born_from: int = 1950, born_to: int = 2000) -> str:
        rng = self.rng
        birth = date(born_from, 1, 1) + timedelta(
            days=rng.randrange((date(born_to, 12, 31) - date(born_from, 1, 1)).days)
        )
        first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        return first17 + id_check_digit(first17)

    def person(self, company_id: int, name: str = "", phone: str | None = None,
               adult: bool = True) -> Person:  # fmt: skip
        person = new_person(
            company_id=company_id,
            name=name or self.name(),
            phone=self.phone() if phone is None else phone,
            id_number=self.id_number() if adult else "",
        )
        self.people.append(person)
        return person

    # --- houses -------------------------------------------------------------------
    def residential(self, community: int, code: str, quota: int) -> list[Spec]:
        rng = self.rng
        specs: list[Spec] = []
        order = [3, 1, 2] if code == "lsy" else [1, 2, 3]
        number = 0
        while len(specs) < quota:
            number = order.pop(0) if order else max(number, 3) + 1
            floors, units, rooms = (
                rng.randint(11, 33),
                rng.randint(2, 4),
                rng.randint(2, 4),
            )
            if code == "lsy" and number == 3:
                floors, units = max(floors, 18), max(units, 2)
            layouts = [Decimal(rng.randint(6000, 18000)) / 100 for _ in range(rooms)]
            building = []
            for floor in range(1, floors + 1):
                for unit in range(1, units + 1):
                    for room in range(1, rooms + 1):
                        building.append(
                            Spec(
                                community,
                                str(number),
                                str(unit),
                                f"{floor}{room:02d}",
                                floor,
                                Usage.RESIDENTIAL,
                                layouts[room - 1],
                            )  # fmt: skip
                        )
            if code == "lsy" and number == 3:
                first = next(s for s in building if s.unit == "2" and s.room == "1201")
                building.remove(first)
                building.insert(0, first)
            specs.extend(building[: quota - len(specs)])
            self.floors[(community, str(number))] = floors
        return specs

    def others(
        self, community: int, shops: int, parking: int, storage: int
    ) -> list[Spec]:
        rng = self.rng
        specs = [
            Spec(
                community,
                "S1",
                "",
                f"{101 + i}",
                1,
                Usage.SHOP,
                Decimal(rng.randint(4000, 30000)) / 100,
            )  # fmt: skip
            for i in range(shops)
        ]
        specs += [
            Spec(
                community,
                "P",
                "",
                f"B{1 + i // 500}-{i % 500 + 1:03d}",
                -1 - i // 500,
                Usage.PARKING,
                Decimal(rng.randint(1200, 1500)) / 100,
            )  # fmt: skip
            for i in range(parking)
        ]
        specs += [
            Spec(
                community,
                "P",
                "",
                f"C{i + 1:03d}",
                -1,
                Usage.STORAGE,
                Decimal(rng.randint(500, 1000)) / 100,
            )  # fmt: skip
            for i in range(storage)
        ]
        return specs

    def build(
        self, company: Company, communities: dict[str, Community]
    ) -> dict[str, Any]:
        rng = self.rng
        self.floors: dict[tuple[int, str], int] = {}
        specs: list[Spec] = []
        remaining = self.total
        for index, (code, _name, _addr, share, _delivered) in enumerate(COMMUNITIES):
            community = communities[code].pk
            quota = (
                remaining
                if index == len(COMMUNITIES) - 1
                else round(self.total * share)
            )
            if index == 0:
                quota = max(1, quota)  # 绿水苑 always has 3-2-1201
            quota = max(0, min(quota, remaining))
            remaining -= quota
            shops, parking, storage = (
                int(quota * 0.03), int(quota * 0.04), int(quota * 0.02)
            )  # fmt: skip
            homes = quota - shops - parking - storage
            if code == "lsy" and homes < 1 and quota >= 1:
                homes, shops, parking, storage = quota, 0, 0, 0
            specs += self.residential(community, code, homes)
            specs += self.others(community, shops, parking, storage)

        # buildings and units
        buildings: dict[tuple[int, str], Building] = {}
        for spec in specs:
            key = (spec.community, spec.building)
            if key not in buildings:
                name = {"S1": "商业街", "P": "地下车库"}.get(spec.building, "")
                buildings[key] = Building(
                    community_id=spec.community, number=spec.building, name=name,
                    floors=self.floors.get(key),
                )  # fmt: skip
        Building.objects.bulk_create(buildings.values(), batch_size=BATCH)
        units: dict[tuple[int, str], Unit] = {}
        for spec in specs:
            if spec.unit:
                building = buildings[(spec.community, spec.building)]
                key = (building.pk, spec.unit)
                if key not in units:
                    units[key] = Unit(
                        community_id=spec.community, building=building, number=spec.unit
                    )
        Unit.objects.bulk_create(units.values(), batch_size=BATCH)

        delivered = {communities[c[0]].pk: c[4] for c in COMMUNITIES}
        houses: list[House] = []
        for spec in specs:
            building = buildings[(spec.community, spec.building)]
            roll = rng.random()
            if spec.usage == Usage.RESIDENTIAL:
                occupancy = (
                    Occupancy.UNSOLD if roll < 0.04 else Occupancy.VACANT
                    if roll < 0.14 else Occupancy.RENOVATING if roll < 0.17
                    else Occupancy.OCCUPIED
                )  # fmt: skip
            else:
                occupancy = Occupancy.UNSOLD if roll < 0.15 else Occupancy.OCCUPIED
            inner = (spec.area * Decimal("0.82")).quantize(Decimal("0.01"))
            houses.append(
                House(
                    community_id=spec.community,
                    building=building,
                    unit=units[(building.pk, spec.unit)] if spec.unit else None,
                    room=spec.room,
                    number=house_number(spec.building, spec.unit or None, spec.room),
                    floor=spec.floor,
                    building_area=spec.area,
                    inner_area=inner if spec.usage == Usage.RESIDENTIAL else None,
                    registered_area=spec.area if rng.random() < 0.5 else None,
                    usage=spec.usage,
                    occupancy=occupancy,
                    delivery_date=None
                    if occupancy == Occupancy.UNSOLD
                    else delivered[spec.community] + timedelta(days=rng.randrange(400)),
                )
            )
        if houses:  # 绿水苑 3-2-1201 is 张三's home
            houses[0].occupancy = Occupancy.OCCUPIED
            houses[0].delivery_date = delivered[houses[0].community_id]
        House.objects.bulk_create(houses, batch_size=BATCH)
        self.residents(company.pk, houses)
        return {"houses": houses}

    def residents(self, company_id: int, houses: list[House]) -> None:
        rng = self.rng
        owners_by_community: dict[int, list[Person]] = {}
        plates: set[str] = set()
        vehicles: list[Vehicle] = []
        ties: list[HouseResident] = []
        spaces: list[ParkingSpace] = []
        demo: dict[str, Person] = {}

        def tie(house: House, person: Person, relation: str, primary: bool) -> None:
            ties.append(
                HouseResident(
                    house=house,
                    person=person,
                    relation=relation,
                    is_primary=primary,
                    since=house.delivery_date,
                )  # fmt: skip
            )

        for index, house in enumerate(houses):
            if house.occupancy == Occupancy.UNSOLD:
                continue
            pool = owners_by_community.setdefault(house.community_id, [])
            if index == 0:
                owner = demo["owner"] = self.person(company_id, *DEMO_OWNER)
                co_owner = demo["co"] = self.person(company_id, *DEMO_CO_OWNER)
                tie(house, owner, Relation.OWNER, True)
                tie(house, co_owner, Relation.OWNER, False)
                pool.append(owner)
                continue
            residential = house.usage == Usage.RESIDENTIAL
            if not residential and pool and rng.random() < 0.7:
                owner = rng.choice(pool)  # a parking space or storage of a resident
            elif residential and pool and rng.random() < 0.06:
                owner = rng.choice(pool)  # an owner of several homes
            else:
                owner = self.person(company_id)
                pool.append(owner)
            tie(house, owner, Relation.OWNER, True)
            if residential and rng.random() < 0.2:
                tie(house, self.person(company_id), Relation.OWNER, False)
            if not residential or house.occupancy != Occupancy.OCCUPIED:
                continue
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                adult = rng.random() < 0.6
                family = self.person(
                    company_id, phone=None if adult else "", adult=adult
                )
                tie(house, family, Relation.FAMILY, False)
            if rng.random() < 0.06:
                tie(house, self.person(company_id), Relation.TENANT, False)
            if rng.random() < 0.3:
                while True:
                    plate = (
                        f"沪{rng.choice(PLATE_LETTERS)}·"
                        f"{rng.choice('0123456789DF')}{rng.randrange(10000):04d}"
                    )
                    if (house.community_id, plate) not in plates:
                        plates.add((house.community_id, plate))
                        break
                vehicles.append(
                    Vehicle(
                        community_id=house.community_id,
                        plate=plate,
                        house=house,
                        person=owner,
                        brand=rng.choice(CAR_BRANDS),
                    )  # fmt: skip
                )

        # the demo owner of several houses and the demo tenant
        lsy_id = houses[0].community_id if houses else None
        homes = [
            h for h in houses[1:]
            if h.usage == Usage.RESIDENTIAL and h.occupancy == Occupancy.OCCUPIED
        ]  # fmt: skip
        if len(homes) >= 4:
            multi = demo["multi"] = self.person(company_id, *DEMO_MULTI_OWNER)
            picked = [h for h in homes if h.community_id == lsy_id][:2]
            picked += [h for h in homes if h.community_id != lsy_id][:1]
            parking = [
                h
                for h in houses
                if h.usage == Usage.PARKING and h.community_id == lsy_id
            ]
            picked += parking[:1]
            for house in picked:
                for t in ties:
                    if t.house is house and t.relation == Relation.OWNER:
                        t.person = multi if t.is_primary else t.person
            tenant = demo["tenant"] = self.person(company_id, *DEMO_TENANT)
            tie(homes[-1], tenant, Relation.TENANT, False)

        for house in houses:
            if house.usage == Usage.PARKING:
                spaces.append(
                    ParkingSpace(
                        community_id=house.community_id,
                        number=house.room,
                        kind=ParkingKind.OWNED,
                        house=house,
                        area=house.building_area,
                        location="地下车库",
                    )  # fmt: skip
                )
        per_community: dict[int, int] = {}
        for house in houses:
            if house.usage == Usage.PARKING:
                per_community[house.community_id] = (
                    per_community.get(house.community_id, 0) + 1
                )
        for community_id, count in per_community.items():
            for i in range(max(2, count // 4)):
                spaces.append(
                    ParkingSpace(
                        community_id=community_id,
                        number=f"R-{i + 1:03d}",
                        kind=ParkingKind.RENTED,
                        location="地面停车场",
                    )  # fmt: skip
                )
            for i in range(5):
                spaces.append(
                    ParkingSpace(
                        community_id=community_id,
                        number=f"T-{i + 1:02d}",
                        kind=ParkingKind.TEMPORARY,
                        location="访客车位",
                    )  # fmt: skip
                )

        Person.objects.bulk_create(self.people, batch_size=BATCH)
        HouseResident.objects.bulk_create(ties, batch_size=BATCH)
        ParkingSpace.objects.bulk_create(spaces, batch_size=BATCH)
        rented = [s for s in spaces if s.kind == ParkingKind.RENTED]
        for vehicle, space in zip(vehicles, rented, strict=False):
            vehicle.parking_space = space
        Vehicle.objects.bulk_create(vehicles, batch_size=BATCH)
        self.demo_people = demo
        self.ties_made = ties


class Command(BaseCommand):
    help = "生成演示数据：安居物业的小区、房屋、业主、车辆和各角色的演示账号。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--houses", type=int, default=2000, help="房屋数量")
        parser.add_argument(
            "--once", action="store_true", help="已有演示数据时什么也不做"
        )
        parser.add_argument(
            "--no-operations",
            action="store_true",
            help="只生成主数据（小区、房屋、业主、账号），不生成账单、收款、工单和催缴",
        )

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        houses = opts["houses"]
        if houses < 1:
            raise CommandError("--houses 至少为 1")
        if Company.objects.filter(code=COMPANY[0]).exists():
            if opts["once"]:
                self.stdout.write("演示数据已存在，跳过。")
                self.print_logins()
                return
            raise CommandError(
                "演示数据已存在（安居物业），不会重复生成。"
                "如需重建，请换一个空数据库；只想确认时请加 --once。"
            )
        started = time.perf_counter()
        with transaction.atomic():
            company = Company.objects.create(code=COMPANY[0], name=COMPANY[1])
            communities = {
                code: Community.objects.create(
                    company=company,
                    code=code,
                    name=name,
                    address=address,
                    phone="021-5888" + f"{i:04d}",
                )
                for i, (code, name, address, _s, _d) in enumerate(COMMUNITIES)
            }
            generator = Generator(houses)
            generator.build(company, communities)
            self.create_logins(company, communities, generator)
            operations = (
                "" if opts["no_operations"] else self.operations(company, generator)
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成演示数据：{len(communities)} 个小区，{houses} 套房屋，"
                f"{len(generator.people)} 位业主/住户。"
            )
        )
        if operations:
            self.stdout.write(self.style.SUCCESS(operations))
        self.stdout.write(f"用时 {time.perf_counter() - started:.1f} 秒。")
        self.print_logins()

    def operations(self, company: Company, gen: Generator) -> str:
        """Six months of operations through the apps' own services, in dependency order
        (bills before the tickets that mention them, arrears before dunning); returns
        the summary line."""
        from anju.billing.demo import monthly_property_fee, seed_billing_demo
        from anju.dunning.demo import seed_dunning_demo
        from anju.servicedesk.demo import seed_servicedesk_demo

        now = timezone.now()
        people = getattr(gen, "demo_people", {})
        billing = seed_billing_demo(
            company=company, now=now, seed=SEED, demo_plans=demo_billing_plans(gen)
        )
        desk = seed_servicedesk_demo(
            company=company,
            now=now,
            seed=SEED + 1,
            count=min(125, max(40, gen.total // 16)),
            demo_owner=people["owner"].user if "owner" in people else None,
            multi_owner=people["multi"].user if "multi" in people else None,
            fee_of=monthly_property_fee,
        )
        dunning = seed_dunning_demo(company=company, now=now, seed=SEED + 2)
        open_count = sum(
            n for s, n in desk.by_status.items() if s not in ("closed", "cancelled")
        )
        return (
            f"已生成运营数据：{billing.runs} 个计费批次、{billing.bills} 张账单、"
            f"{billing.payments} 笔收款（含 {billing.prepayments} 笔预缴、"
            f"{billing.reversals} 笔冲正），实收 {billing.received} 元；"
            f"{desk.tickets} 张工单（未关闭 {open_count}，回访 {desk.visits} 次，"
            f"超时 {desk.breaches} 次，补偿 {desk.compensations} 笔）；"
            f"催缴案件 {dunning.cases} 件（进行中 {dunning.open_cases}），"
            f"催缴活动 {dunning.campaigns} 个，催缴文书 {dunning.documents} 份。"
        )

    def create_logins(
        self, company: Company, communities: dict[str, Community], gen: Generator
    ) -> None:
        hashed = make_password(settings.ANJU_DEMO_PASSWORD)
        for username, role, display, codes in STAFF:
            user = User.objects.create(
                username=username, password=hashed, role=role, kind=AccountKind.STAFF,
                company=company, display_name=display,
            )  # fmt: skip
            if codes != "*":
                user.communities.set([communities[c] for c in codes.split()])
        for person in gen.demo_people.values():
            user = User.objects.create(
                username=person.phone, phone=person.phone, password=hashed,
                kind=AccountKind.OWNER, company=company, display_name=person.name,
            )  # fmt: skip
            person.user = user
            person.save(update_fields=["user"])

    def print_logins(self) -> None:
        password = settings.ANJU_DEMO_PASSWORD
        staff = User.objects.filter(
            company__code=COMPANY[0], kind=AccountKind.STAFF
        ).prefetch_related("communities")
        rows = [("账号", "角色", "姓名", "密码", "范围")]
        for user in staff.order_by("id"):
            scope = (
                "全部小区"
                if user.is_company_admin
                else "、".join(c.name for c in user.communities.all())
            )
            rows.append(
                (
                    user.username,
                    str(user.get_role_display()),
                    str(user),
                    password,
                    scope,
                )
            )
        owners = (
            Person.objects.filter(user__isnull=False, company__code=COMPANY[0])
            .select_related("user")
            .order_by("user_id")
        )
        for person in owners:
            ties = person.residencies.filter(active=True).select_related(
                "house__community"
            )
            scope = "；".join(
                f"{t.house.community.name} {t.house.number}（{t.get_relation_display()}）"
                for t in ties
            )
            rows.append((person.user.username, "业主端", person.name, password, scope))
        widths = [max(_width(r[i]) for r in rows) for i in range(4)]
        self.stdout.write(
            "演示登录（员工登录 /accounts/login/，业主登录 /portal/login/）："
        )
        for row in rows:
            cells = [row[i] + " " * (widths[i] - _width(row[i])) for i in range(4)]
            self.stdout.write("  ".join([*cells, row[4]]))


def demo_billing_plans(gen: Generator) -> dict[int, str]:
    """How the demo owners' houses pay (anju.billing.demo.PLANS), so that each portal
    login has something to show: 张三 owes the last two months (to try online payment),
    李娜's houses are prepaid, in arrears, paid quarterly and paid monthly."""
    people = getattr(gen, "demo_people", {})
    plans: dict[int, str] = {}
    owned = [
        t
        for t in getattr(gen, "ties_made", [])
        if t.relation == Relation.OWNER and t.is_primary
    ]
    for tie in owned:
        if "owner" in people and tie.person is people["owner"]:
            plans[tie.house.pk] = "recent_unpaid"
    multi = [
        t.house for t in owned if "multi" in people and t.person is people["multi"]
    ]
    for house, plan in zip(
        multi, ("prepay", "lapsed", "quarterly", "monthly"), strict=False
    ):
        plans[house.pk] = plan
    return plans


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
