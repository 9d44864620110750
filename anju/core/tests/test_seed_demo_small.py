"""seed_demo with a handful of houses still tells the whole story."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from anju.billing.models import BillRun, Payment
from anju.estates.models import House
from anju.servicedesk.models import Ticket

pytestmark = pytest.mark.django_db


def test_ten_houses_get_bills_payments_and_tickets():
    # when
    out = io.StringIO()
    call_command("seed_demo", houses=10, stdout=out)
    # then
    assert House.objects.count() == 10
    assert BillRun.objects.count() == 24
    assert Payment.objects.filter(house__number="3-2-1201").exists()
    assert Ticket.objects.filter(house__number="3-2-1201", channel="portal").exists()
    assert Ticket.objects.count() >= 30
    assert "已生成运营数据" in out.getvalue()


def test_master_data_only_leaves_operations_out():
    # when
    out = io.StringIO()
    call_command("seed_demo", houses=20, no_operations=True, stdout=out)
    # then
    assert House.objects.count() == 20
    assert not BillRun.objects.exists()
    assert not Ticket.objects.exists()
    assert "已生成运营数据" not in out.getvalue()
