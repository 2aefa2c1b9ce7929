"""Navigation counts: the review queue, the user's annotations per state, unread notifications.

One small query per page (`navigation_counts_for`: the counts are cached until the next
annotation event), and none on pages that do not render the navigation.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from annotator.review.selectors import navigation_counts_for


def review_navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    counts: dict[str, int] | None = None

    def all_counts() -> dict[str, int]:
        nonlocal counts
        if counts is None:
            counts = navigation_counts_for(actor=user)
        return counts

    # Lazy: pages that never render the navigation (API, admin) pay nothing.
    return {
        "nav_review_count": SimpleLazyObject(lambda: all_counts()["to_review"]),
        "nav_state_counts": SimpleLazyObject(all_counts),
        "nav_unread_count": SimpleLazyObject(lambda: all_counts()["unread"]),
    }
