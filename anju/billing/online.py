"""Online payment (在线缴费): WeChat Pay API v3 and Alipay adapters, a development
sandbox, and the services that create payment orders and settle verified callbacks.

A provider creates an order for a `PaymentIntent` (what the client then needs: a URL to
send the owner to), verifies a callback and queries an order. A verified "paid"
callback records the payment through `services.payment_record_authorized` with the
provider's transaction id as the idempotency key, in the same transaction that marks
the intent paid: a replayed callback records nothing new and is answered with success
again; a forged, stale or inconsistent one is refused, logged with a stable code, and
changes nothing. No key is kept in the repository: providers read theirs from files
named in the settings (docs/billing.md, "Online payment").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509 import load_pem_x509_certificate
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anju.accounts.choices import AccountKind
from anju.core import audit
from anju.core.errors import (
    ApplicationError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from anju.core.models import AuditAction
from anju.core.money import money
from anju.estates.choices import Occupancy
from anju.estates.models import Company, House

from . import prepay, services
from .choices import (
    Channel,
    FeeKind,
    IntentPurpose,
    IntentStatus,
    LineKind,
    LineStatus,
    PayProvider,
)
from .models import ZERO, BillLine, FeeItem, PaymentIntent

log = logging.getLogger("anju.billing.online")

BEIJING = ZoneInfo("Asia/Shanghai")
FEN = Decimal("100")
MAX_PREPAY_MONTHS = 24
PREPAY_CHOICES = (1, 3, 6, 12)

# A transport sends one HTTP request: (method, url, headers, body) → (status, headers,
# body). Tests pass their own; nothing here opens a connection in the test suite.
Transport = Callable[
    [str, str, Mapping[str, str], bytes], tuple[int, Mapping[str, str], bytes]
]


def urllib_transport(
    method: str, url: str, headers: Mapping[str, str], body: bytes
) -> tuple[int, Mapping[str, str], bytes]:
    request = urllib.request.Request(  # noqa: S310 - https URLs from settings
        url, data=body or None, headers=dict(headers), method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


# --- errors -------------------------------------------------------------------------


class CallbackRejected(ApplicationError):
    """支付回调校验失败。"""

    code = "online_payment_callback_rejected"
    status = 400


class ProviderUnavailable(ApplicationError):
    """支付渠道暂不可用，请稍后再试或到物业服务中心缴费。"""

    code = "online_payment_provider_unavailable"
    status = 503


# --- what providers exchange ------------------------------------------------------------


@dataclass(frozen=True)
class ProviderOrder:
    """A created order: the provider's id for it and what the client needs."""

    provider_order_id: str
    redirect_url: str
    client: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Notification:
    """What a verified callback (or an order query) says about one order."""

    out_trade_no: str
    transaction_id: str
    amount: Decimal
    merchant_id: str
    paid: bool
    closed: bool = False


@dataclass(frozen=True)
class CallbackAnswer:
    """The HTTP answer the provider expects."""

    status: int
    body: bytes
    content_type: str


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _rsa_sign(key: rsa.RSAPrivateKey, message: bytes) -> str:
    return _b64(key.sign(message, padding.PKCS1v15(), hashes.SHA256()))


