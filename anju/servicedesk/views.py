"""Staff pages of the service desk: workbench, intake, incoming call, ticket page.

Views parse input, call a service or selector, and render. Reads need
`servicedesk.view`; each action names the permission it needs. Tickets are always
fetched through `visible_to`, so another community's ticket is a 404. A refusal from a
service is shown as a message and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anju.core.errors import ApplicationError
from anju.core.masking import mask_phone
from anju.core.paging import capped_count, paginator_for
from anju.core.pdf import pdf_response
from anju.core.pii import can_reveal, pii_reveal
from anju.estates.choices import Relation
from anju.estates.models import House, HouseResident, Person
from anju.estates.selectors import house_get, house_search

from . import forms, report_pdf, selectors, services
from .choices import OPEN_STATUSES, Status, TicketType
from .filters import TicketFilter
from .models import Compensation, Ticket, TicketAttachment

PAGE_SIZE = 50
TAB_COUNT_CAP = 999  # a queue tab shows "999+" rather than count a whole history
QUEUES = list(selectors.QUEUE_LABELS)


def _staff(request: HttpRequest, perm: str = "servicedesk.view") -> None:
    """Owners and roles without the service desk get a 404; read-only staff a 403."""
    user = request.user
    if user.is_owner_account or not user.has_role_perm("servicedesk.view"):
        raise Http404
    if perm != "servicedesk.view" and not user.has_role_perm(perm):
        raise PermissionDenied


def error_text(exc: ApplicationError | DjangoValidationError) -> str:
    """The refusal as one line: the message, then each field's reason."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            parts = [f"{k}: {'；'.join(v)}" for k, v in exc.message_dict.items()]
            return _("输入有误：") + "；".join(parts)
        return "；".join(exc.messages)
    details = []
    for errors in (exc.fields or {}).values():
        items = errors if isinstance(errors, list) else [errors]
        details.extend(str(e) for e in items)
    return exc.message + (f"（{'；'.join(details)}）" if details else "")


def _apply_error(form: django_forms.Form, exc: ApplicationError) -> None:
    placed = False
    for name, errors in (exc.fields or {}).items():
        if name in form.fields:
            for err in errors if isinstance(errors, list) else [errors]:
                form.add_error(name, str(err))
            placed = True
    if not placed or exc.message:
        form.add_error(None, exc.message)


def _assignees(user: Any, community_ids: list[int]) -> Any:
    return forms.assignee_choices(
        community_ids=community_ids, company_id=user.company_id
    )


# --- Workbench ---------------------------------------------------------------------


@login_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    """客服工作台: queue tabs with counts, filters, the ticket list, bulk assignment."""
    _staff(request)
    user, cid = request.user, request.community_id
    queue = request.GET.get("queue") or selectors.Queue.UNASSIGNED
    if queue not in selectors.QUEUE_LABELS:
        queue = selectors.Queue.ALL
    now = timezone.now()
    counts = selectors.queue_counts(user=user, community_id=cid, now=now)
    tabs = []
    for code, label in selectors.QUEUE_LABELS.items():
        if code in counts:
            count, capped = (
                min(counts[code], TAB_COUNT_CAP),
                counts[code] > TAB_COUNT_CAP,
            )
        else:  # the whole history: counted up to the cap only
            count, capped = capped_count(
                selectors.ticket_queue(user=user, queue=code, community_id=cid),
                TAB_COUNT_CAP,
            )
        tabs.append({"code": code, "label": label, "count": count, "capped": capped})
    base = selectors.ticket_queue(user=user, queue=queue, community_id=cid, now=now)
    ticket_filter = TicketFilter(request.GET, queryset=base, request=request)
    ids = [cid] if cid else list(user.community_ids())
    # The whole history is paged per community and merged; the work queues (open
    # tickets only) are small enough for one query each.
    page = paginator_for(
        ticket_filter.qs,
        PAGE_SIZE,
        community_ids=ids,
        partition=queue == selectors.Queue.ALL,
    ).get_page(request.GET.get("page"))
    can_assign = user.has_role_perm("servicedesk.assign")
    overdue = set(
        selectors.ticket_queue(user=user, queue=selectors.Queue.OVERDUE, now=now)
        .filter(pk__in=[t.pk for t in page])
        .values_list("pk", flat=True)
    )
    for t in page:
        t.is_overdue = t.pk in overdue
        t.due_at = _current_due(t)
    return render(
        request,
        "servicedesk/workbench.html",
        {
            "tabs": tabs,
            "queue": queue,
            "filter": ticket_filter,
            "page": page,
            "can_assign": can_assign,
            "can_create": user.has_role_perm("servicedesk.change"),
            "assignees": _assignees(user, ids) if can_assign else [],
        },
    )


