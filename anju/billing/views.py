"""Cashier's pages: bills, a house's bills and payments, taking and reversing payments,
receipts, the daily settlement, arrears aging and late fees.

Views parse input, call a service or selector, and render. Reads need `billing.view`;
taking and reversing payments and the daily settlement need `billing.change`; late-fee
runs need `billing.run`. A house or payment outside the user's communities is a 404.
A refusal from a service is shown in Chinese and nothing is saved.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anju.accounts.choices import AccountKind
from anju.core.charts import bar_chart
from anju.core.errors import ApplicationError
from anju.core.pdf import pdf_response

from . import (
    adjust,
    aging,
    forms,
    latefees,
    prepay,
    receipt_pdf,
    selectors,
    services,
    settlement,
)
from .choices import BillStatus
from .models import Payment, Receipt

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _staff(request: HttpRequest, perm: str = "billing.view") -> None:
    """Owners and roles without billing get a 404; read-only staff a 403."""
    user = request.user
    if user.is_owner_account or not user.has_role_perm("billing.view"):
        raise Http404
    if perm != "billing.view" and not user.has_role_perm(perm):
        raise PermissionDenied


def error_text(exc: ApplicationError) -> str:
    details = []
    for errors in (exc.fields or {}).values():
        items = errors if isinstance(errors, list) else [errors]
        details.extend(str(e) for e in items)
    return exc.message + (f"（{'；'.join(details)}）" if details else "")


TABS = (
    (gettext_lazy("账单"), "billing:bill_list", "billing.view"),
    (gettext_lazy("日结"), "billing:settlement", "billing.change"),
    (gettext_lazy("欠费账龄"), "billing:aging", "billing.view"),
    (gettext_lazy("滞纳金"), "billing:late_fee_list", "billing.view"),
    (gettext_lazy("预缴优惠"), "billing:incentive_list", "billing.view"),
    (gettext_lazy("减免审批"), "billing:discount_list", "billing.view"),
    (gettext_lazy("退款审批"), "billing:refund_list", "billing.view"),
    (gettext_lazy("抄表"), "billing:meter_list", "billing.view"),
    (gettext_lazy("财务报表"), "billing:finance", "billing.view"),
)


def _render(
    request: HttpRequest, template: str, ctx: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a billing page with the module's tabs the user may open."""
    here = request.resolver_match.view_name if request.resolver_match else ""
    ctx["billing_tabs"] = [
        {"label": str(label), "url": reverse(name), "current": name == here}
        for label, name, perm in TABS
        if request.user.has_role_perm(perm)
    ]
    return render(request, template, ctx, status=status)


def _community(request: HttpRequest) -> tuple[Any, list[Any]]:
    return selectors.pick_community(
        request.user, request.GET.get("community") or request.community_id
    )


def _date(value: str | None, default: date) -> tuple[date, str]:
    """A YYYY-MM-DD parameter, or the default with a message when it is malformed."""
    if not value:
        return default, ""
    try:
        return date.fromisoformat(value), ""
    except ValueError:
        return default, _("日期格式应为 YYYY-MM-DD，例如 2026-11-30")


# --- Bills -------------------------------------------------------------------------


@login_required
@require_GET
def bill_list(request: HttpRequest) -> HttpResponse:
    """收费: a community's bills with house, status and period filters."""
    _staff(request)
    community, communities = _community(request)
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if status not in BillStatus.values:
        status = ""
    month = request.GET.get("month", "")
    if month and selectors.parse_month(month) is None:
        month = ""
    qs = selectors.bill_list(
        user=request.user, community_id=community.pk, q=q, status=status, month=month
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request,
        "billing/bill_list.html",
        {
            "community": community,
            "communities": communities,
            "page": page,
            "q": q,
            "status": status,
            "month": month,
            "statuses": BillStatus.choices,
            "months": selectors.recent_months(timezone.localdate(), 24),
            "filtered": bool(q or status or month),
        },
    )


