"""Every (state, action, role, is-author) combination through the API: outcome, event, notification.

The expected outcome is written here as the issue states the rules, independently of the
transition table in annotator/review/workflow.py.
"""

from __future__ import annotations

import itertools

import pytest
from django.test import override_settings

from annotator.annotations.models import Annotation
from annotator.review.models import AnnotationEvent, Notification
from tests.factories import AnnotationFactory, UserFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db

STATES = ["draft", "submitted", "approved", "changes_requested", "rejected", "orphaned"]
ACTIONS = [
    "submit",
    "approve",
    "request_changes",
    "reject",
    "lock",
    "unlock",
    "hide",
    "restore",
]
ROLES = ["fact-checker", "reviewer", "moderator", None]
REVIEWERS = {"reviewer", "moderator"}
DECISION_TARGET = {
    "approve": "approved",
    "request_changes": "changes_requested",
    "reject": "rejected",
}
DECISION_NOTIFICATION = {
    "approve": "approved",
    "request_changes": "changes_requested",
    "reject": "rejected",
}
# Moderation tells the author too (with the reason), unless the moderator is the author.
MODERATION_NOTIFICATION = {
    "lock": "locked",
    "unlock": "unlocked",
    "hide": "hidden",
    "restore": "restored",
}


def expected(state: str, action: str, role: str | None, is_author: bool) -> tuple[int, str | None]:
    """(HTTP status, state afterwards or None when unchanged) as the issue states the rules."""
    if state == "draft" and not is_author:
        return 404, None  # a draft is private to its author
    if action == "submit":
        if not is_author:
            return 403, None
        return (200, "submitted") if state in ("draft", "changes_requested") else (409, None)
    if action in DECISION_TARGET:
        if role not in REVIEWERS or is_author:
            return 403, None
        return (201, DECISION_TARGET[action]) if state == "submitted" else (409, None)
    if role != "moderator":
        return 403, None
    # A fresh annotation is neither locked nor hidden: lock and hide apply, unlock and restore not.
    return (200, state) if action in ("lock", "hide") else (409, None)


def request(client, annotation_id: int, action: str):  # type: ignore[no-untyped-def]
    if action == "submit":
        return client.post(f"/api/annotations/{annotation_id}/submit/", {}, format="json")
    if action in DECISION_TARGET:
        return client.post(
            f"/api/annotations/{annotation_id}/reviews/",
            {"decision": action, "comment": "Source introuvable."},
            format="json",
        )
    body = {"reason": "Hors sujet."} if action in ("hide", "lock") else {}
    return client.post(f"/api/annotations/{annotation_id}/{action}/", body, format="json")


CASES = list(itertools.product(STATES, ACTIONS))


@pytest.fixture
def actors():  # type: ignore[no-untyped-def]
    return {role: UserFactory(role=role) if role else UserFactory() for role in ROLES}


@override_settings(REVIEW_APPROVALS_REQUIRED=1)
@pytest.mark.parametrize(("state", "action"), CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_each_state_action_role_and_authorship_has_the_outcome_the_rules_state(
    state, action, actors
):
    other_author = UserFactory(role="fact-checker")
    for role, is_author in itertools.product(ROLES, [True, False]):
        actor = actors[role]
        check_case(state, action, role, is_author, actor, actor if is_author else other_author)


def check_case(state, action, role, is_author, actor, author):  # type: ignore[no-untyped-def]
    case = f"{state} / {action} / {role or 'no role'} / {'author' if is_author else 'other'}"
    annotation = AnnotationFactory(author=author, status=state)
    if state == "submitted":
        AnnotationEvent.objects.create(
            annotation=annotation, actor=author, action="submit", from_state="draft",
            to_state="submitted",
        )  # fmt: skip
    events_before = AnnotationEvent.objects.filter(annotation=annotation).count()

    response = request(client_for(actor), annotation.pk, action)

    status, state_after = expected(state, action, role, is_author)
    assert response.status_code == status, (case, response.json())
    annotation.refresh_from_db()
    events = AnnotationEvent.objects.filter(annotation=annotation).order_by("id")
    notifications = Notification.objects.filter(annotation=annotation)
    if status >= 400:
        body = response.json()
        assert body["error"] in {"forbidden", "invalid_transition", "not_found"}, case
        assert body["detail"], case
        assert annotation.status == state, case
        assert events.count() == events_before, case
        assert not notifications.exists(), case
        return
    assert annotation.status == state_after, case
    event = events.last()
    assert events.count() == events_before + 1, case
    assert (event.actor, event.action, event.from_state, event.to_state) == (
        actor,
        action,
        state,
        state_after,
    ), case
    if action in DECISION_NOTIFICATION:
        notification = notifications.get()
        assert notification.recipient == author, case
        assert notification.kind == DECISION_NOTIFICATION[action], case
        assert notification.actor == actor, case
    elif action in MODERATION_NOTIFICATION and not is_author:
        notification = notifications.get()
        assert (notification.recipient, notification.kind, notification.actor) == (
            author,
            MODERATION_NOTIFICATION[action],
            actor,
        ), case
        assert notification.text == "Hors sujet.", case
    else:
        assert not notifications.exists(), case
    if action == "hide":
        assert annotation.hidden_at is not None and annotation.hidden_reason == "Hors sujet.", case
    if action == "lock":
        assert annotation.is_locked, case


def test_the_matrix_covers_every_state_of_the_model():
    assert set(STATES) == set(Annotation.Status.values)