def _current_due(ticket: Ticket) -> Any:
    """The due time that matters now: acceptance, arrival, resolution or the visit."""
    if ticket.status == Status.NEW:
        return ticket.ack_due_at
    if (
        ticket.status in (Status.ACCEPTED, Status.ASSIGNED)
        and ticket.started_at is None
    ):
        return ticket.onsite_due_at
    if ticket.status in OPEN_STATUSES:
        return ticket.resolve_due_at
    if ticket.status == Status.RESOLVED:
        return ticket.visit_due_at
    return None


class _Refused(Exception):
    pass


@login_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign the selected tickets to one person: all of them, or none."""
    _staff(request, "servicedesk.assign")
    user = request.user
    back = request.POST.get("next") or reverse("servicedesk:workbench")
    if not back.startswith("/"):
        back = reverse("servicedesk:workbench")
    ids = [int(i) for i in request.POST.getlist("ticket") if i.isdigit()]
    tickets = list(Ticket.objects.visible_to(user).filter(pk__in=ids).order_by("pk"))
    assignee = (
        _assignees(user, list(user.community_ids()))
        .filter(pk=request.POST.get("assignee") or 0)
        .first()
    )
    if not tickets or assignee is None:
        messages.error(request, _("请先勾选工单并选择责任人"))
        return redirect(back)
    department = request.POST.get("department", "").strip()[:50]
    refused: list[str] = []
    try:
        with transaction.atomic():
            for ticket in tickets:
                try:
                    services.ticket_assign(
                        ticket=ticket,
                        assignee=assignee,
                        actor=user,
                        department=department,
                    )
                except ApplicationError as exc:
                    refused.append(f"{ticket.number}：{error_text(exc)}")
            if refused:
                raise _Refused
    except _Refused:
        messages.error(
            request,
            _("没有派单，以下工单不能派给 %(who)s：%(list)s")
            % {"who": assignee, "list": "；".join(refused)},
        )
        return redirect(back)
    messages.success(
        request,
        _("已将 %(n)d 张工单派给 %(who)s") % {"n": len(tickets), "who": assignee},
    )
    return redirect(back)


# --- Intake ------------------------------------------------------------------------


def _triage_available() -> bool:
    return apps.is_installed("anju.triage")


def _record_triage(user: Any, ticket: Ticket, proposal: dict | None) -> None:
    """Keep what 自动识别 proposed beside what the agent saved, for retraining."""
    if not proposal or not _triage_available():
        return
    from anju.triage.services import triage_correction_record

    try:
        triage_correction_record(
            text=proposal["text"],
            predicted={k: proposal[k] for k in ("type", "category", "urgency")},
            corrected={
                "type": ticket.type,
                "category": ticket.category,
                "urgency": ticket.urgency,
            },
            actor=user,
            ticket_id=ticket.pk,
        )
    except ApplicationError:
        pass  # a malformed proposal is not worth failing the intake for


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """Log a phone call: find the house, see its recent tickets, fill in the matter."""
    _staff(request, "servicedesk.change")
    user = request.user
    initial: dict[str, Any] = {}
    house = None
    if request.method == "GET":
        for key in ("contact_phone", "contact_name", "type", "channel"):
            if request.GET.get(key):
                initial[key] = request.GET[key]
        house_id = request.GET.get("house", "")
        if house_id.isdigit():
            house = (
                House.objects.visible_to(user)
                .select_related("community")
                .filter(pk=house_id)
                .first()
            )
            if house is not None:
                initial["house"] = house.pk
        reporter_id = request.GET.get("reporter", "")
        if reporter_id.isdigit():
            person = Person.objects.visible_to(user).filter(pk=reporter_id).first()
            if person is not None:
                initial["reporter"] = person.pk
                initial.setdefault("contact_name", person.name)
                initial.setdefault("contact_phone", person.phone)
    form = forms.IntakeForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        user=user,
        community_id=request.community_id,
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.ticket_create(
                    actor=user,
                    community=data["community"],
                    type=data["type"],
                    channel=data["channel"],
                    category=data["category"],
                    urgency=data["urgency"],
                    house=data["house"],
                    reporter=data["reporter"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    description=data["description"],
                    location=data["location"],
                    occurred_at=data["occurred_at"],
                    expected_solution=data["expected_solution"],
                    photos=data["photos"],
                )
            except ApplicationError as exc:
                _apply_error(form, exc)
            except DjangoValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                _record_triage(user, ticket, data.get("triage_proposal"))
                messages.success(
                    request,
                    _("工单 %(n)s 已登记") % {"n": ticket.number},
                )
                if ticket.is_repeat:
                    messages.warning(
                        request,
                        _(
                            "重复反映：%(d)s 天内同一房屋同类问题（上次 %(p)s），已自动上报"
                        )
                        % {
                            "d": services.policy_for(
                                ticket.community
                            ).repeat_window_days,
                            "p": ticket.repeat_of.number if ticket.repeat_of else "",
                        },
                    )
                return redirect("servicedesk:ticket_detail", ticket.pk)
        house = (
            form.cleaned_data.get("house") if hasattr(form, "cleaned_data") else None
        )
    return render(
        request,
        "servicedesk/intake.html",
        {
            "form": form,
            "house": house,
            "phrases": forms.PHRASES,
            "triage": _triage_available(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def intake_house_search(request: HttpRequest) -> HttpResponse:
    """htmx: houses matching a number, owner name, pinyin initials or phone tail."""
    _staff(request, "servicedesk.change")
    q = request.GET.get("q", "").strip()
    houses: list[Any] = []
    if q:
        houses = list(
            house_search(
                user=request.user, q=q, community_id=request.community_id, limit=10
            ).order_by("community__name", "number")[:10]
        )
        owners: dict[int, list[str]] = {}
        first_owner: dict[int, str] = {}
        for tie in (
            HouseResident.objects.visible_to(request.user)
            .filter(house__in=houses, active=True)
            .select_related("person")
            .order_by("-is_primary", "id")
        ):
            owners.setdefault(tie.house_id, []).append(
                f"{tie.person.name}（{tie.get_relation_display()}）"
            )
            if tie.relation == Relation.OWNER:
                first_owner.setdefault(tie.house_id, tie.person.name)
        for h in houses:
            h.people = owners.get(h.pk, [])
            h.owner_name = first_owner.get(h.pk, "")
    return render(
        request, "servicedesk/_house_results.html", {"houses": houses, "q": q}
    )


@login_required
@require_GET
def house_tickets(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: a house's recent tickets (beside the intake form, on the house page)."""
    _staff(request)
    # a house out of scope is a 404, not an empty list
    house_get(user=request.user, pk=pk)
    tickets = list(selectors.house_recent_tickets(user=request.user, house_id=pk))
    return render(
        request,
        "servicedesk/_house_tickets.html",
        {"tickets": tickets, "house_id": pk},
    )


