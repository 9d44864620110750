"""REST API of dunning (催缴): cases with their limitation and timeline, stage moves,
contacts and task outcomes, the fee FAQ, and the effectiveness figures.

Reads start from `visible_to` (another community's case is a 404); every write calls a
service. Refusals come back in the one error shape: a move the stage does not allow or
a notice not yet delivered is a 409, bad input a 400, a read-only role a 403.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import django_filters as df
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anju.core.api import RolePermission, ScopedViewSetMixin
from anju.core.errors import ValidationFailed

from .. import figures, selectors, services
from ..choices import CaseStatus, Channel, ContactStatus, Segment, Stage
from ..models import Contact, DunningCase, FaqEntry
from . import serializers as s

CASE_PARAMS = [
    OpenApiParameter("community", int, description="小区ID"),
    OpenApiParameter("status", str, enum=CaseStatus.values, description="案件状态"),
    OpenApiParameter("stage", str, enum=Stage.values, description="催缴阶段"),
    OpenApiParameter("segment", str, enum=Segment.values, description="分群"),
    OpenApiParameter(
        "warning", bool, description="true：诉讼时效剩余不足90天（含已届满）"
    ),
    OpenApiParameter("follow_up", bool, description="true：承诺未兑现、待跟进"),
    OpenApiParameter("q", str, description="房屋编号前缀"),
]
ERRORS = {
    400: OpenApiResponse(description="validation_error"),
    403: OpenApiResponse(description="dunning_permission_denied"),
    404: OpenApiResponse(description="not_found"),
}


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes", "on")


class CasePermission(RolePermission):
    """Reads need dunning.view; moves and logged contacts dunning.change."""

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        user = request.user
        if not (user and user.is_authenticated) or user.is_owner_account:
            return False
        if getattr(view, "action", None) in ("move", "contacts"):
            return bool(user.has_role_perm("dunning.change"))
        return bool(user.has_role_perm("dunning.view"))


@extend_schema_view(list=extend_schema(parameters=CASE_PARAMS))
class CaseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """催缴案件: what each house owes, its stage, segment and limitation period; the
    detail adds its documents, contacts and timeline."""

    queryset_model = DunningCase
    permission_classes = [CasePermission]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        p = self.request.query_params
        today = selectors.today_local()
        if self.action != "list":
            return selectors.with_arrears(
                DunningCase.objects.visible_to(self.request.user), today=today
            ).select_related("house", "community")
        community = p.get("community", "")
        return selectors.case_list(
            user=self.request.user,
            community_id=int(community) if community.isdigit() else None,
            status=p.get("status", ""),
            stage=p.get("stage", "") if p.get("stage") in Stage.values else "",
            segment=p.get("segment", "") if p.get("segment") in Segment.values else "",
            warning=_flag(p.get("warning")),
            follow_up=_flag(p.get("follow_up")),
            q=p.get("q", ""),
            today=today,
        )

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        return s.CaseSerializer if self.action == "list" else s.CaseDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": selectors.today_local()}

    def _detail(self, case: DunningCase, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=case.pk)
        return Response(
            s.CaseDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(
        request=s.MoveSerializer,
        responses={
            200: s.CaseDetailSerializer,
            **ERRORS,
            409: OpenApiResponse(
                description="dunning_invalid_transition / dunning_notice_not_delivered"
                " / dunning_case_disputed / dunning_nothing_owed / dunning_case_closed"
            ),
        },
        description="升级催缴阶段：notice 出具催缴通知书，lawyer_letter 出具律师函（须填律所"
        "和律师），mediation 调解，lawsuit 诉讼。律师函、调解、诉讼须先送达催缴通知书。",
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        data = s.MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        services.case_move(
            case=case,
            to_stage=d["to_stage"],
            actor=request.user,
            note=d.get("note", ""),
            deadline=d.get("deadline"),
            law_firm=d.get("law_firm", ""),
            lawyer=d.get("lawyer", ""),
        )
        return self._detail(case)

    @extend_schema(
        request=s.ContactLogSerializer,
        responses={201: s.ContactSerializer, **ERRORS},
        description="记录一次电话或上门联系及结果（承诺缴费须填日期；提出异议须填类型和内容）。",
    )
    @action(detail=True, methods=["post"])
    def contacts(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        data = s.ContactLogSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        contact = services.contact_log(
            case=case,
            actor=request.user,
            channel=d["channel"],
            outcome=d["outcome"],
            note=d.get("note", ""),
            promised_date=d.get("promised_date"),
            promised_amount=d.get("promised_amount"),
            dispute_kind=d.get("dispute_kind", ""),
            dispute_reason=d.get("dispute_reason", ""),
        )
        return Response(s.ContactSerializer(contact).data, status=201)


class ContactFilter(df.FilterSet):
    community = df.NumberFilter(field_name="community_id", label="小区ID")
    case = df.NumberFilter(field_name="case_id", label="案件ID")
    campaign = df.NumberFilter(field_name="campaign_id", label="活动ID")
    status = df.ChoiceFilter(choices=ContactStatus.choices, label="状态")
    channel = df.ChoiceFilter(choices=Channel.choices, label="渠道")
    mine = df.BooleanFilter(method="filter_mine", label="只看分配给我的")

    class Meta:
        model = Contact
        fields = ["community", "case", "campaign", "status", "channel", "mine"]

    def filter_mine(self, qs, name, value):  # type: ignore[no-untyped-def]
        return qs.filter(assigned_to=self.request.user) if value else qs


class ContactPermission(RolePermission):
    """Reads need dunning.view; a task's outcome too (the service checks that the
    user is its assignee or may change cases)."""

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        user = request.user
        if not (user and user.is_authenticated) or user.is_owner_account:
            return False
        return bool(user.has_role_perm("dunning.view"))


class ContactViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """催缴联系: campaign messages, phone/visit tasks and logged calls, newest first;
    `?mine=true&status=pending` is one's own task list."""

    queryset_model = Contact
    serializer_class = s.ContactSerializer
    permission_classes = [ContactPermission]
    filterset_class = ContactFilter
    select_related = ("house", "campaign")

    @extend_schema(
        request=s.OutcomeSerializer,
        responses={
            200: s.ContactSerializer,
            **ERRORS,
            409: OpenApiResponse(description="dunning_contact_not_pending"),
        },
        description="记录电话/上门任务的结果：任务执行人或有 dunning.change 的员工。"
        "403 dunning_not_assignee：不是执行人。",
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str | None = None) -> Response:
        contact = self.get_object()
        data = s.OutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        done = services.contact_record(
            contact=contact,
            actor=request.user,
            outcome=d["outcome"],
            note=d.get("note", ""),
            promised_date=d.get("promised_date"),
            promised_amount=d.get("promised_amount"),
            dispute_kind=d.get("dispute_kind", ""),
            dispute_reason=d.get("dispute_reason", ""),
        )
        return Response(s.ContactSerializer(done).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("q", str, description="关键词，空格分隔")]
    )
)
class FaqViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """收费常见问题: the standard answers, each with its source."""

    queryset_model = FaqEntry
    serializer_class = s.FaqSerializer
    permission_classes = [ContactPermission]
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.faq_search(
            user=self.request.user, q=self.request.query_params.get("q", "")[:50]
        )


