"""Two reviewers approving the same annotation at the same moment, on real PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from annotator.annotations.models import Annotation
from annotator.lib.errors import DomainError
from annotator.review import services
from annotator.review.models import AnnotationEvent, Notification
from tests.factories import UserFactory
from tests.factories.review import submitted_annotation


def approve_together(annotation_id: int, reviewers: list) -> list:  # type: ignore[type-arg]
    """Each reviewer approves in its own thread and connection, released by one barrier."""
    barrier = threading.Barrier(len(reviewers))
    outcomes: list = []  # type: ignore[type-arg]

    def approve(reviewer) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            services.annotation_review(
                actor=reviewer, annotation_id=annotation_id, decision="approve"
            )
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(r,)) for r in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.fixture
def two_reviewers(transactional_db, settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return [UserFactory(username=f"rev{i}", role="reviewer") for i in (1, 2)]


def test_with_one_approval_required_concurrent_approvals_make_one_transition(
    two_reviewers, settings
):
    settings.REVIEW_APPROVALS_REQUIRED = 1
    annotation = submitted_annotation()
    outcomes = approve_together(annotation.pk, two_reviewers)
    assert outcomes == ["invalid_transition", "ok"]
    annotation.refresh_from_db()
    assert annotation.status == Annotation.Status.APPROVED
    approvals = AnnotationEvent.objects.filter(annotation=annotation, action="approve")
    assert [(e.from_state, e.to_state) for e in approvals] == [("submitted", "approved")]
    assert Notification.objects.filter(annotation=annotation, kind="approved").count() == 1
    assert connection.vendor == "postgresql"


def test_with_two_approvals_required_concurrent_approvals_both_count_and_none_is_lost(
    two_reviewers, settings
):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    annotation = submitted_annotation()
    outcomes = approve_together(annotation.pk, two_reviewers)
    assert outcomes == ["ok", "ok"]
    annotation.refresh_from_db()
    assert annotation.status == Annotation.Status.APPROVED
    approvals = list(
        AnnotationEvent.objects.filter(annotation=annotation, action="approve").order_by("id")
    )
    assert {e.actor_id for e in approvals} == {r.pk for r in two_reviewers}
    assert [e.to_state for e in approvals] == ["submitted", "approved"]
    assert Notification.objects.filter(annotation=annotation, kind="approved").count() == 1
    assert annotation.version == 2  # exactly one state change
