"""One display rule for people: the full name, the login on hover (the login when no name)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def person(user: Any, fallback: str = "") -> SafeString | str:
    if user is None:
        return fallback
    login = user.get_username()
    return format_html(
        '<span class="person" title="{}">{}</span>', login, user.get_full_name() or login
    )
