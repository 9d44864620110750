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


def _amount_list(text: str) -> list[str]:
    """ "900, 900，1800" → ["900", "900", "1800"] (commas, Chinese commas or spaces)."""
    for sep in ("，", "、", ";", "；"):
        text = text.replace(sep, ",")
    return [p for p in text.replace(",", " ").split() if p]


class SplitForm(forms.Form):
    """拆分: equal instalments (or the amounts given) due every few months."""

    line = forms.TypedChoiceField(
        label=_("拆分哪条明细"),
        coerce=int,
        error_messages={
            "required": _("请选择要拆分的明细"),
            "invalid_choice": _("该明细不能拆分，请刷新页面后重选"),
        },
    )
    parts = forms.IntegerField(
        label=_("期数"),
        min_value=2,
        max_value=60,
        required=False,
        error_messages={
            "invalid": _("期数须为整数"),
            "min_value": _("至少拆分为2期"),
            "max_value": _("最多拆分为60期"),
        },
    )
    amounts = forms.CharField(
        label=_("各期金额（可选）"),
        required=False,
        max_length=1000,
        help_text=_("用逗号分隔，合计须等于原金额；留空则按期数平均，尾差计入最后一期"),
    )
    first_due = forms.DateField(
        label=_("首期到期日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空则为原到期日"),
        error_messages={"invalid": _("日期格式应为 YYYY-MM-DD")},
    )
    every_months = forms.IntegerField(
        label=_("每隔几个月一期"),
        min_value=0,
        max_value=12,
        initial=1,
        required=False,
        error_messages={
            "invalid": _("请填写0至12的整数"),
            "min_value": _("请填写0至12的整数"),
            "max_value": _("请填写0至12的整数"),
        },
    )
    reason = forms.CharField(
        label=_("原因"),
        max_length=200,
        error_messages={"required": _("请填写拆分原因")},
    )

    def __init__(self, *args, line_choices=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = list(line_choices)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        amounts = _amount_list(data.get("amounts") or "")
        data["amount_list"] = amounts
        if not amounts and not data.get("parts") and "parts" not in self.errors:
            self.add_error("parts", _("请填写期数或各期金额"))
        return data


class MergeForm(forms.Form):
    merge_lines = forms.TypedMultipleChoiceField(
        label=_("合并哪些明细"),
        coerce=int,
        error_messages={
            "required": _("请至少选择两条明细合并"),
            "invalid_choice": _("所选明细不能合并，请刷新页面后重选"),
        },
    )
    reason = forms.CharField(
        label=_("原因"),
        max_length=200,
        error_messages={"required": _("请填写合并原因")},
    )

    def __init__(self, *args, line_choices=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["merge_lines"].choices = list(line_choices)
