"""预缴 and prepayment incentives (预缴优惠): worked examples, approval by the policy,
billing runs leaving prepaid months alone, idempotency, the online flow, and discount
requests approved by a manager."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from anju.billing import online
from anju.billing.adjust import bill_line_split
from anju.billing.choices import (
    DiscountKind,
    DiscountStatus,
    FeeKind,
    IncentiveKind,
    IntentPurpose,
    LineStatus,
    PrepaymentSource,
)
from anju.billing.models import (
    Bill,
    BillLine,
    DiscountLine,
    Payment,
    Prepayment,
    Receipt,
)
from anju.billing.periods import add_months, month_end
from anju.billing.prepay import (
    percent_shares,
    prepayment_incentive_create,
    prepayment_incentive_end,
    prepayment_plan,
    prepayment_record,
)
from anju.billing.services import (
    discount_decide,
    discount_request,
    house_credit_balance,
)
from anju.core.errors import (
    Conflict,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from anju.core.models import AuditEvent
from anju.estates.tests.factories import HouseFactory

from .cashier import bill_month, charge
from .factories import fee_item, price, property_fee

SINCE = date(2020, 1, 1)


def month(n: int) -> date:
    """The first day of the month `n` months from this one."""
    today = timezone.localdate()
    y, m = add_months(today.year, today.month, n)
    return date(y, m, 1)


@pytest.fixture
def fee(community):
    """物业费 2.50 元/m²/月: 300.00 a month for the 120 m² house."""
    return property_fee(community)


def five_percent(community, manager, **kw):
    values = {
        "name": "预缴一年95折",
        "min_months": 12,
        "kind": IncentiveKind.PERCENT,
        "percent": "5",
        "valid_from": SINCE,
    }
    values.update(kw)
    return prepayment_incentive_create(community=community, actor=manager, **values)


def one_month_free(community, manager, **kw):
    values = {
        "name": "预缴一年送一个月",
        "min_months": 12,
        "kind": IncentiveKind.FREE_MONTHS,
        "free_months": 1,
        "valid_from": SINCE,
    }
    values.update(kw)
    return prepayment_incentive_create(community=community, actor=manager, **values)


def prepay(house, actor, months, key="k-prepay", channel="cash"):
    return prepayment_record(
        house=house, months=months, channel=channel, idempotency_key=key, actor=actor
    )


# --- the arithmetic ------------------------------------------------------------------


def test_percent_shares_add_up_to_the_rounded_total():
    assert (
        percent_shares([Decimal("300.00")] * 12, Decimal("5"))
        == [Decimal("15.00")] * 12
    )
    shares = percent_shares(
        [Decimal("154.84"), Decimal("300.00"), Decimal("300.00")], Decimal("5")
    )
    assert shares == [Decimal("7.74"), Decimal("15.00"), Decimal("15.00")]
    assert sum(shares) == Decimal("37.74")  # money(754.84 × 5 %) = 37.742 → 37.74
    # fen left over go to the largest remainders, the later line on a tie
    assert percent_shares([Decimal("0.10")] * 3, Decimal("5")) == [
        Decimal("0.00"),
        Decimal("0.01"),
        Decimal("0.01"),
    ]


def test_plan_is_the_next_months_priced_as_a_run(community, fee, house):
    plan = prepayment_plan(house, 3)
    assert [(x.charge.start, x.amount) for x in plan.lines] == [
        (month(0), Decimal("300.00")),
        (month(1), Decimal("300.00")),
        (month(2), Decimal("300.00")),
    ]
    assert (plan.gross, plan.discount, plan.net, plan.incentive) == (
        Decimal("900.00"),
        Decimal("0.00"),
        Decimal("900.00"),
        None,
    )


# --- worked examples at the counter --------------------------------------------------


def test_a_year_at_5_percent_off_is_3420_with_180_off_approved_by_the_policy(
    community, fee, house, finance, manager
):
    # given the manager's incentive: 12 months prepaid → 5 % off
    incentive = five_percent(community, manager)
    # when the cashier takes a year's prepayment
    prepayment = prepay(house, finance, 12)
    # then 12 × 300.00 = 3,600.00 less 180.00 = 3,420.00 is taken, with one receipt
    assert (prepayment.gross, prepayment.discount, prepayment.net) == (
        Decimal("3600.00"),
        Decimal("180.00"),
        Decimal("3420.00"),
    )
    assert (prepayment.months, prepayment.source, prepayment.incentive) == (
        12,
        PrepaymentSource.COUNTER,
        incentive,
    )
    assert (prepayment.period_start, prepayment.period_end) == (
        month(0),
        month_end(month(11)),
    )
    payment = prepayment.payment
    assert (payment.amount, payment.credit_amount) == (
        Decimal("3420.00"),
        Decimal("0.00"),
    )
    assert Receipt.objects.get(payment=payment).amount_in_words == "叁仟肆佰贰拾元整"
    # and the twelve months are billed and paid, each 300.00 less 15.00
    lines = list(BillLine.objects.filter(house=house).order_by("period_start"))
    assert [
        (x.period_start, x.amount, x.discount_amount, x.paid_amount) for x in lines
    ] == [
        (month(i), Decimal("300.00"), Decimal("15.00"), Decimal("285.00"))
        for i in range(12)
    ]
    assert {x.status for x in lines} == {LineStatus.PAID}
    assert Bill.objects.get(pk=prepayment.bill_id).status == "paid"
    # and each discount is an explicit approved line naming the policy and its approver
    discounts = DiscountLine.objects.filter(line__house=house)
    assert discounts.count() == 12
    assert {
        (d.kind, d.status, d.amount, d.approved_by, d.created_by, d.incentive)
        for d in discounts
    } == {
        (
            DiscountKind.PREPAYMENT,
            DiscountStatus.APPROVED,
            Decimal("15.00"),
            manager,
            finance,
            incentive,
        )
    }
    assert "预缴满12个月优惠5%" in discounts.first().reason
    # and the prepayment is audited with its approver
    event = AuditEvent.objects.get(object_type="billing.prepayment")
    assert event.changes["discount"] == [None, "180.00"]
    assert event.changes["approved_by"] == [None, manager.pk]


def test_a_year_with_one_month_free_is_3300(community, fee, house, finance, manager):
    one_month_free(community, manager)
    prepayment = prepay(house, finance, 12)
    assert (prepayment.gross, prepayment.discount, prepayment.net) == (
        Decimal("3600.00"),
        Decimal("300.00"),
        Decimal("3300.00"),
    )
    # the twelfth month is the free one: its discount is the whole month
    last = BillLine.objects.filter(house=house).order_by("period_start").last()
    assert (last.period_start, last.discount_amount, last.paid_amount) == (
        month(11),
        Decimal("300.00"),
        Decimal("0.00"),
    )
    assert last.status == LineStatus.PAID
    assert DiscountLine.objects.get().line == last
    assert prepayment.payment.amount == Decimal("3300.00")


def test_below_the_threshold_there_is_no_incentive(
    community, fee, house, finance, manager
):
    five_percent(community, manager)
    prepayment = prepay(house, finance, 6)
    assert (prepayment.net, prepayment.incentive) == (Decimal("1800.00"), None)
    assert DiscountLine.objects.count() == 0


def test_the_highest_threshold_reached_wins_and_ended_ones_do_not_apply(
    community, fee, house, manager
):
    six = five_percent(community, manager, name="半年98折", min_months=6, percent="2")
    twelve = five_percent(community, manager)
    assert prepayment_plan(house, 12).incentive == twelve
    assert prepayment_plan(house, 8).incentive == six
    yesterday = timezone.localdate() - timedelta(days=1)
    prepayment_incentive_end(incentive=twelve, actor=manager, valid_to=yesterday)
    assert prepayment_plan(house, 12).incentive == six
    assert prepayment_plan(house, 12).discount == Decimal("72.00")


def test_a_vacant_house_prepays_at_the_vacant_rate(community, fee, finance):
    from anju.billing.models import BillingPolicy
    from anju.estates.choices import Occupancy

    BillingPolicy.objects.create(community=community, vacant_discount_percent=30)
    vacant = HouseFactory(
        unit__building__community=community, occupancy=Occupancy.VACANT
    )
    assert prepayment_plan(vacant, 2).net == Decimal("420.00")


# --- billing runs and further prepayments --------------------------------------------


def test_a_run_leaves_prepaid_months_alone_but_bills_other_items(
    community, fee, house, finance
):
    # given parking 100.00 a month for everybody and a neighbour who did not prepay
    parking = fee_item(
        community, code="cwf", name="车位管理费", kind=FeeKind.FIXED_MONTHLY
    )
    price(parking, "100.00")
    neighbour = HouseFactory(unit__building__community=community)
    # when the house prepays three months and this month is billed
    prepay(house, finance, 3)
    today = timezone.localdate()
    bill_month(community, finance, today.year, today.month)
    # then the house gets only parking, the neighbour both
    run_lines = BillLine.objects.filter(bill__run__isnull=False)
    assert sorted(
        run_lines.filter(house=house).values_list("fee_item__code", flat=True)
    ) == ["cwf"]
    assert sorted(
        run_lines.filter(house=neighbour).values_list("fee_item__code", flat=True)
    ) == ["cwf", "wyf"]
    # and the house's property fee of the month is still one line, paid
    assert BillLine.objects.get(
        house=house, fee_item=fee, period_start=month(0)
    ).status == (LineStatus.PAID)


def test_a_second_prepayment_continues_after_the_first(community, fee, house, finance):
    prepay(house, finance, 3, key="k-1")
    second = prepay(house, finance, 2, key="k-2")
    assert (second.period_start, second.period_end) == (month(3), month_end(month(4)))


def test_the_next_unbilled_month_comes_after_what_was_billed(
    community, fee, house, finance
):
    nxt = month(1)
    bill_month(community, finance, nxt.year, nxt.month)
    plan = prepayment_plan(house, 2)
    assert [x.charge.start for x in plan.lines] == [month(2), month(3)]


def test_the_same_key_twice_records_one_prepayment(community, fee, house, finance):
    first = prepay(house, finance, 3)
    again = prepay(house, finance, 3)
    assert again.pk == first.pk
    assert (Prepayment.objects.count(), Payment.objects.count()) == (1, 1)
    charge(house, finance, "50.00", date(2026, 1, 1))
    from anju.billing.services import payment_record

    other = payment_record(
        community=community,
        house=house,
        amount="50.00",
        channel="cash",
        idempotency_key="k-other",
        actor=finance,
    )
    with pytest.raises(Conflict) as exc:
        prepay(house, finance, 3, key="k-other")
    assert exc.value.code == "payment_idempotency_key_reused"
    assert other.pk


def test_bad_input_writes_nothing(community, fee, house, finance, agent):
    with pytest.raises(ValidationFailed) as months:
        prepay(house, finance, 25)
    with pytest.raises(ValidationFailed):
        prepay(house, finance, 3, channel="gold")
    with pytest.raises(PermissionDenied):
        prepay(house, agent, 3)
    assert months.value.code == "billing_prepay_months_invalid"
    assert (Bill.objects.count(), Prepayment.objects.count()) == (0, 0)


def test_a_house_without_a_property_fee_price_cannot_prepay(community, house, finance):
    with pytest.raises(ValidationFailed) as exc:
        prepay(house, finance, 3)
    assert exc.value.code == "billing_prepay_unavailable"


# --- incentives are configured by managers -------------------------------------------


def test_only_managers_configure_incentives_and_values_are_checked(
    community, finance, manager
):
    with pytest.raises(PermissionDenied):
        five_percent(community, finance)
    with pytest.raises(ValidationFailed) as pct:
        five_percent(community, manager, percent="100")
    with pytest.raises(ValidationFailed) as free:
        one_month_free(community, manager, free_months=12)
    with pytest.raises(ValidationFailed) as dates:
        five_percent(community, manager, valid_to=date(2019, 1, 1))
    assert sorted(pct.value.fields) == ["percent"]
    assert sorted(free.value.fields) == ["free_months"]
    assert sorted(dates.value.fields) == ["valid_to"]
    incentive = one_month_free(community, manager)
    assert (incentive.approved_by, incentive.describe()) == (
        manager,
        "预缴满12个月免收1个月",
    )


# --- online --------------------------------------------------------------------------


def pay_in_sandbox(intent):
    body, headers = online.Sandbox().simulate(intent, paid=True)
    return online.callback_handle(provider_name="sandbox", body=body, headers=headers)


def test_owner_prepays_a_year_online_with_the_incentive(
    community, fee, house, owner, manager
):
    incentive = five_percent(community, manager)
    # the order costs the net amount and keeps the incentive it was quoted with
    intent = online.payment_intent_create(
        actor=owner,
        house=house,
        provider="sandbox",
        purpose=IntentPurpose.PREPAY,
        months=12,
    )
    assert (intent.amount, intent.incentive) == (Decimal("3420.00"), incentive)
    # even if the incentive ends before the provider calls back
    prepayment_incentive_end(
        incentive=incentive,
        actor=manager,
        valid_to=timezone.localdate() - timedelta(days=1),
    )
    assert pay_in_sandbox(intent).status == 200
    # then the year is billed, discounted and paid from that payment
    prepayment = Prepayment.objects.get()
    payment = Payment.objects.get()
    assert (prepayment.source, prepayment.payment, prepayment.net) == (
        PrepaymentSource.PORTAL,
        payment,
        Decimal("3420.00"),
    )
    assert {x.status for x in BillLine.objects.filter(house=house)} == {"paid"}
    assert house_credit_balance(house) == Decimal("0.00")
    assert DiscountLine.objects.filter(approved_by=manager).count() == 12
    # and a replayed callback changes nothing
    assert pay_in_sandbox(intent).status == 200
    assert (Prepayment.objects.count(), Payment.objects.count()) == (1, 1)


def test_online_prepayment_stays_credit_when_the_months_were_billed_meanwhile(
    community, fee, house, owner, finance
):
    intent = online.payment_intent_create(
        actor=owner,
        house=house,
        provider="sandbox",
        purpose=IntentPurpose.PREPAY,
        months=1,
    )
    # a cashier prepaid this month at the counter meanwhile
    prepay(house, finance, 1)
    # the order now bills next month instead, and the money settles it
    assert pay_in_sandbox(intent).status == 200
    prepayments = list(Prepayment.objects.order_by("id"))
    assert [p.period_start for p in prepayments] == [month(0), month(1)]
    assert house_credit_balance(house) == Decimal("0.00")


# --- discount requests: requested → approved ------------------------------------------


def test_a_requested_discount_waits_for_a_manager(
    community, fee, house, finance, manager
):
    line = charge(house, finance, "500.00", date(2026, 3, 1))
    # when the cashier asks for 50.00 off
    discount = discount_request(
        line=line,
        amount="50.00",
        kind=DiscountKind.OTHER,
        reason="老业主",
        actor=finance,
    )
    # then nothing is reduced yet, and the line may not be split meanwhile
    line.refresh_from_db()
    assert (discount.status, discount.approved_by, line.discount_amount) == (
        DiscountStatus.REQUESTED,
        None,
        Decimal("0.00"),
    )
    with pytest.raises(InvalidTransition) as locked:
        bill_line_split(line=line, actor=finance, amounts=["250", "250"], reason="x")
    assert locked.value.code == "billing_line_locked"
    # when the manager approves
    decided = discount_decide(
        discount=discount, actor=manager, approve=True, note="同意"
    )
    # then the line owes 450.00 and the discount names its approver
    line.refresh_from_db()
    assert (decided.status, decided.approved_by, line.outstanding) == (
        DiscountStatus.APPROVED,
        manager,
        Decimal("450.00"),
    )
    assert line.bill.discount_total == Decimal("50.00")
    with pytest.raises(InvalidTransition) as twice:
        discount_decide(discount=discount, actor=manager, approve=True)
    assert twice.value.code == "discount_already_decided"


def test_rejection_and_self_approval(community, fee, house, finance, manager):
    line = charge(house, finance, "500.00", date(2026, 3, 1))
    own = discount_request(
        line=line, amount="20.00", kind=DiscountKind.OTHER, reason="x", actor=manager
    )
    with pytest.raises(PermissionDenied) as exc:
        discount_decide(discount=own, actor=manager, approve=True)
    assert exc.value.code == "discount_self_approval"
    asked = discount_request(
        line=line, amount="30.00", kind=DiscountKind.OTHER, reason="y", actor=finance
    )
    with pytest.raises(PermissionDenied):
        discount_decide(discount=asked, actor=finance, approve=True)
    rejected = discount_decide(
        discount=asked, actor=manager, approve=False, note="不符"
    )
    line.refresh_from_db()
    assert (rejected.status, rejected.decision_note, line.discount_amount) == (
        DiscountStatus.REJECTED,
        "不符",
        Decimal("0.00"),
    )


def test_requests_may_not_exceed_what_is_owed(community, fee, house, finance):
    line = charge(house, finance, "100.00", date(2026, 3, 1))
    discount_request(
        line=line, amount="80.00", kind=DiscountKind.OTHER, reason="x", actor=finance
    )
    with pytest.raises(ValidationFailed) as exc:
        discount_request(
            line=line,
            amount="30.00",
            kind=DiscountKind.OTHER,
            reason="y",
            actor=finance,
        )
    assert exc.value.code == "discount_amount_invalid"


@pytest.mark.django_db(transaction=True)
def test_concurrent_twins_of_one_prepayment_record_it_once(community, fee, finance):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent prepayments are proven on PostgreSQL")
    house = HouseFactory(unit__building__community=community)
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def worker() -> None:
        try:
            barrier.wait()
            results.append(prepay(house, finance, 3, key="same-key").pk)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1
    assert (Prepayment.objects.count(), Payment.objects.count()) == (1, 1)
    assert BillLine.objects.filter(house=house).count() == 3