@login_required
@require_POST
def intake_triage(request: HttpRequest) -> HttpResponse:
    """自动识别: the triage proposal (type, category, urgency) for the description."""
    _staff(request, "servicedesk.change")
    if not _triage_available():
        return JsonResponse(
            {
                "code": "triage_unavailable",
                "message": _("自动识别未启用"),
                "fields": {},
            },
            status=404,
        )
    from anju.triage.services import triage_text

    try:
        answer = triage_text(text=request.POST.get("text", ""))
    except ApplicationError as exc:
        return JsonResponse(
            {"code": exc.code, "message": exc.message, "fields": exc.fields},
            status=exc.status,
        )
    return JsonResponse(
        {k: answer[k] for k in ("type", "category", "urgency", "confidence")}
    )


# --- Incoming call (CTI screen pop) ---------------------------------------------------


def incoming_call_matches(*, user: Any, phone: str) -> dict[str, Any]:
    """People with this phone (exact, else by its last four digits), their houses,
    the houses' residents and open/recent tickets; all within the user's scope."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    people_qs = Person.objects.visible_to(user)
    people: list[Person] = []
    exact = False
    if digits:
        people = list(people_qs.filter(phone=digits)[:20])
        exact = bool(people)
        if not people and len(digits) >= 4:
            people = list(people_qs.filter(phone_tail=digits[-4:])[:20])
    ties = list(
        HouseResident.objects.visible_to(user)
        .filter(person__in=people, active=True)
        .select_related("house__community", "person")
    )
    house_ids = sorted({t.house_id for t in ties})
    residents = list(
        HouseResident.objects.visible_to(user)
        .filter(house_id__in=house_ids, active=True)
        .select_related("person")
        .order_by("house_id", "relation", "id")
    )
    tickets = list(
        Ticket.objects.visible_to(user)
        .filter(house_id__in=house_ids)
        .select_related("house", "assignee")
        .order_by("-created_at")[:50]
    )
    houses = []
    for hid in house_ids:
        house = next(t.house for t in ties if t.house_id == hid)
        mine = [t for t in tickets if t.house_id == hid]
        houses.append(
            {
                "house": house,
                "callers": [t for t in ties if t.house_id == hid],
                "residents": [r for r in residents if r.house_id == hid],
                "open_tickets": [t for t in mine if t.status in OPEN_STATUSES],
                "recent_tickets": [t for t in mine if t.status not in OPEN_STATUSES][
                    :5
                ],
            }
        )
    return {"phone": digits, "exact": exact, "people": people, "houses": houses}


@login_required
@require_GET
def incoming_call(request: HttpRequest) -> HttpResponse:
    """The household 360° view for the calling number, popped by the PBX/CTI."""
    _staff(request)
    found = incoming_call_matches(user=request.user, phone=request.GET.get("phone", ""))
    return render(
        request,
        "servicedesk/incoming_call.html",
        {
            **found,
            "phone_masked": mask_phone(found["phone"]),
            "can_create": request.user.has_role_perm("servicedesk.change"),
            "can_view_bills": apps.is_installed("anju.billing")
            and request.user.has_role_perm("billing.view"),
        },
    )


# --- Ticket page -----------------------------------------------------------------------


def _allowed_actions(ticket: Ticket, user: Any) -> list[str]:
    """The actions this user may take on the ticket now (the services still decide)."""
    change = user.has_role_perm("servicedesk.change")
    assign = user.has_role_perm("servicedesk.assign")
    handler = ticket.assignee_id == user.pk or assign
    live = ticket.status not in (Status.CLOSED, Status.CANCELLED)
    is_open = ticket.status in OPEN_STATUSES
    out = []
    if ticket.status == Status.NEW and change:
        out.append("accept")
    if ticket.can_move_to(Status.ASSIGNED) and assign:
        out.append("assign")
    if ticket.status in (Status.ACCEPTED, Status.ASSIGNED) and handler:
        out.append("start")
    if is_open and ticket.paused_at is None and (handler or change):
        out.append("pause")
    if ticket.paused_at is not None:
        out.append("resume")
    if is_open and change:
        out.append("feedback")
    if live and (handler or change):
        out.append("record")
        out.append("attach")
    if ticket.can_move_to(Status.RESOLVED) and (handler or change):
        out.append("resolve")
    if ticket.status == Status.RESOLVED and change:
        out.extend(["visit", "close"])
    if ticket.status in (Status.RESOLVED, Status.CLOSED) and change:
        out.append("reopen")
    if live:
        out.append("escalate")
    if is_open and change:
        out.append("urgency")
    if ticket.can_move_to(Status.CANCELLED) and change:
        out.append("cancel")
    if (
        ticket.type == TicketType.COMPLAINT
        and ticket.house_id
        and ticket.status != Status.CANCELLED
        and change
    ):
        out.append("compensation")
    out.append("comment")
    return out


def _due_rows(ticket: Ticket, now: Any) -> list[dict[str, Any]]:
    """Each clock with its due time and state: met, running, overdue or paused."""
    rows = []
    clocks = [
        (_("受理"), ticket.ack_due_at, ticket.accepted_at),
        (_("响应/到场"), ticket.onsite_due_at, ticket.started_at),
        (_("办结"), ticket.resolve_due_at, ticket.resolved_at),
    ]
    if ticket.type == TicketType.COMPLAINT:
        clocks.append((_("投诉两小时反馈"), ticket.feedback_due_at, ticket.feedback_at))
    if ticket.visit_due_at:
        clocks.append((_("回访"), ticket.visit_due_at, ticket.closed_at))
    for label, due, done in clocks:
        if due is None:
            continue
        if done is not None:
            state, css = (
                (_("按时完成"), "ok") if done <= due else (_("超时完成"), "warn")
            )
        elif ticket.status in (Status.CANCELLED, Status.CLOSED):
            state, css = _("不再计时"), ""
        elif ticket.paused_at is not None:
            state, css = _("暂停计时"), ""
        elif due < now:
            state, css = _("已超时"), "danger"
        else:
            state, css = _("计时中"), ""
        rows.append(
            {"label": label, "due": due, "done": done, "state": state, "css": css}
        )
    return rows


def _render_ticket(request: HttpRequest, ticket: Ticket, status: int = 200):
    user = request.user
    actions = _allowed_actions(ticket, user)
    ctx: dict[str, Any] = {
        "ticket": ticket,
        "events": list(selectors.ticket_timeline(ticket=ticket)),
        "due_rows": _due_rows(ticket, timezone.now()),
        "actions": actions,
        "can_reveal": can_reveal(user),
        "visits": list(ticket.visits.select_related("visitor")),
        "attachments": list(ticket.attachments.select_related("uploaded_by")),
        "compensations": list(
            Compensation.objects.visible_to(user)
            .filter(ticket=ticket)
            .select_related("requested_by", "decided_by")
        ),
        "can_approve": user.has_role_perm("servicedesk.approve"),
        # the next step's form is open; the others are one click away
        "assign_open": ticket.status == Status.ACCEPTED,
        "resolve_open": ticket.status == Status.IN_PROGRESS,
        "forms": {
            "assign": forms.AssignForm(
                community_ids=[ticket.community_id], company_id=ticket.company_id
            )
            if "assign" in actions
            else None,
            "pause": forms.PauseForm(),
            "record": forms.RecordForm(
                initial={
                    "handling_steps": ticket.handling_steps,
                    "preventive_measures": ticket.preventive_measures,
                }
            ),
            "resolve": forms.ResolveForm(),
            "urgency": forms.UrgencyForm(initial={"urgency": ticket.urgency}),
            "visit": forms.VisitForm(),
            "compensation": forms.CompensationForm(),
            "attach": forms.AttachForm(),
        },
    }
    return render(request, "servicedesk/ticket_detail.html", ctx, status=status)


@login_required
@require_GET
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one ticket, its timeline, due times and the actions allowed."""
    _staff(request)
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    return _render_ticket(request, ticket)