def _house_context(request: HttpRequest, house: Any) -> dict[str, Any]:
    today = timezone.localdate()
    lines = selectors.open_lines(house)
    owed = sum((line.outstanding for line in lines), Decimal("0.00"))
    for line in lines:
        line.days_overdue = (today - line.due_date).days
    return {
        "house": house,
        "owners": selectors.owner_names(house),
        "open_lines": lines,
        "owed": owed,
        "credit": services.house_credit_balance(house),
        "aging_rows": aging.chart_items(
            aging.single_house_aging(house_id=house.pk, as_of=today)
        ),
        "bills": selectors.house_bills(house),
        "payments": selectors.house_payments(house),
        "line_changes": selectors.house_line_changes(house),
        "credit_applications": selectors.credit_applications(house),
        "discounts": selectors.house_discounts(house),
        "refunds": selectors.house_refunds(house),
        "can_take": request.user.has_role_perm("billing.change"),
        "today": today,
    }


def _adjust_choices(lines: list[Any]) -> list[tuple[int, str]]:
    """Open lines that may still be split or merged (nobody paid or discounted them)."""
    return [
        (
            line.pk,
            f"{line.description or line.fee_item.name} {line.amount}"
            f"（{_('到期')} {line.due_date:%Y-%m-%d}）",
        )
        for line in lines
        if adjust.adjustable(line)
    ]


def _adjust_forms(ctx: dict[str, Any]) -> None:
    """The cashier's forms of the house page besides taking a payment: split/merge,
    预缴 with its quotes, 申请减免, 申请退款."""
    choices = _adjust_choices(ctx["open_lines"])
    ctx["adjust_choices"] = choices
    ctx["split_form"] = forms.SplitForm(line_choices=choices)
    ctx["merge_form"] = forms.MergeForm(line_choices=choices)
    ctx.update(house_prepay_context(ctx["house"]))
    ctx["discount_form"] = forms.DiscountRequestForm(
        line_choices=discount_choices(ctx["open_lines"])
    )
    from .refund_views import house_refund_context

    ctx.update(house_refund_context(ctx["house"]))


def discount_choices(lines: list[Any]) -> list[tuple[int, str]]:
    return [
        (line.pk, f"{line.description or line.fee_item.name} {line.outstanding}")
        for line in lines
    ]


def house_prepay_context(house: Any) -> dict[str, Any]:
    """The 预缴 card of a house: what 1, 3, 6, 12 months cost now, and the form."""
    quotes = []
    for months in (1, 3, 6, 12):
        try:
            quotes.append(prepay.prepayment_plan(house, months))
        except ApplicationError:
            break
    return {
        "prepay_quotes": quotes,
        "prepay_form": forms.PrepayForm() if quotes else None,
    }


def _form_errors(form: Any) -> str:
    return "；".join(str(e) for errs in form.errors.values() for e in errs)


def decide_request(
    request: HttpRequest,
    *,
    model: Any,
    pk: int,
    queue: str,
    decide: Any,
    done_message: Any,
) -> HttpResponse:
    """The POST of a 审批 queue (discounts, refunds): a manager approves or rejects one
    request of `model` with a note through `decide(item, approve, note)`; refusals and
    the outcome (`done_message(decided, approve)`) are messages, and the answer goes
    back to the `queue` page of the request's community."""
    _staff(request, "billing.approve")
    item = model.objects.visible_to(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    target = reverse(queue) + f"?community={item.community_id}"
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(target)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("请选择批准或驳回"))
        return redirect(target)
    approve = decision == "approve"
    try:
        decided = decide(item, approve, form.cleaned_data["note"])
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect(target)
    messages.success(request, done_message(decided, approve))
    return redirect(target)


def _payment_form(house: Any, lines: list[Any], data: Any = None) -> forms.PaymentForm:
    choices = [
        (line.pk, f"{line.description or line.fee_item.name} {line.outstanding}")
        for line in lines
    ]
    return forms.PaymentForm(data, line_choices=choices)


