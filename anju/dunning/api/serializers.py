"""Dunning serializers. Fields are listed explicitly; stage, status, amounts and the
limitation are read-only (they move only through the services)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import selectors
from ..choices import (
    TASK_CHANNELS,
    DisputeKind,
    Outcome,
    Segment,
    Stage,
)
from ..models import CaseEvent, Contact, DunningCase, DunningDocument, FaqEntry


class LimitationSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="起算日：最早欠费到期日或最近一次中断之日")
    expires = serializers.DateField(help_text="诉讼时效届满日")
    days_left = serializers.IntegerField()
    warning = serializers.BooleanField(help_text="剩余不足90天")
    expired = serializers.BooleanField()
    interrupted = serializers.BooleanField(help_text="是否因送达催缴或起诉/调解中断")
    reason = serializers.CharField()


class CaseSerializer(serializers.ModelSerializer):
    house_number = serializers.CharField(source="house.number", read_only=True)
    owners = serializers.SerializerMethodField()
    owed = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    oldest_due = serializers.DateField(read_only=True, allow_null=True)
    segment = serializers.ChoiceField(choices=Segment.choices, read_only=True)
    limitation = serializers.SerializerMethodField()

    class Meta:
        model = DunningCase
        fields = [
            "id",
            "community",
            "house",
            "house_number",
            "owners",
            "status",
            "stage",
            "segment",
            "owed",
            "oldest_due",
            "limitation",
            "disputed",
            "dispute_kind",
            "dispute_reason",
            "hold_until",
            "needs_follow_up",
            "opened_at",
            "stage_changed_at",
            "closed_at",
            "close_reason",
        ]
        read_only_fields = fields

    def get_owners(self, case: DunningCase) -> list[str]:
        return selectors.owner_names(case.house)

    @extend_schema_field(LimitationSerializer(allow_null=True))
    def get_limitation(self, case: DunningCase) -> dict[str, Any] | None:
        lim = selectors.case_limitation(case, today=self.context["today"])
        if lim is None:
            return None
        return {
            "start": lim.start,
            "expires": lim.expires,
            "days_left": lim.days_left,
            "warning": lim.warning,
            "expired": lim.expired,
            "interrupted": lim.interrupted,
            "reason": lim.reason,
        }


class EventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "kind",
            "from_stage",
            "to_stage",
            "actor",
            "actor_name",
            "at",
            "note",
            "contact",
            "evidence",
            "document",
        ]
        read_only_fields = fields

    def get_actor_name(self, event: CaseEvent) -> str:
        return str(event.actor) if event.actor_id else "系统"


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = DunningDocument
        fields = [
            "id",
            "kind",
            "number",
            "total",
            "total_in_words",
            "deadline",
            "issued_at",
            "law_firm",
            "lawyer",
        ]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer):
    house_number = serializers.CharField(source="house.number", read_only=True)
    campaign_name = serializers.CharField(
        source="campaign.name", read_only=True, default=""
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            "case",
            "house",
            "house_number",
            "campaign",
            "campaign_name",
            "channel",
            "status",
            "stage",
            "assigned_to",
            "script_text",
            "outcome",
            "note",
            "contacted_at",
            "contacted_by",
            "promised_date",
            "promised_amount",
            "promise_status",
            "created_at",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    documents = serializers.SerializerMethodField()
    contacts = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "documents", "contacts", "timeline"]
        read_only_fields = fields

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, case: DunningCase) -> list[dict[str, Any]]:
        rows = DunningDocument.objects.filter(case=case).order_by("issued_at", "id")
        return DocumentSerializer(rows, many=True).data

    @extend_schema_field(ContactSerializer(many=True))
    def get_contacts(self, case: DunningCase) -> list[dict[str, Any]]:
        return ContactSerializer(selectors.case_contacts(case), many=True).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, case: DunningCase) -> list[dict[str, Any]]:
        return EventSerializer(selectors.case_timeline(case), many=True).data


class MoveSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in Stage if s != Stage.REMINDER],
        help_text="notice 出具催缴通知书；lawyer_letter 出具律师函；mediation；lawsuit",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    deadline = serializers.DateField(
        required=False, allow_null=True, help_text="缴费期限；默认通知书15天、律师函7天"
    )
    law_firm = serializers.CharField(required=False, allow_blank=True, max_length=100)
    lawyer = serializers.CharField(required=False, allow_blank=True, max_length=50)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    promised_date = serializers.DateField(
        required=False, allow_null=True, help_text="outcome=promised 时必填"
    )
    promised_amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="默认当前全部欠费",
    )
    dispute_kind = serializers.ChoiceField(
        choices=DisputeKind.choices, required=False, allow_blank=True
    )
    dispute_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500
    )


class ContactLogSerializer(OutcomeSerializer):
    channel = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in TASK_CHANNELS]
    )


class FaqSerializer(serializers.ModelSerializer):
    class Meta:
        model = FaqEntry
        fields = ["id", "question", "answer", "keywords", "source"]
        read_only_fields = fields


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    houses = serializers.IntegerField(help_text="联系户数")
    contacts = serializers.IntegerField(help_text="联系次数")
    promises = serializers.IntegerField(help_text="承诺缴费次数")
    recovered = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="联系后30天内回款（抵扣欠费部分）"
    )


class EffectivenessSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    campaigns = FigureSerializer(many=True)
    stages = FigureSerializer(many=True)
    total = FigureSerializer()
