"""Cashier forms. They parse input only; the services decide."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Channel, DiscountKind, IncentiveKind


def new_idempotency_key() -> str:
    """A fresh key per rendered form: submitting the same form twice records once."""
    return f"ui-{uuid.uuid4().hex}"


def _amount_field(label: Any, *, required: Any, positive: Any) -> forms.DecimalField:
    """An amount in yuan, above zero and to the cent, with errors that name it."""
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={
            "required": required,
            "invalid": _("请填写正确的金额，如 300.00"),
            "min_value": positive,
            "max_decimal_places": _("金额最多两位小数"),
        },
    )


class PaymentForm(forms.Form):
    amount = _amount_field(
        _("收款金额（元）"), required=_("请填写收款金额"), positive=_("收款金额须大于0")
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


class PrepayForm(forms.Form):
    """预缴 at the counter: the next N months of the property fee, less the incentive."""

    months = forms.IntegerField(
        label=_("预缴月数"),
        min_value=1,
        max_value=24,
        initial=12,
        error_messages={
            "required": _("请填写预缴月数"),
            "invalid": _("预缴月数须为整数"),
            "min_value": _("预缴月数须在1至24之间"),
            "max_value": _("预缴月数须在1至24之间"),
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
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_idempotency_key())


class DiscountRequestForm(forms.Form):
    """申请减免: waits for a manager's approval before it reduces the line."""

    line = forms.TypedChoiceField(
        label=_("减免哪条明细"),
        coerce=int,
        error_messages={
            "required": _("请选择要减免的明细"),
            "invalid_choice": _("该明细不能减免，请刷新页面后重选"),
        },
    )
    amount = _amount_field(
        _("减免金额（元）"), required=_("请填写减免金额"), positive=_("减免金额须大于0")
    )
    kind = forms.ChoiceField(label=_("减免类型"), choices=DiscountKind.choices)
    reason = forms.CharField(
        label=_("原因"),
        max_length=200,
        error_messages={"required": _("请填写减免原因")},
    )

    def __init__(self, *args, line_choices=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = list(line_choices)


class RefundRequestForm(forms.Form):
    """申请退款: of a payment's prepayment credit or of a paid deposit; it waits for a
    manager's approval (退款审批) before any money goes back."""

    target = forms.ChoiceField(
        label=_("退哪一笔"),
        error_messages={
            "required": _("请选择要退的预收款或押金"),
            "invalid_choice": _("该笔已不可退款，请刷新页面后重选"),
        },
    )
    amount = _amount_field(
        _("退款金额（元）"), required=_("请填写退款金额"), positive=_("退款金额须大于0")
    )
    channel = forms.ChoiceField(
        label=_("退款方式"),
        choices=Channel.choices,
        help_text=_("现金或银行转账；POS、微信、支付宝只能原路退回"),
        error_messages={"invalid_choice": _("请选择有效的退款方式")},
    )
    reason = forms.CharField(
        label=_("退款原因"),
        max_length=200,
        error_messages={"required": _("请填写退款原因")},
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args, target_choices=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = list(target_choices)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_idempotency_key())


class DecideForm(forms.Form):
    note = forms.CharField(label=_("审批意见"), max_length=200, required=False)


class IncentiveForm(forms.Form):
    name = forms.CharField(
        label=_("名称"),
        max_length=50,
        error_messages={"required": _("请填写名称")},
    )
    min_months = forms.IntegerField(
        label=_("起享月数"),
        min_value=1,
        max_value=24,
        initial=12,
        error_messages={
            "required": _("请填写起享月数"),
            "invalid": _("起享月数须为1至24的整数"),
            "min_value": _("起享月数须为1至24的整数"),
            "max_value": _("起享月数须为1至24的整数"),
        },
    )
    kind = forms.ChoiceField(label=_("优惠方式"), choices=IncentiveKind.choices)
    percent = forms.DecimalField(
        label=_("优惠比例(%)"),
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("按比例优惠时填写，如 5 表示优惠5%（95折）"),
        error_messages={
            "invalid": _("请填写数字"),
            "max_decimal_places": _("最多两位小数"),
        },
    )
    free_months = forms.IntegerField(
        label=_("免收月数"),
        min_value=1,
        required=False,
        help_text=_("免收月数时填写，如 1 表示最后一个月免收"),
        error_messages={
            "invalid": _("请填写整数"),
            "min_value": _("免收月数至少为1"),
        },
    )
    valid_from = forms.DateField(
        label=_("生效日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("请选择生效日期"),
            "invalid": _("日期格式应为 YYYY-MM-DD"),
        },
    )
    valid_to = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空表示长期有效"),
        error_messages={"invalid": _("日期格式应为 YYYY-MM-DD")},
    )


class IncentiveEndForm(forms.Form):
    valid_to = forms.DateField(
        label=_("截止日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("请选择截止日期"),
            "invalid": _("日期格式应为 YYYY-MM-DD"),
        },
    )


class MeterReadingForm(forms.Form):
    """抄表: one reading of a house's (or a common area's) meter."""

    house = forms.CharField(
        label=_("房号"),
        max_length=60,
        required=False,
        help_text=_("如 3-2-1201；公共区域的表计留空"),
    )
    area_name = forms.CharField(label=_("公共区域"), max_length=50, required=False)
    fee_item = forms.TypedChoiceField(
        label=_("收费项目"),
        coerce=int,
        error_messages={
            "required": _("请选择收费项目"),
            "invalid_choice": _("请选择本小区的抄表计费项目"),
        },
    )
    reading = forms.CharField(
        label=_("读数"),
        max_length=20,
        error_messages={"required": _("请填写读数")},
    )
    read_on = forms.DateField(
        label=_("抄表日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("请选择抄表日期"),
            "invalid": _("日期格式应为 YYYY-MM-DD"),
        },
    )

    def __init__(self, *args, item_choices=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["fee_item"].choices = list(item_choices)
