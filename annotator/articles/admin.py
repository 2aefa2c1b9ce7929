"""Moderators' admin for sources. Changing the text goes through `article_revise_text`, so a
correction creates a revision and re-anchors every annotation, exactly as the API does."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from annotator.articles.models import Article, ArticleRevision
from annotator.articles.services import article_revise_text
from annotator.lib.errors import DomainError


class ArticleAdminForm(forms.ModelForm):
    # Stored byte for byte: no stripping, offsets of annotations refer to this exact text.
    text = forms.CharField(label=_("text"), strip=False, widget=forms.Textarea(attrs={"rows": 30}))
    revision_note = forms.CharField(
        label=_("Correction note"),
        required=False,
        max_length=500,
        help_text=_("Why the text changes (kept with the revision)."),
    )

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
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "outlet", "kind", "status", "published_on", "version"]
    list_filter = ["kind", "status", "outlet"]
    search_fields = ["title", "outlet", "author"]
    filter_horizontal = ["candidacies"]
    inlines = [ArticleRevisionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else ["version"]

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        if not change or "text" not in form.changed_data:
            if not change:
                from annotator.articles.models import sha256_text

                obj.text_sha256 = sha256_text(obj.text)
                editor = cast(User, request.user)  # the admin requires a signed-in staff user
                obj.imported_by = editor
                super().save_model(request, obj, form, change)
                ArticleRevision.objects.create(
                    article=obj, number=1, text=obj.text, text_sha256=obj.text_sha256,
                    created_by=editor, note="admin",
                )  # fmt: skip
                return
            super().save_model(request, obj, form, change)
            return
        new_text = obj.text
        stored = Article.objects.get(pk=obj.pk)
        # Save the other fields with the stored text, then let the service change the text.
        obj.text = stored.text
        super().save_model(request, obj, form, change)
        try:
            counts = article_revise_text(
                actor=request.user,
                article_id=obj.pk,
                text=new_text,
                expected_version=stored.version,
                note=form.cleaned_data.get("revision_note", ""),
            )
        except DomainError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return
        obj.refresh_from_db()
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
