"""Staff pages for 预缴 (prepaying at the counter), 预缴优惠 (prepayment incentives) and
减免审批 (discounts requested by cashiers, approved by managers).

Views parse input, call a service and render; a refusal is shown in Chinese and nothing
is saved. Reads need `billing.view`; prepayments and discount requests `billing.change`;
incentives and approvals `billing.approve`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anju.core.errors import ApplicationError

from . import compensations, forms, prepay, selectors, services
from .choices import DiscountStatus
from .models import DiscountLine, PrepaymentIncentive, Receipt
from .views import (
    PAGE_SIZE,
    _community,
    _form_errors,
    _render,
    _staff,
    decide_request,
    discount_choices,
    error_text,
)


def _errors(request: HttpRequest, form: Any) -> None:
    messages.error(request, _form_errors(form))


# --- at the house ----------------------------------------------------------------------


@login_required
@require_POST
def house_prepay(request: HttpRequest, pk: int) -> HttpResponse:
    """预缴: bill the next N months, apply the incentive in force, take the money."""
    _staff(request, "billing.change")
    house = selectors.house_for_billing(user=request.user, pk=pk)
    target = reverse("billing:house_ledger", args=[house.pk])
    form = forms.PrepayForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect(target)
    data = form.cleaned_data
    try:
        prepayment = prepay.prepayment_record(
            house=house,
            months=data["months"],
            channel=data["channel"],
            idempotency_key=data["idempotency_key"],
            actor=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect(target)
    receipt = Receipt.objects.get(payment_id=prepayment.payment_id)
    text = _(
        "已预缴 %(n)s 个月（%(start)s 至 %(end)s）：应收 %(gross)s 元，"
        "优惠 %(discount)s 元，实收 %(net)s 元，收据号 %(number)s"
    ) % {
        "n": prepayment.months,
        "start": f"{prepayment.period_start:%Y-%m-%d}",
        "end": f"{prepayment.period_end:%Y-%m-%d}",
        "gross": prepayment.gross,
        "discount": prepayment.discount,
        "net": prepayment.net,
        "number": receipt.number,
    }
    messages.success(request, text)
    return redirect(f"{target}?receipt={receipt.pk}")


@login_required
@require_POST
def house_discount(request: HttpRequest, pk: int) -> HttpResponse:
    """申请减免: a request that waits for a manager (减免审批)."""
    _staff(request, "billing.change")
    house = selectors.house_for_billing(user=request.user, pk=pk)
    target = reverse("billing:house_ledger", args=[house.pk])
    lines = selectors.open_lines(house)
    form = forms.DiscountRequestForm(request.POST, line_choices=discount_choices(lines))
    if not form.is_valid():
        _errors(request, form)
        return redirect(target)
    data = form.cleaned_data
    line = next(x for x in lines if x.pk == data["line"])
    try:
        services.discount_request(
            line=line,
            amount=data["amount"],
            kind=data["kind"],
            reason=data["reason"],
            actor=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect(target)
    messages.success(
        request,
        _("已提交减免申请 %(amount)s 元，待经理审批后生效")
        % {"amount": data["amount"]},
    )
    return redirect(target)


# --- 预缴优惠 ------------------------------------------------------------------------------


@login_required
@require_GET
def incentive_list(request: HttpRequest) -> HttpResponse:
    """预缴优惠: the community's incentives; managers add and end them."""
    _staff(request)
    community, communities = _community(request)
    incentives = list(
        PrepaymentIncentive.objects.visible_to(request.user)
        .filter(community=community)
        .select_related("approved_by")
        .order_by("-valid_from", "-id")
    )
    today = timezone.localdate()
    for incentive in incentives:
        incentive.in_force = incentive.valid_from <= today and (
            incentive.valid_to is None or incentive.valid_to >= today
        )
    can_approve = request.user.has_role_perm("billing.approve")
    return _render(
        request,
        "billing/incentives.html",
        {
            "community": community,
            "communities": communities,
            "incentives": incentives,
            "can_approve": can_approve,
            "form": forms.IncentiveForm(initial={"valid_from": today.isoformat()})
            if can_approve
            else None,
            "today": today,
        },
    )


