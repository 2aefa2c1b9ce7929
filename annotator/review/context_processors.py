"""Navigation counts: the review queue, the user's annotations per state, unread notifications.

At most two small queries per page: one aggregate over annotations, one count of notifications.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from annotator.review.selectors import review_counts_for, unread_count_for


def review_navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    counts: dict[str, int] | None = None

    def state_counts() -> dict[str, int]:
        nonlocal counts
        if counts is None:
            counts = review_counts_for(actor=user)
        return counts

    # Lazy: pages that never render the navigation (API, admin) pay nothing.
    return {
        "nav_review_count": SimpleLazyObject(lambda: state_counts()["to_review"]),
        "nav_state_counts": SimpleLazyObject(state_counts),
        "nav_unread_count": SimpleLazyObject(lambda: unread_count_for(actor=user)),
    }
