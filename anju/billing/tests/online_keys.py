"""Test keys and signed callbacks for the online payment providers.

Every key is generated here (RSA 2048, a random API v3 key) and written to the test's
temporary folder; the providers read them from there as they would in production.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

BEIJING = ZoneInfo("Asia/Shanghai")
MCHID = "1900000109"
APPID = "wxd678efh567hg6787"
ALIPAY_APP_ID = "2021000117600001"


@cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """One RSA 2048 key per name for the whole test session (generation is slow)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def sign(key: rsa.RSAPrivateKey, message: bytes) -> str:
    return base64.b64encode(
        key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    ).decode()


@dataclass
class WeChatKeys:
    merchant: rsa.RSAPrivateKey
    platform: rsa.RSAPrivateKey
    api_v3_key: bytes
    config: dict


def wechat_keys(folder: Path) -> WeChatKeys:
    merchant, platform = rsa_key("wechat-merchant"), rsa_key("wechat-platform")
    api_v3_key = secrets.token_hex(16).encode()  # 32 ASCII characters
    (folder / "apiclient_key.pem").write_bytes(private_pem(merchant))
    (folder / "wechatpay_platform.pem").write_bytes(public_pem(platform))
    (folder / "apiv3.key").write_bytes(api_v3_key + b"\n")
    return WeChatKeys(
        merchant=merchant,
        platform=platform,
        api_v3_key=api_v3_key,
        config={
            "mchid": MCHID,
            "appid": APPID,
            "merchant_serial": "5157F09EFDC096DE15EBE81A47057A72",
            "private_key_file": str(folder / "apiclient_key.pem"),
            "platform_public_key_file": str(folder / "wechatpay_platform.pem"),
            "platform_serial": "PUB_KEY_ID_0119000001",
            "api_v3_key_file": str(folder / "apiv3.key"),
            "base_url": "https://api.mch.weixin.qq.com",
        },
    )


def wechat_signed_headers(
    keys: WeChatKeys, body: bytes, *, at: datetime, signer=None
) -> dict:
    timestamp = str(int(at.timestamp()))
    nonce = secrets.token_hex(16)
    message = f"{timestamp}\n{nonce}\n".encode() + body + b"\n"
    return {
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": sign(signer or keys.platform, message),
        "Wechatpay-Serial": keys.config["platform_serial"],
    }


def wechat_callback(
    keys: WeChatKeys,
    *,
    out_trade_no: str,
    total_fen: int,
    at: datetime,
    transaction_id: str = "4200001234202601150123456789",
    trade_state: str = "SUCCESS",
    mchid: str = MCHID,
    signer=None,
) -> tuple[bytes, dict]:
    """A TRANSACTION.SUCCESS notification as WeChat Pay sends it: body and headers."""
    transaction = {
        "mchid": mchid,
        "appid": APPID,
        "out_trade_no": out_trade_no,
        "transaction_id": transaction_id,
        "trade_type": "MWEB",
        "trade_state": trade_state,
        "trade_state_desc": "支付成功",
        "bank_type": "OTHERS",
        "success_time": at.astimezone(BEIJING).isoformat(timespec="seconds"),
        "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
        "amount": {
            "total": total_fen,
            "payer_total": total_fen,
            "currency": "CNY",
            "payer_currency": "CNY",
        },
    }
    nonce = secrets.token_hex(6)  # 12 characters, as WeChat's
    ciphertext = AESGCM(keys.api_v3_key).encrypt(
        nonce.encode(),
        json.dumps(transaction, ensure_ascii=False).encode(),
        b"transaction",
    )
    event = {
        "id": "EV-2018022511223320873",
        "create_time": at.astimezone(BEIJING).isoformat(timespec="seconds"),
        "resource_type": "encrypt-resource",
        "event_type": "TRANSACTION.SUCCESS",
        "summary": "支付成功",
        "resource": {
            "original_type": "transaction",
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": base64.b64encode(ciphertext).decode(),
            "associated_data": "transaction",
            "nonce": nonce,
        },
    }
    body = json.dumps(event, ensure_ascii=False).encode()
    return body, wechat_signed_headers(keys, body, at=at, signer=signer)


@dataclass
class AlipayKeys:
    app: rsa.RSAPrivateKey
    alipay: rsa.RSAPrivateKey
    config: dict


def alipay_keys(folder: Path) -> AlipayKeys:
    app, platform = rsa_key("alipay-app"), rsa_key("alipay-platform")
    (folder / "app_private_key.pem").write_bytes(private_pem(app))
    (folder / "alipay_public_key.pem").write_bytes(public_pem(platform))
    return AlipayKeys(
        app=app,
        alipay=platform,
        config={
            "app_id": ALIPAY_APP_ID,
            "seller_id": "2088102177846880",
            "private_key_file": str(folder / "app_private_key.pem"),
            "alipay_public_key_file": str(folder / "alipay_public_key.pem"),
            "gateway": "https://openapi.alipay.com/gateway.do",
        },
    )


def alipay_content(params: dict, exclude=("sign", "sign_type")) -> bytes:
    pairs = sorted((k, v) for k, v in params.items() if k not in exclude and v != "")
    return "&".join(f"{k}={v}" for k, v in pairs).encode()


def alipay_callback(
    keys: AlipayKeys,
    *,
    out_trade_no: str,
    total_amount: Decimal | str,
    at: datetime,
    trade_no: str = "2026011522001483010501234567",
    trade_status: str = "TRADE_SUCCESS",
    signer=None,
) -> bytes:
    """An asynchronous notification as Alipay posts it (form-encoded, RSA2-signed)."""
    params = {
        "notify_time": at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        "notify_type": "trade_status_sync",
        "notify_id": "ac05099524730693a8b330c5ecf72da9786",
        "charset": "utf-8",
        "version": "1.0",
        "sign_type": "RSA2",
        "app_id": ALIPAY_APP_ID,
        "seller_id": "2088102177846880",
        "trade_no": trade_no,
        "out_trade_no": out_trade_no,
        "trade_status": trade_status,
        "total_amount": str(total_amount),
        "receipt_amount": str(total_amount),
        "subject": "绿水苑 3-2-1201 物业费",
        "gmt_payment": at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        "fund_bill_list": '[{"amount":"300.00","fundChannel":"ALIPAYACCOUNT"}]',
        "buyer_logon_id": "",
    }
    params["sign"] = sign(signer or keys.alipay, alipay_content(params))
    return urlencode(params).encode()
