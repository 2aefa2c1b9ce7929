from __future__ import annotations

from django.contrib import admin

from annotator.annotations.models import Annotation


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    """Read-mostly view for moderators; lifecycle changes go through the services and the API."""

    list_display = ["__str__", "article", "author", "status", "is_locked", "created"]
    list_filter = ["status", "is_locked"]
    search_fields = ["exact", "comment", "author__username"]
    raw_id_fields = ["article", "revision", "author", "hidden_by", "modified_by"]
    readonly_fields = ["exact", "prefix", "suffix", "start", "end", "revision", "version"]
