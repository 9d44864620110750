"""Admin: templates are edited here; the delivery log is read-only."""

from django.contrib import admin

from .models import Delivery, MessageTemplate, Notification, WechatBinding


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("event", "channel", "community", "subject", "updated_at")
    list_filter = ("event", "channel", "community")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "notification",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    list_filter = ("channel", "status")
    list_select_related = ("notification",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("title", "recipient", "event", "urgent", "created_at", "read_at")
    list_filter = ("event", "urgent")
    list_select_related = ("recipient",)


admin.site.register(WechatBinding)
