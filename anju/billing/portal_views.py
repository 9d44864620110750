"""Owner portal pages for fees (mobile first): 我的账单, pay online, 缴费记录, 收据, 预缴.

Owners see only their own houses' rows (`visible_to`); anything else is a 404. The pages
parse and render; orders, callbacks and payments are anju.billing.online's services.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anju.accounts import route_matrix
from anju.core.errors import ApplicationError
from anju.estates.models import House
from anju.servicedesk.portal_views import owner_only

from . import online
from .choices import (
    IntentPurpose,
    IntentStatus,
    LineKind,
    LineStatus,
    PayProvider,
    RefundStatus,
)
from .models import ZERO, BillLine, Payment, PaymentIntent, Receipt, Refund

LIST_LIMIT = 100


def _houses(request: HttpRequest):  # type: ignore[no-untyped-def]
    return (
        House.objects.visible_to(request.user)
        .select_related("community")
        .order_by("community__name", "number")
    )


def _providers() -> list[tuple[str, str]]:
    labels = dict(PayProvider.choices)
    return [(name, labels[name]) for name in online.enabled_providers()]


def _client_ip(request: HttpRequest) -> str:
    forwarded = request.headers.get("X-Forwarded-For", "")
    return (forwarded.split(",")[0] or request.META.get("REMOTE_ADDR", "")).strip()


def _start(request: HttpRequest, intent: PaymentIntent) -> HttpResponse:
    """Create the provider's order and send the owner there (or back on a refusal)."""
    result_url = reverse("portal_billing:intent_detail", args=[intent.pk])
    try:
        order = online.payment_intent_start(
            intent=intent,
            notify_base=request.build_absolute_uri("/"),
            return_url=request.build_absolute_uri(result_url),
            client_ip=_client_ip(request),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(result_url)
    return redirect(order.redirect_url)


@owner_only
@require_GET
def bill_list(request: HttpRequest) -> HttpResponse:
    """我的账单: each house's unpaid lines (period, amount) and what is owed in all."""
    houses = list(_houses(request))
    lines = (
        BillLine.objects.visible_to(request.user)
        .filter(status__in=[LineStatus.UNPAID, LineStatus.PARTIAL])
        .exclude(kind=LineKind.REVERSAL)
        .select_related("fee_item")
        .order_by("period_start", "id")
    )
    by_house: dict[int, list[BillLine]] = defaultdict(list)
    for line in lines:
        by_house[line.house_id].append(line)
    rows = [
        {
            "house": house,
            "lines": by_house.get(house.pk, []),
            "due": sum((x.outstanding for x in by_house.get(house.pk, [])), ZERO),
        }
        for house in houses
    ]
    return render(
        request,
        "billing/portal/bills.html",
        {
            "rows": rows,
            "total_due": sum((r["due"] for r in rows), ZERO),
            "providers": _providers(),
        },
    )


@owner_only
@require_POST
def pay(request: HttpRequest) -> HttpResponse:
    """Pay the chosen lines of one house (all of them with "全部缴清") online."""
    house_id = request.POST.get("house", "")
    house = (
        _houses(request).filter(pk=int(house_id)).first()
        if house_id.isdigit()
        else None
    )
    if house is None:
        messages.error(request, _("请选择要缴费的房屋"))
        return redirect("portal_billing:bill_list")
    chosen = [int(x) for x in request.POST.getlist("line_ids") if x.isdigit()]
    if "all" not in request.POST and not chosen:
        messages.error(request, _("请勾选要缴纳的费用，或选择全部缴清"))
        return redirect("portal_billing:bill_list")
    try:
        intent = online.payment_intent_create(
            actor=request.user,
            house=house,
            provider=request.POST.get("provider", ""),
            line_ids=None if "all" in request.POST else chosen,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("portal_billing:bill_list")
    return _start(request, intent)


@owner_only
@require_http_methods(["GET", "POST"])
def prepay(request: HttpRequest) -> HttpResponse:
    """预缴: the next N months of property fee billed and paid ahead, less the
    community's prepayment incentive (预缴优惠) where N reaches it."""
    houses = list(_houses(request))
    quotes = []
    for house in houses:
        options = [
            quote
            for n in online.PREPAY_CHOICES
            if (quote := online.prepay_quote(house, n)) is not None
        ]
        quotes.append(
            {
                "house": house,
                "monthly": options[0].monthly if options else None,
                "items": "、".join(options[0].items) if options else "",
                "options": options,
                "credit": online.services.house_credit_balance(house),
            }
        )
    if request.method == "POST":
        house_id = request.POST.get("house", "")
        months = request.POST.get("months", "")
        house = next((h for h in houses if str(h.pk) == house_id), None)
        if house is None or not months.isdigit():
            messages.error(request, _("请选择房屋和预缴月数"))
            return redirect("portal_billing:prepay")
        try:
            intent = online.payment_intent_create(
                actor=request.user,
                house=house,
                provider=request.POST.get("provider", ""),
                purpose=IntentPurpose.PREPAY,
                months=int(months),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("portal_billing:prepay")
        return _start(request, intent)
    return render(
        request,
        "billing/portal/prepay.html",
        {"quotes": quotes, "providers": _providers()},
    )


def _my_intent(request: HttpRequest, pk: int) -> PaymentIntent:
    return get_object_or_404(
        PaymentIntent.objects.visible_to(request.user).select_related(
            "house__community", "payment__receipt"
        ),
        pk=pk,
    )


@owner_only
@require_GET
def intent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The result page: paid once the provider's callback landed; waits until then."""
    intent = online.payment_intent_refresh(intent=_my_intent(request, pk))
    lines = BillLine.objects.filter(
        pk__in=intent.line_ids, house_id=intent.house_id
    ).select_related("fee_item")
    return render(
        request,
        "billing/portal/intent.html",
        {
            "intent": intent,
            "lines": lines,
            "waiting": intent.status == IntentStatus.CREATED,
            "receipt": getattr(intent.payment, "receipt", None)
            if intent.payment_id
            else None,
        },
    )


@owner_only
@require_POST
def intent_check(request: HttpRequest, pk: int) -> HttpResponse:
    """查询支付结果: ask the provider, in case its callback was lost."""
    intent = _my_intent(request, pk)
    online.payment_intent_refresh(intent=intent, ask_provider=True)
    return redirect("portal_billing:intent_detail", intent.pk)


@owner_only
@require_http_methods(["GET", "POST"])
def sandbox_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """The sandbox's cashier (development only): paying here makes the sandbox call
    back exactly as a provider would, signature and all."""
    intent = _my_intent(request, pk)
    if (
        intent.provider != PayProvider.SANDBOX
        or PayProvider.SANDBOX not in online.enabled_providers()
    ):
        raise Http404
    if request.method == "POST":
        if intent.status in (IntentStatus.CREATED, IntentStatus.EXPIRED):
            body, headers = online.Sandbox().simulate(
                intent, paid=request.POST.get("outcome") != "fail"
            )
            online.callback_handle(
                provider_name=PayProvider.SANDBOX, body=body, headers=headers
            )
        return redirect("portal_billing:intent_detail", intent.pk)
    return render(request, "billing/portal/sandbox.html", {"intent": intent})


@owner_only
@require_GET
def payment_list(request: HttpRequest) -> HttpResponse:
    """缴费记录: payments, reversals and refunds of my houses, newest first, and the
    refunds asked for that wait for approval (退款审批中)."""
    payments = list(
        Payment.objects.visible_to(request.user)
        .select_related("house", "receipt", "refund_of__receipt")
        .order_by("-received_at", "-id")[:LIST_LIMIT]
    )
    waiting = list(
        Refund.objects.visible_to(request.user)
        .filter(status=RefundStatus.REQUESTED)
        .select_related("house")
        .order_by("-created_at", "-id")[:LIST_LIMIT]
    )
    return render(
        request,
        "billing/portal/payments.html",
        {"payments": payments, "waiting_refunds": waiting},
    )


def receipt_pdf_url(request: HttpRequest, receipt: Receipt) -> str:
    """The printable receipt's URL, when such a route exists and opens to the user."""
    code = route_matrix.route_code("billing:receipt_pdf")
    if code is None or not route_matrix.allows(code, request.user):
        return ""
    try:
        return reverse("billing:receipt_pdf", args=[receipt.pk])
    except NoReverseMatch:
        return ""


@owner_only
@require_GET
def receipt_list(request: HttpRequest) -> HttpResponse:
    """收据: receipts of my houses' payments, with the printable PDF when available."""
    receipts = list(
        Receipt.objects.visible_to(request.user)
        .select_related("payment__house")
        .order_by("-issued_at", "-id")[:LIST_LIMIT]
    )
    for receipt in receipts:
        receipt.pdf_url = receipt_pdf_url(request, receipt)
    total = sum((r.amount for r in receipts), Decimal("0.00"))
    return render(
        request, "billing/portal/receipts.html", {"receipts": receipts, "total": total}
    )
