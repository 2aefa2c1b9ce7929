"""Navigation counters kept up to date without counting on every page (issue 17)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from annotator.review import services
from annotator.review.notifications import notification_mark_all_read
from tests.factories import UserFactory
from tests.factories.review import NotificationFactory, submitted_annotation

pytestmark = pytest.mark.django_db


def browser_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def page(client: Client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/articles/").content.decode()
    return html, [q["sql"] for q in captured.captured_queries]


def counts_queries(sql: list[str]) -> list[str]:
    return [q for q in sql if 'FILTER (WHERE ("annotations_annotation"."author_id"' in q]


def test_the_counts_are_computed_once_then_read_from_the_cache(reviewer):
    submitted_annotation()
    client = browser_for(reviewer)
    html, first = page(client)
    assert 'data-testid="nav-review-count">1<' in html
    again, second = page(client)
    assert counts_queries(first) and not counts_queries(second)
    # The counts, and the user with their roles (cached too: annotator/lib/session_auth.py).
    assert len(second) == len(first) - 2
    assert 'data-testid="nav-review-count">1<' in again


def test_a_submission_shows_in_the_reviewers_count_at_the_next_page(reviewer, fact_checker):
    client = browser_for(reviewer)
    submitted_annotation()
    assert 'data-testid="nav-review-count">1<' in page(client)[0]
    draft = submitted_annotation(author=fact_checker)
    assert 'data-testid="nav-review-count">2<' in page(client)[0]
    services.annotation_review(actor=reviewer, annotation_id=draft.pk, decision="approve")
    assert 'data-testid="nav-review-count">1<' in page(client)[0]


def test_changes_requested_show_in_the_authors_count_at_once(reviewer, fact_checker):
    annotation = submitted_annotation(author=fact_checker)
    author = browser_for(fact_checker)
    assert 'data-testid="nav-changes-count"' not in page(author)[0]
    services.annotation_review(
        actor=reviewer, annotation_id=annotation.pk, decision="request_changes", comment="Source ?"
    )
    html = page(author)[0]
    assert 'data-testid="nav-changes-count"' in html
    assert 'data-testid="nav-unread-count">1<' in html  # the notification, counted live


def test_reading_notifications_clears_the_unread_count_at_once(fact_checker):
    NotificationFactory(recipient=fact_checker)
    client = browser_for(fact_checker)
    assert 'data-testid="nav-unread-count">1<' in page(client)[0]
    notification_mark_all_read(actor=fact_checker)
    assert 'data-testid="nav-unread-count"' not in page(client)[0]


def test_a_role_change_is_not_served_the_old_roles_counts(fact_checker):
    submitted_annotation()
    client = browser_for(fact_checker)
    assert 'data-testid="nav-review-count"' not in page(client)[0]
    fact_checker.groups.add(UserFactory(role="reviewer").groups.get())
    assert 'data-testid="nav-review-count">1<' in page(client)[0]
