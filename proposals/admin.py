"""Admin for moderators: proposals, ratings and verdicts with their history (simple_history)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from annotator.lib.admin import ServiceFormAdminMixin, ServiceRefused, VersionedAdminForm
from annotator.lib.errors import DomainError, StaleVersionError
from annotator.lib.history_admin import ReadableHistoryAdmin
from proposals import services
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


class HistoryWithoutRevertAdmin(ReadableHistoryAdmin):
    """History pages to read only: a revert would write an old row back outside the services
    (no version check, no version bump, the version number itself rolled back)."""

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            self.message_user(
                request, gettext("History is read-only: edit the current record."), messages.ERROR
            )
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_history", object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ProposalAdminForm(VersionedAdminForm):
    merge_into = forms.IntegerField(
        label=_("Merge into proposal (id)"),
        required=False,
        min_value=1,
        help_text=_(
            "Id of the proposal that replaces this one (same candidacy). Its ratings, verdicts "
            "and passages move there; this one becomes a redirect."
        ),
    )

    class Meta:
        model = Proposal
        fields = ["candidacy", "primary_theme", "secondary_themes", "title", "statement"]


@admin.register(Proposal)
class ProposalAdmin(ServiceFormAdminMixin, HistoryWithoutRevertAdmin):
    """Creating, editing and merging go through `proposal_create`, `proposal_update` (version
    checked and bumped) and `proposal_merge`. A proposal with ratings or verdicts is never
    deleted (PROTECT): the admin refuses and points to the merge."""

    form = ProposalAdminForm
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
    filter_horizontal = ["secondary_themes"]
    readonly_fields = ["slug", "merged_into", "created_by", "version", "created", "modified"]
    inlines = [RatingInline]
    actions = ["delete_selected"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_fields(request, obj))
        if obj is None:
            return [
                f
                for f in fields
                if f not in ("loaded_version", "merge_into", *self.readonly_fields)
            ]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: Proposal, form: Any, change: bool) -> None:
        data = form.cleaned_data
        try:
            if not change:
                created = services.proposal_create(actor=request.user, **_service_values(data))
                obj.pk = created.pk
                obj._state.adding = False
            else:
                self._save_changes(request, obj, form)
        except StaleVersionError as exc:
            raise ServiceRefused(conflict_message(obj.pk), status=exc.status_code) from exc
        except DomainError as exc:
            raise ServiceRefused.from_error(exc, rename={"into": "merge_into"}) from exc
        obj.refresh_from_db()

    def _save_changes(self, request: HttpRequest, obj: Proposal, form: Any) -> None:
        data = form.cleaned_data
        version = data["loaded_version"]
        edited = [n for n in ProposalAdminForm.Meta.fields if n in form.changed_data]
        if edited:
            values = _service_values(data)
            version = services.proposal_update(
                actor=request.user,
                proposal_id=obj.pk,
                version=version,
                **{name: values[name] for name in edited},
            ).version
        elif Proposal.objects.filter(pk=obj.pk).values_list("version", flat=True)[0] != version:
            # A merge or an empty save on a stale page: the moderator must see the change first.
            raise StaleVersionError(gettext("The proposal changed meanwhile."))
        if data.get("merge_into"):
            merge = services.proposal_merge(
                actor=request.user, duplicate_id=obj.pk, kept_id=data["merge_into"]
            )
            self.message_user(
                request,
                gettext(
                    "Merged into «%(kept)s»: %(ratings)d ratings and %(verdicts)d verdicts moved."
                )
                % {
                    "kept": merge.kept.title,
                    "ratings": merge.moved_ratings,
                    "verdicts": merge.moved_verdicts,
                },
                messages.SUCCESS,
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Secondary themes were saved by the service; the ratings inline is read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        proposal = self.get_object(request, object_id)
        if proposal is not None and _is_used(proposal):
            self.message_user(request, _refusal(proposal), messages.ERROR)
            return redirect("admin:proposals_proposal_change", proposal.pk)
        return super().delete_view(request, object_id, extra_context)

    @admin.action(permissions=["delete"], description=_("Delete the selected proposals"))
    def delete_selected(self, request: HttpRequest, queryset: QuerySet[Proposal]) -> Any:
        used = [p for p in queryset if _is_used(p)]
        if used:
            for proposal in used:
                self.message_user(request, _refusal(proposal), messages.ERROR)
            return None
        return admin_actions.delete_selected(self, request, queryset)


def _service_values(data: dict[str, Any]) -> dict[str, Any]:
    """The form's objects as the proposal services take them (ids and theme codes)."""
    return {
        "candidacy": data["candidacy"].pk,
        "primary_theme": data["primary_theme"].code,
        "secondary_themes": [t.code for t in data.get("secondary_themes") or []],
        "title": data["title"],
        "statement": data["statement"],
    }


def _is_used(proposal: Proposal) -> bool:
    return proposal.ratings.exists() or proposal.verdicts.exists()


def _refusal(proposal: Proposal) -> str:
    return format_html(
        '{} <a href="{}#merge">{}</a>',
        gettext(
            "«%(title)s» has %(ratings)d ratings and %(verdicts)d verdicts: it cannot be "
            "deleted. Merge it into the proposal that replaces it (field «Merge into» of this "
            "page, or the merge form of the proposal page); its ratings and verdicts move there."
        )
        % {
            "title": proposal.title,
            "ratings": proposal.ratings.count(),
            "verdicts": proposal.verdicts.count(),
        },
        proposal.get_absolute_url(),
        gettext("Open the merge form"),
    )


def conflict_message(proposal_id: int) -> str:
    """Who changed the proposal last and when (its latest history record)."""
    record = (
        Proposal.history.filter(id=proposal_id)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    user = record.history_user if record else None
    return gettext(
        "This proposal changed meanwhile: %(who)s saved version %(version)s on %(when)s. "
        "Nothing was saved; reload the page to see their change."
    ) % {
        "who": (user.get_full_name() or user.get_username()) if user else gettext("someone"),
        "version": record.version if record else "?",
        "when": formats.date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")
        if record
        else "?",
    }


class ReadOnlyRecordAdmin(HistoryWithoutRevertAdmin):
    """Records written only by their services, read here: a rating by its rater through
    `rating_submit` (rubric checked, version bumped), a verdict through `verdict_publish` on the
    proposal page (ratings snapshot, one current verdict)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FeasibilityRating)
class FeasibilityRatingAdmin(ReadOnlyRecordAdmin):
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
class VerdictAdmin(ReadOnlyRecordAdmin):
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
