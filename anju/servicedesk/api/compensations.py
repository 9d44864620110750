"""补偿审批 over the API: the compensation queue and the supervisor's decision.

Requesting a compensation stays on the ticket (`POST /tickets/{id}/compensation/`);
here supervisors list what waits for them and approve or reject. Reads need
`servicedesk.view` (owners see their own house's), deciding `servicedesk.approve`;
the service refuses self-approval and a second decision.
"""

from __future__ import annotations

import django_filters as df
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from anju.core.api import RolePermission, ScopedViewSetMixin

from .. import services
from ..choices import CompensationStatus
from ..models import Compensation
from .serializers import CompensationSerializer


class CompensationFilter(df.FilterSet):
    status = df.ChoiceFilter(choices=CompensationStatus.choices, label="状态")
    community = df.NumberFilter(field_name="community_id", label="小区ID")
    ticket = df.NumberFilter(field_name="ticket_id", label="工单ID")

    class Meta:
        model = Compensation
        fields = ["status", "community", "ticket"]


class CompensationDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true 批准，false 驳回")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CompensationPermission(RolePermission):
    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        if getattr(view, "action", None) == "decide":
            user = request.user
            return bool(
                user
                and user.is_authenticated
                and not user.is_owner_account
                and user.has_role_perm("servicedesk.approve")
            )
        return super().has_permission(request, view)


class CompensationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Compensations of the user's communities, newest first; `?status=requested` is
    the approval queue."""

    queryset_model = Compensation
    serializer_class = CompensationSerializer
    permission_classes = [CompensationPermission]
    filterset_class = CompensationFilter

    @extend_schema(
        request=CompensationDecisionSerializer,
        responses={
            200: CompensationSerializer,
            403: OpenApiResponse(description="compensation_self_approval"),
            409: OpenApiResponse(description="compensation_already_decided"),
        },
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Approve or reject (not one's own request; once)."""
        compensation = self.get_object()
        data = CompensationDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            decided = services.compensation_decide(
                compensation=compensation,
                actor=request.user,
                approve=data.validated_data["approve"],
                note=data.validated_data.get("note", ""),
            )
        return Response(CompensationSerializer(decided).data)
