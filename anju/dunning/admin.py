"""Read-mostly admin: cases and their records are changed through the services only;
the fee FAQ may be edited (a company's own answers)."""

from django.contrib import admin

from .models import Campaign, CaseEvent, Contact, DunningCase, FaqEntry


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(DunningCase)
class DunningCaseAdmin(ReadOnly):
    list_display = ("house", "community", "status", "stage", "disputed", "opened_at")
    list_filter = ("status", "stage", "disputed")


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnly):
    list_display = ("case", "kind", "from_stage", "to_stage", "actor", "at")


@admin.register(Contact)
class ContactAdmin(ReadOnly):
    list_display = (
        "house",
        "channel",
        "status",
        "outcome",
        "assigned_to",
        "created_at",
    )
    list_filter = ("channel", "status", "outcome")


@admin.register(Campaign)
class CampaignAdmin(ReadOnly):
    list_display = ("name", "community", "segment", "channel", "status", "created_at")


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ("question", "company", "source", "position", "active")
    list_filter = ("active",)
    search_fields = ("question", "answer", "keywords")
