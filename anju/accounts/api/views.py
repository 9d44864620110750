"""Token login for staff (username) and owners (mobile), and who-am-I."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from anju.core.errors import ApplicationError


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

    @extend_schema(request=TokenLoginSerializer, responses=TokenSerializer)
    def post(self, request):  # type: ignore[no-untyped-def]
        data = TokenLoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
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