@login_required
@require_POST
def ticket_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full contact phone with a reason; the reveal is audited."""
    _staff(request)
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    reason = request.POST.get("reason", "")
    ctx: dict[str, Any] = {"ticket": ticket, "reason": reason}
    try:
        ctx["value"] = pii_reveal(
            actor=request.user, obj=ticket, field="contact_phone", reason=reason
        )
    except ApplicationError as exc:
        ctx["error"] = exc.message
        return render(request, "servicedesk/_reveal.html", ctx, status=exc.status)
    return render(request, "servicedesk/_reveal.html", ctx)


@login_required
@require_GET
def ticket_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """客户投诉处理报告 as PDF (phone masked); other ticket types go back with a message."""
    _staff(request)
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    try:
        content = report_pdf.complaint_report_pdf(actor=request.user, ticket=ticket)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("servicedesk:ticket_detail", pk=ticket.pk)
    return pdf_response(content, report_pdf.report_filename(ticket))


@login_required
@require_POST
def ticket_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Add photos to the ticket (the assignee's before/after, the owner's by WeChat)."""
    _staff(request)
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    form = forms.AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            added = services.attachments_add(
                actor=request.user, ticket=ticket, files=form.cleaned_data["photos"]
            )
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已上传 %(n)d 张照片") % {"n": len(added)})
    return redirect("servicedesk:ticket_detail", ticket.pk)


