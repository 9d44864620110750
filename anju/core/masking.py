"""Personal-data masking (PIPL, GB/T 35273): the one place that decides what is shown."""

from __future__ import annotations

MASK = "****"


def mask_phone(value: str | None) -> str:
    """138****1234 for an 11-digit mobile; other numbers keep only their last 4 digits."""
    if not value:
        return ""
    v = str(value).strip()
    if len(v) >= 11:
        return f"{v[:3]}{MASK}{v[-4:]}"
    if len(v) > 4:
        return f"{MASK}{v[-4:]}"
    return MASK


def mask_id_number(value: str | None) -> str:
    """110105********002X: region code and last 4 characters stay visible."""
    if not value:
        return ""
    v = str(value).strip()
    if len(v) <= 10:
        return MASK
    return f"{v[:6]}{'*' * (len(v) - 10)}{v[-4:]}"


def is_masked(value: str | None) -> bool:
    return bool(value) and "*" in str(value)


MASKERS = {
    "phone": mask_phone,
    "id_number": mask_id_number,
    "contact_phone": mask_phone,
}
