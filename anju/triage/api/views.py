"""Triage API: propose type/category/urgency for a text; record an agent's correction."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from anju.core.errors import PermissionDenied

from ..services import TriageTextRequired, triage_correction_record, triage_text
from .serializers import (
    CorrectionRequestSerializer,
    CorrectionSerializer,
    TriageRequestSerializer,
    TriageResultSerializer,
)


def _text_of(request) -> str:  # type: ignore[no-untyped-def]
    data = request.data if hasattr(request.data, "get") else {}
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise TriageTextRequired("请输入要分类的文字。", fields={"text": ["不能为空"]})
    return text


class TriageView(APIView):
    """Any signed-in user (agent at intake, owner in the portal) may ask for a proposal."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=TriageRequestSerializer, responses=TriageResultSerializer)
    def post(self, request):  # type: ignore[no-untyped-def]
        return Response(triage_text(text=_text_of(request)))


class TriageCorrectionView(APIView):
    """Staff record what they confirmed or changed; owners may not."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CorrectionRequestSerializer, responses={201: CorrectionSerializer}
    )
    def post(self, request):  # type: ignore[no-untyped-def]
        if request.user.is_owner_account:
            raise PermissionDenied("只有工作人员可以记录分类更正。")
        text = _text_of(request)
        data = CorrectionRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = triage_correction_record(
            text=text,
            predicted=data.validated_data.get("predicted") or {},
            corrected=data.validated_data["corrected"],
            actor=request.user,
            ticket_id=data.validated_data.get("ticket_id"),
        )
        body = {
            "id": row.pk,
            "created_at": row.created_at,
            "ticket_id": row.ticket_id,
            "text": row.text,
            "predicted": row.predicted,
            "corrected": row.corrected,
            "changed": row.changed,
            "model_version": row.model_version,
        }
        return Response(CorrectionSerializer(body).data, status=status.HTTP_201_CREATED)
