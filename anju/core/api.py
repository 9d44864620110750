"""REST API plumbing: one error shape, capped pagination, scoped viewsets."""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError
from .paging import CappedPaginator


class Pagination(pagination.PageNumberPagination):
    """Page-number pagination; `page_size` may be asked for but never above the cap.

    `count` is exact up to 1,000 (`CappedPaginator`); beyond, it is 1,000 and
    `count_capped` is true (pages up to the cap; narrow by date for older rows), so a
    list over a long history never counts all of it."""

    page_size_query_param = "page_size"
    max_page_size = settings.ANJU_MAX_PAGE_SIZE
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.capped
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        out = super().get_paginated_response_schema(schema)
        out["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "count 达到上限（1000）时为 true；更早的数据请按日期筛选",
        }
        return out


DRF_CODES = {
    exceptions.NotAuthenticated: ("not_authenticated", "未登录或令牌无效"),
    exceptions.AuthenticationFailed: ("authentication_failed", "认证失败"),
    exceptions.PermissionDenied: ("permission_denied", "无权执行此操作"),
    exceptions.NotFound: ("not_found", "对象不存在或无权访问"),
    exceptions.MethodNotAllowed: ("method_not_allowed", "不支持该请求方法"),
    exceptions.NotAcceptable: ("not_acceptable", "不支持请求的格式"),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "不支持的内容类型"),
    exceptions.Throttled: ("rate_limited", "请求过于频繁，请稍后再试"),
    exceptions.ParseError: ("parse_error", "请求内容无法解析"),
}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Map every error to {"code", "message", "fields"} with the right status."""
    if isinstance(exc, ApplicationError):
        return Response(
            error_body(exc.code, exc.message, exc.fields), status=exc.status
        )
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = "；".join(exc.messages) if not fields else "输入有误"
        return Response(error_body("validation_error", message, fields), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        first = _first_message(fields)
        response = Response(
            error_body("validation_error", first or "输入有误", fields),
            status=status.HTTP_400_BAD_REQUEST,
        )
        return response
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code, message = "error", str(getattr(exc, "detail", exc))
    for cls, (c, m) in DRF_CODES.items():
        if isinstance(exc, cls):
            code, message = c, m
            break
    response.data = error_body(code, message)
    return response


def _first_message(fields: Any) -> str:
    if isinstance(fields, dict):
        for key, value in fields.items():
            msg = _first_message(value)
            if msg:
                return msg if key == "non_field_errors" else f"{key}: {msg}"
    if isinstance(fields, list) and fields:
        return _first_message(fields[0])
    if isinstance(fields, str):
        return fields
    return ""


class CachedFieldsMixin:
    """A serializer whose fields are built once per class.

    DRF rebuilds every field from the model on each instantiation (and deep-copies
    declared ones); for a wide model that is most of the cost of serialising one
    object (a created ticket), and for an input serializer the deep copies were a
    quarter of validating one. The prototype is never bound; each serializer gets a
    shallow copy of each field, which `bind` then gives its own name and parent (the
    request reaches a field through that parent, at validation time).
    Only for serializers whose fields are fixed at class definition: not when fields
    are added, removed or configured per instance or per request."""

    def get_fields(self):  # type: ignore[no-untyped-def]
        cls = type(self)
        proto = cls.__dict__.get("_prototype_fields")
        if proto is None:
            proto = super().get_fields()  # type: ignore[misc]
            cls._prototype_fields = proto
        return {name: copy.copy(field) for name, field in proto.items()}


class ScopedViewSetMixin:
    """get_queryset starts from `Model.objects.visible_to(user, "view")`.

    Out-of-scope objects are 404 by construction; whether the user may write is the
    permission class's question (403), asked only about objects the user can see.
    """

    queryset_model: Any = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = self.queryset_model.objects.visible_to(self.request.user, "view")
        community = self.request.query_params.get("community")
        filterset = getattr(self, "filterset_class", None)
        handled = filterset is not None and "community" in filterset.base_filters
        if community and community.isdigit() and not handled:
            qs = qs.in_community(int(community))
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs


class RolePermission:
    """Reads need "<app_label>.view", writes "<app_label>.change" (403 otherwise).

    A viewset may name other codes in `view_permission` / `change_permission`. Owner
    accounts may read models that declare `scope_owner_house` (their own rows, through
    `visible_to`) and never write.
    """

    SAFE = ("GET", "HEAD", "OPTIONS")

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        user = request.user
        if not (user and user.is_authenticated):
            return False
        model = getattr(view, "queryset_model", None)
        safe = request.method in self.SAFE
        if getattr(user, "is_owner_account", False):
            return safe and getattr(model, "scope_owner_house", None) is not None
        if model is None:
            return True
        action = "view" if safe else "change"
        perm = getattr(view, f"{action}_permission", None) or (
            f"{model._meta.app_label}.{action}"
        )
        return bool(user.has_role_perm(perm))

    def has_object_permission(self, request, view, obj) -> bool:  # type: ignore[no-untyped-def]
        return True


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A writable foreign key limited to rows the requesting user can see.

    An unknown id and an id out of the user's scope give the same 400 field error,
    so the answer never confirms that another community's row exists.
    """

    def get_queryset(self):  # type: ignore[no-untyped-def]
        request = self.context.get("request")
        user = getattr(request, "user", None)
        # the declared queryset's select_related/only are kept (e.g. a house with its
        # community, read by the caller next)
        return self.queryset.all().visible_to(user, "view")
