"""Ticket serializers. Fields are listed explicitly; status, number, clocks and community
are read-only; the contact phone leaves the server masked."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from anju.core.api import CachedFieldsMixin, ScopedPrimaryKeyRelatedField
from anju.core.masking import mask_phone
from anju.estates.models import Community, House, Person

from ..choices import (
    Category,
    Channel,
    PauseReason,
    TicketType,
    Urgency,
    VisitMethod,
)
from ..models import (
    Compensation,
    ReturnVisit,
    Ticket,
    TicketAttachment,
    TicketEvent,
)


class TicketSerializer(CachedFieldsMixin, serializers.ModelSerializer):
    """A ticket as lists show it: number, classification, state, the house, the
    assignee and the due times of its SLA clocks (the contact phone masked)."""

    contact_phone = serializers.SerializerMethodField()
    house_number = serializers.CharField(source="house.number", default="")
    assignee_name = serializers.SerializerMethodField()
    status_label = serializers.CharField(read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "community",
            "type",
            "channel",
            "category",
            "urgency",
            "status",
            "status_label",
            "house",
            "house_number",
            "reporter",
            "contact_name",
            "contact_phone",
            "description",
            "location",
            "occurred_at",
            "expected_solution",
            "assignee",
            "assignee_name",
            "department",
            "escalated",
            "escalation_level",
            "is_repeat",
            "reopen_count",
            "handling_steps",
            "resolution",
            "preventive_measures",
            "cancel_reason",
            "created_at",
            "accepted_at",
            "assigned_at",
            "started_at",
            "resolved_at",
            "closed_at",
            "ack_due_at",
            "onsite_due_at",
            "resolve_due_at",
            "feedback_due_at",
            "feedback_at",
            "visit_due_at",
            "paused_at",
            "pause_reason",
        ]
        read_only_fields = fields

    def get_contact_phone(self, obj: Ticket) -> str:
        return mask_phone(obj.contact_phone)

    def get_assignee_name(self, obj: Ticket) -> str:
        return str(obj.assignee) if obj.assignee_id else ""


class TicketEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = TicketEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_name",
            "kind",
            "from_status",
            "to_status",
            "note",
            "data",
        ]
        read_only_fields = fields

    def get_actor_name(self, obj: TicketEvent) -> str:
        return str(obj.actor) if obj.actor_id else "系统"


class TicketAttachmentSerializer(serializers.ModelSerializer):
    """A photo; `url` and `thumbnail_url` are served only to users who may see the
    ticket (session or token), with the content type sniffed at upload."""

    uploaded_by_name = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = TicketAttachment
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "width",
            "height",
            "created_at",
            "uploaded_by",
            "uploaded_by_name",
            "url",
            "thumbnail_url",
        ]
        read_only_fields = fields

    def get_uploaded_by_name(self, obj: TicketAttachment) -> str:
        return str(obj.uploaded_by)

    def get_url(self, obj: TicketAttachment) -> str:
        return reverse("servicedesk:attachment_file", args=[obj.pk])

    def get_thumbnail_url(self, obj: TicketAttachment) -> str:
        return reverse("servicedesk:attachment_thumb", args=[obj.pk])


class AttachmentUploadSerializer(serializers.Serializer):
    """multipart/form-data: one or more `photos` parts (JPEG, PNG, GIF or WEBP)."""

    photos = serializers.ListField(
        child=serializers.FileField(),
        help_text="照片（可多张，按内容识别类型；每张工单最多 9 张）",
    )


class TicketDetailSerializer(TicketSerializer):
    """A ticket with its timeline and photos."""

    timeline = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "timeline", "attachments"]
        read_only_fields = fields

    @extend_schema_field(TicketAttachmentSerializer(many=True))
    def get_attachments(self, obj: Ticket) -> list[dict[str, Any]]:
        rows = obj.attachments.select_related("uploaded_by").order_by(
            "created_at", "id"
        )
        return TicketAttachmentSerializer(rows, many=True).data  # type: ignore[return-value]

    @extend_schema_field(TicketEventSerializer(many=True))
    def get_timeline(self, obj: Ticket) -> list[dict[str, Any]]:
        events = obj.events.select_related("actor").order_by("created_at", "id")
        return TicketEventSerializer(events, many=True).data  # type: ignore[return-value]


class TicketCreateSerializer(CachedFieldsMixin, serializers.Serializer):
    """Staff give the community (or a house); owners give one of their houses."""

    community = ScopedPrimaryKeyRelatedField(
        queryset=Community.objects.all(), required=False
    )
    house = ScopedPrimaryKeyRelatedField(
        queryset=House.objects.select_related("community"),
        required=False,
        allow_null=True,
    )
    reporter = ScopedPrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True
    )
    type = serializers.ChoiceField(choices=TicketType.choices)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    contact_name = serializers.CharField(max_length=50)
    contact_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    description = serializers.CharField()
    location = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    expected_solution = serializers.CharField(
        required=False, allow_blank=True, default=""
    )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RequiredNoteSerializer(serializers.Serializer):
    note = serializers.CharField()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class AssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(help_text="责任人（员工）id")
    department = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PauseSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=PauseReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RecordSerializer(serializers.Serializer):
    handling_steps = serializers.CharField(required=False, allow_blank=True)
    preventive_measures = serializers.CharField(required=False, allow_blank=True)
    location = serializers.CharField(required=False, allow_blank=True)
    expected_solution = serializers.CharField(required=False, allow_blank=True)


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class UrgencySerializer(serializers.Serializer):
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    reason = serializers.CharField(max_length=200)


class VisitSerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=VisitMethod.choices, required=False, default=VisitMethod.PHONE
    )
    satisfaction = serializers.IntegerField(min_value=1, max_value=5)
    content = serializers.CharField(required=False, allow_blank=True, default="")
    owner_feedback = serializers.CharField(required=False, allow_blank=True, default="")
    problems_found = serializers.CharField(required=False, allow_blank=True, default="")
    improvement_measures = serializers.CharField(
        required=False, allow_blank=True, default=""
    )


class ReturnVisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReturnVisit
        fields = [
            "id",
            "ticket",
            "visitor",
            "visited_at",
            "method",
            "satisfaction",
            "content",
            "owner_feedback",
            "problems_found",
            "improvement_measures",
        ]
        read_only_fields = fields


class CompensationRequestSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    reason = serializers.CharField(max_length=200)


class CompensationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Compensation
        fields = [
            "id",
            "ticket",
            "house",
            "amount",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class IncomingCallSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=20)
