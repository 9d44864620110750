from rest_framework import serializers

from ..choices import Category, TicketType, Urgency


class TriageRequestSerializer(serializers.Serializer):
    text = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="业主的原话"
    )


class CueSerializer(serializers.Serializer):
    cue = serializers.CharField(help_text="命中的文字或模型特征")
    kind = serializers.CharField(help_text="trapped/fire/smoke/gas/flooding/…/model")
    level = serializers.CharField()
    negated = serializers.CharField(required=False)


class ConfidenceSerializer(serializers.Serializer):
    type = serializers.FloatField()
    category = serializers.FloatField()
    urgency = serializers.FloatField()


class TriageResultSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TicketType.choices)
    category = serializers.ChoiceField(choices=Category.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    confidence = ConfidenceSerializer()
    urgency_source = serializers.ChoiceField(choices=["rule", "model"])
    cues = CueSerializer(many=True)
    ignored_cues = CueSerializer(many=True)


class CodesSerializer(serializers.Serializer):
    type = serializers.CharField()
    category = serializers.CharField()
    urgency = serializers.CharField()


class PredictedCodesSerializer(serializers.Serializer):
    type = serializers.CharField(required=False)
    category = serializers.CharField(required=False)
    urgency = serializers.CharField(required=False)


class CorrectionRequestSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)
    predicted = serializers.DictField(
        child=serializers.CharField(), required=False, default=dict
    )
    corrected = serializers.DictField(child=serializers.CharField())
    ticket_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class CorrectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    ticket_id = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()
    predicted = PredictedCodesSerializer()
    corrected = CodesSerializer()
    changed = serializers.BooleanField()
    model_version = serializers.CharField()
