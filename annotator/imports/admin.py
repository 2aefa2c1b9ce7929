from django.contrib import admin

from annotator.imports.models import ImportedAnnotation, ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "format",
        "state",
        "requested_by",
        "dry_run",
        "created_count",
        "skipped_count",
        "failed_count",
        "created",
        "finished_at",
    ]
    list_filter = ["state", "format", "dry_run"]
    list_select_related = ["requested_by"]
    search_fields = ["requested_by__username", "original_name", "sha256"]
    readonly_fields = [field.name for field in ImportJob._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # jobs come from /imports/, the API or the import_annotations command


@admin.register(ImportedAnnotation)
class ImportedAnnotationAdmin(admin.ModelAdmin):
    list_display = ["annotation", "job", "line", "index"]
    list_select_related = ["annotation", "job"]
    readonly_fields = ["annotation", "job", "line", "index", "source"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # written only by an import's final transaction
