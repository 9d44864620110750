"""Forms of the dunning pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import (
    TASK_CHANNELS,
    CaseStatus,
    Channel,
    CloseReason,
    DeliveryMethod,
    DisputeKind,
    EvidenceKind,
    Outcome,
    Segment,
    Stage,
)

DATE = forms.DateInput(attrs={"type": "date"})
NOTE = forms.Textarea(attrs={"rows": 3, "data-faq-target": ""})


def _blank(choices: Any, label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


class CaseFilterForm(forms.Form):
    community = forms.TypedChoiceField(
        label=_("小区"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=_blank(CaseStatus.choices, _("全部状态")),
    )
    stage = forms.ChoiceField(
        label=_("阶段"), required=False, choices=_blank(Stage.choices, _("全部阶段"))
    )
    segment = forms.ChoiceField(
        label=_("分群"), required=False, choices=_blank(Segment.choices, _("全部分群"))
    )
    warning = forms.BooleanField(label=_("诉讼时效不足90天"), required=False)
    follow_up = forms.BooleanField(label=_("待跟进"), required=False)
    q = forms.CharField(label=_("房号"), required=False, max_length=60)

    def __init__(self, *args: Any, communities: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("全部小区"))] + [
            (c.pk, c.name) for c in communities
        ]


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("升级到"))
    deadline = forms.DateField(
        label=_("缴费期限"),
        required=False,
        widget=DATE,
        help_text=_("留空：通知书15天，律师函7天"),
    )
    law_firm = forms.CharField(label=_("律师事务所"), required=False, max_length=100)
    lawyer = forms.CharField(label=_("承办律师"), required=False, max_length=50)
    note = forms.CharField(label=_("说明"), required=False, widget=NOTE)

    def __init__(self, *args: Any, stages: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(s, Stage(s).label) for s in stages]


class OutcomeFields(forms.Form):
    outcome = forms.ChoiceField(label=_("联系结果"), choices=_blank(Outcome.choices))
    promised_date = forms.DateField(
        label=_("承诺缴费日期"), required=False, widget=DATE
    )
    promised_amount = forms.DecimalField(
        label=_("承诺金额"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text=_("留空：当前全部欠费"),
    )
    dispute_kind = forms.ChoiceField(
        label=_("异议类型"), required=False, choices=_blank(DisputeKind.choices)
    )
    dispute_reason = forms.CharField(
        label=_("异议内容"), required=False, max_length=500
    )
    note = forms.CharField(label=_("联系记录"), required=False, widget=NOTE)


class ContactForm(OutcomeFields):
    channel = forms.ChoiceField(
        label=_("方式"), choices=[(c.value, c.label) for c in TASK_CHANNELS]
    )
    field_order = ["channel", "outcome"]


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("证据类型"), choices=EvidenceKind.choices)
    document = forms.TypedChoiceField(
        label=_("送达文书"), required=False, coerce=int, empty_value=None
    )
    method = forms.ChoiceField(
        label=_("送达方式"), required=False, choices=_blank(DeliveryMethod.choices)
    )
    delivered_on = forms.DateField(label=_("送达日期"), required=False, widget=DATE)
    receiver = forms.CharField(label=_("签收人"), required=False, max_length=50)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)
    file = forms.FileField(
        label=_("扫描件/照片"),
        required=False,
        help_text=_("送达回执、邮寄凭证、现场照片或通话截图（JPG/PNG/PDF）"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def __init__(self, *args: Any, documents: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [("", "—")] + [
            (d.pk, f"{d.get_kind_display()} {d.number}") for d in documents
        ]


class DisputeForm(forms.Form):
    kind = forms.ChoiceField(label=_("异议类型"), choices=DisputeKind.choices)
    reason = forms.CharField(label=_("异议内容"), max_length=500, widget=NOTE)


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("核实与处理结果"), widget=NOTE)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("结案原因"), choices=CloseReason.choices)
    note = forms.CharField(label=_("结案说明"), required=False, widget=NOTE)


class CampaignForm(forms.Form):
    community = forms.TypedChoiceField(label=_("小区"), coerce=int)
    name = forms.CharField(label=_("活动名称"), max_length=100)
    segment = forms.ChoiceField(label=_("目标分群"), choices=Segment.choices)
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices)
    script = forms.CharField(
        label=_("话术"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "可用占位符：{{ house }} {{ owner }} {{ community }} {{ amount }} "
            "{{ since }} {{ months }} {{ phone }} {{ dispute }}。"
            "不得以停水、停电等方式相威胁（《民法典》第九百四十四条）。"
        ),
    )
    assignees = forms.TypedMultipleChoiceField(
        label=_("执行人（电话/上门）"), required=False, coerce=int
    )

    def __init__(
        self, *args: Any, communities: Any = (), people: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(c.pk, c.name) for c in communities]
        self.fields["assignees"].choices = [(u.pk, str(u)) for u in people]
