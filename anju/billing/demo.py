"""Demo fees and payments for `seed_demo`: six months of a community group's billing.

Everything goes through the billing services, each call at its moment of the story
(`anju.core.demo_clock`): fee items and price plans per community, a prepayment
incentive, arrears carried over from the "old system" at go-live, a billing run on the
1st of each of the last six natural months (`bill_run_period`, which also sets
prepayment credit against the new bills), payments house by house (`payment_record`:
monthly, quarterly or half-yearly in advance, late, partial, never), 12-month
prepayments (`prepayment_record`), renovation charges, two payments keyed wrong and
reversed (`payment_reverse`), an approved discount and one awaiting approval.

Deterministic for a given seed and day: the same houses pay the same way.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from anju.accounts.models import User
from anju.core.demo_clock import Story, story_clock
from anju.core.money import money
from anju.estates.choices import Occupancy, Usage
from anju.estates.models import Community, Company, House

from .choices import Channel, DiscountKind, FeeKind, IncentiveKind
from .models import Bill, BillingPolicy, BillLine, FeeItem, Payment
from .periods import add_months, month_end
from .prepay import prepayment_incentive_create, prepayment_record
from .services import (
    bill_run_period,
    discount_grant,
    discount_request,
    one_off_charge_create,
    payment_record,
    payment_reverse,
    price_plan_create,
)

MONTHS = 6  # billing runs: this month and the five before it
# 物业费 元/m²/月 by house usage, and 车位管理费 元/月 for parking spaces
PRICES: dict[str, dict[str, str]] = {
    "lsy": {"residential": "2.50", "shop": "6.00", "storage": "1.20"},
    "qsf": {"residential": "3.20", "shop": "7.50", "storage": "1.50"},
    "jgy": {"residential": "1.80", "shop": "5.00", "storage": "1.00"},
    "chtd": {"residential": "3.80", "shop": "8.00", "storage": "2.00"},
}
PARKING_FEE = {"lsy": "80.00", "qsf": "120.00", "jgy": "60.00", "chtd": "150.00"}
# payment term (days after the 1st) and the vacant-house discount (%)
POLICIES = {"lsy": (15, 30), "qsf": (15, 0), "jgy": (10, 50), "chtd": (15, 30)}
CASHIER = {"lsy": "finance", "qsf": "finance", "jgy": "finance2", "chtd": "finance2"}
MANAGER = "manager"
GO_LIVE_DAYS = 4  # the system went live this many days before the first run

# How a house pays, by kind of house: (behaviour, weight). Most owners pay a half-year
# at once when reminded, some by the quarter or the month, a few in advance; some
# stopped paying or never did (the arrears that dunning works on).
MIX = {
    "home": (
        ("monthly", 2), ("quarterly", 10), ("half_year", 61), ("ahead", 3),
        ("prepay", 2), ("lapsed", 7), ("partial", 4), ("never", 11),
    ),
    "vacant": (("quarterly", 15), ("half_year", 30), ("lapsed", 15), ("never", 40)),
    "shop": (("monthly", 15), ("quarterly", 45), ("half_year", 20), ("never", 20)),
    "space": (("quarterly", 10), ("half_year", 50), ("lapsed", 15), ("never", 25)),
}  # fmt: skip
# behaviour → [(month, how)], months 0 (five months ago) … 5 (this month); how: "all"
# what is owed, "aheadN" that and N months more (prepayment credit, set against the
# next bills after each run), "half" about half of what is owed, "prepay" 12 months
# prepaid at the counter with the incentive. A tuple of months: one of them at random.
PLANS: dict[str, list[tuple[int | tuple[int, ...], str]]] = {
    "monthly": [(m, "all") for m in range(MONTHS)],
    "quarterly": [(2, "all"), (5, "all")],
    "half_year": [((4, 5), "all")],
    "ahead": [(0, "ahead5")],
    "prepay": [(0, "all"), (0, "prepay")],
    "lapsed": [((1, 2), "all")],
    "partial": [(1, "half"), (4, "half")],
    "never": [],
    # the demo owner's home: paid month by month, the last two months still open
    "recent_unpaid": [(m, "all") for m in range(MONTHS - 2)],
}
CHANNELS = {
    "monthly": ((Channel.WITHHOLDING, 4), (Channel.WECHAT, 4), (Channel.ALIPAY, 2)),
    "counter": (
        (Channel.WECHAT, 30), (Channel.ALIPAY, 15), (Channel.POS, 25),
        (Channel.CASH, 15), (Channel.BANK_TRANSFER, 15),
    ),
}  # fmt: skip


@dataclass
class BillingDemo:
    """What the billing part of the demo wrote."""

    runs: int = 0
    bills: int = 0
    payments: int = 0
    reversals: int = 0
    prepayments: int = 0
    received: Decimal = Decimal("0.00")
    behaviours: Counter[str] = field(default_factory=Counter)


def _pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def _kind(house: House) -> str:
    if house.usage in (Usage.PARKING, Usage.STORAGE):
        return "space"
    if house.usage in (Usage.SHOP, Usage.OFFICE):
        return "shop"
    return "vacant" if house.occupancy == Occupancy.VACANT else "home"


def _at(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, minute), zone)


class _Billing:
    """The story of one company's fees, built up front and played in time order."""

    def __init__(self, *, company: Company, now: datetime, seed: int) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.story = Story()
        self.out = BillingDemo()
        self.owed: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
        self.monthly: dict[int, Decimal] = {}
        self.behaviour: dict[int, str] = {}
        self.communities = {
            c.code: c for c in Community.objects.filter(company=company).order_by("pk")
        }
        self.users = {
            u.username: u
            for u in User.objects.filter(company=company, kind="staff").order_by("pk")
        }
        self.items: dict[tuple[int, str], FeeItem] = {}
        zone = ZoneInfo(next(iter(self.communities.values())).timezone)
        self.zone = zone
        today = now.astimezone(zone).date()
        self.months = [
            date(*add_months(today.year, today.month, i - (MONTHS - 1)), 1)
            for i in range(MONTHS)
        ]
        self.go_live = self.months[0] - timedelta(days=GO_LIVE_DAYS)

    # --- helpers -----------------------------------------------------------------
    def before_now(self, moment: datetime) -> bool:
        return moment < self.now - timedelta(minutes=2)

    def moment(self, day: date, first: int = 8, last: int = 19) -> datetime:
        """A time of day on `day` (08:00–19:59 by default), never in the future."""
        rng = self.rng
        return _at(day, rng.randint(first, last), rng.randrange(60), self.zone)

    def cashier(self, community: Community) -> User:
        return self.users[CASHIER.get(community.code, "finance")]

    # --- set-up ------------------------------------------------------------------
    def setup(self, community: Community) -> None:
        """Fee items, prices, the billing policy and an incentive, at go-live."""
        code = community.code
        manager = self.users[MANAGER]
        due_days, vacant = POLICIES.get(code, (15, 0))
        BillingPolicy.objects.create(
            community=community,
            due_days=due_days,
            vacant_discount_percent=Decimal(vacant),
        )
        for item_code, name, kind in (
            ("wyf", "物业费", FeeKind.AREA_BASED),
            ("cwf", "车位管理费", FeeKind.FIXED_MONTHLY),
            ("zxlj", "装修垃圾清运费", FeeKind.ONE_OFF),
            ("lsqf", "历史欠费结转", FeeKind.ONE_OFF),
        ):
            self.items[(community.pk, item_code)] = FeeItem.objects.create(
                community=community, code=item_code, name=name, kind=kind
            )
        since = date(2016, 1, 1)
        for usage, price in PRICES.get(code, PRICES["lsy"]).items():
            price_plan_create(
                fee_item=self.items[(community.pk, "wyf")],
                unit_price=price,
                usage=usage,
                effective_from=since,
                actor=manager,
            )
        price_plan_create(
            fee_item=self.items[(community.pk, "cwf")],
            unit_price=PARKING_FEE.get(code, "80.00"),
            usage=Usage.PARKING,
            effective_from=since,
            actor=manager,
        )
        if code == "chtd":
            prepayment_incentive_create(
                community=community, actor=manager, name="预缴一年送一个月",
                min_months=12, kind=IncentiveKind.FREE_MONTHS, free_months=1,
                valid_from=self.go_live,
            )  # fmt: skip
        else:
            prepayment_incentive_create(
                community=community, actor=manager, name="预缴一年享95折",
                min_months=12, kind=IncentiveKind.PERCENT, percent=Decimal("5"),
                valid_from=self.go_live,
            )  # fmt: skip

    # --- the story ---------------------------------------------------------------
    def build(self, houses: list[House], demo_plans: dict[int, str]) -> None:
        for community in self.communities.values():
            self.story.at(
                self.moment(self.go_live, 9, 10), lambda c=community: self.setup(c)
            )
        for index, month in enumerate(self.months):
            for offset, community in enumerate(self.communities.values()):
                run_at = _at(month, 8, 30 + offset * 5, self.zone)
                if not self.before_now(run_at):
                    run_at = self.now - timedelta(minutes=3)
                self.story.at(run_at, self.run_step(community, index))
        carried = 0
        renovations = 0
        typos = 0
        for house in houses:
            if house.occupancy == Occupancy.UNSOLD:
                continue
            community = house.community
            behaviour = demo_plans.get(house.pk) or _pick(self.rng, MIX[_kind(house)])
            self.out.behaviours[behaviour] += 1
            self.behaviour[house.pk] = behaviour
            counter = behaviour != "monthly"
            channel = _pick(self.rng, CHANNELS["counter" if counter else "monthly"])
            demo = house.pk in demo_plans  # a demo owner's: only what its plan says
            if demo:
                channel = Channel.WECHAT
            plan = [
                (m if isinstance(m, int) else self.rng.choice(m), how)
                for m, how in PLANS.get(behaviour, [])
            ]
            roll = self.rng.random()
            typed = False
            if not demo and roll < (0.35 if behaviour in ("never", "lapsed") else 0.04):
                carried += 1
                self.carry_over(house, years=2 if carried % 4 == 0 else 1)
            if (
                house.occupancy == Occupancy.RENOVATING
                and renovations < 15
                and not demo
            ):
                renovations += 1
                self.renovation(house, paid=renovations % 5 != 0)
            for month_index, how in plan:
                day = self.months[month_index] + timedelta(
                    days=14
                    if channel == Channel.WITHHOLDING
                    else self.rng.randint(1, 24)
                )
                at = (
                    _at(day, 10, 0, self.zone)
                    if channel == Channel.WITHHOLDING
                    else self.moment(day)
                )
                if not self.before_now(at):
                    continue  # not yet: this payment has not happened
                if (
                    typos < 2
                    and not (demo or typed)
                    and month_index < MONTHS - 1
                    and community.code == "lsy"
                    and channel in (Channel.CASH, Channel.POS)
                    and how == "all"
                ):
                    typos += 1  # keyed wrong at the counter, reversed, taken again
                    typed = True
                    how = "typo"
                self.story.at(at, self.pay_step(house, how, channel))
        self.discounts(houses, demo_plans)

    def run_step(self, community: Community, index: int) -> Callable[[], None]:
        start = self.months[index]

        def step() -> None:
            if (community.pk, "wyf") not in self.items:
                return
            run = bill_run_period(
                community=community,
                period_start=start,
                period_end=month_end(start),
                actor=self.cashier(community),
            )
            self.out.runs += 1
            self.out.bills += run.bill_count
            for house_id, total, discount in Bill.objects.filter(run=run).values_list(
                "house_id", "total", "discount_total"
            ):
                self.owed[house_id] += total - discount
                self.monthly[house_id] = total - discount

        return step

    def amount(self, house: House, how: str) -> Decimal:
        owed = self.owed[house.pk]
        if how in ("all", "typo"):
            return owed
        if how == "half":
            half = (owed / 2 / 10).quantize(Decimal("1"), rounding=ROUND_DOWN) * 10
            return half if half >= 50 else owed
        if how.startswith("ahead"):
            month = self.monthly.get(house.pk) or monthly_property_fee(house)
            return owed + month * int(how[5:])
        raise ValueError(how)

    def pay_step(self, house: House, how: str, channel: str) -> Callable[[], None]:
        def step() -> None:
            community = house.community
            cashier = self.cashier(community)
            if how == "prepay":
                if (community.pk, "wyf") not in self.items:
                    return
                prepayment = prepayment_record(
                    house=house, months=12, channel=channel, actor=cashier,
                    idempotency_key=f"demo-prepay-{house.pk}",
                )  # fmt: skip
                self.out.prepayments += 1
                self.out.payments += 1
                self.out.received += prepayment.net
                return
            amount = self.amount(house, how)
            if amount <= 0:
                return
            keyed = amount + 100 if how == "typo" else amount
            payment = self.record(house, keyed, channel)
            if how == "typo":  # keyed 100 too many: reversed, then taken again
                later = timezone.now() + timedelta(minutes=6)
                self.story.at(later, self.reverse_step(payment, amount, channel))

        return step

    def record(
        self,
        house: House,
        amount: Decimal,
        channel: str,
        line_ids: list[int] | None = None,
    ) -> Payment:
        self.out.payments += 1
        payment = payment_record(
            community=house.community,
            house=house,
            amount=amount,
            channel=channel,
            idempotency_key=f"demo-{house.pk}-{self.out.payments}",
            actor=self.cashier(house.community),
            line_ids=line_ids,
        )
        self.owed[house.pk] -= payment.amount
        self.out.received += payment.amount
        return payment

    def reverse_step(
        self, payment: Payment, amount: Decimal, channel: str
    ) -> Callable[[], None]:
        def step() -> None:
            payment_reverse(
                payment=payment,
                actor=self.cashier(payment.house.community),
                reason=f"金额录错（多录100元），冲正后按{amount}元重收",
            )
            self.owed[payment.house_id] += payment.amount
            self.out.reversals += 1
            self.out.received -= payment.amount
            self.record(payment.house, amount, channel)

        return step

    def carry_over(self, house: House, years: int) -> None:
        """Arrears the old charging system handed over at go-live (历史欠费结转)."""
        year = self.go_live.year - 1
        month = monthly_property_fee(house)
        lines = [(date(year, 12, 31), f"{year}年7–12月物业费（原收费系统结转）", 6)]
        if years > 1:
            text = f"{year - 1}年全年物业费（原收费系统结转）"
            lines.insert(0, (date(year - 1, 12, 31), text, 12))
        for charged_on, text, months in lines:
            value = money(month * months)

            def step(on: date = charged_on, what: str = text, value=value) -> None:
                item = self.items.get((house.community_id, "lsqf"))
                if item is None or value <= 0:
                    return
                one_off_charge_create(
                    house=house, fee_item=item, amount=value, description=what,
                    actor=self.cashier(house.community), charged_on=on,
                )  # fmt: skip
                self.owed[house.pk] += value

            self.story.at(self.moment(self.go_live, 14, 16), step)

    def renovation(self, house: House, *, paid: bool) -> None:
        """装修垃圾清运费 of a house being renovated, mostly paid at the counter."""
        day = self.months[self.rng.randrange(MONTHS)] + timedelta(
            days=self.rng.randint(2, 20)
        )
        at = self.moment(day, 9, 16)
        amount = Decimal(300 if house.building_area < 100 else 500)
        channel = _pick(self.rng, CHANNELS["counter"])
        if not self.before_now(at):
            return

        def step() -> None:
            item = self.items.get((house.community_id, "zxlj"))
            if item is None:
                return
            line = one_off_charge_create(
                house=house, fee_item=item, amount=amount,
                description=f"装修垃圾清运费（{house.number}）",
                actor=self.cashier(house.community), charged_on=day,
            )  # fmt: skip
            self.owed[house.pk] += amount
            if paid:
                self.record(house, amount, channel, line_ids=[line.pk])

        self.story.at(at, step)

    def discounts(self, houses: list[House], demo_plans: dict[int, str]) -> None:
        """One discount a manager granted, one a cashier asked for (待审批)."""
        lsy = self.communities.get("lsy")
        homes = [
            h
            for h in houses
            if lsy is not None
            and h.community_id == lsy.pk
            and h.usage == Usage.RESIDENTIAL
            and h.occupancy == Occupancy.OCCUPIED
            and h.pk not in demo_plans
            and self.behaviour.get(h.pk) in ("never", "lapsed")  # they still owe
        ]
        if len(homes) < 2:
            return
        granted, asked = homes[0], homes[-1]
        month = self.months[-2]
        at = self.moment(month + timedelta(days=self.rng.randint(3, 9)), 10, 15)

        def grant() -> None:
            line = (
                BillLine.objects.filter(house=granted, period_start=month, amount__gt=0)
                .exclude(status__in=("paid", "void", "superseded"))
                .first()
            )
            if line is None:
                return
            value = money(line.outstanding / 2)
            discount_grant(
                line=line, amount=value, kind=DiscountKind.COMPENSATION,
                reason="楼上住户水管爆裂浸泡室内，经项目经理批准减免当月物业费50%",
                approved_by=self.users[MANAGER], actor=self.cashier(lsy),
            )  # fmt: skip
            self.owed[granted.pk] -= value

        def ask() -> None:
            line = (
                BillLine.objects.filter(house=asked, amount__gt=0)
                .exclude(status__in=("paid", "void", "superseded"))
                .order_by("-period_start")
                .first()
            )
            if line is None:
                return
            discount_request(
                line=line, amount=money(line.outstanding * Decimal("0.3")),
                kind=DiscountKind.OTHER, actor=self.cashier(lsy),
                reason="业主长期在外地工作，房屋实际空置，申请参照空置房标准减免30%",
            )  # fmt: skip

        self.story.at(at, grant)
        last = self.now - timedelta(days=2)
        self.story.at(self.moment(last.astimezone(self.zone).date(), 9, 11), ask)


def monthly_property_fee(house: House) -> Decimal:
    """One month's fee of a house at the demo's prices (物业费, or 车位管理费)."""
    if house.usage == Usage.PARKING:
        return Decimal(PARKING_FEE.get(house.community.code, "80.00"))
    prices = PRICES.get(house.community.code, PRICES["lsy"])
    return money(
        Decimal(prices.get(house.usage, prices["residential"])) * house.building_area
    )


def seed_billing_demo(
    *,
    company: Company,
    now: datetime,
    seed: int,
    demo_plans: dict[int, str] | None = None,
) -> BillingDemo:
    """Six months of fees and payments of the company's houses, through the services.

    `demo_plans` fixes how some houses pay (house id → behaviour of `PLANS`), so that
    the demo owners' portal shows what they need: bills to pay, a paid history."""
    billing = _Billing(company=company, now=now, seed=seed)
    houses = list(
        House.objects.filter(community__company=company)
        .select_related("community")
        .order_by("pk")
    )
    billing.build(houses, demo_plans or {})
    with story_clock() as clock:
        billing.story.play(clock)
    return billing.out
