"""History pages for proposals, ratings and verdicts (django-simple-history) for moderators.

Registered by `annotator.review.admin` only while the proposals app has no admin module of its
own, so that whichever lands in the merged tree owns the registration.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from annotator.lib.history_admin import ReadableHistoryAdmin
from annotator.lib.roles import is_moderator
from proposals.models import FeasibilityRating, Proposal, Verdict


class _ModeratorHistoryAdmin(ReadableHistoryAdmin):
    def has_module_permission(self, request: Any) -> bool:
        return is_moderator(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return is_moderator(request.user) or super().has_view_permission(request, obj)

    def revert_disabled(self, request: Any, obj: Any = None) -> bool:
        return True


class ProposalHistoryAdmin(_ModeratorHistoryAdmin):
    list_display = ["title", "candidacy", "primary_theme", "merged_into", "version", "modified"]
    list_filter = ["candidacy__election", "candidacy__candidate", "primary_theme"]
    search_fields = ["title", "statement", "slug"]
    list_select_related = ["candidacy__candidate", "candidacy__election", "primary_theme"]
    history_list_display = ["title", "version"]


class FeasibilityRatingHistoryAdmin(_ModeratorHistoryAdmin):
    list_display = ["proposal", "rater", "feasibility", "importance", "confidence", "modified"]
    list_filter = ["feasibility", "confidence", ("rater", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["proposal__title", "justification", "rater__username"]
    list_select_related = ["proposal", "rater"]
    history_list_display = ["feasibility", "version"]


class VerdictHistoryAdmin(_ModeratorHistoryAdmin):
    list_display = ["proposal", "feasibility", "published_by", "published_at", "is_current"]
    list_filter = ["feasibility", "is_current"]
    search_fields = ["proposal__title", "summary"]
    list_select_related = ["proposal", "published_by"]
    history_list_display = ["feasibility", "is_current"]


def register(site: admin.AdminSite) -> None:
    for model, model_admin in (
        (Proposal, ProposalHistoryAdmin),
        (FeasibilityRating, FeasibilityRatingHistoryAdmin),
        (Verdict, VerdictHistoryAdmin),
    ):
        if not site.is_registered(model):
            site.register(model, model_admin)
