"""Template filters: personal data is masked in every template through these."""

from django import template

from anju.core.masking import mask_id_number
from anju.core.masking import mask_phone as _mask_phone

register = template.Library()


@register.filter
def mask_phone(value: str) -> str:
    return _mask_phone(value)


@register.filter
def mask_id(value: str) -> str:
    return mask_id_number(value)
