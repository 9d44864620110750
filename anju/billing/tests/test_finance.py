"""财务报表: collection rate (收缴率) and arrears recovery rate (清欠率) per DOMAIN §5 by
month, community and building; income by channel and fee item; aging and dunning;
page, Excel and API, in constant queries."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from anju.billing import finance as fin
from anju.billing.choices import DiscountKind, LineKind
from anju.billing.latefees import late_fees_assess
from anju.billing.models import BillLine, Payment, PaymentAllocation, Receipt
from anju.billing.services import bill_line_void, discount_grant, payment_reverse
from anju.estates.tests.factories import HouseFactory, UnitFactory

from .cashier import bill_month, charge, late_fee_policy, local, pay
from .factories import property_fee

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 31)


def report(community, user, **period):
    return fin.finance_report(
        user=user,
        community=community,
        communities=[community],
        period=fin.period_for(year=2026, **period),
        today=TODAY,
    )


def figures(rates):
    return (
        rates.billed,
        rates.collected,
        rates.collection_rate,
        rates.arrears_start,
        rates.recovered,
        rates.recovery_rate,
    )


def D(text):
    return Decimal(text)


@pytest.fixture
def street(community, finance):
    """Houses 1-1-101 and 1-1-102 in building 1, 2-1-201 in building 2: 120 m² at
    2.50 元 = 300.00 each a month; March and April 2026 billed (due on the 1st)."""
    property_fee(community)
    one = UnitFactory(building__community=community, building__number="1", number="1")
    two = UnitFactory(building__community=community, building__number="2", number="1")
    a = HouseFactory(unit=one, room="101")
    b = HouseFactory(unit=one, room="102")
    c = HouseFactory(unit=two, room="201")
    bill_month(community, finance, 2026, 3)
    bill_month(community, finance, 2026, 4)
    return a, b, c


@pytest.fixture
def paid(street, finance):
    """a and b pay March in March, c pays March on 5 April (by WeChat); a and b pay
    April in April, c never pays April."""
    a, b, c = street
    pay(a, finance, "300.00", "a-3", at=local(date(2026, 3, 10), 9))
    pay(b, finance, "300.00", "b-3", at=local(date(2026, 3, 31), 23, 30))
    pay(c, finance, "300.00", "c-3", channel="wechat", at=local(date(2026, 4, 5), 10))
    pay(a, finance, "300.00", "a-4", at=local(date(2026, 4, 10), 9))
    pay(b, finance, "300.00", "b-4", channel="pos", at=local(date(2026, 4, 11), 9))
    return street


# --- The worked examples ------------------------------------------------------------


def test_collection_rate_counts_what_the_months_bills_got_by_its_end(
    paid, community, finance
):
    # 900.00 billed for March; a and b paid in March (b at 23:30 on the 31st, Beijing
    # time), c on 5 April → 600.00 of 900.00 = 66.7 %; nothing owed before March
    march = report(community, finance, month=3).total
    assert figures(march) == (
        D("900.00"),
        D("600.00"),
        D("66.7"),
        D("0.00"),
        D("0.00"),
        None,
    )


def test_recovery_rate_counts_earlier_arrears_paid_in_the_period(
    paid, community, finance
):
    # April: c's March 300.00 is the arrears on 1 April, paid on 5 April → 100.0 %;
    # of April's own 900.00, a and b paid 600.00 → 66.7 %
    april = report(community, finance, month=4).total
    assert figures(april) == (
        D("900.00"),
        D("600.00"),
        D("66.7"),
        D("300.00"),
        D("300.00"),
        D("100.0"),
    )
    # May: nothing billed, c's April still owed and nothing recovered
    may = report(community, finance, month=5).total
    assert figures(may) == (
        D("0.00"),
        D("0.00"),
        None,
        D("300.00"),
        D("0.00"),
        D("0.0"),
    )


def test_a_quarter_and_a_year_are_periods_of_their_own(paid, community, finance):
    # the year: 1,800.00 billed, 1,500.00 of it received by 31 December = 83.3 %
    # (c's March payment in April counts for the year but not for March)
    year = report(community, finance)
    assert figures(year.total)[:3] == (D("1800.00"), D("1500.00"), D("83.3"))
    # each month of the year is its own period: January–February empty, then
    # March 66.7 %, April 66.7 % with 100.0 % recovered
    by_month = {m.label: m for m in year.months}
    assert len(year.months) == 12
    assert by_month["2026-01"].collection_rate is None
    assert by_month["2026-03"].collection_rate == D("66.7")
    assert (by_month["2026-04"].collection_rate, by_month["2026-04"].recovery_rate) == (
        D("66.7"),
        D("100.0"),
    )
    assert by_month["2026-04"].income == D("900.00")
    # Q2 starts with c's March arrears and recovers them
    q2 = report(community, finance, quarter=2).total
    assert figures(q2) == (
        D("900.00"),
        D("600.00"),
        D("66.7"),
        D("300.00"),
        D("300.00"),
        D("100.0"),
    )


def test_by_building_and_by_community(paid, community, other_community, finance):
    rows = report(community, finance, month=4).buildings
    assert [(r.label, r.billed, r.collection_rate, r.recovery_rate) for r in rows] == [
        ("1", D("600.00"), D("100.0"), None),
        ("2", D("300.00"), D("0.0"), D("100.0")),
    ]
    # a company-wide view lists every community given, even one without bills
    out = fin.collection_by_community(
        communities=[community, other_community],
        period=fin.period_for(year=2026, month=4),
        tz=TZ,
    )
    assert [(r.label, r.billed, r.collection_rate) for r in out] == [
        (community.name, D("900.00"), D("66.7")),
        (other_community.name, D("0.00"), None),
    ]


def test_income_by_channel_adds_up_to_the_receipts_of_the_period(
    paid, community, finance
):
    april = report(community, finance, month=4)
    by_channel = {c.channel: c.net for c in april.channels}
    assert (by_channel["cash"], by_channel["wechat"], by_channel["pos"]) == (
        D("300.00"),
        D("300.00"),
        D("300.00"),
    )
    receipts = sum(
        r.amount
        for r in Receipt.objects.filter(
            community=community,
            issued_at__isnull=False,
            payment__received_at__gte=local(date(2026, 4, 1), 0),
            payment__received_at__lt=local(date(2026, 5, 1), 0),
        )
    )
    assert april.income == receipts == D("900.00")
    # by fee item: all of it settled 物业费, and the items add up to the same income
    assert [(f["label"], f["amount"]) for f in april.fee_items] == [
        ("物业费", D("900.00"))
    ]


def test_a_reversal_reduces_the_period_it_is_made_in(paid, community, finance):
    a, b, c = paid
    # b's April payment (11 April, POS) is reversed on 2 May
    original = Payment.objects.get(idempotency_key="b-4")
    reversal = payment_reverse(payment=original, actor=finance, reason="刷错卡")
    Payment.objects.filter(pk=reversal.pk).update(
        received_at=local(date(2026, 5, 2), 9)
    )
    # April keeps what came in in April
    april = report(community, finance, month=4)
    assert (april.income, april.total.collected) == (D("900.00"), D("600.00"))
    # May's income goes down by it: POS received 0.00, reversed −300.00
    may = report(community, finance, month=5)
    pos = next(c for c in may.channels if c.channel == "pos")
    assert (pos.received, pos.reversed, pos.net) == (
        D("0.00"),
        D("-300.00"),
        D("-300.00"),
    )
    assert may.income == D("-300.00")
    assert may.fee_items == [
        {"fee_item": BillLine.objects.filter(house=b).first().fee_item_id,
         "label": "物业费", "amount": D("-300.00")}
    ]  # fmt: skip
    # and April's bills are owed again from May on: arrears on 1 May are c's April
    # only (b still had paid then); May recovers −300.00
    assert (may.total.arrears_start, may.total.recovered) == (D("300.00"), D("-300.00"))
    # a payment reversed inside its own month counts for nothing in it
    pay(c, finance, "300.00", "c-4", at=local(date(2026, 4, 20), 9))
    again = payment_reverse(
        payment=Payment.objects.get(idempotency_key="c-4"), actor=finance, reason="重复"
    )
    Payment.objects.filter(pk=again.pk).update(received_at=local(date(2026, 4, 21), 9))
    april = report(community, finance, month=4)
    assert (april.income, april.total.collected) == (D("900.00"), D("600.00"))
    cash = next(ch for ch in april.channels if ch.channel == "cash")
    assert (cash.received, cash.reversed, cash.count, cash.reversal_count) == (
        D("600.00"),
        D("-300.00"),
        2,
        1,
    )


def test_paid_before_the_month_counts_for_it_and_as_income_of_its_own_day(
    street, community, finance
):
    a, b, c = street
    # a pays April on 25 March (April was billed in advance)
    april_line = BillLine.objects.get(house=a, period_start=date(2026, 4, 1))
    pay(a, finance, "300.00", "a-pre", line_ids=[april_line.pk],
        at=local(date(2026, 3, 25), 9))  # fmt: skip
    assert report(community, finance, month=4).total.collected == D("300.00")
    assert report(community, finance, month=4).income == D("0.00")
    assert report(community, finance, month=3).income == D("300.00")
    assert report(community, finance, month=3).total.collected == D("0.00")


def test_prepayment_credit_counts_when_it_is_set_against_the_line(community, finance):
    # given 1-1-101 pays 600.00 on 20 February, before any bill: all of it credit
    property_fee(community)
    unit = UnitFactory(building__community=community, building__number="1")
    a = HouseFactory(unit=unit, room="101")
    HouseFactory(unit=unit, room="102")
    pay(a, finance, "600.00", "a-pre", at=local(date(2026, 2, 20), 9))
    # when March is billed the run sets 300.00 of it against March (on 1 March), and
    # April's run the rest against April — recorded here as done on 2 May
    bill_month(community, finance, 2026, 3)
    PaymentAllocation.objects.filter(from_credit=True).update(
        created_at=local(date(2026, 3, 1), 8)
    )
    bill_month(community, finance, 2026, 4)
    PaymentAllocation.objects.filter(
        from_credit=True, line__period_start=date(2026, 4, 1)
    ).update(created_at=local(date(2026, 5, 2), 8))
    # then March got 300.00 of its 600.00 (set against it in March) …
    march = report(community, finance, month=3)
    assert (march.total.collected, march.total.collection_rate) == (
        D("300.00"),
        D("50.0"),
    )
    # … April none by its end: the credit was set against it only on 2 May, which
    # recovers 300.00 of the 900.00 owed on 1 May (a's and b's April, b's March)
    assert report(community, finance, month=4).total.collected == D("0.00")
    may = report(community, finance, month=5).total
    assert (may.arrears_start, may.recovered, may.recovery_rate) == (
        D("900.00"),
        D("300.00"),
        D("33.3"),
    )
    # the money itself is February's income, by channel; what it settled is shown
    # under the fee item and nothing is left as credit
    february = report(community, finance, month=2)
    assert february.income == D("600.00")
    assert [(f["label"], f["amount"]) for f in february.fee_items] == [
        ("物业费", D("600.00"))
    ]
    assert report(community, finance, month=3).income == D("0.00")


def test_voids_and_discounts_lower_what_was_billed(street, community, finance, manager):
    a, b, c = street
    bill_line_void(
        line=BillLine.objects.get(house=c, period_start=date(2026, 3, 1)),
        actor=finance,
        reason="未交付",
    )
    discount_grant(
        line=BillLine.objects.get(house=b, period_start=date(2026, 3, 1)),
        amount="100.00",
        kind=DiscountKind.COMPENSATION,
        reason="停水补偿",
        approved_by=manager,
        actor=finance,
    )
    pay(b, finance, "200.00", "b-3", at=local(date(2026, 3, 15), 9))
    march = report(community, finance, month=3).total
    # 300.00 + 200.00 still billed, 200.00 of it paid
    assert (march.billed, march.collected, march.collection_rate) == (
        D("500.00"),
        D("200.00"),
        D("40.0"),
    )


def test_late_fees_are_income_but_stay_out_of_the_rates(street, community, finance):
    a, b, c = street
    late_fee_policy(community)
    late_fees_assess(community=community, as_of=date(2026, 4, 30), actor=finance)
    late = BillLine.objects.filter(house=a, kind=LineKind.LATE_FEE)
    assert late.exists()
    fee = sum(x.amount for x in late)
    # a pays March, April and its late fees on 30 April
    pay(a, finance, str(D("600.00") + fee), "a-all", at=local(date(2026, 4, 30), 9))
    april = report(community, finance, month=4)
    assert (april.total.billed, april.total.arrears_start) == (D("900.00"), D("900.00"))
    assert april.total.recovered == D("300.00")
    items = {f["label"]: f["amount"] for f in april.fee_items}
    assert items["物业费"] == D("600.00")
    assert items["滞纳金"] == fee
    assert april.income == D("600.00") + fee


# --- Periods ----------------------------------------------------------------------


def test_periods_and_their_errors():
    assert fin.parse_period("2026-Q2").start == date(2026, 4, 1)
    assert fin.parse_period("2026-Q2").end == date(2026, 6, 30)
    assert fin.parse_period("2028-02").end == date(2028, 2, 29)
    assert fin.parse_period("2026").label == "2026"
    assert [m.label for m in fin.parse_period("2026-Q4").months()] == [
        "2026-10",
        "2026-11",
        "2026-12",
    ]
    for bad in ("2026-13", "2026-Q5", "26", "June", "2026-x"):
        with pytest.raises(fin.FinancePeriodInvalid):
            fin.parse_period(bad)
    with pytest.raises(fin.FinancePeriodInvalid):
        fin.period_for(year=2026, quarter=1, month=2)
    assert fin.rate(D("2.00"), D("3.00")) == D("66.7")
    assert fin.rate(D("1.00"), D("8.00")) == D("12.5")  # 12.5 exactly
    assert fin.rate(D("1.00"), D("1600.00")) == D("0.1")  # 0.0625 → 0.1
    assert fin.rate(D("1.00"), D("0.00")) is None


# --- Page, Excel, API ---------------------------------------------------------------


def test_finance_page_shows_rates_charts_and_tabs(client, paid, community, finance):
    client.force_login(finance)
    response = client.get(f"/billing/finance/?community={community.pk}&period=2026-04")
    body = response.content.decode()
    assert response.status_code == 200
    assert "财务报表" in body
    assert 'data-figure="collection_rate">66.7%' in body
    assert 'data-figure="recovery_rate">100.0%' in body
    assert body.count("<svg") == 4  # rates per month, items, channels, aging
    assert 'href="/billing/finance/?community=' in body  # the tab
    assert 'data-building="2"' in body
    assert "催缴成效" in body


def test_finance_page_explains_a_bad_period(client, paid, community, finance):
    client.force_login(finance)
    response = client.get(f"/billing/finance/?community={community.pk}&period=2026-13")
    assert response.status_code == 200
    assert "月份应为 1–12" in response.content.decode()


def test_finance_page_queries_do_not_grow_with_houses(
    client, paid, community, finance, django_assert_max_num_queries
):
    client.force_login(finance)
    url = f"/billing/finance/?community={community.pk}&year=2026"
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    # given 20 more houses in 4 more buildings, billed and mostly paid
    units = [
        UnitFactory(building__community=community, building__number=str(3 + k))
        for k in range(4)
    ]
    for n in range(20):
        house = HouseFactory(unit=units[n % 4], room=f"{n + 1}01")
        charge(house, finance, "123.45", date(2026, 4, 1))
        if n % 3:
            pay(house, finance, "123.45", f"more-{n}", at=local(date(2026, 4, 2), 9))
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_finance_excel_has_a_summary_and_a_sheet_per_breakdown(
    client, paid, community, finance
):
    client.force_login(finance)
    response = client.get(
        f"/billing/finance.xlsx?community={community.pk}&year=2026&month=4"
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == [
        "汇总", "按月", "按小区", "按楼栋", "按收费项目", "按收款方式", "欠费账龄", "催缴成效",
    ]  # fmt: skip
    summary = {row[0]: row[1] for row in book["汇总"].values if row and row[0]}
    assert summary["收缴率"] == "66.7%"
    assert summary["清欠率"] == "100.0%"
    assert Decimal(str(summary["净收入"])) == D("900")
    months = list(book["按月"].values)
    assert months[1][0] == "2026-04"
    assert Decimal(str(months[1][3])) == D("66.7")
    bad = client.get(
        f"/billing/finance.xlsx?community={community.pk}&year=2026&month=13"
    )
    assert bad.status_code == 400


def test_finance_api(client, paid, community, finance):
    client.force_login(finance)
    body = client.get(
        f"/api/v1/billing/finance/?community={community.pk}&year=2026&month=4"
    ).json()
    assert body["period"] == {
        "kind": "month",
        "label": "2026-04",
        "start": "2026-04-01",
        "end": "2026-04-30",
    }
    totals = body["totals"]
    assert (totals["collection_rate"], totals["recovery_rate"]) == ("66.7", "100.0")
    assert (totals["billed"], totals["net_income"]) == ("900.00", "900.00")
    assert [b["label"] for b in body["buildings"]] == ["1", "2"]
    assert sum(D(c["net"]) for c in body["income_by_channel"]) == D("900.00")
    assert body["aging"]["as_of"] == "2026-04-30"
    assert body["aging"]["total"] == "300.00"  # c's April, due 1 April
    assert body["dunning"]["total"]["contacts"] == 0
    year = client.get(f"/api/v1/billing/finance/?community={community.pk}&year=2026")
    assert len(year.json()["months"]) == 12
    bad = client.get(f"/api/v1/billing/finance/?community={community.pk}&quarter=7")
    assert (bad.status_code, bad.json()["code"]) == (400, "finance_period_invalid")


def test_finance_report_is_refused_outside_the_users_communities(
    client, outsider, technician, paid, community
):
    client.force_login(outsider)
    assert client.get(f"/billing/finance/?community={community.pk}").status_code == 404
    assert (
        client.get(f"/billing/finance.xlsx?community={community.pk}").status_code == 404
    )
    api = client.get(f"/api/v1/billing/finance/?community={community.pk}")
    assert api.status_code == 404
    # the outsider's own community shows none of it
    own = client.get("/api/v1/billing/finance/?year=2026&month=4").json()
    assert own["totals"]["billed"] == "0.00"
    assert [c["label"] for c in own["communities"]] == [outsider.communities.get().name]
    client.force_login(technician)
    assert client.get("/billing/finance/").status_code == 404
    assert client.get("/api/v1/billing/finance/").status_code == 403


# --- Dunning ------------------------------------------------------------------------


def test_dunning_effectiveness_of_the_period(paid, community, finance):
    from anju.dunning import services as dunning
    from anju.dunning.choices import Channel, Outcome

    a, b, c = paid
    # c owes April; a call on 6 May gets a promise, c pays on 20 May
    case = dunning.case_open(house=c, actor=finance, now=local(date(2026, 5, 6), 9))
    dunning.contact_log(
        case=case,
        actor=finance,
        channel=Channel.PHONE,
        outcome=Outcome.PROMISED,
        promised_date=date(2026, 5, 20),
        now=local(date(2026, 5, 6), 10),
    )
    pay(c, finance, "300.00", "c-4", at=local(date(2026, 5, 20), 9))
    may = report(community, finance, month=5)
    total = may.dunning["total"]
    assert (total.houses, total.contacts, total.promises, total.recovered) == (
        1,
        1,
        1,
        D("300.00"),
    )
    assert may.total.recovered == D("300.00")
    assert report(community, finance, month=4).dunning["total"].contacts == 0


def test_no_dunning_figures_without_dunning_view(paid, community, finance, monkeypatch):
    monkeypatch.setattr(
        type(finance),
        "has_role_perm",
        lambda self, perm: perm != "dunning.view",
    )
    assert report(community, finance, month=4).dunning is None


def test_the_period_ends_today_for_aging(paid, community, finance):
    r = fin.finance_report(
        user=finance,
        community=community,
        communities=[community],
        period=fin.period_for(year=2026),
        today=date(2026, 4, 30),
    )
    assert r.as_of == date(2026, 4, 30)
    assert r.aging["total"] == D("300.00")
    assert r.as_of + timedelta(days=1) == date(2026, 5, 1)