def _rsa_verify(key: rsa.RSAPublicKey, message: bytes, signature: str) -> bool:
    try:
        key.verify(
            base64.b64decode(signature, validate=True),
            message,
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _read(path: str) -> bytes:
    if not path:
        raise ProviderUnavailable(code="online_payment_not_configured")
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ProviderUnavailable(code="online_payment_not_configured") from exc


def load_private_key(path: str) -> rsa.RSAPrivateKey:
    """A PEM private key (PKCS#8 or PKCS#1), as WeChat and Alipay hand them out."""
    data = _read(path)
    if b"-----BEGIN" not in data:  # Alipay's tool writes the bare base64 body
        data = (
            b"-----BEGIN PRIVATE KEY-----\n"
            + data.strip()
            + b"\n-----END PRIVATE KEY-----\n"
        )
    key = serialization.load_pem_private_key(data, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def load_public_key(path: str) -> rsa.RSAPublicKey:
    """A PEM public key, or the public key of a PEM certificate."""
    data = _read(path)
    if b"BEGIN CERTIFICATE" in data:
        key = load_pem_x509_certificate(data).public_key()
    else:
        if b"-----BEGIN" not in data:
            data = (
                b"-----BEGIN PUBLIC KEY-----\n"
                + data.strip()
                + b"\n-----END PUBLIC KEY-----\n"
            )
        key = serialization.load_pem_public_key(data)
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def _tolerance() -> int:
    return int(getattr(settings, "ANJU_PAY_CALLBACK_TOLERANCE_SECONDS", 300))


def _check_time(moment: datetime | None, now: datetime) -> None:
    if moment is None or abs((now - moment).total_seconds()) > _tolerance():
        raise CallbackRejected(
            "回调时间戳超出允许范围", code="online_payment_stale_timestamp", status=401
        )


def _fen(amount: Decimal) -> int:
    return int(money(amount) * FEN)


# --- the provider interface -------------------------------------------------------------


class Provider:
    """One payment provider. Subclasses implement the three calls and the answers."""

    name: str = ""
    channel: str = Channel.WECHAT

    @property
    def merchant_id(self) -> str:
        raise NotImplementedError

    def create_order(
        self,
        intent: PaymentIntent,
        *,
        subject: str,
        notify_url: str,
        return_url: str,
        client_ip: str,
    ) -> ProviderOrder:
        raise NotImplementedError

    def verify_callback(
        self, *, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> Notification:
        """The callback's content if its signature and time hold; else CallbackRejected."""
        raise NotImplementedError

    def query_order(self, intent: PaymentIntent) -> Notification | None:
        """The provider's view of the order (None when it cannot tell)."""
        raise NotImplementedError

    def success(self) -> CallbackAnswer:
        raise NotImplementedError

    def failure(self, status: int, message: str) -> CallbackAnswer:
        raise NotImplementedError


class RemoteProvider(Provider):
    """A provider behind an HTTPS API: its settings (keys by file path) and transport."""

    settings_name = ""

    def __init__(
        self,
        config: Mapping[str, str] | None = None,
        transport: Transport | None = None,
    ) -> None:
        default = getattr(settings, self.settings_name)
        self.config = dict(config if config is not None else default)
        self.transport = transport or urllib_transport


def _header(headers: Mapping[str, str], name: str) -> str:
    lowered = {k.lower(): v for k, v in headers.items()}
    return str(lowered.get(name.lower(), "")).strip()


class WeChatPayV3(RemoteProvider):
    """WeChat Pay API v3 (H5 orders for the mobile portal).

    Requests are signed with the merchant's private key; callbacks and responses are
    verified with the platform public key: RSA-SHA256 over
    ``timestamp\\nnonce\\nbody\\n``. The callback's resource is AES-256-GCM encrypted
    with the API v3 key (associated data and nonce given in the resource).
    """

    name = PayProvider.WECHAT
    channel = Channel.WECHAT
    AUTH_SCHEMA = "WECHATPAY2-SHA256-RSA2048"
    settings_name = "ANJU_WECHATPAY"

    @property
    def merchant_id(self) -> str:
        return self.config.get("mchid", "")

    @property
    def app_id(self) -> str:
        return self.config.get("appid", "")

    def _api_v3_key(self) -> bytes:
        key = _read(self.config.get("api_v3_key_file", "")).strip()
        if len(key) != 32:
            raise ProviderUnavailable(code="online_payment_not_configured")
        return key

    def _platform_key(self) -> rsa.RSAPublicKey:
        return load_public_key(self.config.get("platform_public_key_file", ""))

    # requests ---------------------------------------------------------------------------

    def authorization(self, method: str, path: str, body: str) -> str:
        """The Authorization header of a request to the API (path with query)."""
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16)
        message = f"{method}\n{path}\n{timestamp}\n{nonce}\n{body}\n".encode()
        signature = _rsa_sign(
            load_private_key(self.config.get("private_key_file", "")), message
        )
        return (
            f'{self.AUTH_SCHEMA} mchid="{self.merchant_id}",nonce_str="{nonce}",'
            f'signature="{signature}",timestamp="{timestamp}",'
            f'serial_no="{self.config.get("merchant_serial", "")}"'
        )

    def _call(self, method: str, path: str, payload: dict | None = None) -> dict:
        body = json.dumps(payload, ensure_ascii=False) if payload is not None else ""
        headers = {
            "Authorization": self.authorization(method, path, body),
            "Accept": "application/json",
            "Content-Type": "application/json",
            "User-Agent": "anju",
        }
        base = self.config.get("base_url") or "https://api.mch.weixin.qq.com"
        try:
            status, answer_headers, answer = self.transport(
                method, base + path, headers, body.encode()
            )
        except OSError as exc:
            log.warning("online_payment_provider_error provider=wechat error=%s", exc)
            raise ProviderUnavailable() from exc
        if status >= 300:
            log.warning(
                "online_payment_provider_error provider=wechat status=%s body=%s",
                status,
                answer[:200],
            )
            raise ProviderUnavailable()
        # Answers are signed like callbacks; an unsigned answer is not the provider's.
        self._verify_signature(answer, answer_headers, check_time=False)
        return json.loads(answer or b"{}")

    def create_order(
        self,
        intent: PaymentIntent,
        *,
        subject: str,
        notify_url: str,
        return_url: str,
        client_ip: str,
    ) -> ProviderOrder:
        payload = {
            "appid": self.app_id,
            "mchid": self.merchant_id,
            "description": subject[:127],
            "out_trade_no": intent.out_trade_no,
            "time_expire": timezone.localtime(intent.expires_at, BEIJING).isoformat(
                timespec="seconds"
            ),
            "notify_url": notify_url,
            "amount": {"total": _fen(intent.amount), "currency": "CNY"},
            "scene_info": {
                "payer_client_ip": client_ip or "127.0.0.1",
                "h5_info": {"type": "Wap"},
            },
        }
        answer = self._call("POST", "/v3/pay/transactions/h5", payload)
        h5_url = answer.get("h5_url", "")
        if not h5_url:
            raise ProviderUnavailable()
        redirect = f"{h5_url}&redirect_url={quote(return_url, safe='')}"
        return ProviderOrder(
            provider_order_id=intent.out_trade_no,
            redirect_url=redirect,
            client={"h5_url": h5_url},
        )

    def query_order(self, intent: PaymentIntent) -> Notification | None:
        path = (
            f"/v3/pay/transactions/out-trade-no/{quote(intent.out_trade_no)}"
            f"?mchid={quote(self.merchant_id)}"
        )
        return self._transaction(self._call("GET", path))

    def _transaction(self, data: Mapping[str, Any]) -> Notification:
        amount = data.get("amount") or {}
        try:
            total = Decimal(int(amount.get("total"))) / FEN
        except (TypeError, ValueError) as exc:
            raise CallbackRejected(
                "金额无效", code="online_payment_amount_mismatch"
            ) from exc
        if (amount.get("currency") or "CNY") != "CNY":
            raise CallbackRejected("币种无效", code="online_payment_amount_mismatch")
        if data.get("appid") != self.app_id:
            raise CallbackRejected(
                "应用号不符", code="online_payment_merchant_mismatch"
            )
        state = data.get("trade_state", "")
        return Notification(
            out_trade_no=str(data.get("out_trade_no", "")),
            transaction_id=str(data.get("transaction_id", "")),
            amount=money(total),
            merchant_id=str(data.get("mchid", "")),
            paid=state == "SUCCESS",
            closed=state in ("CLOSED", "REVOKED", "PAYERROR"),
        )

    # callbacks --------------------------------------------------------------------------

    def _verify_signature(
        self,
        body: bytes,
        headers: Mapping[str, str],
        *,
        check_time: bool = True,
        now: datetime | None = None,
    ) -> None:
        timestamp = _header(headers, "Wechatpay-Timestamp")
        nonce = _header(headers, "Wechatpay-Nonce")
        signature = _header(headers, "Wechatpay-Signature")
        serial = _header(headers, "Wechatpay-Serial")
        if not (timestamp.isdigit() and nonce and signature):
            raise CallbackRejected("缺少签名", code="online_payment_signature_missing")
        expected_serial = self.config.get("platform_serial", "")
        if expected_serial and serial != expected_serial:
            raise CallbackRejected(
                "平台证书序列号不符", code="online_payment_bad_signature", status=401
            )
        if signature.startswith("WECHATPAY/SIGNTEST/"):
            # WeChat probes merchants with deliberately broken signatures.
            raise CallbackRejected(
                "签名探测", code="online_payment_bad_signature", status=401
            )
        message = f"{timestamp}\n{nonce}\n".encode() + body + b"\n"
        if not _rsa_verify(self._platform_key(), message, signature):
            raise CallbackRejected(
                "签名错误", code="online_payment_bad_signature", status=401
            )
        if check_time:
            moment = datetime.fromtimestamp(int(timestamp), tz=BEIJING)
            _check_time(moment, now or timezone.now())

    def decrypt(self, resource: Mapping[str, Any]) -> dict:
        """AEAD_AES_256_GCM: the API v3 key, the resource's nonce and associated data."""
        if resource.get("algorithm") != "AEAD_AES_256_GCM":
            raise CallbackRejected("加密算法无效", code="online_payment_bad_resource")
        try:
            plain = AESGCM(self._api_v3_key()).decrypt(
                str(resource["nonce"]).encode(),
                base64.b64decode(resource["ciphertext"]),
                str(resource.get("associated_data") or "").encode() or None,
            )
            return json.loads(plain)
        except (InvalidTag, KeyError, ValueError, TypeError) as exc:
            raise CallbackRejected(
                "报文解密失败", code="online_payment_bad_resource"
            ) from exc

    def verify_callback(
        self, *, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> Notification:
        self._verify_signature(body, headers, now=now)
        try:
            event = json.loads(body)
            resource = event["resource"]
        except (ValueError, KeyError, TypeError) as exc:
            raise CallbackRejected(
                "报文无效", code="online_payment_bad_resource"
            ) from exc
        return self._transaction(self.decrypt(resource))

    def success(self) -> CallbackAnswer:
        return CallbackAnswer(200, b"", "application/json")

    def failure(self, status: int, message: str) -> CallbackAnswer:
        body = json.dumps({"code": "FAIL", "message": message}, ensure_ascii=False)
        return CallbackAnswer(status, body.encode(), "application/json")


class Alipay(RemoteProvider):
    """Alipay open platform (alipay.trade.wap.pay for the mobile portal).

    RSA2 = SHA256withRSA over the parameters sorted by name and joined as
    ``k=v&k=v`` (empty values and `sign` left out; for callbacks also `sign_type`).
    """

    name = PayProvider.ALIPAY
    channel = Channel.ALIPAY
    PAID = ("TRADE_SUCCESS", "TRADE_FINISHED")
    settings_name = "ANJU_ALIPAY"

    @property
    def merchant_id(self) -> str:
        return self.config.get("app_id", "")

    @property
    def gateway(self) -> str:
        return self.config.get("gateway") or "https://openapi.alipay.com/gateway.do"

    @staticmethod
    def sign_content(params: Mapping[str, str], *, exclude: Sequence[str]) -> bytes:
        pairs = sorted(
            (k, v)
            for k, v in params.items()
            if k not in exclude and v not in ("", None)
        )
        return "&".join(f"{k}={v}" for k, v in pairs).encode()

    def _signed(self, method: str, biz: dict, **extra: str) -> dict[str, str]:
        params = {
            "app_id": self.merchant_id,
            "method": method,
            "format": "JSON",
            "charset": "utf-8",
            "sign_type": "RSA2",
            "timestamp": timezone.localtime(timezone.now(), BEIJING).strftime(
                "%Y-%m-%d %H:%M:%S"
            ),
            "version": "1.0",
            "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":")),
            **extra,
        }
        key = load_private_key(self.config.get("private_key_file", ""))
        params["sign"] = _rsa_sign(key, self.sign_content(params, exclude=("sign",)))
        return params

    def _public_key(self) -> rsa.RSAPublicKey:
        return load_public_key(self.config.get("alipay_public_key_file", ""))

    def create_order(
        self,
        intent: PaymentIntent,
        *,
        subject: str,
        notify_url: str,
        return_url: str,
        client_ip: str,
    ) -> ProviderOrder:
        biz = {
            "out_trade_no": intent.out_trade_no,
            "total_amount": str(money(intent.amount)),
            "subject": subject[:256],
            "product_code": "QUICK_WAP_WAY",
            "time_expire": timezone.localtime(intent.expires_at, BEIJING).strftime(
                "%Y-%m-%d %H:%M:%S"
            ),
        }
        params = self._signed(
            "alipay.trade.wap.pay", biz, notify_url=notify_url, return_url=return_url
        )
        return ProviderOrder(
            provider_order_id=intent.out_trade_no,
            redirect_url=f"{self.gateway}?{urlencode(params)}",
        )

    def query_order(self, intent: PaymentIntent) -> Notification | None:
        params = self._signed(
            "alipay.trade.query", {"out_trade_no": intent.out_trade_no}
        )
        try:
            status, _, answer = self.transport(
                "POST",
                self.gateway,
                {"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
                urlencode(params).encode(),
            )
        except OSError as exc:
            raise ProviderUnavailable() from exc
        text = answer.decode("utf-8", errors="replace")
        key = '"alipay_trade_query_response":'
        start = text.find(key)
        if status >= 300 or start < 0:
            raise ProviderUnavailable()
        start += len(key)
        while text[start] in " \t\r\n":
            start += 1
        data, end = json.JSONDecoder().raw_decode(text, start)
        # The signature covers the response object exactly as sent.
        signature = json.loads(text).get("sign", "")
        if not _rsa_verify(self._public_key(), text[start:end].encode(), signature):
            raise ProviderUnavailable(code="online_payment_bad_signature")
        if data.get("code") != "10000":
            return None  # e.g. ACQ.TRADE_NOT_EXIST: the owner never opened the page
        state = data.get("trade_status", "")
        return Notification(
            out_trade_no=str(data.get("out_trade_no", "")),
            transaction_id=str(data.get("trade_no", "")),
            amount=money(Decimal(data.get("total_amount", "0"))),
            merchant_id=self.merchant_id,
            paid=state in self.PAID,
            closed=state == "TRADE_CLOSED",
        )

    def verify_callback(
        self, *, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> Notification:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CallbackRejected(
                "报文无效", code="online_payment_bad_resource"
            ) from exc
        params = dict(parse_qsl(text, keep_blank_values=True))
        signature = params.get("sign", "")
        if not signature:
            raise CallbackRejected("缺少签名", code="online_payment_signature_missing")
        if params.get("sign_type", "RSA2") != "RSA2":
            raise CallbackRejected(
                "签名类型无效", code="online_payment_bad_signature", status=401
            )
        content = self.sign_content(params, exclude=("sign", "sign_type"))
        if not _rsa_verify(self._public_key(), content, signature):
            raise CallbackRejected(
                "签名错误", code="online_payment_bad_signature", status=401
            )
        try:
            sent = datetime.strptime(
                params.get("notify_time", ""), "%Y-%m-%d %H:%M:%S"
            ).replace(tzinfo=BEIJING)
        except ValueError:
            sent = None
        _check_time(sent, now)
        seller = self.config.get("seller_id", "")
        if seller and params.get("seller_id") != seller:
            raise CallbackRejected(
                "收款账号不符", code="online_payment_merchant_mismatch"
            )
        try:
            amount = money(Decimal(params.get("total_amount", "")))
        except InvalidOperation as exc:
            raise CallbackRejected(
                "金额无效", code="online_payment_amount_mismatch"
            ) from exc
        state = params.get("trade_status", "")
        return Notification(
            out_trade_no=params.get("out_trade_no", ""),
            transaction_id=params.get("trade_no", ""),
            amount=amount,
            merchant_id=params.get("app_id", ""),
            paid=state in self.PAID,
            closed=state == "TRADE_CLOSED",
        )

    def success(self) -> CallbackAnswer:
        return CallbackAnswer(200, b"success", "text/plain")

    def failure(self, status: int, message: str) -> CallbackAnswer:
        return CallbackAnswer(status, b"fail", "text/plain")


class Sandbox(Provider):
    """Development provider (`make run`): its pay page in the portal plays the provider
    and calls back, signed with HMAC-SHA256 under a key derived from SECRET_KEY (so no
    key is stored anywhere). Refused by the production settings."""

    name = PayProvider.SANDBOX
    channel = Channel.WECHAT  # recorded like a WeChat payment; the key says sandbox:
    MERCHANT = "anju-sandbox"

    @property
    def merchant_id(self) -> str:
        return self.MERCHANT

    @staticmethod
    def _key() -> bytes:
        return hmac.new(
            settings.SECRET_KEY.encode(), b"anju.billing.online.sandbox", hashlib.sha256
        ).digest()

    def sign(self, timestamp: str, body: bytes) -> str:
        message = timestamp.encode() + b"\n" + body + b"\n"
        return hmac.new(self._key(), message, hashlib.sha256).hexdigest()

    def create_order(
        self,
        intent: PaymentIntent,
        *,
        subject: str,
        notify_url: str,
        return_url: str,
        client_ip: str,
    ) -> ProviderOrder:
        from django.urls import reverse

        return ProviderOrder(
            provider_order_id=f"SANDBOX-{intent.out_trade_no}",
            redirect_url=reverse("portal_billing:sandbox_pay", args=[intent.pk]),
        )

    def simulate(
        self, intent: PaymentIntent, *, paid: bool = True, now: datetime | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The callback the provider would send: body and signed headers."""
        body = json.dumps(
            {
                "out_trade_no": intent.out_trade_no,
                "transaction_id": f"SBX{secrets.token_hex(10).upper()}",
                "amount": str(money(intent.amount)),
                "merchant_id": self.MERCHANT,
                "trade_state": "SUCCESS" if paid else "CLOSED",
            }
        ).encode()
        timestamp = str(int((now or timezone.now()).timestamp()))
        return body, {
            "X-Sandbox-Timestamp": timestamp,
            "X-Sandbox-Signature": self.sign(timestamp, body),
        }

    def verify_callback(
        self, *, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> Notification:
        timestamp = _header(headers, "X-Sandbox-Timestamp")
        signature = _header(headers, "X-Sandbox-Signature")
        if not (timestamp.isdigit() and signature):
            raise CallbackRejected("缺少签名", code="online_payment_signature_missing")
        if not hmac.compare_digest(self.sign(timestamp, body), signature):
            raise CallbackRejected(
                "签名错误", code="online_payment_bad_signature", status=401
            )
        _check_time(datetime.fromtimestamp(int(timestamp), tz=BEIJING), now)
        try:
            data = json.loads(body)
            return Notification(
                out_trade_no=str(data["out_trade_no"]),
                transaction_id=str(data["transaction_id"]),
                amount=money(Decimal(data["amount"])),
                merchant_id=str(data["merchant_id"]),
                paid=data["trade_state"] == "SUCCESS",
                closed=data["trade_state"] == "CLOSED",
            )
        except (ValueError, KeyError, TypeError, InvalidOperation) as exc:
            raise CallbackRejected(
                "报文无效", code="online_payment_bad_resource"
            ) from exc

    def query_order(self, intent: PaymentIntent) -> Notification | None:
        return None  # the sandbox knows only what its pay page sent

    def success(self) -> CallbackAnswer:
        return CallbackAnswer(200, b'{"code":"SUCCESS"}', "application/json")

    def failure(self, status: int, message: str) -> CallbackAnswer:
        body = json.dumps({"code": "FAIL", "message": message}, ensure_ascii=False)
        return CallbackAnswer(status, body.encode(), "application/json")


PROVIDERS: dict[str, type[Provider]] = {
    PayProvider.WECHAT: WeChatPayV3,
    PayProvider.ALIPAY: Alipay,
    PayProvider.SANDBOX: Sandbox,
}


def enabled_providers() -> list[str]:
    """Providers switched on in the settings (ANJU_PAY_PROVIDERS), in that order."""
    names = getattr(settings, "ANJU_PAY_PROVIDERS", [])
    return [n for n in names if n in PROVIDERS]


def get_provider(name: str) -> Provider:
    if name not in enabled_providers():
        raise ProviderUnavailable(code="online_payment_provider_disabled")
    return PROVIDERS[name]()


# --- services ---------------------------------------------------------------------------


def system_actor(company: Company) -> Any:
    """The account online payments are received by (收款人 "线上支付").

    It cannot log in (inactive, no password, no role): the verified signature is what
    authorises a callback's payment, not a person.
    """
    from anju.accounts.models import User

    user, created = User.objects.get_or_create(
        username=f"online-payment-{company.pk}",
        defaults={
            "kind": AccountKind.STAFF,
            "display_name": "线上支付",
            "company": company,
            "is_active": False,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def payable_lines(house: House) -> list[BillLine]:
    """The house's unpaid and partly paid lines, oldest first."""
    return list(
        BillLine.objects.filter(
            house=house, status__in=[LineStatus.UNPAID, LineStatus.PARTIAL]
        )
        .exclude(kind=LineKind.REVERSAL)
        .select_related("fee_item")
        .order_by("period_start", "id")
    )


@dataclass(frozen=True)
class PrepayQuote:
    monthly: Decimal
    months: int
    amount: Decimal  # what the owner pays: gross less the incentive's discount
    items: tuple[str, ...]
    gross: Decimal = ZERO
    discount: Decimal = ZERO
    incentive: Any = None  # the PrepaymentIncentive applied, if any


def prepay_quote(house: House, months: int, *, on: Any = None) -> PrepayQuote | None:
    """N months of the house's property fee (area-based items), the next unbilled
    months as a run would bill them, less the prepayment incentive in force."""
    monthly = _monthly(house, on)
    if monthly is None:
        return None
    try:
        plan = prepay.prepayment_plan(house, months, on=on)
    except prepay.PrepaymentUnavailable:
        return None
    return PrepayQuote(
        monthly=monthly,
        months=months,
        amount=plan.net,
        items=plan.items,
        gross=plan.gross,
        discount=plan.discount,
        incentive=plan.incentive,
    )


def _monthly(house: House, on: Any = None) -> Decimal | None:
    """One month of the house's property fee at today's price."""
    day = on or timezone.localdate()
    items = list(
        FeeItem.objects.filter(
            community_id=house.community_id, active=True, kind=FeeKind.AREA_BASED
        ).order_by("code")
    )
    if not items or house.occupancy == Occupancy.UNSOLD:
        return None
    book = services.PriceBook(house.community)
    policy = services.policy_for(house.community)
    pct = policy.vacant_discount_percent
    rate = (
        (services.HUNDRED - pct) / services.HUNDRED
        if pct and house.occupancy == Occupancy.VACANT
        else services.ONE
    )
    monthly = ZERO
    names = []
    for item in items:
        price = book.price(item.pk, house.usage, day)
        if price is None:
            continue
        names.append(item.name)
        args = {"unit_price": price, "quantity": house.building_area, "rate": rate}
        monthly += services.line_amount(months=1, days=0, month_days=0, **args)
    if not names:
        return None
    return monthly


def _out_trade_no(now: datetime) -> str:
    """AJ + Beijing time + 12 random hex digits: 28 characters, unique and unguessable."""
    stamp = timezone.localtime(now, BEIJING).strftime("%Y%m%d%H%M%S")
    return f"AJ{stamp}{secrets.token_hex(6).upper()}"


def _authorise(actor: Any, house: House) -> None:
    if getattr(actor, "is_owner_account", False):
        if house.pk not in actor.owned_house_ids():
            raise NotFound("房屋不存在或无权访问", code="house_not_found")
        return
    if house.community_id not in getattr(actor, "community_ids", lambda: [])():
        raise NotFound("房屋不存在或无权访问", code="house_not_found")
    if not actor.has_role_perm("billing.change"):
        raise PermissionDenied("无权执行此操作", code="billing_permission_denied")


def payment_intent_create(
    *,
    actor: Any,
    house: House,
    provider: str,
    line_ids: Sequence[int] | None = None,
    purpose: str = IntentPurpose.BILLS,
    months: int = 0,
    now: datetime | None = None,
) -> PaymentIntent:
    """An online payment order for a house: the chosen unpaid lines (all of them when
    none are chosen), or N months of property fee paid ahead as credit."""
    _authorise(actor, house)
    if provider not in enabled_providers():
        raise ValidationFailed(
            "该支付方式暂未开通",
            code="online_payment_provider_disabled",
            fields={"provider": ["该支付方式暂未开通"]},
        )
    now = now or timezone.now()
    if purpose == IntentPurpose.PREPAY:
        if not 1 <= months <= MAX_PREPAY_MONTHS:
            raise ValidationFailed(
                "预缴月数须在1至24之间", fields={"months": ["须在1至24之间"]}
            )
        quote_ = prepay_quote(house, months)
        if quote_ is None:
            raise ValidationFailed(
                "该房屋暂无物业费单价，不能预缴，请联系物业服务中心",
                code="online_payment_prepay_unavailable",
            )
        amount, chosen, incentive = quote_.amount, [], quote_.incentive
    elif purpose == IntentPurpose.BILLS:
        lines = payable_lines(house)
        if line_ids:
            wanted = set(line_ids)
            lines = [line for line in lines if line.pk in wanted]
            if len(lines) != len(wanted):
                raise ValidationFailed(
                    "所选明细不存在、不属于该房屋或已缴清",
                    code="billing_line_not_payable",
                    fields={"line_ids": ["所选明细不可缴费"]},
                )
        amount = sum((line.outstanding for line in lines), ZERO)
        chosen = [line.pk for line in lines]
        months = 0
        incentive = None
    else:
        raise ValidationFailed("用途无效", fields={"purpose": ["无效"]})
    if amount <= 0:
        raise ValidationFailed("没有待缴费用", code="online_payment_nothing_due")
    minutes = int(getattr(settings, "ANJU_PAY_ORDER_MINUTES", 30))
    with transaction.atomic():
        intent = PaymentIntent.objects.create(
            company_id=house.community.company_id,
            community_id=house.community_id,
            house=house,
            purpose=purpose,
            amount=money(amount),
            line_ids=chosen,
            months=months,
            incentive=incentive,
            provider=provider,
            out_trade_no=_out_trade_no(now),
            created_by=actor,
            created_at=now,
            updated_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=intent,
            changes={
                "amount": [None, str(intent.amount)],
                "provider": [None, provider],
                "lines": [None, chosen],
            },
        )
    return intent


def subject_for(intent: PaymentIntent) -> str:
    """What the owner sees in the payment app: 绿水苑 3-2-1201 物业费."""
    what = "预缴物业费" if intent.purpose == IntentPurpose.PREPAY else "物业费"
    return f"{intent.house.community.name} {intent.house.number} {what}"


def payment_intent_start(
    *, intent: PaymentIntent, notify_base: str, return_url: str, client_ip: str = ""
) -> ProviderOrder:
    """Create the order at the provider; a refusal marks the intent failed."""
    provider = get_provider(intent.provider)
    base = getattr(settings, "ANJU_PAY_NOTIFY_BASE_URL", "") or notify_base
    from django.urls import reverse

    # The sandbox calls back in-process from its pay page; it has no public URL.
    notify_url = (
        ""
        if intent.provider == PayProvider.SANDBOX
        else base.rstrip("/") + reverse(f"billing_callback:{intent.provider}")
    )
    try:
        return provider.create_order(
            intent,
            subject=subject_for(intent),
            notify_url=notify_url,
            return_url=return_url,
            client_ip=client_ip,
        )
    except ApplicationError:
        _set_status(intent, IntentStatus.FAILED, only_from=(IntentStatus.CREATED,))
        raise


def _set_status(
    intent: PaymentIntent, status: str, *, only_from: Sequence[str]
) -> PaymentIntent:
    with transaction.atomic():
        row = PaymentIntent.objects.select_for_update().get(pk=intent.pk)
        if row.status in only_from:
            row.status = status
            row.updated_at = timezone.now()
            row.save(update_fields=["status", "updated_at"])
    intent.refresh_from_db()
    return intent


def _still_payable(intent: PaymentIntent) -> list[int]:
    """The intent's lines nobody has settled meanwhile (a cashier may have)."""
    return list(
        BillLine.objects.filter(
            pk__in=intent.line_ids,
            house_id=intent.house_id,
            status__in=[LineStatus.UNPAID, LineStatus.PARTIAL],
        ).values_list("pk", flat=True)
    )


def _settle(intent: PaymentIntent, note: Notification, provider: Provider) -> str:
    """Record a paid notification for a locked intent; returns what happened."""
    if intent.status == IntentStatus.PAID:
        if intent.provider_txn_id == note.transaction_id:
            return "replay"
        log.error(
            "online_payment_second_trade provider=%s out_trade_no=%s txn=%s first=%s",
            provider.name,
            intent.out_trade_no,
            note.transaction_id,
            intent.provider_txn_id,
        )
        return "second_trade"
    key = f"{provider.name}:{note.transaction_id}"
    actor = system_actor(intent.company)
    # Lines settled by someone else meanwhile are skipped; what they would have taken
    # becomes the house's prepayment credit, never a failed callback for money taken.
    payment = services.payment_record_authorized(
        community=intent.community,
        house=intent.house,
        amount=intent.amount,
        channel=provider.channel,
        idempotency_key=key,
        actor=actor,
        line_ids=_still_payable(intent),
    )
    if intent.purpose == IntentPurpose.PREPAY and not payment.allocations.exists():
        # Bill the prepaid months (with the incentive quoted on the order) and set
        # this payment's credit against them; if impossible, the money stays credit.
        prepay.prepayment_settle_online(
            house=intent.house,
            months=intent.months,
            payment=payment,
            incentive=intent.incentive,
            actor=actor,
        )
    intent.status = IntentStatus.PAID
    intent.payment = payment
    intent.provider_txn_id = note.transaction_id
    intent.paid_at = timezone.now()
    intent.updated_at = intent.paid_at
    intent.save(
        update_fields=["status", "payment", "provider_txn_id", "paid_at", "updated_at"]
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=intent,
        changes={
            "status": [IntentStatus.CREATED, IntentStatus.PAID],
            "payment": [None, payment.pk],
            "transaction_id": [None, note.transaction_id],
        },
    )
    return "paid"


def _apply(provider: Provider, note: Notification) -> str:
    """Apply a verified notification in one transaction; CallbackRejected on mismatch."""
    if note.merchant_id != provider.merchant_id:
        raise CallbackRejected("商户号不符", code="online_payment_merchant_mismatch")
    with transaction.atomic():
        intent = (
            PaymentIntent.objects.select_for_update()
            .select_related("company", "community", "house")
            .filter(out_trade_no=note.out_trade_no, provider=provider.name)
            .first()
        )
        if intent is None:
            raise CallbackRejected("订单不存在", code="online_payment_unknown_order")
        if note.amount != intent.amount:
            raise CallbackRejected("金额不符", code="online_payment_amount_mismatch")
        if note.paid:
            if not note.transaction_id:
                raise CallbackRejected(
                    "缺少支付流水号", code="online_payment_bad_resource"
                )
            return _settle(intent, note, provider)
        if note.closed and intent.status in (
            IntentStatus.CREATED,
            IntentStatus.EXPIRED,
        ):
            intent.status = IntentStatus.FAILED
            intent.updated_at = timezone.now()
            intent.save(update_fields=["status", "updated_at"])
            return "failed"
        return "noted"


def callback_handle(
    *,
    provider_name: str,
    body: bytes,
    headers: Mapping[str, str],
    now: datetime | None = None,
) -> CallbackAnswer:
    """Verify and apply a provider's callback; the answer the provider expects.

    Success (also for a replay of a recorded payment) only after the payment and the
    intent are committed together; any refusal changes nothing and is logged as
    ``online_payment_callback_rejected code=<code>``.
    """
    provider_cls = PROVIDERS.get(provider_name)
    if provider_cls is None or provider_name not in enabled_providers():
        log.warning(
            "online_payment_callback_rejected code=online_payment_provider_disabled"
            " provider=%s",
            provider_name,
        )
        if provider_name == PayProvider.ALIPAY:
            return CallbackAnswer(400, b"fail", "text/plain")
        body = b'{"code":"FAIL","message":"provider disabled"}'
        return CallbackAnswer(400, body, "application/json")
    provider = provider_cls()
    out_trade_no = ""
    try:
        note = provider.verify_callback(
            body=body, headers=headers, now=now or timezone.now()
        )
        out_trade_no = note.out_trade_no
        outcome = _apply(provider, note)
    except ApplicationError as exc:
        # A refusal of the callback is final (400/401); anything else on our side
        # (keys missing, a line locked meanwhile) is a 500, so the provider retries.
        status = exc.status if isinstance(exc, CallbackRejected) else 500
        log.warning(
            "online_payment_callback_rejected code=%s provider=%s out_trade_no=%s",
            exc.code,
            provider_name,
            out_trade_no,
        )
        return provider.failure(status, exc.message)
    log.info(
        "online_payment_callback_accepted provider=%s out_trade_no=%s outcome=%s",
        provider_name,
        out_trade_no,
        outcome,
    )
    return provider.success()


def payment_intent_refresh(
    *,
    intent: PaymentIntent,
    now: datetime | None = None,
    ask_provider: bool = False,
    provider: Provider | None = None,
) -> PaymentIntent:
    """Bring a waiting intent up to date: ask the provider (when told to) whether it
    was paid — a lost callback is then settled the same way — and expire it when its
    time is up."""
    if intent.status != IntentStatus.CREATED:
        return intent
    now = now or timezone.now()
    if ask_provider and intent.provider in enabled_providers():
        provider = provider or get_provider(intent.provider)
        try:
            note = provider.query_order(intent)
        except ApplicationError as exc:
            log.warning(
                "online_payment_query_failed code=%s out_trade_no=%s",
                exc.code,
                intent.out_trade_no,
            )
            note = None
        if note is not None and note.out_trade_no == intent.out_trade_no:
            try:
                _apply(provider, note)
            except CallbackRejected as exc:
                log.warning(
                    "online_payment_query_rejected code=%s out_trade_no=%s",
                    exc.code,
                    intent.out_trade_no,
                )
            intent.refresh_from_db()
    if intent.status == IntentStatus.CREATED and now > intent.expires_at:
        intent = _set_status(
            intent, IntentStatus.EXPIRED, only_from=(IntentStatus.CREATED,)
        )
    return intent
