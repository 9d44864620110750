from django.contrib import admin

from .models import TriageCorrection


@admin.register(TriageCorrection)
class TriageCorrectionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "type",
        "category",
        "urgency",
        "changed",
        "actor",
    )
    list_filter = ("changed", "type", "category", "urgency")
    search_fields = ("text",)
    readonly_fields = [f.name for f in TriageCorrection._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
