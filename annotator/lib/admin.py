"""Admin plumbing: change forms whose saves go through services, with the services' refusals
shown as form errors.

The admin saves in `save_model`, after the form was validated, inside the transaction that
`ModelAdmin.changeform_view` opens. A service that refuses there (stale version, duplicate text,
forbidden transition) raises `DomainError`; `save_model` re-raises it as `ServiceRefused`, the
transaction rolls back (nothing is saved, no log entry), and the view shows the same bound form
again with the refusal attached to the field it names, or above the form, answered with the
service error's status (409 for a stale version or a duplicate, 400 for invalid input).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from annotator.lib.errors import DomainError

_REFUSAL = "_admin_service_refusal"


class ServiceRefused(Exception):
    """A service refused the admin's change: `message` above the form, `fields` on fields."""

    def __init__(
        self, message: str, *, fields: dict[str, list[str]] | None = None, status: int = 400
    ):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.status = status  # of the page showing the form again: 409 for a conflict

    @classmethod
    def from_error(
        cls, error: DomainError, *, message: str | None = None, rename: dict[str, str] | None = None
    ) -> ServiceRefused:
        """The service's error; `rename` maps a service field name to the form's."""
        rename = rename or {}
        fields = {rename.get(name, name): list(msgs) for name, msgs in error.fields.items()}
        return cls(message or error.detail, fields=fields, status=error.status_code)


class VersionedAdminForm(forms.ModelForm):
    """A change form carrying the `version` of the object the moderator loaded, so that the
    services refuse a save based on a page that is no longer current."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk and cleaned.get("loaded_version") is None:
            # A hidden field's own error would not show: say it above the form.
            raise forms.ValidationError(
                _("This form does not say which version you edited; reload the page."),
                code="version_missing",
            )
        return cleaned


class ServiceFormAdminMixin:
    """For a ModelAdmin whose `save_model`/`save_related` call services and raise
    `ServiceRefused` when one refuses."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        view = super().changeform_view  # type: ignore[misc]
        try:
            return view(request, object_id, form_url, extra_context)  # type: ignore[no-any-return]
        except ServiceRefused as refused:
            # The admin's transaction was rolled back; validate the same POST again, this time
            # with the refusal as a form error, so the page answers 200 with the form and why.
            setattr(request, _REFUSAL, refused)
            response: HttpResponse = view(request, object_id, form_url, extra_context)
            if response.status_code == 200:
                response.status_code = refused.status
            return response

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form_class: type[forms.ModelForm] = super().get_form(  # type: ignore[misc]
            request, obj, change, **kwargs
        )
        found: ServiceRefused | None = getattr(request, _REFUSAL, None)
        if found is None:
            return form_class
        refused = found

        class RefusedForm(form_class):  # type: ignore[valid-type,misc]
            def clean(self) -> dict[str, Any]:
                cleaned: dict[str, Any] = super().clean() or {}
                placed = False
                for name, messages in refused.fields.items():
                    if name in self.fields:
                        for message in messages:
                            self.add_error(name, message)
                        placed = True
                if refused.message and (not placed or refused.message not in _flat(refused)):
                    self.add_error(None, refused.message)
                return cleaned

        return RefusedForm


def _flat(refused: ServiceRefused) -> list[str]:
    return [m for messages in refused.fields.values() for m in messages]
