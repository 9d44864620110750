"""Cashier forms. They parse input only; the services decide."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Channel


def new_idempotency_key() -> str:
    """A fresh key per rendered form: submitting the same form twice records once."""
    return f"ui-{uuid.uuid4().hex}"


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("收款金额（元）"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={
            "required": _("请填写收款金额"),
            "invalid": _("请填写正确的金额，如 300.00"),
            "min_value": _("收款金额须大于0"),
            "max_decimal_places": _("金额最多两位小数"),
        },
    )
    channel = forms.ChoiceField(
        label=_("收款方式"),
        choices=Channel.choices,
        error_messages={
            "required": _("请选择收款方式"),
            "invalid_choice": _("请选择有效的收款方式"),
        },
    )
    lines = forms.TypedMultipleChoiceField(
        label=_("收哪些明细"),
        required=False,
        coerce=int,
        help_text=_("不选则从最早的欠费开始冲抵，多余部分转为预收款"),
        error_messages={"invalid_choice": _("所选明细不可收款，请刷新页面后重选")},
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args, line_choices=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = list(line_choices)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_idempotency_key())


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("冲正原因"),
        max_length=200,
        error_messages={"required": _("请填写冲正原因")},
    )


class LateFeeRunForm(forms.Form):
    as_of = forms.DateField(
        label=_("计至日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("请选择计至日期"),
            "invalid": _("日期格式应为 YYYY-MM-DD"),
        },
    )
