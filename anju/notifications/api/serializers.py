from rest_framework import serializers

from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(
        source="community.name", default="", read_only=True
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "event",
            "title",
            "body",
            "link",
            "urgent",
            "community",
            "community_name",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields
