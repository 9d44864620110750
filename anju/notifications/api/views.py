"""The caller's own notifications: list, one, mark read. Staff and owners alike."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import selectors, services
from .serializers import NotificationSerializer


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's own notifications (inbox); another person's is a 404."""

    serializer_class = NotificationSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        unread = self.request.query_params.get("unread") in {"1", "true"}
        return selectors.inbox_for(self.request.user, unread_only=unread)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unread", OpenApiTypes.BOOL, description="只看未读 (1 / true)"
            )
        ]
    )
    def list(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):  # type: ignore[no-untyped-def]
        note = services.notification_mark_read(
            notification=self.get_object(), user=request.user
        )
        return Response(NotificationSerializer(note).data)
