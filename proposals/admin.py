"""Admin for moderators: proposals, ratings and verdicts with their history (simple_history)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from proposals.models import (
    Candidacy,
    Candidate,
    Election,
    FeasibilityRating,
    Party,
    Proposal,
    ProposalMerge,
    Theme,
    Verdict,
)


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["name", "date", "kind", "key"]
    list_filter = ["kind"]
    search_fields = ["name", "key"]


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "key"]
    search_fields = ["name", "short_name"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "key"]
    search_fields = ["last_name", "first_name"]


@admin.register(Candidacy)
class CandidacyAdmin(admin.ModelAdmin):
    list_display = ["candidate", "election", "party", "key"]
    list_filter = ["election"]
    list_select_related = ["candidate", "election", "party"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "label_fr", "label_en", "manifesto_code", "position"]
    search_fields = ["code", "label_fr", "label_en"]


class RatingInline(admin.TabularInline):
    model = FeasibilityRating
    extra = 0
    fields = ["rater", "feasibility", "importance", "confidence", "version", "modified"]
    readonly_fields = ["rater", "feasibility", "importance", "confidence", "version", "modified"]
    can_delete = False
    show_change_link = True


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "candidacy", "primary_theme", "merged_into", "version", "modified"]
    list_filter = ["candidacy__election", "candidacy__candidate", "primary_theme"]
    list_select_related = [
        "candidacy__candidate",
        "candidacy__election",
        "candidacy__party",
        "primary_theme",
        "merged_into",
    ]
    search_fields = ["title", "statement", "slug"]
    raw_id_fields = ["merged_into", "created_by"]
    filter_horizontal = ["secondary_themes"]
    readonly_fields = ["version", "created", "modified"]
    inlines = [RatingInline]


@admin.register(FeasibilityRating)
class FeasibilityRatingAdmin(SimpleHistoryAdmin):
    list_display = [
        "proposal",
        "rater",
        "feasibility",
        "importance",
        "confidence",
        "version",
        "modified",
    ]
    list_filter = ["feasibility", "importance", "confidence", "proposal__candidacy__election"]
    list_select_related = ["proposal", "rater"]
    search_fields = ["proposal__title", "rater__username", "justification"]
    raw_id_fields = ["proposal", "rater"]
    readonly_fields = ["version", "created", "modified"]


@admin.register(Verdict)
class VerdictAdmin(SimpleHistoryAdmin):
    list_display = [
        "proposal",
        "feasibility",
        "proposed_feasibility",
        "is_current",
        "published_by",
        "published_at",
    ]
    list_filter = ["feasibility", "is_current", "proposal__candidacy__election"]
    list_select_related = ["proposal", "published_by"]
    search_fields = ["proposal__title", "summary"]
    raw_id_fields = ["proposal", "published_by"]
    readonly_fields = ["published_at", "ratings_snapshot"]


@admin.register(ProposalMerge)
class ProposalMergeAdmin(admin.ModelAdmin):
    list_display = [
        "duplicate",
        "kept",
        "merged_by",
        "merged_at",
        "moved_annotations",
        "moved_ratings",
    ]
    list_select_related = ["duplicate", "kept", "merged_by"]
    readonly_fields = [f.name for f in ProposalMerge._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
