"""Provider callbacks (支付结果通知): public, CSRF-exempt, verified by signature."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import online
from .choices import PayProvider


def _answer(request: HttpRequest, provider: str) -> HttpResponse:
    answer = online.callback_handle(
        provider_name=provider, body=request.body, headers=request.headers
    )
    response = HttpResponse(
        answer.body, status=answer.status, content_type=answer.content_type
    )
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def wechat(request: HttpRequest) -> HttpResponse:
    """WeChat Pay v3 notification: signed headers, AES-256-GCM encrypted resource."""
    return _answer(request, PayProvider.WECHAT)


@csrf_exempt
@require_POST
def alipay(request: HttpRequest) -> HttpResponse:
    """Alipay asynchronous notification: RSA2-signed form fields."""
    return _answer(request, PayProvider.ALIPAY)