class EffectivenessView(APIView):
    """催缴成效 for the finance report: per campaign and per stage, the houses
    contacted, promises to pay, and what they paid within 30 days of a contact."""

    permission_classes = [ContactPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="联系日期起（默认30天前）"
            ),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, description="联系日期止（默认今天）"
            ),
            OpenApiParameter("community", int, description="小区ID"),
        ],
        responses={200: s.EffectivenessSerializer, 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        today = selectors.today_local()
        p = request.query_params
        try:
            start = date.fromisoformat(p["from"]) if p.get("from") else None
            end = date.fromisoformat(p["to"]) if p.get("to") else None
        except ValueError as exc:
            raise ValidationFailed(
                "日期格式应为 YYYY-MM-DD", fields={"from": ["YYYY-MM-DD"]}
            ) from exc
        end = end or today
        start = start or end - timedelta(days=30)
        if end < start or (end - start).days > 366:
            raise ValidationFailed(
                "日期范围须在一年以内且起不晚于止", fields={"to": ["日期范围无效"]}
            )
        community = p.get("community", "")
        report = figures.effectiveness(
            user=request.user,
            date_from=start,
            date_to=end,
            community_id=int(community) if community.isdigit() else None,
        )
        return Response(s.EffectivenessSerializer(report).data)
