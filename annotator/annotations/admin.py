"""Moderation of annotations in the admin. State changes go through the review services only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from annotator.annotations.models import Annotation
from annotator.lib import policy
from annotator.lib.history_admin import ReadableHistoryAdmin
from annotator.review import admin_actions
from annotator.review.models import AnnotationEvent


class FlaggedFilter(admin.SimpleListFilter):
    title = _("flagged")
    parameter_name = "flagged"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, Any]]:
        return [("open", _("Open flags")), ("any", _("Ever flagged")), ("no", _("Never flagged"))]

    def queryset(self, request: Any, queryset: Any) -> Any:
        if self.value() == "open":
            return queryset.filter(open_flag_count__gt=0)
        if self.value() == "any":
            return queryset.filter(flags__isnull=False).distinct()
        if self.value() == "no":
            return queryset.filter(flags__isnull=True)
        return queryset


class HiddenFilter(admin.SimpleListFilter):
    title = _("hidden")
    parameter_name = "hidden"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Hidden")), ("no", _("Visible"))]

    def queryset(self, request: Any, queryset: Any) -> Any:
        if self.value() == "yes":
            return queryset.filter(hidden_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(hidden_at__isnull=True)
        return queryset


class AnnotationEventInline(admin.TabularInline):
    model = AnnotationEvent
    fields = ("created", "actor", "action", "from_state", "to_state", "comment")
    readonly_fields = ("created", "actor", "action", "from_state", "to_state", "comment")
    extra = 0
    can_delete = False
    ordering = ["created", "id"]
    verbose_name_plural = _("lifecycle events (append-only)")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return True

    def get_queryset(self, request: Any) -> Any:
        return super().get_queryset(request).select_related("actor")


@admin.register(Annotation)
class AnnotationAdmin(admin_actions.ModeratorAccessMixin, ReadableHistoryAdmin):
    list_display = [
        "id",
        "quote",
        "status_badge",
        "author",
        "article",
        "candidates",
        "is_locked",
        "is_hidden",
        "open_flag_count",
        "modified",
    ]
    list_display_links = ["id", "quote"]
    list_filter = [
        "status",
        "is_locked",
        HiddenFilter,
        FlaggedFilter,
        ("author", admin.RelatedOnlyFieldListFilter),
        ("article", admin.RelatedOnlyFieldListFilter),
        ("proposals__candidacy__candidate", admin.RelatedOnlyFieldListFilter),
        ("proposals__candidacy__election", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["exact", "comment", "author__username", "article__title", "proposals__title"]
    actions = [
        admin_actions.approve_as_moderator,
        admin_actions.hide_annotations,
        admin_actions.restore_annotations,
        admin_actions.lock_annotations,
        admin_actions.unlock_annotations,
    ]
    action_form = admin_actions.ReasonActionForm
    inlines = [AnnotationEventInline]
    list_per_page = 50
    date_hierarchy = "created"
    # Every field is read-only here: states change through the actions (the review services).
    readonly_fields = [
        "article", "revision", "author", "exact", "prefix", "suffix", "start", "end", "comment",
        "tags", "status", "status_before_orphan", "is_locked", "hidden_at", "hidden_by",
        "hidden_reason", "deleted_at", "version", "created", "modified", "linked_proposals",
    ]  # fmt: skip
    exclude = ["proposals"]
    history_list_display = ["status", "is_locked", "hidden_at"]

    def get_queryset(self, request: Any) -> Any:
        """What `policy` lets this moderator see: hidden and deleted annotations included (they
        restore them here), other people's drafts never."""
        return (
            super()
            .get_queryset(request)
            .filter(policy.annotation_visible_q(request.user, include_moderated=True))
            .select_related("author", "article")
            .prefetch_related("proposals__candidacy__candidate")
            .annotate(open_flag_count=Count("flags", filter=Q(flags__status="open"), distinct=True))
        )

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        """View-only pages: nobody edits an annotation's fields behind the workflow's back."""
        return False

    def revert_disabled(self, request: Any, obj: Any = None) -> bool:
        """Reverting would change a state without its event: history is read-only here."""
        return True

    @admin.display(description=_("quote"))
    def quote(self, obj: Annotation) -> str:
        return format_html('<span class="admin-quote">{}</span>', str(obj))

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Annotation) -> str:
        return format_html(
            '<span class="badge status-{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description=_("candidates"))
    def candidates(self, obj: Annotation) -> str:
        names = sorted({str(p.candidacy.candidate) for p in obj.proposals.all()})
        return ", ".join(names) or "—"

    @admin.display(description=_("hidden"), boolean=True)
    def is_hidden(self, obj: Annotation) -> bool:
        return obj.hidden_at is not None

    @admin.display(description=_("open flags"), ordering="open_flag_count")
    def open_flag_count(self, obj: Annotation) -> int:
        return obj.open_flag_count  # type: ignore[attr-defined]

    @admin.display(description=_("linked proposals"))
    def linked_proposals(self, obj: Annotation) -> str:
        return "; ".join(f"{p.candidacy.candidate} — {p.title}" for p in obj.proposals.all()) or "—"
