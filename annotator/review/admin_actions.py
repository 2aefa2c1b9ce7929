"""Admin bulk actions that go through the review services (same rules, locks and events)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from annotator.lib.errors import DomainError
from annotator.lib.roles import is_moderator
from annotator.review import services


class ReasonActionForm(ActionForm):
    """The changelist's action bar, with a reason for hide and lock."""

    reason = forms.CharField(
        label=gettext_lazy("Reason (hide, lock)"),
        required=False,
        widget=forms.TextInput(attrs={"size": 40}),
    )


def run_for_each(
    modeladmin: admin.ModelAdmin, request: Any, queryset: Any, call: Callable[[Any], Any]
) -> None:
    """Apply `call` to each selected object; report how many succeeded and why others did not."""
    done, refused = 0, []
    for obj in queryset:
        try:
            call(obj)
            done += 1
        except DomainError as exc:
            refused.append(f"#{obj.pk}: {exc.detail}")
    if done:
        modeladmin.message_user(
            request, _("%(count)d object(s) updated.") % {"count": done}, messages.SUCCESS
        )
    for line in refused[:20]:
        modeladmin.message_user(request, line, messages.WARNING)


def _reason(request: Any) -> str:
    return request.POST.get("reason", "").strip()


@admin.action(description=gettext_lazy("Approve as moderator"))
def approve_as_moderator(modeladmin: admin.ModelAdmin, request: Any, queryset: Any) -> None:
    run_for_each(
        modeladmin,
        request,
        queryset,
        lambda a: services.annotation_review(
            actor=request.user,
            annotation_id=a.pk,
            decision="approve",
            comment=_reason(request) or _("Approved by a moderator from the admin."),
        ),
    )


@admin.action(description=gettext_lazy("Hide (reason required)"))
def hide_annotations(modeladmin: admin.ModelAdmin, request: Any, queryset: Any) -> None:
    if not _reason(request):
        modeladmin.message_user(
            request, _("Type a reason in the action bar to hide annotations."), messages.ERROR
        )
        return
    run_for_each(
        modeladmin,
        request,
        queryset,
        lambda a: services.annotation_hide(
            actor=request.user, annotation_id=a.pk, reason=_reason(request)
        ),
    )


@admin.action(description=gettext_lazy("Restore (un-hide)"))
def restore_annotations(modeladmin: admin.ModelAdmin, request: Any, queryset: Any) -> None:
    run_for_each(
        modeladmin,
        request,
        queryset,
        lambda a: services.annotation_restore(actor=request.user, annotation_id=a.pk),
    )


@admin.action(description=gettext_lazy("Lock"))
def lock_annotations(modeladmin: admin.ModelAdmin, request: Any, queryset: Any) -> None:
    run_for_each(
        modeladmin,
        request,
        queryset,
        lambda a: services.annotation_lock(
            actor=request.user, annotation_id=a.pk, reason=_reason(request)
        ),
    )


@admin.action(description=gettext_lazy("Unlock"))
def unlock_annotations(modeladmin: admin.ModelAdmin, request: Any, queryset: Any) -> None:
    run_for_each(
        modeladmin,
        request,
        queryset,
        lambda a: services.annotation_unlock(actor=request.user, annotation_id=a.pk),
    )


class ModeratorAccessMixin:
    """Moderators (not only holders of model permissions) may view these models in the admin."""

    def has_module_permission(self, request: Any) -> bool:
        return is_moderator(request.user) or super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return is_moderator(request.user) or super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
