"""Staff pages for 退款 (refunds with a second person's review): a cashier asks from the
house's billing page, a manager approves or rejects on the 退款审批 tab.

Views parse input, call `anju.billing.refunds` and render; a refusal is shown in
Chinese and nothing is saved. The queue needs `billing.view`, asking `billing.change`,
deciding `billing.approve`. A house or request outside the user's communities is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anju.core.errors import ApplicationError

from . import forms, refunds, selectors
from .choices import RefundStatus
from .models import Refund
from .views import (
    PAGE_SIZE,
    _community,
    _form_errors,
    _render,
    _staff,
    decide_request,
    error_text,
)


def target_choices(options: refunds.RefundOptions) -> list[tuple[str, str]]:
    """The house's refundable items as the form's choices: credit by receipt, paid
    one-off lines by item (what may still be asked for)."""
    out = []
    for o in options.credit:
        out.append(
            (
                o.value,
                _("预收款：收据 %(number)s（%(channel)s），可退 %(amount)s")
                % {
                    "number": o.payment.receipt.number,
                    "channel": o.payment.get_channel_display(),
                    "amount": o.available,
                },
            )
        )
    for o in options.lines:
        out.append(
            (
                o.value,
                _("%(item)s：%(description)s，可退 %(amount)s")
                % {
                    "item": o.line.fee_item.name,
                    "description": o.line.description or o.line.fee_item.name,
                    "amount": o.available,
                },
            )
        )
    return out


def house_refund_context(house: Any) -> dict[str, Any]:
    """The 申请退款 card of a house: what may be refunded and the form."""
    options = refunds.refund_options(house)
    choices = target_choices(options)
    return {
        "refund_options": options,
        "refund_form": forms.RefundRequestForm(target_choices=choices)
        if choices
        else None,
    }


@login_required
@require_POST
def house_refund(request: HttpRequest, pk: int) -> HttpResponse:
    """申请退款: a request that waits for a manager (退款审批)."""
    _staff(request, "billing.change")
    house = selectors.house_for_billing(user=request.user, pk=pk)
    target = reverse("billing:house_ledger", args=[house.pk])
    options = refunds.refund_options(house)
    form = forms.RefundRequestForm(request.POST, target_choices=target_choices(options))
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(f"{target}#refund")
    data = form.cleaned_data
    chosen = next(o for o in options.all if o.value == data["target"])
    try:
        refund = refunds.refund_request(
            actor=request.user,
            payment=chosen.payment if chosen.line is None else None,
            line=chosen.line,
            amount=data["amount"],
            channel=data["channel"],
            reason=data["reason"],
            idempotency_key=data["idempotency_key"],
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect(f"{target}#refund")
    messages.success(
        request,
        _("已提交退款申请 %(amount)s 元，待经理审批后退款") % {"amount": refund.amount},
    )
    return redirect(f"{target}#refunds")


@login_required
@require_GET
def refund_list(request: HttpRequest) -> HttpResponse:
    """退款审批: requests waiting first (the default filter), then decided ones."""
    _staff(request)
    community, communities = _community(request)
    wanted = request.GET.get("status", RefundStatus.REQUESTED)
    if wanted not in RefundStatus.values:
        wanted = ""
    qs = selectors.refund_queue(
        user=request.user, community_id=community.pk, status=wanted
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request,
        "billing/refunds.html",
        {
            "community": community,
            "communities": communities,
            "page": page,
            "status": wanted,
            "statuses": RefundStatus.choices,
            "can_approve": request.user.has_role_perm("billing.approve"),
            "form": forms.DecideForm(),
        },
    )


@login_required
@require_POST
def refund_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve (the money goes back now, with a 退款凭证) or reject (with a note)."""

    def done(refund: Refund, approve: bool) -> str:
        if approve:
            return _("已批准退款 %(amount)s 元，退款凭证 %(number)s") % {
                "amount": refund.amount,
                "number": refund.refund_payment.receipt.number,
            }
        return _("已驳回退款申请 %(amount)s 元") % {"amount": refund.amount}

    return decide_request(
        request,
        model=Refund,
        pk=pk,
        queue="billing:refund_list",
        decide=lambda refund, approve, note: refunds.refund_decide(
            refund=refund, actor=request.user, approve=approve, note=note
        ),
        done_message=done,
    )
