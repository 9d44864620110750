"""Owner portal pages for 报事: submit, my tickets, progress, rating (mobile first).

Owners see only tickets of their own houses (`visible_to`); another house's ticket is a
404. Staff opening these pages are sent back to the staff UI.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anju.core.errors import ApplicationError
from anju.estates.models import Person

from . import forms, owner_services, services
from .choices import MAX_ATTACHMENTS_PER_TICKET, EventKind, Status
from .models import Ticket

# What an owner sees of the timeline: the steps that concern them, not internal notes.
OWNER_EVENT_KINDS = (
    EventKind.CREATED,
    EventKind.ACCEPTED,
    EventKind.ASSIGNED,
    EventKind.STARTED,
    EventKind.FEEDBACK,
    EventKind.RESOLVED,
    EventKind.VISITED,
    EventKind.REOPENED,
    EventKind.CLOSED,
    EventKind.CANCELLED,
    EventKind.ATTACHMENT,
)


def owner_only(view):  # type: ignore[no-untyped-def]
    """Owners only: visitors go to the portal login; staff back home (404 on POST)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not request.user.is_authenticated:
            return redirect(f"/portal/login/?{urlencode({'next': request.path})}")
        if not request.user.is_owner_account:
            if request.method == "GET":
                return redirect("home")
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _my_tickets(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Ticket.objects.visible_to(request.user).select_related("house", "community")


@owner_only
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    """我的报事: my houses' tickets, newest first, with their status."""
    tickets = list(_my_tickets(request).order_by("-created_at", "-id")[:100])
    return render(request, "servicedesk/portal_list.html", {"tickets": tickets})


@owner_only
@require_http_methods(["GET", "POST"])
def ticket_create(request: HttpRequest) -> HttpResponse:
    """Report a repair, complaint, question, suggestion or praise about my house."""
    me = Person.objects.visible_to(request.user).filter(user=request.user).first()
    initial = {"contact_name": me.name, "contact_phone": me.phone} if me else {}
    type_ = request.GET.get("type")
    if type_:
        initial["type"] = type_
    form = forms.OwnerTicketForm(
        request.POST or None, request.FILES or None, initial=initial, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            ticket = owner_services.ticket_submit_by_owner(
                actor=request.user, **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            for name, errors in exc.fields.items():
                if name in form.fields:
                    form.add_error(name, errors)
        else:
            messages.success(
                request,
                _("已提交，工单号 %(n)s。我们会尽快处理并告知您进度。")
                % {"n": ticket.number},
            )
            return redirect("portal_tickets:ticket_detail", ticket.pk)
    return render(
        request,
        "servicedesk/portal_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@owner_only
@require_GET
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of one of my tickets, and the rating form once it is resolved."""
    ticket = get_object_or_404(_my_tickets(request), pk=pk)
    events = ticket.events.filter(kind__in=OWNER_EVENT_KINDS).order_by(
        "created_at", "id"
    )
    attachments = list(ticket.attachments.all())
    can_attach = (
        ticket.status not in (Status.CLOSED, Status.CANCELLED)
        and len(attachments) < MAX_ATTACHMENTS_PER_TICKET
    )
    return render(
        request,
        "servicedesk/portal_detail.html",
        {
            "ticket": ticket,
            "events": events,
            "can_rate": ticket.status == Status.RESOLVED,
            "form": forms.OwnerRateForm(),
            "visit": ticket.visits.order_by("-visited_at").first(),
            "attachments": attachments,
            "attach_form": forms.AttachForm() if can_attach else None,
        },
    )


@owner_only
@require_POST
def ticket_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Add photos to one of my tickets (e.g. when the service desk asks for one)."""
    ticket = get_object_or_404(_my_tickets(request), pk=pk)
    form = forms.AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择照片"))
        return redirect("portal_tickets:ticket_detail", ticket.pk)
    try:
        added = services.attachments_add(
            actor=request.user, ticket=ticket, files=form.cleaned_data["photos"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已上传 %(n)d 张照片") % {"n": len(added)})
    return redirect("portal_tickets:ticket_detail", ticket.pk)


@owner_only
@require_POST
def ticket_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate the result (1–5): the return visit, answered by the owner."""
    ticket = get_object_or_404(_my_tickets(request), pk=pk)
    form = forms.OwnerRateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择满意度（1–5 分）"))
        return redirect("portal_tickets:ticket_detail", ticket.pk)
    try:
        services.visit_record(
            ticket=ticket,
            actor=request.user,
            method="portal",
            satisfaction=form.cleaned_data["satisfaction"],
            owner_feedback=form.cleaned_data["owner_feedback"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("感谢您的评价"))
    return redirect("portal_tickets:ticket_detail", ticket.pk)
