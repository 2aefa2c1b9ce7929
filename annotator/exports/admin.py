from django.contrib import admin

from annotator.exports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "format",
        "state",
        "requested_by",
        "rows_done",
        "rows_total",
        "size",
        "created",
        "finished_at",
    ]
    list_filter = ["state", "format"]
    list_select_related = ["requested_by"]
    search_fields = ["requested_by__username", "sha256"]
    readonly_fields = [field.name for field in ExportJob._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # jobs are requested from /exports/ or the API, never created by hand