@login_required
@require_POST
def incentive_create(request: HttpRequest) -> HttpResponse:
    _staff(request, "billing.approve")
    community, _communities = selectors.pick_community(
        request.user, request.POST.get("community") or request.community_id
    )
    target = reverse("billing:incentive_list") + f"?community={community.pk}"
    form = forms.IncentiveForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect(target)
    data = form.cleaned_data
    try:
        incentive = prepay.prepayment_incentive_create(
            community=community,
            actor=request.user,
            name=data["name"],
            min_months=data["min_months"],
            kind=data["kind"],
            percent=data["percent"],
            free_months=data["free_months"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect(target)
    messages.success(
        request,
        _("已设置预缴优惠：%(text)s（由您审批）") % {"text": incentive.describe()},
    )
    return redirect(target)


@login_required
@require_POST
def incentive_end(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "billing.approve")
    incentive = (
        PrepaymentIncentive.objects.visible_to(request.user).filter(pk=pk).first()
    )
    if incentive is None:
        raise Http404
    target = reverse("billing:incentive_list") + f"?community={incentive.community_id}"
    form = forms.IncentiveEndForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect(target)
    try:
        prepay.prepayment_incentive_end(
            incentive=incentive,
            actor=request.user,
            valid_to=form.cleaned_data["valid_to"],
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect(target)
    messages.success(
        request,
        _("预缴优惠“%(name)s”截止于 %(day)s")
        % {"name": incentive.name, "day": f"{form.cleaned_data['valid_to']:%Y-%m-%d}"},
    )
    return redirect(target)


# --- 减免审批 ------------------------------------------------------------------------------


@login_required
@require_GET
def discount_list(request: HttpRequest) -> HttpResponse:
    """减免审批: requested discounts first, then the decided ones, newest first."""
    _staff(request)
    community, communities = _community(request)
    wanted = request.GET.get("status", DiscountStatus.REQUESTED)
    if wanted not in DiscountStatus.values:
        wanted = ""
    qs = (
        DiscountLine.objects.visible_to(request.user)
        .filter(community=community)
        .select_related(
            "line__house", "line__fee_item", "created_by", "approved_by", "incentive"
        )
        .order_by("-created_at", "-id")
    )
    if wanted:
        qs = qs.filter(status=wanted)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request,
        "billing/discounts.html",
        {
            "community": community,
            "communities": communities,
            "page": page,
            "status": wanted,
            "statuses": DiscountStatus.choices,
            "can_approve": request.user.has_role_perm("billing.approve"),
            "can_change": request.user.has_role_perm("billing.change"),
            "form": forms.DecideForm(),
            "compensations": pending_compensations(community),
        },
    )


def pending_compensations(community: Any) -> list[Any]:
    """Approved compensations of the service desk not carried out on a bill yet."""
    from anju.servicedesk.services import compensations_for_billing

    return list(
        compensations_for_billing(community_id=community.pk)
        .select_related("decided_by")
        .order_by("decided_at", "pk")[:100]
    )


@login_required
@require_POST
def compensations_apply(request: HttpRequest) -> HttpResponse:
    """工单补偿入账 now (billing runs do it after each run)."""
    _staff(request, "billing.change")
    community, _communities = selectors.pick_community(
        request.user, request.POST.get("community") or request.community_id
    )
    target = reverse("billing:discount_list") + f"?community={community.pk}"
    try:
        done = compensations.compensations_apply(
            community=community, actor=request.user
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect(target)
    if done.applied:
        messages.success(
            request,
            _("已入账 %(n)s 笔工单补偿，共 %(total)s 元")
            % {"n": len(done.applied), "total": done.total},
        )
    if done.waiting:
        messages.info(
            request,
            _("%(n)s 笔补偿暂未入账：该房屋未缴的物业费不足，出账后自动入账")
            % {"n": len(done.waiting)},
        )
    if not done.applied and not done.waiting:
        messages.info(request, _("没有待入账的工单补偿"))
    return redirect(target)


@login_required
@require_POST
def discount_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve (the line is reduced now) or reject a requested discount."""

    def done(discount: DiscountLine, approve: bool) -> str:
        if approve:
            return _("已批准减免 %(amount)s 元") % {"amount": discount.amount}
        return _("已驳回减免 %(amount)s 元") % {"amount": discount.amount}

    return decide_request(
        request,
        model=DiscountLine,
        pk=pk,
        queue="billing:discount_list",
        decide=lambda discount, approve, note: services.discount_decide(
            discount=discount, actor=request.user, approve=approve, note=note
        ),
        done_message=done,
    )
