"""Token login for staff (username) and owners (mobile), and who-am-I."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django_filters import rest_framework as df
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from anju.accounts.models import User
from anju.core.api import RolePermission, ScopedViewSetMixin
from anju.core.errors import ApplicationError
from anju.core.models import AuditAction, AuditEvent


class TokenLoginSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="员工用户名，或业主手机号")
    password = serializers.CharField(style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    kind = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    kind = serializers.CharField()
    role = serializers.CharField()
    communities = serializers.ListField(child=serializers.IntegerField())


class TokenLoginView(APIView):
    """Exchange credentials for an API token. Failures count toward the lockout."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=TokenLoginSerializer,
        responses={
            200: TokenSerializer,
            401: OpenApiResponse(description="invalid_credentials"),
            429: OpenApiResponse(description="account_locked / rate_limited"),
        },
    )
    def post(self, request):  # type: ignore[no-untyped-def]
        data = TokenLoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(request._request, "axes_locked_out", False):
            # Answer in the API's error shape; the axes middleware would otherwise
            # replace this response with the HTML login page.
            request._request.axes_locked_out = False
            raise ApplicationError(
                "登录失败次数过多，账号已临时锁定，请稍后再试",
                code="account_locked",
                status=429,
            )
        if user is None:
            raise ApplicationError(
                "用户名或密码错误，或账号已被临时锁定",
                code="invalid_credentials",
                status=401,
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key, "kind": user.kind})


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):  # type: ignore[no-untyped-def]
        u = request.user
        return Response(
            {
                "id": u.pk,
                "username": u.username,
                "display_name": u.display_name,
                "kind": u.kind,
                "role": u.role,
                "communities": [] if u.is_owner_account else u.community_ids(),
            }
        )


class StaffUserSerializer(serializers.ModelSerializer):
    communities = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "role",
            "is_active",
            "communities",
            "last_login",
        ]
        read_only_fields = fields


class StaffUserFilter(df.FilterSet):
    community = df.NumberFilter(field_name="communities", label="小区ID")

    class Meta:
        model = User
        fields = ["role", "is_active", "community"]


class StaffUserViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Staff accounts of the user's communities (all of the company for admins)."""

    queryset_model = User
    serializer_class = StaffUserSerializer
    permission_classes = [RolePermission]
    filterset_class = StaffUserFilter
    prefetch_related = ("communities",)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return super().get_queryset().filter(kind="staff").order_by("username")


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "community",
            "changes",
            "reason",
        ]
        read_only_fields = fields


class AuditEventFilter(df.FilterSet):
    action = df.ChoiceFilter(choices=AuditAction.choices)
    community = df.NumberFilter(field_name="community_id", label="小区ID")

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "object_id", "actor", "community"]


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit log (who did what, when), for roles with audit.view.

    Events of the user's communities; events without a community (login lockouts)
    only for superusers, since they may name accounts of other companies.
    """

    queryset_model = AuditEvent
    view_permission = "audit.view"
    serializer_class = AuditEventSerializer
    permission_classes = [RolePermission]
    filterset_class = AuditEventFilter

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return AuditEvent.objects.visible_to(self.request.user)
