"""Staff pages of dunning (催缴): cases, a case's timeline and actions, my tasks,
campaigns, and the fee FAQ.

Views parse input, call a service or selector, and render. Reads need `dunning.view`;
every change `dunning.change`, except recording the outcome of one's own task. Cases
and their documents are fetched through `visible_to`, so another community's case is a
404. A refusal from a service is shown as a message and nothing is saved.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anju.accounts.models import User
from anju.core.errors import ApplicationError
from anju.core.paging import CappedPaginator
from anju.core.pdf import pdf_response
from anju.estates.models import Community

from . import figures, forms, selectors, services
from .choices import (
    TASK_CHANNELS,
    TRANSITIONS,
    CaseStatus,
    ContactStatus,
    Segment,
    Stage,
)
from .documents_pdf import document_filename, document_pdf
from .models import Campaign, Contact, DunningCase, DunningDocument, Evidence
from .scripts import DEFAULT_SCRIPTS

PAGE_SIZE = 50

TABS = (
    (gettext_lazy("催缴案件"), "dunning:case_list", "dunning.view"),
    (gettext_lazy("我的任务"), "dunning:task_list", "dunning.view"),
    (gettext_lazy("催缴活动"), "dunning:campaign_list", "dunning.view"),
    (gettext_lazy("收费常见问题"), "dunning:faq", "dunning.view"),
)


def _staff(request: HttpRequest, perm: str = "dunning.view") -> None:
    """Owners and roles without dunning get a 404; read-only staff a 403."""
    user = request.user
    if user.is_owner_account or not user.has_role_perm("dunning.view"):
        raise Http404
    if perm != "dunning.view" and not user.has_role_perm(perm):
        raise PermissionDenied


def error_text(exc: ApplicationError) -> str:
    details = []
    for errors in (exc.fields or {}).values():
        items = errors if isinstance(errors, list) else [errors]
        details.extend(str(e) for e in items)
    extra = [d for d in details if d not in exc.message]
    return exc.message + (f"（{'；'.join(extra)}）" if extra else "")


def _form_errors(form: Any) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return _("输入有误：") + "；".join(parts)


def _render(
    request: HttpRequest, template: str, ctx: dict[str, Any], status: int = 200
) -> HttpResponse:
    here = request.resolver_match.view_name if request.resolver_match else ""
    ctx["dunning_tabs"] = [
        {"label": str(label), "url": reverse(name), "current": name == here}
        for label, name, perm in TABS
        if request.user.has_role_perm(perm)
    ]
    ctx["can_change"] = request.user.has_role_perm("dunning.change")
    return render(request, template, ctx, status=status)


def _quiet_until(community: Community | None = None) -> Any:
    """When quiet hours end, if it is quiet now (no calls, no visits, no messages)."""
    from django.conf import settings

    from anju.notifications.services import quiet_until

    zone = community.timezone if community is not None else settings.TIME_ZONE
    return quiet_until(timezone.now(), zone)


# --- cases ------------------------------------------------------------------------------


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """催缴案件: open cases with what they owe, their stage, segment and limitation."""
    _staff(request)
    communities = selectors.dunning_communities(request.user)
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = CaseStatus.OPEN
    form = forms.CaseFilterForm(data, communities=communities)
    form.is_valid()
    f = form.cleaned_data if form.is_valid() else {"status": CaseStatus.OPEN}
    today = selectors.today_local()
    community_id = f.get("community") or getattr(request, "community_id", None)
    rows = selectors.case_list(
        user=request.user,
        community_id=community_id,
        status=f.get("status") or "",
        stage=f.get("stage") or "",
        segment=f.get("segment") or "",
        warning=bool(f.get("warning")),
        follow_up=bool(f.get("follow_up")),
        q=f.get("q") or "",
        today=today,
    )
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page:
        case.owed_money = selectors.owed_of(case)
        case.limitation = selectors.case_limitation(case, today=today)
        case.owners = selectors.owner_names(case.house)
        case.segment_label = Segment(case.segment).label
    return _render(
        request,
        "dunning/case_list.html",
        {"form": form, "page": page, "communities": communities, "today": today},
    )


@login_required
@require_POST
def cases_sync(request: HttpRequest) -> HttpResponse:
    """刷新: open cases for houses 30 days in arrears, close the paid ones."""
    _staff(request, "dunning.change")
    wanted = request.POST.get("community", "")
    chosen = [
        c
        for c in selectors.dunning_communities(request.user)
        if not wanted or str(c.pk) == wanted
    ]
    if not chosen:
        raise Http404
    opened = closed = 0
    for community in chosen:
        result = services.cases_sync(community=community, actor=request.user)
        opened += result.opened
        closed += result.closed
    messages.success(
        request,
        _("已刷新：新立案 %(opened)s 户，已结清结案 %(closed)s 户")
        % {"opened": opened, "closed": closed},
    )
    return redirect("dunning:case_list")


def _case_context(request: HttpRequest, case: DunningCase) -> dict[str, Any]:
    today = selectors.today_local()
    lines = selectors.house_arrears_lines(case.house_id, today=today)
    for line in lines:
        line.expires = selectors.line_expiry(line.due_date, case.limitation_from)
        line.expired = line.expires < today
    documents = list(
        DunningDocument.objects.filter(case=case)
        .select_related("issued_by")
        .order_by("issued_at", "id")
    )
    delivered = set(
        Evidence.objects.filter(case=case, document__isnull=False).values_list(
            "document_id", flat=True
        )
    )
    for doc in documents:
        doc.delivered = doc.pk in delivered
    evidence = list(
        Evidence.objects.filter(case=case)
        .select_related("uploaded_by", "document")
        .order_by("created_at", "id")
    )
    contacts = selectors.case_contacts(case)
    user = request.user
    for contact in contacts:
        contact.can_record = contact.status == ContactStatus.PENDING and (
            user.has_role_perm("dunning.change") or contact.assigned_to_id == user.pk
        )
    stages = sorted(TRANSITIONS[case.stage], key=list(Stage.values).index)
    return {
        "case": case,
        "owed": selectors.owed_of(case),
        "owners": selectors.owner_names(case.house),
        "lines": lines,
        "limitation": selectors.case_limitation(case, today=today),
        "documents": documents,
        "evidence": evidence,
        "contacts": contacts,
        "events": selectors.case_timeline(case),
        "stage_path": [
            {
                "value": s.value,
                "label": s.label,
                "done": i <= Stage.values.index(case.stage),
            }
            for i, s in enumerate(Stage)
        ],
        "move_form": forms.MoveForm(stages=stages, prefix="move") if stages else None,
        "contact_form": forms.ContactForm(prefix="contact"),
        "outcome_form": forms.OutcomeFields(prefix="outcome"),
        "evidence_form": forms.EvidenceForm(documents=documents, prefix="evidence"),
        "dispute_form": forms.DisputeForm(prefix="dispute"),
        "resolve_form": forms.ResolveForm(prefix="resolve"),
        "close_form": forms.CloseForm(prefix="close"),
        "faqs": list(selectors.faq_search(user=user)[:20]),
        "quiet_until": _quiet_until(case.community),
        "is_open": case.status == CaseStatus.OPEN,
    }


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A case: arrears, limitation, stages, documents, evidence, contacts, timeline."""
    _staff(request)
    case = selectors.case_get(user=request.user, pk=pk)
    return _render(request, "dunning/case_detail.html", _case_context(request, case))


