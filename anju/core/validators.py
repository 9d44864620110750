"""Validators for Chinese identifiers: mainland mobiles and resident ID numbers (GB 11643)."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def normalize_mobile(value: str) -> str:
    v = re.sub(r"[\s-]", "", str(value or ""))
    if v.startswith("+86"):
        v = v[3:]
    elif v.startswith("0086"):
        v = v[4:]
    return v


def is_mobile(value: str) -> bool:
    return bool(MOBILE_RE.match(normalize_mobile(value)))


def validate_mobile(value: str) -> None:
    if not is_mobile(value):
        raise ValidationError(
            _("手机号码格式不正确（应为 11 位中国大陆手机号）"), code="invalid_mobile"
        )


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def is_id_number(value: str) -> bool:
    v = str(value or "").strip().upper()
    if not ID_RE.match(v):
        return False
    try:
        date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return False
    return id_check_digit(v[:17]) == v[17]


def validate_id_number(value: str) -> None:
    if not is_id_number(value):
        raise ValidationError(
            _("身份证号码无效（GB 11643 校验位不符或格式错误）"),
            code="invalid_id_number",
        )