@login_required
@require_GET
def house_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """A house's bills and payments: what it owes, by age, and the cashier's form."""
    _staff(request)
    house = selectors.house_for_billing(user=request.user, pk=pk)
    ctx = _house_context(request, house)
    if ctx["can_take"]:
        ctx["form"] = _payment_form(house, ctx["open_lines"])
        ctx["reverse_form"] = forms.ReverseForm()
        _adjust_forms(ctx)
    return _render(request, "billing/house.html", ctx)


@login_required
@require_GET
def house_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the 账单 slot of the house page (owed, credit, recent bills)."""
    _staff(request)
    house = selectors.house_for_billing(user=request.user, pk=pk)
    lines = selectors.open_lines(house)
    return _render(
        request,
        "billing/_house_summary.html",
        {
            "house": house,
            "owed": sum((line.outstanding for line in lines), Decimal("0.00")),
            "open_count": len(lines),
            "credit": services.house_credit_balance(house),
            "bills": selectors.house_bills(house, limit=6),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def house_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """收款: record a payment with the key of the rendered form (a double submit of the
    same form records once) and go back to the house with the receipt number."""
    _staff(request, "billing.change")
    house = selectors.house_for_billing(user=request.user, pk=pk)
    if request.method == "GET":
        return redirect("billing:house_ledger", house.pk)
    ctx = _house_context(request, house)
    form = _payment_form(house, ctx["open_lines"], request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.payment_record(
                community=house.community,
                house=house,
                amount=data["amount"],
                channel=data["channel"],
                idempotency_key=data["idempotency_key"],
                actor=request.user,
                line_ids=data["lines"] or None,
            )
        except ApplicationError as exc:
            form.add_error(None, error_text(exc))
        else:
            receipt = Receipt.objects.get(payment=payment)
            messages.success(
                request,
                _("已收款 %(amount)s 元，收据号 %(number)s")
                % {"amount": payment.amount, "number": receipt.number},
            )
            if payment.credit_amount:
                messages.info(
                    request,
                    _("其中 %(credit)s 元未冲抵账单，已转为预收款")
                    % {"credit": payment.credit_amount},
                )
            return redirect(
                reverse("billing:house_ledger", args=[house.pk])
                + f"?receipt={receipt.pk}"
            )
    ctx.update(form=form, reverse_form=forms.ReverseForm())
    _adjust_forms(ctx)
    return _render(request, "billing/house.html", ctx, status=400)


@login_required
@require_POST
def house_credit_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """预收冲抵: set the house's prepayment credit against its open lines now (billing
    runs do it after each run)."""
    _staff(request, "billing.change")
    house = selectors.house_for_billing(user=request.user, pk=pk)
    try:
        applied = services.credit_apply(house=house, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        if applied.total:
            messages.success(
                request,
                _("已用预收款冲抵 %(total)s 元（%(n)s 条明细）")
                % {
                    "total": applied.total,
                    "n": len({a.line_id for a in applied.allocations}),
                },
            )
        else:
            messages.info(request, _("没有可冲抵的预收款或未缴明细"))
    return redirect("billing:house_ledger", house.pk)


@login_required
@require_POST
def house_split(request: HttpRequest, pk: int) -> HttpResponse:
    """拆分: an unpaid line into instalments (equal parts or the amounts given), due
    every few months from the first due date. The original is kept, superseded."""
    _staff(request, "billing.change")
    house = selectors.house_for_billing(user=request.user, pk=pk)
    lines = selectors.open_lines(house)
    form = forms.SplitForm(request.POST, line_choices=_adjust_choices(lines))
    target = reverse("billing:house_ledger", args=[house.pk])
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(target)
    data = form.cleaned_data
    line = next(x for x in lines if x.pk == data["line"])
    amounts = data["amount_list"] or adjust.equal_parts(line.amount, data["parts"])
    every = data["every_months"] if data["every_months"] is not None else 1
    dues = adjust.instalment_due_dates(
        data["first_due"] or line.due_date, len(amounts), every
    )
    try:
        change = adjust.bill_line_split(
            line=line,
            actor=request.user,
            amounts=amounts,
            due_dates=dues,
            reason=data["reason"],
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect(target)
    parts = change.replacements.order_by("due_date", "id")
    messages.success(
        request,
        _("已拆分为 %(n)s 期：%(parts)s")
        % {
            "n": len(parts),
            "parts": "、".join(f"{p.amount}（{p.due_date:%Y-%m-%d}）" for p in parts),
        },
    )
    return redirect(target)


@login_required
@require_POST
def house_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """合并: unpaid lines of one fee item into one line; the originals are kept."""
    _staff(request, "billing.change")
    house = selectors.house_for_billing(user=request.user, pk=pk)
    lines = selectors.open_lines(house)
    form = forms.MergeForm(request.POST, line_choices=_adjust_choices(lines))
    target = reverse("billing:house_ledger", args=[house.pk])
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(target)
    chosen = [x for x in lines if x.pk in set(form.cleaned_data["merge_lines"])]
    try:
        change = adjust.bill_lines_merge(
            lines=chosen, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect(target)
    merged = change.replacements.get()
    messages.success(
        request,
        _("已合并 %(n)s 条明细为一条：%(amount)s 元，到期日 %(due)s")
        % {
            "n": len(chosen),
            "amount": merged.amount,
            "due": f"{merged.due_date:%Y-%m-%d}",
        },
    )
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def payment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """冲正: reverse a payment with a reason (a negative payment and a red receipt)."""
    _staff(request, "billing.change")
    payment = (
        Payment.objects.visible_to(request.user)
        .select_related("house__community", "receipt", "received_by")
        .filter(pk=pk)
        .first()
    )
    if payment is None:
        raise Http404
    form = forms.ReverseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            reversal = services.payment_reverse(
                payment=payment, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
            return redirect("billing:house_ledger", payment.house_id)
        receipt = Receipt.objects.get(payment=reversal)
        messages.success(
            request,
            _("已冲正收据 %(original)s，红字收据 %(number)s")
            % {"original": payment.receipt.number, "number": receipt.number},
        )
        return redirect(
            reverse("billing:house_ledger", args=[payment.house_id])
            + f"?receipt={receipt.pk}"
        )
    return _render(
        request,
        "billing/reverse.html",
        {"payment": payment, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def receipt_print(request: HttpRequest, pk: int) -> HttpResponse:
    """收据 PDF for staff of its community and for the owners of its house."""
    user = request.user
    if not user.is_owner_account and not user.has_role_perm("billing.view"):
        raise Http404
    receipt = Receipt.objects.visible_to(user).filter(pk=pk).first()
    if receipt is None:
        raise Http404
    content = receipt_pdf.receipt_pdf(actor=user, receipt=receipt)
    return pdf_response(content, receipt_pdf.receipt_filename(receipt))


# --- Daily settlement ----------------------------------------------------------------


def settlement_params(request: HttpRequest, params: Any) -> dict[str, Any]:
    """Community, day and cashier of a settlement request (shared with the API).

    `cashier` absent: the requesting user; "all": everybody in the community."""
    community, communities = selectors.pick_community(
        request.user, params.get("community") or getattr(request, "community_id", None)
    )
    day, error = _date(params.get("date"), timezone.localdate())
    wanted = params.get("cashier")
    if wanted in (None, ""):
        cashier = request.user
    elif wanted == "all":
        cashier = None
    else:
        cashier = (
            get_user_model()
            .objects.filter(
                pk=int(wanted) if str(wanted).isdigit() else 0,
                company_id=community.company_id,
                kind=AccountKind.STAFF,
            )
            .first()
        )
        if cashier is None:
            raise Http404
    return {
        "community": community,
        "communities": communities,
        "day": day,
        "cashier": cashier,
        "error": error,
    }


def _settlement_query(p: dict[str, Any]) -> str:
    who = p["cashier"].pk if p["cashier"] else "all"
    return f"community={p['community'].pk}&date={p['day'].isoformat()}&cashier={who}"


@login_required
@require_GET
def settlement_page(request: HttpRequest) -> HttpResponse:
    """日结: a cashier's (or the community's) receipts and totals of one day."""
    _staff(request, "billing.change")
    p = settlement_params(request, request.GET)
    result = settlement.daily_settlement(
        community=p["community"], day=p["day"], cashier=p["cashier"]
    )
    return _render(
        request,
        "billing/settlement.html",
        {
            **p,
            "s": result,
            "summary": settlement.summary_pairs(result),
            "cashier_choices": settlement.cashiers_of_day(p["community"], p["day"]),
            "query": _settlement_query(p),
            "balance": settlement.balance_text(result),
        },
    )


@login_required
@require_GET
def settlement_xlsx(request: HttpRequest) -> HttpResponse:
    _staff(request, "billing.change")
    p = settlement_params(request, request.GET)
    result = settlement.daily_settlement(
        community=p["community"], day=p["day"], cashier=p["cashier"]
    )
    name = f"收费日结-{p['community'].name}-{p['day']}-{settlement.cashier_name(result)}.xlsx"
    return FileResponse(
        io.BytesIO(settlement.workbook(result)),
        as_attachment=True,
        filename=name,
        content_type=XLSX_TYPE,
    )


@login_required
@require_GET
def settlement_print(request: HttpRequest) -> HttpResponse:
    _staff(request, "billing.change")
    p = settlement_params(request, request.GET)
    result = settlement.daily_settlement(
        community=p["community"], day=p["day"], cashier=p["cashier"]
    )
    content = settlement.settlement_pdf(actor=request.user, settlement=result)
    return pdf_response(content, f"日结-{p['community'].name}-{p['day']}.pdf")


# --- Arrears aging -------------------------------------------------------------------


def aging_params(request: HttpRequest, params: Any) -> dict[str, Any]:
    community, communities = selectors.pick_community(
        request.user, params.get("community") or getattr(request, "community_id", None)
    )
    as_of, error = _date(params.get("as_of"), timezone.localdate())
    by = params.get("by") or "building"
    if by not in aging.LEVELS:
        by = "building"
    building = params.get("building") or ""
    return {
        "community": community,
        "communities": communities,
        "as_of": as_of,
        "by": by,
        "building_id": int(building) if str(building).isdigit() else None,
        "q": (params.get("q") or "").strip(),
        "error": error,
    }


@login_required
@require_GET
def aging_page(request: HttpRequest) -> HttpResponse:
    """欠费账龄: the community's arrears by age, per building or per house."""
    _staff(request)
    p = aging_params(request, request.GET)
    cid = p["community"].pk
    totals = aging.community_aging(
        community_id=cid, as_of=p["as_of"], building_id=p["building_id"]
    )
    buildings = aging.building_aging(community_id=cid, as_of=p["as_of"])
    ctx: dict[str, Any] = {
        **p,
        "totals": totals,
        "buckets": aging.BUCKETS,
        "chart": bar_chart(
            aging.chart_items(totals), title=_("欠费账龄（元）"), unit=_("元")
        ),
        "buildings": buildings,
    }
    if p["by"] == "house":
        rows = aging.house_aging(
            community_id=cid,
            as_of=p["as_of"],
            building_id=p["building_id"],
            q=p["q"],
        )
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = [aging.house_row(dict(r)) for r in page.object_list]
        ctx["page"] = page
    query = f"community={cid}&as_of={p['as_of'].isoformat()}&by={p['by']}"
    if p["building_id"]:
        query += f"&building={p['building_id']}"
    ctx["query"] = query
    return _render(request, "billing/aging.html", ctx)