def attachment_response(
    request: HttpRequest, pk: int, *, thumbnail: bool
) -> FileResponse:
    """A photo (or its thumbnail) of a ticket the user may see; 404 otherwise.

    Staff and owners alike: `visible_to` scopes by community or by owned house. The
    type is the one sniffed at upload, and the browser is told not to guess another.
    """
    attachment = get_object_or_404(
        TicketAttachment.objects.visible_to(request.user), pk=pk
    )
    name = attachment.thumbnail_name if thumbnail else attachment.stored_name
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    if thumbnail:
        response = FileResponse(handle, content_type="image/jpeg")
        response["Content-Disposition"] = "inline"
    else:
        stem = attachment.original_name.rsplit(".", 1)[0] or "photo"
        extension = name.rsplit(".", 1)[-1]
        response = FileResponse(
            handle,
            content_type=attachment.content_type,
            filename=f"{stem}.{extension}",
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def attachment_file(request: HttpRequest, pk: int) -> FileResponse:
    """The photo itself, shown inline."""
    return attachment_response(request, pk, thumbnail=False)


@login_required
@require_GET
def attachment_thumb(request: HttpRequest, pk: int) -> FileResponse:
    """The photo's 320px JPEG thumbnail."""
    return attachment_response(request, pk, thumbnail=True)


@dataclass(frozen=True)
class Action:
    perm: str
    form: type[django_forms.Form]
    call: Callable[[Ticket, Any, dict[str, Any]], Any]
    done: Any


ACTIONS: dict[str, Action] = {
    "accept": Action(
        "servicedesk.change",
        forms.NoteForm,
        lambda t, u, d: services.ticket_accept(ticket=t, actor=u, note=d["note"]),
        gettext_lazy("已受理"),
    ),
    "assign": Action(
        "servicedesk.assign",
        forms.AssignForm,
        lambda t, u, d: services.ticket_assign(
            ticket=t,
            actor=u,
            assignee=d["assignee"],
            department=d["department"],
            note=d["note"],
        ),
        gettext_lazy("已派单"),
    ),
    "start": Action(
        "servicedesk.view",
        forms.NoteForm,
        lambda t, u, d: services.ticket_start(ticket=t, actor=u, note=d["note"]),
        gettext_lazy("已开始处理"),
    ),
    "pause": Action(
        "servicedesk.view",
        forms.PauseForm,
        lambda t, u, d: services.ticket_pause(
            ticket=t, actor=u, reason=d["reason"], note=d["note"]
        ),
        gettext_lazy("已暂停计时"),
    ),
    "resume": Action(
        "servicedesk.view",
        forms.NoteForm,
        lambda t, u, d: services.ticket_resume(ticket=t, actor=u, note=d["note"]),
        gettext_lazy("已恢复计时"),
    ),
    "feedback": Action(
        "servicedesk.change",
        forms.RequiredNoteForm,
        lambda t, u, d: services.ticket_feedback(ticket=t, actor=u, note=d["note"]),
        gettext_lazy("已记录反馈业主"),
    ),
    "record": Action(
        "servicedesk.view",
        forms.RecordForm,
        lambda t, u, d: services.ticket_record(ticket=t, actor=u, **d),
        gettext_lazy("处理记录已保存"),
    ),
    "resolve": Action(
        "servicedesk.view",
        forms.ResolveForm,
        lambda t, u, d: services.ticket_resolve(
            ticket=t, actor=u, resolution=d["resolution"], note=d["note"]
        ),
        gettext_lazy("已办结，等待回访"),
    ),
    "close": Action(
        "servicedesk.change",
        forms.NoteForm,
        lambda t, u, d: services.ticket_close(ticket=t, actor=u, note=d["note"]),
        gettext_lazy("已关闭"),
    ),
    "reopen": Action(
        "servicedesk.change",
        forms.ReasonForm,
        lambda t, u, d: services.ticket_reopen(ticket=t, actor=u, reason=d["reason"]),
        gettext_lazy("已重新打开"),
    ),
    "cancel": Action(
        "servicedesk.change",
        forms.ReasonForm,
        lambda t, u, d: services.ticket_cancel(ticket=t, actor=u, reason=d["reason"]),
        gettext_lazy("已撤销"),
    ),
    "escalate": Action(
        "servicedesk.view",
        forms.ReasonForm,
        lambda t, u, d: services.ticket_escalate(ticket=t, actor=u, reason=d["reason"]),
        gettext_lazy("已上报"),
    ),
    "urgency": Action(
        "servicedesk.change",
        forms.UrgencyForm,
        lambda t, u, d: services.ticket_change_urgency(
            ticket=t, actor=u, urgency=d["urgency"], reason=d["reason"]
        ),
        gettext_lazy("紧急程度已调整，时限已重算"),
    ),
    "comment": Action(
        "servicedesk.view",
        forms.RequiredNoteForm,
        lambda t, u, d: services.ticket_comment(ticket=t, actor=u, note=d["note"]),
        gettext_lazy("备注已添加"),
    ),
    "visit": Action(
        "servicedesk.change",
        forms.VisitForm,
        lambda t, u, d: services.visit_record(ticket=t, actor=u, **d),
        gettext_lazy("回访已记录"),
    ),
    "compensation": Action(
        "servicedesk.change",
        forms.CompensationForm,
        lambda t, u, d: services.compensation_request(
            ticket=t, actor=u, amount=d["amount"], reason=d["reason"]
        ),
        gettext_lazy("补偿申请已提交，待主管审批"),
    ),
}


def _form_for(name: str, ticket: Ticket, data: Any) -> django_forms.Form:
    if name == "assign":
        return forms.AssignForm(
            data, community_ids=[ticket.community_id], company_id=ticket.company_id
        )
    return ACTIONS[name].form(data)


def _form_errors(form: django_forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return _("未执行：") + "；".join(parts)


def action_view(name: str) -> Callable[..., HttpResponse]:
    """One POST endpoint per action: parse, call the service, report, go back."""
    action = ACTIONS[name]

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        _staff(request, action.perm)
        ticket = selectors.ticket_get(user=request.user, pk=pk)
        form = _form_for(name, ticket, request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
        else:
            try:
                action.call(ticket, request.user, form.cleaned_data)
            except ApplicationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, str(action.done))
        return redirect("servicedesk:ticket_detail", ticket.pk)

    view.__name__ = f"ticket_{name}"
    view.__doc__ = f"POST: {name} the ticket through services ({action.perm})."
    return view


@login_required
@require_POST
def compensation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervisor approves or rejects a requested compensation."""
    _staff(request, "servicedesk.approve")
    comp = get_object_or_404(
        Compensation.objects.visible_to(request.user).select_related("ticket"), pk=pk
    )
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.compensation_decide(
                compensation=comp,
                actor=request.user,
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("补偿已批准") if form.cleaned_data["approve"] else _("补偿已驳回"),
            )
    return redirect("servicedesk:ticket_detail", comp.ticket_id)
