"""Service-desk forms: they parse input; the services in services.py decide and write.

Every choice of community, house, person or assignee is limited to what the user may see,
so a crafted POST cannot reach another community.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anju.accounts.choices import AccountKind, Role
from anju.accounts.models import User
from anju.core.validators import normalize_mobile
from anju.estates.models import Community, House, Person

from .choices import (
    MAX_ATTACHMENTS_PER_TICKET,
    Category,
    Channel,
    PauseReason,
    TicketType,
    Urgency,
    VisitMethod,
)

# Standard phrases (话术) from the customer-service courseware, inserted with a click.
PHRASES = [
    (
        _("问候"),
        _("您好，这里是物业服务中心，请问有什么可以帮您？"),
    ),
    (
        _("受理告知时限"),
        _("您反映的问题我已记录，工单已受理，我们会按时限安排处理，并及时告知您进度。"),
    ),
    (
        _("投诉两小时反馈承诺"),
        _("我会立即安排专人处理这个问题，并在两小时内给您反馈。"),
    ),
    (
        _("复述确认"),
        _("我跟您核对一下：您反映的是……，地点在……，您希望……，对吗？"),
    ),
    (
        _("结束语"),
        _("感谢您的来电，如有其他问题请随时联系我们，祝您生活愉快，再见。"),
    ),
]


def _photos_hint() -> str:
    return gettext("JPG/PNG/GIF/WEBP，每张不超过 %(size)s，最多 %(n)d 张") % {
        "size": filesizeformat(settings.ANJU_MAX_PHOTO_BYTES),
        "n": MAX_ATTACHMENTS_PER_TICKET,
    }


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; what they are is decided by the service (by content)."""

    def __init__(self, **kw: Any) -> None:
        kw.setdefault(
            "widget", MultiplePhotoInput(attrs={"accept": "image/*", "multiple": True})
        )
        kw.setdefault("label", _("照片"))
        kw.setdefault("help_text", lazy(_photos_hint, str)())
        super().__init__(**kw)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(_("请选择照片"), code="required")
        cleaned = []
        for file in files:
            cleaned.append(super().clean(file, initial))
        return cleaned


class AttachForm(forms.Form):
    photos = PhotosField(label=_("选择照片"))


class HouseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: House) -> str:
        return f"{obj.community.name} · {obj.number}"


class IntakeForm(forms.Form):
    """A phone call (or counter visit) written down as a ticket."""

    house = HouseChoiceField(
        queryset=House.objects.none(),
        required=False,
        label=_("房屋"),
        widget=forms.HiddenInput,
    )
    community = forms.ModelChoiceField(
        queryset=Community.objects.none(),
        required=False,
        label=_("小区"),
        help_text=_("选了房屋时按房屋所在小区"),
    )
    reporter = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, widget=forms.HiddenInput
    )
    type = forms.ChoiceField(label=_("类型"), choices=TicketType.choices)
    channel = forms.ChoiceField(
        label=_("来源"), choices=Channel.choices, initial=Channel.PHONE
    )
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("内容"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("事情经过：什么问题、从何时开始、影响范围"),
    )
    location = forms.CharField(label=_("发生地点"), max_length=200, required=False)
    occurred_at = forms.DateTimeField(
        label=_("发生时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    expected_solution = forms.CharField(
        label=_("业主期望"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photos = PhotosField(required=False)
    # What 自动识别 proposed ({"text", "type", "category", "urgency"} as JSON), set by
    # the page's script; stored with the ticket as a triage correction.
    triage_proposal = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, community_id: int | None, **kw: Any):
        super().__init__(*args, **kw)
        self.user = user
        self.fields["house"].queryset = House.objects.visible_to(user).select_related(
            "community"
        )
        self.fields["reporter"].queryset = Person.objects.visible_to(user)
        communities = Community.objects.filter(pk__in=user.community_ids()).only(
            "pk", "name"
        )
        self.fields["community"].queryset = communities
        ids = list(user.community_ids())
        default = community_id or (ids[0] if len(ids) == 1 else None)
        if default and not self.is_bound:
            self.fields["community"].initial = default

    def clean_contact_phone(self) -> str:
        return normalize_mobile(self.cleaned_data.get("contact_phone") or "")

    def clean_triage_proposal(self) -> dict[str, str] | None:
        """The proposal if it is well formed, else None (never an error for the agent)."""
        raw = self.cleaned_data.get("triage_proposal") or ""
        try:
            value = json.loads(raw) if raw else None
        except ValueError:
            return None
        if not isinstance(value, dict):
            return None
        keys = ("text", "type", "category", "urgency")
        if not all(isinstance(value.get(k), str) and value.get(k) for k in keys):
            return None
        return {k: value[k][:2000] for k in keys}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        house = data.get("house")
        if house is not None:
            data["community"] = house.community
        elif not data.get("community"):
            self.add_error("community", _("请选择小区或房屋"))
        return data


def assignee_choices(*, community_ids: list[int], company_id: int | None) -> Any:
    """Active staff who work in any of the communities (company admins work in all)."""
    return (
        User.objects.filter(
            is_active=True, kind=AccountKind.STAFF, company_id=company_id
        )
        .filter(Q(communities__in=community_ids) | Q(role=Role.ADMIN))
        .distinct()
        .order_by("role", "username")
    )


class AssigneeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} · {obj.get_role_display()}"


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.TextInput, max_length=500
    )


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class AssignForm(forms.Form):
    assignee = AssigneeField(queryset=User.objects.none(), label=_("责任人"))
    department = forms.CharField(label=_("责任部门"), max_length=50, required=False)
    note = forms.CharField(label=_("备注"), max_length=500, required=False)

    def __init__(self, *args: Any, community_ids: list[int], company_id: Any, **kw):
        super().__init__(*args, **kw)
        self.fields["assignee"].queryset = assignee_choices(
            community_ids=community_ids, company_id=company_id
        )


