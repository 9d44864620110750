"""REST API for tickets. Reads start from `visible_to`; every write calls a service.

Transitions are explicit actions (`POST /api/v1/tickets/{id}/accept/`) with a small input
serializer. Refusals come back in the one error shape; a transition the ticket's status
does not allow is a 409, a ticket out of scope a 404.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anju.core.errors import ValidationFailed
from anju.core.masking import mask_phone
from anju.core.paging import paginator_for
from anju.core.pdf import PDFRenderer, pdf_response

from .. import owner_services, report_pdf, selectors, services
from ..choices import Channel
from ..filters import TicketFilter
from ..forms import assignee_choices
from ..models import Ticket
from ..views import incoming_call_matches
from . import serializers as s

# Action → permission a staff user needs. Owners: read, create and answer the visit.
ACTION_PERMS = {
    "list": "servicedesk.view",
    "retrieve": "servicedesk.view",
    "create": "servicedesk.change",
    "accept": "servicedesk.change",
    "assign": "servicedesk.assign",
    "start": "servicedesk.view",
    "pause": "servicedesk.view",
    "resume": "servicedesk.view",
    "feedback": "servicedesk.change",
    "record": "servicedesk.view",
    "resolve": "servicedesk.view",
    "close": "servicedesk.change",
    "reopen": "servicedesk.change",
    "cancel": "servicedesk.change",
    "escalate": "servicedesk.view",
    "urgency": "servicedesk.change",
    "comment": "servicedesk.view",
    "visit": "servicedesk.change",
    "compensation": "servicedesk.change",
    "attachments": "servicedesk.view",
    "report": "servicedesk.view",
}
OWNER_ACTIONS = {"list", "retrieve", "create", "visit", "attachments"}


class TicketPermission:
    """Staff need the action's permission (403 otherwise); owners the owner actions."""

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        user = request.user
        if not (user and user.is_authenticated):
            return False
        name = getattr(view, "action", None) or ""
        if not name:
            return True  # a method the route does not take: let DRF answer 405
        if user.is_owner_account:
            return name in OWNER_ACTIONS
        perm = ACTION_PERMS.get(name)
        return bool(perm and user.has_role_perm(perm))

    def has_object_permission(self, request, view, obj) -> bool:  # type: ignore[no-untyped-def]
        return True


QUEUE_PARAM = OpenApiParameter(
    "queue",
    str,
    enum=list(selectors.QUEUE_LABELS),
    description="工作台队列："
    + "，".join(f"{k}={v}" for k, v in selectors.QUEUE_LABELS.items()),
)


def _transition(serializer: type, description: str) -> Any:
    return extend_schema(
        request=serializer,
        responses={
            200: s.TicketDetailSerializer,
            400: OpenApiResponse(description="validation_error"),
            403: OpenApiResponse(description="permission_denied / ticket_not_assignee"),
            404: OpenApiResponse(description="not_found"),
            409: OpenApiResponse(description="ticket_invalid_transition"),
        },
        description=description,
    )


