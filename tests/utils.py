"""Helpers for tests (importable, unlike conftest)."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from tests.factories.core import PASSWORD


def client_for(user: Any) -> APIClient:
    """An API client authenticated as `user` (session-less, like a token client)."""
    client = APIClient()
    client.force_authenticate(user=user)
    return client


__all__ = ["PASSWORD", "client_for"]


def admin_form_data(response: Any) -> dict[str, Any]:
    """The body a browser would POST back from an admin add/change page left as it is: every
    field of the form and of its inlines (with their management forms), as strings."""
    data: dict[str, Any] = {}

    def put(form: Any) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        put(inline.formset.management_form)
        for form in inline.formset.forms:
            put(form)
    return data