class PauseForm(forms.Form):
    reason = forms.ChoiceField(label=_("暂停原因"), choices=PauseReason.choices)
    note = forms.CharField(label=_("备注"), max_length=500, required=False)


class RecordForm(forms.Form):
    handling_steps = forms.CharField(
        label=_("处理过程"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    preventive_measures = forms.CharField(
        label=_("跟进/预防措施"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("备注"), max_length=500, required=False)


class UrgencyForm(forms.Form):
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    reason = forms.CharField(label=_("原因"), max_length=200)


class VisitForm(forms.Form):
    method = forms.ChoiceField(
        label=_("方式"),
        choices=[c for c in VisitMethod.choices if c[0] != VisitMethod.PORTAL],
    )
    satisfaction = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
    )
    content = forms.CharField(
        label=_("回访内容"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_feedback = forms.CharField(label=_("业主意见"), required=False)
    problems_found = forms.CharField(label=_("发现问题"), required=False)
    improvement_measures = forms.CharField(label=_("改进措施"), required=False)


class CompensationForm(forms.Form):
    amount = forms.DecimalField(
        label=_("金额(元)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    reason = forms.CharField(label=_("原因"), max_length=200)


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批"),
        coerce=lambda v: v == "1",
        choices=[("1", _("批准")), ("0", _("驳回"))],
    )
    note = forms.CharField(label=_("意见"), max_length=200, required=False)


# --- Owner portal -----------------------------------------------------------------

PORTAL_CATEGORIES = [
    (c.value, c.label)
    for c in (
        Category.PLUMBING,
        Category.ELECTRICAL,
        Category.ELEVATOR,
        Category.FACILITIES,
        Category.NOISE,
        Category.SANITATION,
        Category.SECURITY,
        Category.PARKING,
        Category.GREENING,
        Category.PETS,
        Category.RENOVATION,
        Category.FEES,
        Category.SERVICE,
        Category.NEIGHBOR,
        Category.FIRE_GAS,
        Category.OTHER,
    )
]


class OwnerTicketForm(forms.Form):
    """报事 from the portal: which house, what kind, what happened."""

    house = HouseChoiceField(queryset=House.objects.none(), label=_("房屋"))
    type = forms.ChoiceField(
        label=_("类型"),
        choices=TicketType.choices,
        initial=TicketType.REPAIR,
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(label=_("问题类别"), choices=PORTAL_CATEGORIES)
    description = forms.CharField(
        label=_("问题描述"),
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("请描述问题、位置和开始时间")}
        ),
    )
    location = forms.CharField(label=_("具体位置"), max_length=200, required=False)
    expected_solution = forms.CharField(
        label=_("您的期望"), max_length=500, required=False
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    photos = PhotosField(required=False, label=_("照片（可拍照或从相册选择）"))

    def __init__(self, *args: Any, user: Any, **kw: Any):
        super().__init__(*args, **kw)
        houses = (
            House.objects.visible_to(user)
            .select_related("community")
            .order_by("community__name", "number")
        )
        self.fields["house"].queryset = houses
        if not self.is_bound and len(houses) == 1:
            self.fields["house"].initial = houses[0].pk

    def clean_contact_phone(self) -> str:
        return normalize_mobile(self.cleaned_data.get("contact_phone") or "")

    def clean_triage_proposal(self) -> dict[str, str] | None:
        """The proposal if it is well formed, else None (never an error for the agent)."""
        raw = self.cleaned_data.get("triage_proposal") or ""
        try:
            value = json.loads(raw) if raw else None
        except ValueError:
            return None
        if not isinstance(value, dict):
            return None
        keys = ("text", "type", "category", "urgency")
        if not all(isinstance(value.get(k), str) and value.get(k) for k in keys):
            return None
        return {k: value[k][:2000] for k in keys}


class OwnerRateForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    owner_feedback = forms.CharField(
        label=_("意见建议"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
