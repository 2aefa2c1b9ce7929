"""Moderators' admin for sources. Every save goes through the services, as the API does:
creating calls `article_import` (a duplicate text is a form error naming the stored article),
the text goes through `article_revise_text` (a new revision, every annotation re-anchored), the
status through the lifecycle services and the other fields through `article_update_metadata`.
The form carries the version the moderator loaded: if the source changed meanwhile, nothing is
saved and the form says who changed it and when."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from annotator.articles.lifecycle import article_archive, article_publish
from annotator.articles.metadata_services import METADATA_FIELDS, article_update_metadata
from annotator.articles.models import Article, ArticleRevision
from annotator.articles.services import article_import, article_revise_text
from annotator.lib.admin import ServiceFormAdminMixin, ServiceRefused, VersionedAdminForm
from annotator.lib.errors import DomainError, DuplicateError, StaleVersionError


class ArticleAdminForm(VersionedAdminForm):
    # Stored byte for byte: no stripping, offsets of annotations refer to this exact text.
    text = forms.CharField(label=_("text"), strip=False, widget=forms.Textarea(attrs={"rows": 30}))
    revision_note = forms.CharField(
        label=_("Correction note"),
        required=False,
        max_length=500,
        help_text=_("Why the text changes (kept with the revision)."),
    )
    url = forms.URLField(label=_("URL"), required=False, max_length=1000, assume_scheme="https")

    def clean_text(self) -> str:
        """Browsers send textarea line breaks as CRLF; keep the stored text's LF line breaks."""
        text = self.cleaned_data["text"]
        stored = self.instance.text if self.instance.pk else ""
        if "\r" not in stored:
            text = text.replace("\r\n", "\n")
        return text

    class Meta:
        model = Article
        fields = [
            "title", "outlet", "author", "kind", "url", "published_on", "language", "status",
            "candidacies", "text",
        ]  # fmt: skip


class ArticleRevisionInline(admin.TabularInline):
    model = ArticleRevision
    fields = ("number", "note", "created_by", "created", "text_sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-number"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(ServiceFormAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "outlet", "kind", "status", "published_on", "version"]
    list_filter = ["kind", "status", "outlet"]
    search_fields = ["title", "outlet", "author"]
    filter_horizontal = ["candidacies"]
    inlines = [ArticleRevisionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else ["version"]

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            self._import(request, obj, data)
            return
        version = data["loaded_version"]
        try:
            version = self._save_changes(request, obj, form, version)
        except StaleVersionError as exc:
            raise ServiceRefused(conflict_message(obj.pk), status=exc.status_code) from exc
        except DomainError as exc:
            raise ServiceRefused.from_error(exc) from exc
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Candidacies were saved by the services; the revisions inline is read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _import(self, request: HttpRequest, obj: Article, data: dict[str, Any]) -> None:
        try:
            article = article_import(
                actor=request.user,
                text=data["text"],
                title=data["title"],
                outlet=data.get("outlet") or "",
                author=data.get("author") or "",
                kind=data["kind"],
                url=data.get("url") or "",
                published_on=data.get("published_on"),
                language=data.get("language") or "fr",
                status=data["status"],
                candidacies=data.get("candidacies") or (),
            )
        except DuplicateError as exc:
            raise ServiceRefused(
                exc.detail, fields={"text": [exc.detail]}, status=exc.status_code
            ) from exc
        except DomainError as exc:
            raise ServiceRefused.from_error(exc) from exc
        obj.pk = article.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def _save_changes(self, request: HttpRequest, obj: Article, form: Any, version: int) -> int:
        """Metadata, then status, then text, each through its service; returns the version."""
        data = form.cleaned_data
        changed = set(form.changed_data)
        text_changed = data["text"] != form.initial.get("text")
        metadata = {
            name: data[name] for name in (*METADATA_FIELDS, "candidacies") if name in changed
        }
        if metadata:
            version = article_update_metadata(
                actor=request.user, article_id=obj.pk, expected_version=version, **metadata
            ).version
        if "status" in changed:
            service = {
                Article.Status.PUBLISHED: article_publish,
                Article.Status.ARCHIVED: article_archive,
            }.get(data["status"])
            if service is None:
                message = gettext("A source cannot go back to draft.")
                raise ServiceRefused(message, fields={"status": [message]})
            version = service(
                actor=request.user, article_id=obj.pk, version=version, reason="admin"
            ).version
        if text_changed:
            counts = article_revise_text(
                actor=request.user,
                article_id=obj.pk,
                text=data["text"],
                expected_version=version,
                note=data.get("revision_note", ""),
            )
            version += 1
            self.message_user(
                request,
                gettext(
                    "Revision %(revision)d saved: %(kept)d annotations re-anchored, "
                    "%(orphaned)d orphaned."
                )
                % {
                    "revision": counts["revision"],
                    "kept": counts["position"] + counts["quote"] + counts["fuzzy"],
                    "orphaned": counts["orphaned"],
                },
                messages.SUCCESS,
            )
            if counts.get("rechecked"):
                self.message_user(
                    request,
                    gettext("%(n)d approved annotations whose passage changed went back to review.")
                    % {"n": counts["rechecked"]},
                    messages.WARNING,
                )
        elif not metadata and "status" not in changed:
            # Nothing changed: still refuse a save based on a stale page, so that the moderator
            # learns about the other change instead of believing their page is current.
            current = Article.objects.filter(pk=obj.pk).values_list("version", flat=True).first()
            if current != version:
                raise StaleVersionError(gettext("The source changed meanwhile."))
        return version


def conflict_message(article_id: int) -> str:
    """Who changed the source last and when. A text change names the author of the latest
    revision; any other change the user of the latest history record."""
    version = Article.objects.filter(pk=article_id).values_list("version", flat=True).first()
    records = list(
        Article.history.filter(id=article_id)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:2]
    )
    latest = records[0] if records else None
    text_changed_last = len(records) < 2 or records[0].text_sha256 != records[1].text_sha256
    revision = (
        ArticleRevision.objects.filter(article_id=article_id)
        .select_related("created_by")
        .order_by("-number")
        .first()
    )
    if revision is not None and text_changed_last:
        return gettext(
            "The text changed meanwhile: %(who)s saved revision %(number)d on %(when)s "
            "(version %(version)s). Nothing was saved; reload the page to see their change."
        ) % {
            "who": _person(revision.created_by or (latest.history_user if latest else None)),
            "number": revision.number,
            "when": _when(revision.created),
            "version": version,
        }
    return gettext(
        "This source changed meanwhile: %(who)s saved it on %(when)s (version %(version)s). "
        "Nothing was saved; reload the page to see their change."
    ) % {
        "who": _person(latest.history_user if latest else None),
        "when": _when(latest.history_date) if latest else "?",
        "version": version,
    }


def _person(user: Any) -> str:
    if user is None:
        return gettext("someone")
    return user.get_full_name() or user.get_username()


def _when(moment: Any) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
