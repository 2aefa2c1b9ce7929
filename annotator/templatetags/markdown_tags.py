"""`{{ annotation|comment_html }}` and `{{ text|markdown }}`: the reader's Markdown renderer
(annotator.lib.markdown, sanitized) on server-rendered pages, so a comment reads the same
everywhere."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from annotator.lib.markdown import render_markdown

register = template.Library()


@register.filter
def comment_html(annotation: Any) -> SafeString:
    """The stored rendering when the services wrote one, else rendered now (no query)."""
    stored = getattr(annotation, "comment_html", "")
    if stored:
        return SafeString(stored)
    return render_markdown(getattr(annotation, "comment", "") or "")


@register.filter
def markdown(text: str | None) -> SafeString:
    return render_markdown(text or "")
