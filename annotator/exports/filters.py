"""Validation of the filters and options of an export request (400 with per-field messages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from annotator.articles.models import Article
from annotator.articles.selectors import article_visible_q
from annotator.lib.errors import InvalidInputError
from proposals.models import Candidate, Election, Theme

FILTER_KEYS = ("election", "candidate", "theme", "article", "date_from", "date_to", "verified_only")
OPTION_KEYS = ("bom",)


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in (
        "true",
        "1",
        "on",
        "yes",
        "false",
        "0",
        "no",
        "",
    ):
        return value.lower() in ("true", "1", "on", "yes")
    return None


def clean_filters(raw: Any, *, actor: Any) -> dict[str, Any]:
    """Normalised filters: every key present, blank values as None, verified_only a boolean."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InvalidInputError(
            _("Filters must be an object."), fields={"filters": [_("Expected an object.")]}
        )
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(raw) - set(FILTER_KEYS))
    if unknown:
        errors["filters"] = [_("Unknown filter: %(names)s.") % {"names": ", ".join(unknown)}]
    cleaned: dict[str, Any] = dict.fromkeys(FILTER_KEYS)

    def text(key: str) -> str | None:
        value = raw.get(key)
        if value in (None, ""):
            return None
        if not isinstance(value, str | int) or "\x00" in str(value):
            # NUL never names anything, and PostgreSQL refuses it in a query (was a 500).
            errors[key] = [_("Expected a string.")]
            return None
        return str(value).strip() or None

    for key, model, field in (
        ("election", Election, "key"),
        ("candidate", Candidate, "key"),
        ("theme", Theme, "code"),
    ):
        value = text(key)
        if value is not None and not model.objects.filter(**{field: value}).exists():
            errors[key] = [_("No such %(name)s: %(value)s.") % {"name": key, "value": value}]
        cleaned[key] = value
    article = text("article")
    if article is not None:
        if (
            not article.isdigit()
            or not Article.objects.filter(article_visible_q(actor), pk=int(article)).exists()
        ):
            errors["article"] = [_("No such article.")]
        else:
            cleaned["article"] = int(article)
    for key in ("date_from", "date_to"):
        value = text(key)
        if value is not None:
            try:
                cleaned[key] = dt.date.fromisoformat(value).isoformat()
            except ValueError:
                errors[key] = [_("Expected a date (YYYY-MM-DD).")]
    if cleaned["date_from"] and cleaned["date_to"] and cleaned["date_from"] > cleaned["date_to"]:
        errors["date_to"] = [_("The end date is before the start date.")]
    verified = _as_bool(raw.get("verified_only", True))
    if verified is None:
        errors["verified_only"] = [_("Expected true or false.")]
    cleaned["verified_only"] = True if verified is None else verified
    if errors:
        raise InvalidInputError(next(iter(errors.values()))[0], fields=errors)
    return cleaned


def clean_options(raw: Any) -> dict[str, Any]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict) or set(raw) - set(OPTION_KEYS):
        raise InvalidInputError(
            _("Unknown export option."), fields={"options": [_("Allowed options: bom.")]}
        )
    bom = _as_bool(raw.get("bom", False))
    if bom is None:
        raise InvalidInputError(
            _("Expected true or false."), fields={"bom": [_("Expected true or false.")]}
        )
    return {"bom": bom} if bom else {}
