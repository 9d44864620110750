"""Ticket filters (django-filter), shared by the workbench and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.core.widgets import QuickSelect

from .choices import Category, Status, TicketType, Urgency
from .models import Ticket


class TicketFilter(django_filters.FilterSet):
    """Narrow a queue by type, category, urgency, status, a logging-time range or a
    number/text search."""

    type = django_filters.ChoiceFilter(
        choices=TicketType.choices,
        label=_("类型"),
        empty_label=_("全部类型"),
        widget=QuickSelect,
    )
    category = django_filters.ChoiceFilter(
        choices=Category.choices,
        label=_("类别"),
        empty_label=_("全部类别"),
        widget=QuickSelect,
    )
    urgency = django_filters.ChoiceFilter(
        choices=Urgency.choices,
        label=_("紧急程度"),
        empty_label=_("全部紧急程度"),
        widget=QuickSelect,
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices,
        label=_("状态"),
        empty_label=_("全部状态"),
        widget=QuickSelect,
    )
    created_after = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label=_("登记时间起")
    )
    created_before = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", label=_("登记时间止")
    )
    q = django_filters.CharFilter(
        method="search",
        label=_("工单号/房号"),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("工单号 / 房号"),
                "aria-label": _("工单号或房号"),
                "size": 14,
            }
        ),
    )

    class Meta:
        model = Ticket
        fields = ["type", "category", "urgency", "status"]

    def search(self, qs, name, value):  # type: ignore[no-untyped-def]
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(
            Q(number__startswith=value.upper()) | Q(house__number__startswith=value)
        )
