"""Authors are told when a moderator hides, locks, unlocks or restores their annotation, and a
notification about a withdrawn annotation explains instead of leading to a 404."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from annotator.review import services
from annotator.review.models import Notification
from tests.factories import UserFactory
from tests.factories.review import NotificationFactory, submitted_annotation

pytestmark = pytest.mark.django_db


def browser_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def kinds_of(user) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("kind", "text")
    )


def test_hiding_locking_unlocking_and_restoring_each_notify_the_author_with_the_reason(
    moderator, fact_checker, django_capture_on_commit_callbacks
):
    annotation = submitted_annotation(author=fact_checker)
    with django_capture_on_commit_callbacks(execute=True):
        services.annotation_lock(actor=moderator, annotation_id=annotation.pk, reason="Litige")
        services.annotation_unlock(actor=moderator, annotation_id=annotation.pk)
        services.annotation_hide(actor=moderator, annotation_id=annotation.pk, reason="Doublon")
        services.annotation_restore(actor=moderator, annotation_id=annotation.pk)
    assert kinds_of(fact_checker) == [
        ("locked", "Litige"),
        ("unlocked", ""),
        ("hidden", "Doublon"),
        ("restored", ""),
    ]
    assert all(n.actor_id == moderator.pk for n in Notification.objects.all())
    assert fact_checker.email and len(mail.outbox) == 4  # emailed after commit


def test_a_moderator_hiding_their_own_annotation_is_not_notified(moderator):
    annotation = submitted_annotation(author=moderator)
    services.annotation_hide(actor=moderator, annotation_id=annotation.pk, reason="Erreur")
    assert kinds_of(moderator) == []


def test_a_refused_moderation_sends_nothing(moderator, fact_checker, reviewer):
    annotation = submitted_annotation(author=fact_checker)
    with pytest.raises(Exception):  # noqa: B017 - the service's own refusal, whatever its class
        services.annotation_hide(actor=reviewer, annotation_id=annotation.pk, reason="Non")
    assert kinds_of(fact_checker) == []


def test_the_authors_earlier_notification_explains_the_hiding_instead_of_a_404(
    moderator, fact_checker, reviewer
):
    annotation = submitted_annotation(author=fact_checker, comment="Mon analyse")
    NotificationFactory(recipient=fact_checker, annotation=annotation, kind="approved")
    services.annotation_hide(
        actor=moderator, annotation_id=annotation.pk, reason="Source retirée par le média"
    )
    author = browser_for(fact_checker)
    for notification in Notification.objects.filter(recipient=fact_checker):
        response = author.post(f"/inbox/{notification.pk}/open/", follow=True)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Cette annotation a été masquée par un modérateur" in html
        assert "Source retirée par le média" in html  # the author learns why
    inbox = author.get("/inbox/").content.decode()
    assert "Votre annotation a été masquée par un modérateur" in inbox


def test_someone_never_notified_gets_a_404_and_never_the_reason(moderator, fact_checker):
    annotation = submitted_annotation(author=fact_checker)
    services.annotation_hide(actor=moderator, annotation_id=annotation.pk, reason="Secret")
    stranger = UserFactory(role="fact-checker")
    response = browser_for(stranger).get(f"/annotations/{annotation.pk}/")
    assert response.status_code == 404
    assert "Secret" not in response.content.decode()


def test_a_notified_reviewer_learns_it_was_hidden_but_not_the_reason(moderator, reviewer):
    annotation = submitted_annotation()
    NotificationFactory(recipient=reviewer, annotation=annotation, kind="reply")
    services.annotation_hide(actor=moderator, annotation_id=annotation.pk, reason="Secret")
    response = browser_for(reviewer).get(f"/annotations/{annotation.pk}/")
    html = response.content.decode()
    assert response.status_code == 200 and "masquée par un modérateur" in html
    assert "Secret" not in html


def test_the_withdrawn_page_runs_a_bounded_number_of_queries(
    moderator, fact_checker, django_assert_max_num_queries
):
    annotation = submitted_annotation(author=fact_checker)
    services.annotation_hide(actor=moderator, annotation_id=annotation.pk, reason="Doublon")
    client = browser_for(fact_checker)
    with django_assert_max_num_queries(12):
        assert client.get(f"/annotations/{annotation.pk}/").status_code == 200