@extend_schema_view(
    list=extend_schema(parameters=[QUEUE_PARAM]),
    create=extend_schema(
        request=s.TicketCreateSerializer,
        responses={201: s.TicketSerializer},
        description="登记工单。201 返回新工单（不含时间线；时间线见详情）。",
    ),
)
class TicketViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Tickets (客服工单): list by queue and filters, read with the timeline, create,
    and move through the lifecycle with one action each."""

    queryset_model = Ticket
    permission_classes = [TicketPermission]
    filterset_class = TicketFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        user = self.request.user
        community = self.request.query_params.get("community", "")
        queue = self.request.query_params.get("queue") or selectors.Queue.ALL
        if queue not in selectors.QUEUE_LABELS or self.action != "list":
            queue = selectors.Queue.ALL
        return selectors.ticket_queue(
            user=user,
            queue=queue,
            community_id=int(community) if community.isdigit() else None,
        )

    def paginate_queryset(self, queryset):  # type: ignore[no-untyped-def]
        """The whole history over several communities is paged per community and
        merged (`PartitionedPaginator`); the work queues are small: one query each."""
        user = self.request.user
        community = self.request.query_params.get("community", "")
        queue = self.request.query_params.get("queue") or selectors.Queue.ALL
        ids = (
            []
            if user.is_owner_account
            else [int(community)]
            if community.isdigit()
            else list(user.community_ids())
        )
        self.paginator.django_paginator_class = partial(
            paginator_for,
            community_ids=ids,
            partition=queue == selectors.Queue.ALL,
        )
        return super().paginate_queryset(queryset)

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        if self.action == "list":
            return s.TicketSerializer
        if self.action == "create":
            return s.TicketCreateSerializer
        return s.TicketDetailSerializer

    def _done(self, ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=ticket.pk)
        return Response(s.TicketDetailSerializer(fresh).data, status=code)

    def _input(self, serializer: type) -> dict[str, Any]:
        data = serializer(data=self.request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._input(s.TicketCreateSerializer)
        user = request.user
        if user.is_owner_account:
            ticket = owner_services.ticket_submit_by_owner(
                actor=user,
                house=data.get("house"),
                type=data["type"],
                category=data["category"],
                description=data["description"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                location=data["location"],
                expected_solution=data["expected_solution"],
                urgency=data["urgency"],
            )
        else:
            house = data.get("house")
            community = house.community if house else data.get("community")
            if community is None:
                raise ValidationFailed(
                    "请指定小区或房屋", fields={"community": ["必填"]}
                )
            ticket = services.ticket_create(
                actor=user,
                community=community,
                type=data["type"],
                channel=data.get("channel") or Channel.PHONE,
                category=data["category"],
                urgency=data["urgency"],
                house=house,
                reporter=data.get("reporter"),
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                description=data["description"],
                location=data["location"],
                occurred_at=data.get("occurred_at"),
                expected_solution=data["expected_solution"],
            )
        # The new ticket as created, without re-reading it: its timeline holds only
        # the creation (and a repeat flag); the detail URL serves the full page.
        return Response(
            s.TicketSerializer(ticket).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": f"{request.path}{ticket.pk}/"},
        )

    @_transition(s.NoteSerializer, "受理：客服接单并告知业主处理流程与时限。")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.NoteSerializer)
        t = services.ticket_accept(ticket=ticket, actor=request.user, **d)
        return self._done(t)

    @_transition(s.AssignSerializer, "派单：交给责任部门和责任人。")
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.AssignSerializer)
        assignee = (
            assignee_choices(
                community_ids=[ticket.community_id], company_id=request.user.company_id
            )
            .filter(pk=d["assignee"])
            .first()
        )
        if assignee is None:
            raise ValidationFailed(
                "责任人必须是该小区的在职员工",
                fields={"assignee": ["责任人不在该小区"]},
            )
        t = services.ticket_assign(
            ticket=ticket,
            actor=request.user,
            assignee=assignee,
            department=d["department"],
            note=d["note"],
        )
        return self._done(t)

    @_transition(s.NoteSerializer, "开始处理（到场/首次处理）。")
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.NoteSerializer)
        t = services.ticket_start(ticket=ticket, actor=request.user, **d)
        return self._done(t)

    @_transition(s.PauseSerializer, "暂停计时（等待业主/等待配件）。")
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.PauseSerializer)
        t = services.ticket_pause(ticket=ticket, actor=request.user, **d)
        return self._done(t)

    @_transition(s.NoteSerializer, "恢复计时。")
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.NoteSerializer)
        t = services.ticket_resume(ticket=ticket, actor=request.user, **d)
        return self._done(t)

    @_transition(s.RequiredNoteSerializer, "记录已向业主反馈进度（投诉两小时反馈）。")
    @action(detail=True, methods=["post"])
    def feedback(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.RequiredNoteSerializer)
        t = services.ticket_feedback(ticket=ticket, actor=request.user, **d)
        return self._done(t)

    @_transition(
        s.RecordSerializer, "填写处理记录：处理过程、预防措施、地点、业主期望。"
    )
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.RecordSerializer)
        t = services.ticket_record(ticket=ticket, actor=request.user, **d)
        return self._done(t)

    @_transition(s.ResolveSerializer, "办结：填写处理结果，进入待回访。")
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.ResolveSerializer)
        t = services.ticket_resolve(ticket=ticket, actor=request.user, **d)
        return self._done(t)

    @_transition(s.NoteSerializer, "关闭工单。")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.NoteSerializer)
        t = services.ticket_close(ticket=ticket, actor=request.user, **d)
        return self._done(t)

    @_transition(s.ReasonSerializer, "重新打开（业主不满意或问题复发）。")
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.ReasonSerializer)
        t = services.ticket_reopen(ticket=ticket, actor=request.user, **d)
        return self._done(t)

    @_transition(s.ReasonSerializer, "撤销工单（须填写原因）。")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.ReasonSerializer)
        t = services.ticket_cancel(ticket=ticket, actor=request.user, **d)
        return self._done(t)

    @_transition(s.ReasonSerializer, "上报主管（标记，不改变状态）。")
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.ReasonSerializer)
        t = services.ticket_escalate(ticket=ticket, actor=request.user, **d)
        return self._done(t)

    @_transition(s.UrgencySerializer, "调整紧急程度，并重算各项时限。")
    @action(detail=True, methods=["post"])
    def urgency(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.UrgencySerializer)
        t = services.ticket_change_urgency(ticket=ticket, actor=request.user, **d)
        return self._done(t)

    @_transition(s.RequiredNoteSerializer, "添加备注到时间线。")
    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.RequiredNoteSerializer)
        services.ticket_comment(ticket=ticket, actor=request.user, **d)
        return self._done(ticket)

    @_transition(
        s.VisitSerializer,
        "回访：满意度 1–5；≤2 分重新打开，其余关闭。业主账号即业主端评价。",
    )
    @action(detail=True, methods=["post"])
    def visit(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.VisitSerializer)
        services.visit_record(ticket=ticket, actor=request.user, **d)
        return self._done(ticket)

    @extend_schema(
        request=s.CompensationRequestSerializer,
        responses={201: s.CompensationSerializer},
        description="申请补偿（仅投诉工单），由主管审批。",
    )
    @action(detail=True, methods=["post"])
    def compensation(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        d = self._input(s.CompensationRequestSerializer)
        comp = services.compensation_request(ticket=ticket, actor=request.user, **d)
        return Response(
            s.CompensationSerializer(comp).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            403: OpenApiResponse(description="permission_denied"),
            404: OpenApiResponse(description="not_found"),
            409: OpenApiResponse(description="ticket_report_not_complaint"),
        },
        description="客户投诉处理报告（PDF，联系电话脱敏）；仅投诉工单，打印记入审计日志。",
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, PDFRenderer],
    )
    def report(self, request: Request, pk: str | None = None) -> HttpResponse:
        ticket = self.get_object()
        content = report_pdf.complaint_report_pdf(actor=request.user, ticket=ticket)
        return pdf_response(content, report_pdf.report_filename(ticket))

    @extend_schema(
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={
            201: s.TicketAttachmentSerializer(many=True),
            400: OpenApiResponse(
                description="attachment_missing / attachment_limit_reached / "
                "upload_type_not_allowed / upload_too_large / upload_empty / "
                "upload_image_invalid / upload_image_too_large"
            ),
            403: OpenApiResponse(description="ticket_not_assignee"),
            404: OpenApiResponse(description="not_found"),
            409: OpenApiResponse(description="ticket_invalid_transition"),
        },
        description="上传照片（multipart，字段 photos 可多张）：按内容识别 JPEG/PNG/GIF/"
        "WEBP 并解码校验；一张不合格则全部不保存。业主只能传自己房屋的工单，员工须为"
        "责任人、派单员或客服。",
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
    )
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        added = services.attachments_add(
            actor=request.user, ticket=ticket, files=request.FILES.getlist("photos")
        )
        return Response(
            s.TicketAttachmentSerializer(added, many=True).data,
            status=status.HTTP_201_CREATED,
        )


class IncomingCallView(APIView):
    """来电弹屏: who is calling (by phone), their houses and tickets; phones masked."""

    permission_classes = [TicketPermission]
    action = "list"

    @extend_schema(
        request=s.IncomingCallSerializer,
        responses={200: OpenApiResponse(description="matches")},
    )
    def post(self, request: Request) -> Response:
        if request.user.is_owner_account:
            return Response(
                {
                    "code": "permission_denied",
                    "message": "无权执行此操作",
                    "fields": {},
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        data = s.IncomingCallSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = incoming_call_matches(
            user=request.user, phone=data.validated_data["phone"]
        )
        return Response(
            {
                "phone": mask_phone(found["phone"]),
                "exact": found["exact"],
                "people": [
                    {"id": p.pk, "name": p.name, "phone": mask_phone(p.phone)}
                    for p in found["people"]
                ],
                "houses": [
                    {
                        "id": h["house"].pk,
                        "number": h["house"].number,
                        "community": h["house"].community.name,
                        "residents": [
                            {
                                "name": r.person.name,
                                "relation": r.relation,
                                "phone": mask_phone(r.person.phone),
                            }
                            for r in h["residents"]
                        ],
                        "open_tickets": [_brief(t) for t in h["open_tickets"]],
                        "recent_tickets": [_brief(t) for t in h["recent_tickets"]],
                    }
                    for h in found["houses"]
                ],
            }
        )


def _brief(t: Ticket) -> dict[str, Any]:
    return {
        "id": t.pk,
        "number": t.number,
        "type": t.type,
        "category": t.category,
        "urgency": t.urgency,
        "status": t.status,
        "created_at": t.created_at,
    }