def _case_for_change(request: HttpRequest, pk: int) -> DunningCase:
    _staff(request, "dunning.change")
    return selectors.case_get(user=request.user, pk=pk, action="change")


def _back(request: HttpRequest, case: DunningCase, anchor: str = "") -> HttpResponse:
    return redirect(reverse("dunning:case_detail", args=[case.pk]) + anchor)


def _act(request: HttpRequest, case: DunningCase, form: Any, call: Any, done: str):  # type: ignore[no-untyped-def]
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request, case)
    try:
        call(form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return _back(request, case)
    messages.success(request, done)
    return _back(request, case)


@login_required
@require_POST
def case_move(request: HttpRequest, pk: int) -> HttpResponse:
    """升级: issue the notice or the lawyer's letter, or go to mediation/court."""
    case = _case_for_change(request, pk)
    form = forms.MoveForm(request.POST, stages=TRANSITIONS[case.stage], prefix="move")
    return _act(
        request,
        case,
        form,
        lambda d: services.case_move(
            case=case,
            to_stage=d["to_stage"],
            actor=request.user,
            note=d["note"],
            deadline=d["deadline"],
            law_firm=d["law_firm"],
            lawyer=d["lawyer"],
        ),
        _("已升级催缴阶段"),
    )


def _outcome_args(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "outcome": d["outcome"],
        "note": d["note"],
        "promised_date": d["promised_date"],
        "promised_amount": d["promised_amount"],
        "dispute_kind": d["dispute_kind"],
        "dispute_reason": d["dispute_reason"],
    }


@login_required
@require_POST
def case_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """记录联系: a call or visit made outside a campaign, with its outcome."""
    case = _case_for_change(request, pk)
    form = forms.ContactForm(request.POST, prefix="contact")
    return _act(
        request,
        case,
        form,
        lambda d: services.contact_log(
            case=case, actor=request.user, channel=d["channel"], **_outcome_args(d)
        ),
        _("已记录联系结果"),
    )


@login_required
@require_POST
def case_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """上传证据: delivery proof of a document, call log, filing papers."""
    case = _case_for_change(request, pk)
    documents = list(DunningDocument.objects.filter(case=case))
    form = forms.EvidenceForm(
        request.POST, request.FILES, documents=documents, prefix="evidence"
    )
    by_pk = {d.pk: d for d in documents}
    return _act(
        request,
        case,
        form,
        lambda d: services.evidence_add(
            case=case,
            actor=request.user,
            kind=d["kind"],
            file=d["file"],
            document=by_pk.get(d["document"]) if d["document"] else None,
            method=d["method"],
            delivered_on=d["delivered_on"],
            receiver=d["receiver"],
            note=d["note"],
        ),
        _("证据已保存"),
    )


@login_required
@require_POST
def case_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = forms.DisputeForm(request.POST, prefix="dispute")
    return _act(
        request,
        case,
        form,
        lambda d: services.case_dispute(
            case=case, actor=request.user, kind=d["kind"], reason=d["reason"]
        ),
        _("已登记异议，自动提醒暂停"),
    )


@login_required
@require_POST
def case_dispute_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = forms.ResolveForm(request.POST, prefix="resolve")
    return _act(
        request,
        case,
        form,
        lambda d: services.case_dispute_resolve(
            case=case, actor=request.user, note=d["note"]
        ),
        _("异议已处理"),
    )


@login_required
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = forms.CloseForm(request.POST, prefix="close")
    return _act(
        request,
        case,
        form,
        lambda d: services.case_close(
            case=case, actor=request.user, reason=d["reason"], note=d["note"]
        ),
        _("已结案"),
    )


@login_required
@require_GET
def document_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The 催缴通知书 or 律师函 as PDF, for staff who may see its case."""
    _staff(request)
    try:
        document, content = document_pdf(actor=request.user, pk=pk)
    except ApplicationError as exc:
        raise Http404 from exc
    return pdf_response(content, document_filename(document))


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """The scan of a piece of evidence, for staff who may see its case."""
    _staff(request)
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)
    if not evidence.stored_name:
        raise Http404
    try:
        handle = default_storage.open(evidence.stored_name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    extension = evidence.stored_name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle,
        content_type=evidence.content_type,
        filename=f"evidence-{evidence.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- tasks ------------------------------------------------------------------------------


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """我的任务: phone and visit tasks assigned to me; unassigned ones for finance."""
    _staff(request)
    user = request.user
    mine = list(selectors.my_tasks(user=user)[:200])
    unassigned: list[Contact] = []
    if user.has_role_perm("dunning.change"):
        unassigned = list(
            Contact.objects.visible_to(user)
            .filter(assigned_to__isnull=True, status=ContactStatus.PENDING)
            .select_related("house", "case", "campaign")
            .order_by("created_at", "id")[:200]
        )
    return _render(
        request,
        "dunning/task_list.html",
        {
            "mine": mine,
            "unassigned": unassigned,
            "quiet_until": _quiet_until(),
        },
    )


@login_required
@require_POST
def contact_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the outcome of a task: its assignee, or staff who may change cases."""
    _staff(request)
    contact = get_object_or_404(
        Contact.objects.visible_to(request.user).select_related("case"), pk=pk
    )
    form = forms.OutcomeFields(request.POST, prefix="outcome")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    target = target or reverse("dunning:case_detail", args=[contact.case_id])
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(target)
    try:
        services.contact_record(
            contact=contact, actor=request.user, **_outcome_args(form.cleaned_data)
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect(target)
    messages.success(request, _("已记录联系结果"))
    return redirect(target)


# --- campaigns --------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[date, date]:
    today = selectors.today_local()
    try:
        start = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = today - timedelta(days=30)
    try:
        end = date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
    if end < start:
        start, end = end, start
    return start, end


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    """催缴活动 and the effectiveness figures of a period (催缴成效)."""
    _staff(request)
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .in_community(getattr(request, "community_id", None))
        .select_related("community", "created_by")
        .order_by("-created_at", "-id")
    )
    page = CappedPaginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    start, end = _period(request)
    report = figures.effectiveness(
        user=request.user,
        date_from=start,
        date_to=end,
        community_id=getattr(request, "community_id", None),
    )
    return _render(
        request,
        "dunning/campaign_list.html",
        {"page": page, "report": report, "date_from": start, "date_to": end},
    )


def _people(communities: list[Community]) -> list[User]:
    seen: dict[int, User] = {}
    for community in communities:
        for person in services.assignee_choices(community=community):
            seen.setdefault(person.pk, person)
    return list(seen.values())


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    """New campaign: a segment, a channel, a script, and who makes the calls."""
    _staff(request, "dunning.change")
    communities = selectors.dunning_communities(request.user)
    people = _people(communities)
    if request.method == "POST":
        form = forms.CampaignForm(request.POST, communities=communities, people=people)
        if form.is_valid():
            d = form.cleaned_data
            community = next(c for c in communities if c.pk == d["community"])
            chosen = [p for p in people if p.pk in set(d["assignees"])]
            try:
                created = services.campaign_create(
                    community=community,
                    actor=request.user,
                    name=d["name"],
                    segment=d["segment"],
                    channel=d["channel"],
                    script=d["script"],
                    assignees=chosen,
                )
            except ApplicationError as exc:
                for name, errors in (exc.fields or {}).items():
                    if name in form.fields:
                        for error in errors if isinstance(errors, list) else [errors]:
                            form.add_error(name, str(error))
                if not any(n in form.fields for n in exc.fields or {}):
                    form.add_error(None, exc.message)
            else:
                messages.success(request, _("已创建催缴活动"))
                return redirect("dunning:campaign_detail", pk=created.pk)
    else:
        segment = request.GET.get("segment") or "short_overdue"
        form = forms.CampaignForm(
            initial={
                "segment": segment,
                "script": DEFAULT_SCRIPTS.get(segment, ""),
                "community": getattr(request, "community_id", None),
            },
            communities=communities,
            people=people,
        )
    return _render(
        request,
        "dunning/campaign_form.html",
        {"form": form, "defaults": DEFAULT_SCRIPTS, "task_channels": TASK_CHANNELS},
    )


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign: its script, who it reached and how it went."""
    _staff(request)
    campaign = get_object_or_404(
        Campaign.objects.visible_to(request.user).select_related(
            "community", "created_by"
        ),
        pk=pk,
    )
    contacts = (
        Contact.objects.filter(campaign=campaign)
        .select_related("house", "assigned_to", "contacted_by")
        .order_by("house__number", "id")
    )
    page = CappedPaginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    counts: dict[str, int] = {}
    for status in contacts.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return _render(
        request,
        "dunning/campaign_detail.html",
        {
            "campaign": campaign,
            "page": page,
            "counts": [(ContactStatus(k).label, v) for k, v in sorted(counts.items())],
            "assignees": list(campaign.assignees.all()),
            "quiet_until": _quiet_until(campaign.community),
        },
    )


def _campaign_for_change(request: HttpRequest, pk: int) -> Campaign:
    _staff(request, "dunning.change")
    return get_object_or_404(Campaign.objects.visible_to(request.user, "change"), pk=pk)


@login_required
@require_POST
def campaign_run(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_for_change(request, pk)
    try:
        result = services.campaign_run(campaign=campaign, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect("dunning:campaign_detail", pk=campaign.pk)
    text = _(
        "已执行：发送 %(sent)s 户，生成任务 %(tasks)s 个，未能发送 %(skipped)s 户"
    ) % {
        "sent": result.sent,
        "tasks": result.tasks,
        "skipped": result.skipped,
    }
    if result.held_until:
        text += _("。当前为免打扰时段，短信/微信将于 %(when)s 后发出") % {
            "when": timezone.localtime(result.held_until).strftime("%H:%M")
        }
    messages.success(request, text)
    return redirect("dunning:campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_end(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_for_change(request, pk)
    try:
        services.campaign_end(campaign=campaign, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("活动已结束"))
    return redirect("dunning:campaign_detail", pk=campaign.pk)


# --- FAQ --------------------------------------------------------------------------------


@login_required
@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    """收费常见问题: question → standard answer; htmx asks for the list alone."""
    _staff(request)
    q = request.GET.get("q", "").strip()[:50]
    entries = list(selectors.faq_search(user=request.user, q=q)[:100])
    ctx = {"entries": entries, "q": q, "insert": request.GET.get("insert") == "1"}
    if request.headers.get("HX-Request"):
        return render(request, "dunning/_faq_list.html", ctx)
    return _render(request, "dunning/faq.html", ctx)
