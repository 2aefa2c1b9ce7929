"""The "add a source" form: where the text comes from, and the article's metadata."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from annotator.articles.intake import PreparedSource
from annotator.articles.models import Article
from proposals.models import Candidacy

PREPARED_SALT = "annotator.articles.intake.prepared"

LANGUAGE_CHOICES = [("fr", _("French")), ("en", _("English"))]


class CandidacyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.candidate.full_name} · {obj.election.name}"


class SourceForm(forms.Form):
    MODE_PASTE = "paste"
    MODE_UPLOAD = "upload"
    MODE_FETCH = "fetch"

    mode = forms.ChoiceField(
        label=_("Source"),
        choices=[
            (MODE_PASTE, _("Paste text")),
            (MODE_UPLOAD, _("Upload a file")),
            (MODE_FETCH, _("Fetch an address")),
        ],
        initial=MODE_PASTE,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Text"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    file = forms.FileField(label=_("File"), required=False, allow_empty_file=True)
    source_url = forms.CharField(
        label=_("Address of the page"),
        required=False,
        max_length=1000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    prepared = forms.CharField(required=False, widget=forms.HiddenInput)

    title = forms.CharField(label=_("Title"), required=False, max_length=300)
    outlet = forms.CharField(label=_("Outlet"), required=False, max_length=200)
    author = forms.CharField(label=_("Author"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Article.Kind.choices, initial="article")
    url = forms.URLField(
        label=_("URL of the original"), required=False, max_length=1000, assume_scheme="https"
    )
    published_on = forms.DateField(
        label=_("Publication date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, initial="fr")
    candidacies = CandidacyChoiceField(
        label=_("Candidacies it is about"),
        queryset=Candidacy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    publish = forms.BooleanField(label=_("Publish now (visible to everyone)"), required=False)

    def __init__(self, *args: Any, can_publish: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["candidacies"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Candidacy.objects.select_related("candidate", "election", "party")
        if not can_publish:
            del self.fields["publish"]

    def prepared_source(self) -> PreparedSource | None:
        """The previewed source carried by the form, if its signature is valid."""
        token = self.cleaned_data.get("prepared") or ""
        if not token:
            return None
        try:
            data = signing.loads(token, salt=PREPARED_SALT)
        except signing.BadSignature:
            return None
        return PreparedSource(
            text=data["text"],
            source_format=data["format"],
            suggested_title=data.get("title", ""),
            fetched_url=data.get("url", ""),
        )


def sign_prepared(prepared: PreparedSource) -> str:
    return signing.dumps(
        {
            "text": prepared.text,
            "format": prepared.source_format,
            "title": prepared.suggested_title,
            "url": prepared.fetched_url,
        },
        salt=PREPARED_SALT,
        compress=True,
    )
