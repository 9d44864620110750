"""收据 PDF: what a printed receipt says, the red reversal receipt, and who may print it."""

import pytest

from anju.billing.services import payment_reverse
from anju.core.models import AuditAction, AuditEvent
from anju.core.tests.pdfs import assert_in_order, pdf_text
from anju.estates.tests.factories import HouseFactory

from .cashier import bill_month, pay
from .factories import property_fee


@pytest.fixture
def paid(community, finance, house, owner):
    """张三 pays January and February (600.00) and 100.00 ahead, by WeChat."""
    property_fee(community)
    bill_month(community, finance, 2026, 1)
    bill_month(community, finance, 2026, 2)
    return pay(house, finance, "700.00", "k-1", "wechat")


def test_receipt_pdf_reads_like_a_paper_receipt(client, finance, paid):
    client.force_login(finance)
    receipt = paid.receipt
    # when the cashier prints it
    response = client.get(f"/billing/receipts/{receipt.pk}/pdf/")
    # then
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert_in_order(
        text,
        [
            "安居物业",
            "收据",
            "收据号",
            receipt.number,
            "开具日期",
            "交款人",
            "张三",
            "房屋",
            "绿水苑3-2-1201",
            "收款方式",
            "微信",
            "收款员",
            str(finance),
            "收费明细",
            "物业费",
            "2026-01-01~2026-01-31",
            "¥300.00",
            "物业费",
            "2026-02-01~2026-02-28",
            "¥300.00",
            "预收款",
            "¥100.00",
            "合计（小写）",
            "¥700.00",
            "合计（大写）",
            "柒佰元整",
            "盖章处",
        ],
    )
    assert "红字" not in text
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_id=str(receipt.pk)
    ).exists()


def test_reversal_prints_as_a_red_negative_receipt_naming_the_original(
    client, finance, paid
):
    reversal = payment_reverse(payment=paid, actor=finance, reason="收错房屋")
    client.force_login(finance)
    response = client.get(f"/billing/receipts/{reversal.receipt.pk}/pdf/")
    text = pdf_text(response.content)
    assert_in_order(
        text,
        [
            "收据（红字冲正）",
            reversal.receipt.number,
            "冲正原收据",
            paid.receipt.number,
            "冲正原因",
            "收错房屋",
            "-¥300.00",
            "-¥300.00",
            "-¥100.00",
            "-¥700.00",
            "负柒佰元整",
        ],
    )


def test_owner_downloads_own_receipts_only(client, owner, finance, paid, community):
    # given a neighbour's receipt
    neighbour = HouseFactory(
        unit__building__community=community, unit__building__number="9"
    )
    other = pay(neighbour, finance, "50.00", "k-2")
    client.force_login(owner)
    # then the owner prints their own, by page and by API, and not the neighbour's
    assert client.get(f"/billing/receipts/{paid.receipt.pk}/pdf/").status_code == 200
    api = client.get(f"/api/v1/receipts/{paid.receipt.pk}/pdf/")
    assert (api.status_code, api["Content-Type"]) == (200, "application/pdf")
    assert client.get(f"/billing/receipts/{other.receipt.pk}/pdf/").status_code == 404
    assert client.get(f"/api/v1/receipts/{other.receipt.pk}/pdf/").status_code == 404
    listed = client.get("/api/v1/receipts/").json()["results"]
    assert [r["number"] for r in listed] == [paid.receipt.number]


def test_receipts_api_lists_with_reversal_reference(client, finance, paid):
    reversal = payment_reverse(payment=paid, actor=finance, reason="退款")
    client.force_login(finance)
    rows = client.get("/api/v1/receipts/").json()["results"]
    assert [(r["number"], r["amount"], r["reversal_of_number"]) for r in rows] == [
        (reversal.receipt.number, "-700.00", paid.receipt.number),
        (paid.receipt.number, "700.00", None),
    ]
    detail = client.get(f"/api/v1/receipts/{paid.receipt.pk}/").json()
    assert (detail["amount_in_words"], detail["house_number"]) == (
        "柒佰元整",
        "3-2-1201",
    )


def test_receipts_are_not_for_other_staff(client, technician, outsider, paid):
    for user in (technician, outsider):
        client.force_login(user)
        assert (
            client.get(f"/billing/receipts/{paid.receipt.pk}/pdf/").status_code == 404
        )
        assert client.get(f"/api/v1/receipts/{paid.receipt.pk}/pdf/").status_code in (
            403,
            404,
        )
