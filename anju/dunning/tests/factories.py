"""Dunning set-ups: houses that owe since a given day, payments, photos of receipts."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anju.billing.choices import FeeKind, LineKind
from anju.billing.models import Bill, BillLine, FeeItem, Payment
from anju.billing.periods import month_end
from anju.billing.services import payment_record
from anju.estates.models import HouseResident
from anju.estates.tests.factories import (
    HouseFactory,
    HouseResidentFactory,
    PersonFactory,
)

SH = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SH)


def owe(house: Any, amount: str, due: date, *, name: str = "物业费") -> BillLine:
    """A charge of `amount` on the house that fell due on `due` (its month's fee)."""
    item, _ = FeeItem.objects.get_or_create(
        community=house.community,
        code="wyf" if name == "物业费" else f"x{abs(hash(name)) % 10000}",
        defaults={"name": name, "kind": FeeKind.AREA_BASED},
    )
    start = due.replace(day=1)
    bill = Bill.objects.create(
        community=house.community,
        house=house,
        period_start=start,
        period_end=month_end(start),
        total=Decimal(amount),
    )
    return BillLine.objects.create(
        bill=bill,
        house=house,
        fee_item=item,
        kind=LineKind.ONE_OFF,
        description=f"{name} {start:%Y-%m}",
        period_start=start,
        period_end=month_end(start),
        quantity=Decimal("1"),
        unit_price=Decimal(amount),
        months=1,
        amount=Decimal(amount),
        due_date=due,
    )


def pay(
    house: Any, cashier: Any, amount: str, key: str, *, when: datetime | None = None
) -> Payment:
    payment = payment_record(
        community=house.community,
        house=house,
        amount=Decimal(amount),
        channel="cash",
        idempotency_key=key,
        actor=cashier,
    )
    if when is not None:
        Payment.objects.filter(pk=payment.pk).update(received_at=when)
        payment.refresh_from_db()
    return payment


def house_in(community: Any, number: str, **kw: Any) -> Any:
    """A house '<building>-<unit>-<room>' in the community."""
    from anju.estates.models import Building, Unit

    b, u, room = number.split("-")
    building, _ = Building.objects.get_or_create(community=community, number=b)
    unit, _ = Unit.objects.get_or_create(
        community=community, building=building, number=u
    )
    return HouseFactory(
        unit=unit, building=building, community=community, room=room, **kw
    )


def owner_of(house: Any, name: str, phone: str, *, account: bool = True) -> Any:
    """An owner of the house; with a portal account (phone on it) if `account`."""
    from anju.accounts.tests.factories import OwnerUserFactory

    person = PersonFactory(company=house.community.company, name=name, phone=phone)
    HouseResidentFactory(house=house, person=person)
    if account:
        person.user = OwnerUserFactory(username=phone, company=person.company)
        person.save()
        return person.user
    return None


def photo(name: str = "回执.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), "image/jpeg")


def ties(house: Any) -> list[Any]:
    return list(HouseResident.objects.filter(house=house))


def days_before(day: date, n: int) -> date:
    return day - timedelta(days=n)