def aging_workbook(p: dict[str, Any]) -> bytes:
    """Buildings and houses in arrears with their buckets, as .xlsx (streamed rows)."""
    from openpyxl import Workbook

    cid = p["community"].pk
    heads = [str(b.label) for b in aging.BUCKETS]
    book = Workbook(write_only=True)
    summary = book.create_sheet(_("小区"))
    summary.append([_("欠费账龄"), p["community"].name, p["as_of"].isoformat()])
    summary.append([_("小区"), *heads, _("合计"), _("欠费户数")])
    totals = aging.community_aging(community_id=cid, as_of=p["as_of"])
    summary.append(
        [
            p["community"].name,
            *(totals[k] for k in aging.KEYS),
            totals["total"],
            totals["houses"],
        ]
    )
    sheet = book.create_sheet(_("楼栋"))
    sheet.append([_("楼栋"), *heads, _("合计"), _("欠费户数")])
    for row in aging.building_aging(community_id=cid, as_of=p["as_of"]):
        sheet.append(
            [
                row["building"],
                *(row[k] for k in aging.KEYS),
                row["total"],
                row["houses"],
            ]
        )
    houses = book.create_sheet(_("房屋"))
    houses.append([_("房屋"), *heads, _("合计")])
    rows = aging.house_aging(
        community_id=cid, as_of=p["as_of"], building_id=p["building_id"], q=p["q"]
    )
    for raw in rows.iterator(chunk_size=2000):
        row = aging.house_row(dict(raw))
        houses.append([row["house"], *(row[k] for k in aging.KEYS), row["total"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@login_required
@require_GET
def aging_xlsx(request: HttpRequest) -> HttpResponse:
    _staff(request)
    p = aging_params(request, request.GET)
    name = f"欠费账龄-{p['community'].name}-{p['as_of']}.xlsx"
    return FileResponse(
        io.BytesIO(aging_workbook(p)),
        as_attachment=True,
        filename=name,
        content_type=XLSX_TYPE,
    )


# --- Late fees -----------------------------------------------------------------------


@login_required
@require_GET
def late_fee_list(request: HttpRequest) -> HttpResponse:
    """滞纳金: the community's policy and the late-fee lines charged so far."""
    _staff(request)
    community, communities = _community(request)
    qs = selectors.late_fee_lines(user=request.user, community_id=community.pk)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request,
        "billing/late_fees.html",
        {
            "community": community,
            "communities": communities,
            "policy": services.policy_for(community),
            "page": page,
            "can_run": request.user.has_role_perm("billing.run"),
            "form": forms.LateFeeRunForm(
                initial={"as_of": timezone.localdate().isoformat()}
            ),
        },
    )


@login_required
@require_POST
def late_fee_run(request: HttpRequest) -> HttpResponse:
    """Charge late fees up to a day now (the scheduled job does it monthly)."""
    _staff(request, "billing.run")
    community, _communities = selectors.pick_community(
        request.user, request.POST.get("community") or request.community_id
    )
    form = forms.LateFeeRunForm(request.POST)
    target = reverse("billing:late_fee_list") + f"?community={community.pk}"
    if not form.is_valid():
        messages.error(
            request, "；".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect(target)
    try:
        result = latefees.late_fees_assess(
            community=community, as_of=form.cleaned_data["as_of"], actor=request.user
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect(target)
    if result.line_count:
        messages.success(
            request,
            _("已计收滞纳金 %(n)s 笔，涉及 %(houses)s 户，共 %(total)s 元")
            % {
                "n": result.line_count,
                "houses": result.house_count,
                "total": result.total,
            },
        )
    else:
        messages.info(request, _("没有需要计收的滞纳金（已计至该日或无逾期欠费）"))
    return redirect(target)
