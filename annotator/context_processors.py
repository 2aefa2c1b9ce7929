"""Template context shared by every page: the navigation and the user's roles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from annotator.lib import roles
from annotator.team.models import ROLE_CHOICES

ROLE_LABELS = dict(ROLE_CHOICES)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    role = roles.primary_role(user) if user.is_authenticated else None
    return {
        "NEWSROOM_NAME": settings.NEWSROOM_NAME,
        "APP_VERSION": settings.APP_VERSION,
        "user_is_fact_checker": roles.is_fact_checker(user),
        "user_is_reviewer": roles.is_reviewer(user),
        "user_is_moderator": roles.is_moderator(user),
        "user_role": role,
        "user_role_label": ROLE_LABELS.get(role, "") if role else "",
    }
