"""Admin for review records: events (read-only), replies, flags (the moderators' queue), inboxes."""

from __future__ import annotations

import importlib.util
from typing import Any

from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from annotator.lib.errors import DomainError
from annotator.review import admin_actions, admin_history, services
from annotator.review.models import AnnotationEvent, Flag, Notification, Reply


@admin.register(AnnotationEvent)
class AnnotationEventAdmin(admin_actions.ModeratorAccessMixin, admin.ModelAdmin):
    list_display = ["created", "annotation", "action", "from_state", "to_state", "actor"]
    list_filter = ["action", "to_state", ("actor", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["comment", "actor__username", "annotation__exact"]
    list_select_related = ["annotation", "actor"]
    date_hierarchy = "created"
    readonly_fields = [
        "annotation",
        "actor",
        "action",
        "from_state",
        "to_state",
        "comment",
        "created",
    ]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.action(description=gettext_lazy("Hide (reason required)"))
def hide_replies(modeladmin: admin.ModelAdmin, request: Any, queryset: Any) -> None:
    reason = request.POST.get("reason", "").strip()
    admin_actions.run_for_each(
        modeladmin,
        request,
        queryset,
        lambda r: services.reply_hide(actor=request.user, reply_id=r.pk, reason=reason),
    )


@admin.register(Reply)
class ReplyAdmin(admin_actions.ModeratorAccessMixin, admin.ModelAdmin):
    list_display = ["id", "annotation", "author", "short_body", "is_hidden", "created"]
    list_filter = [("author", admin.RelatedOnlyFieldListFilter), "hidden_at"]
    search_fields = ["body", "author__username"]
    list_select_related = ["annotation", "author"]
    readonly_fields = [
        "annotation", "parent", "author", "body", "body_html", "hidden_at", "hidden_by",
        "hidden_reason", "created",
    ]  # fmt: skip
    actions = [hide_replies]
    action_form = admin_actions.ReasonActionForm

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("message"))
    def short_body(self, obj: Reply) -> str:
        return obj.body if len(obj.body) <= 80 else obj.body[:77] + "..."

    @admin.display(description=gettext_lazy("hidden"), boolean=True)
    def is_hidden(self, obj: Reply) -> bool:
        return obj.hidden_at is not None


def _close_flags(status: str) -> Any:
    def action(modeladmin: admin.ModelAdmin, request: Any, queryset: Any) -> None:
        admin_actions.run_for_each(
            modeladmin,
            request,
            queryset,
            lambda f: services.flag_resolve(actor=request.user, flag_id=f.pk, status=status),
        )

    return action


resolve_flags = admin.action(description=gettext_lazy("Mark resolved"))(_close_flags("resolved"))
resolve_flags.__name__ = "resolve_flags"
dismiss_flags = admin.action(description=gettext_lazy("Dismiss"))(_close_flags("dismissed"))
dismiss_flags.__name__ = "dismiss_flags"


@admin.action(description=gettext_lazy("Hide the flagged annotation or reply and resolve"))
def hide_flagged(modeladmin: admin.ModelAdmin, request: Any, queryset: Any) -> None:
    reason = request.POST.get("reason", "").strip()
    if not reason:
        modeladmin.message_user(request, _("Type a reason in the action bar."), "error")
        return

    def hide(flag: Flag) -> None:
        try:
            if flag.annotation_id:
                services.annotation_hide(
                    actor=request.user, annotation_id=flag.annotation_id, reason=reason
                )
            elif flag.reply_id:
                services.reply_hide(actor=request.user, reply_id=flag.reply_id, reason=reason)
        except DomainError:
            pass  # already hidden by an earlier flag of the same batch: resolve it all the same
        services.flag_resolve(actor=request.user, flag_id=flag.pk, status="resolved")

    admin_actions.run_for_each(modeladmin, request, queryset, hide)


@admin.register(Flag)
class FlagAdmin(admin_actions.ModeratorAccessMixin, admin.ModelAdmin):
    list_display = ["id", "created", "reason", "status", "target", "reporter", "note"]
    list_filter = ["status", "reason", ("reporter", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["note", "reporter__username", "annotation__exact", "reply__body"]
    list_select_related = ["annotation", "reply", "reporter"]
    readonly_fields = [
        "annotation", "reply", "reporter", "reason", "note", "status", "resolved_by",
        "resolved_at", "created",
    ]  # fmt: skip
    actions = [hide_flagged, resolve_flags, dismiss_flags]
    action_form = admin_actions.ReasonActionForm

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("flagged"))
    def target(self, obj: Flag) -> str:
        return str(obj.annotation) if obj.annotation_id else str(obj.reply)


@admin.register(Notification)
class NotificationAdmin(admin_actions.ModeratorAccessMixin, admin.ModelAdmin):
    list_display = ["created", "recipient", "kind", "actor", "annotation", "proposal", "read_at"]
    list_filter = ["kind", ("recipient", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["recipient__username", "text"]
    list_select_related = ["recipient", "actor", "annotation", "proposal"]
    readonly_fields = [
        "recipient", "kind", "actor", "annotation", "proposal", "text", "read_at", "created",
    ]  # fmt: skip

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


if importlib.util.find_spec("proposals.admin") is None:
    admin_history.register(admin.site)
