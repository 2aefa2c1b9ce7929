from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from annotator.review import services
from annotator.review.context_processors import review_navigation
from tests.factories import AnnotationFactory, ArticleFactory, ProposalFactory, UserFactory
from tests.factories.review import NotificationFactory, ReplyFactory, submitted_annotation

pytestmark = pytest.mark.django_db


def browser_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_queue_lists_submitted_annotations_of_others_oldest_first(reviewer):
    first = submitted_annotation(comment="Première")
    second = submitted_annotation(comment="Deuxième")
    submitted_annotation(author=reviewer, comment="La mienne")
    AnnotationFactory(status="approved", comment="Déjà approuvée")
    html = browser_for(reviewer).get("/review/").content.decode()
    assert html.index("Première") < html.index("Deuxième")
    assert "La mienne" not in html and "Déjà approuvée" not in html
    assert f'data-id="{first.pk}"' in html and f'data-id="{second.pk}"' in html


def test_the_queue_shows_the_passage_in_context_and_the_linked_proposals(reviewer):
    article = ArticleFactory(text="Avant.\n\nLe candidat promet la fibre partout.\n\nAprès.\n")
    proposal = ProposalFactory(title="Fibre pour tous")
    submitted_annotation(article=article, exact="la fibre partout", proposals=[proposal])
    html = browser_for(reviewer).get("/review/").content.decode()
    assert "Le candidat promet <mark" in html and "la fibre partout</mark>" in html
    assert "Fibre pour tous" in html


def test_the_queue_leaves_out_what_the_reviewer_already_approved(settings, reviewer):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    annotation = submitted_annotation(comment="Attend une seconde approbation")
    services.annotation_review(actor=reviewer, annotation_id=annotation.pk, decision="approve")
    html = browser_for(reviewer).get("/review/").content.decode()
    assert "Attend une seconde approbation" not in html
    assert 'data-testid="nav-review-count"' not in html  # the count agrees with the queue


def test_hidden_annotations_leave_the_queue(reviewer, moderator):
    annotation = submitted_annotation(comment="Bientôt masquée")
    services.annotation_hide(actor=moderator, annotation_id=annotation.pk, reason="Doublon")
    assert "Bientôt masquée" not in browser_for(reviewer).get("/review/").content.decode()


@pytest.mark.parametrize("role", ["fact-checker", None])
def test_the_queue_is_for_reviewers_and_moderators_only(role):
    user = UserFactory(role=role) if role else UserFactory()
    assert browser_for(user).get("/review/").status_code == 403


def test_the_queue_costs_the_same_queries_for_two_or_twenty_annotations(
    reviewer, django_assert_max_num_queries
):
    client = browser_for(reviewer)
    for _ in range(2):
        submitted_annotation(proposals=[ProposalFactory()])
    with CaptureQueriesContext(connection) as few:
        assert client.get("/review/").status_code == 200
    for _ in range(18):
        submitted_annotation(proposals=[ProposalFactory()])
    with django_assert_max_num_queries(len(few)):
        response = client.get("/review/")
    assert response.content.decode().count('class="card review-item') == 10  # one page
    second = client.get("/review/?page=2").content.decode()
    assert second.count('class="card review-item') == 10


def test_the_navigation_counts_cost_at_most_two_queries(
    reviewer, rf, django_assert_max_num_queries
):
    submitted_annotation()
    submitted_annotation()
    NotificationFactory(recipient=reviewer)
    request = rf.get("/")
    request.user = reviewer
    reviewer._role_names = {"reviewer"}  # the role lookup belongs to the base context processor
    context = review_navigation(request)
    with django_assert_max_num_queries(2):
        assert context["nav_review_count"] == 2
        assert context["nav_state_counts"]["draft"] == 0
        assert context["nav_unread_count"] == 1


def test_the_navigation_shows_the_review_and_unread_counts(reviewer):
    submitted_annotation()
    NotificationFactory(recipient=reviewer)
    html = browser_for(reviewer).get("/inbox/").content.decode()
    assert 'data-testid="nav-review-count">1<' in html
    assert 'data-testid="nav-unread-count">1<' in html


def test_the_inbox_lists_notifications_and_opening_one_marks_it_read(fact_checker):
    notification = NotificationFactory(
        recipient=fact_checker, annotation=submitted_annotation(author=fact_checker)
    )
    NotificationFactory(recipient=UserFactory(role="fact-checker"), text="pas pour toi")
    client = browser_for(fact_checker)
    html = client.get("/inbox/").content.decode()
    assert "is-unread" in html and "pas pour toi" not in html
    response = client.post(f"/inbox/{notification.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == f"/annotations/{notification.annotation_id}/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_someone_elses_notification_is_a_404(fact_checker):
    other = NotificationFactory(recipient=UserFactory(role="fact-checker"))
    assert browser_for(fact_checker).post(f"/inbox/{other.pk}/open/").status_code == 404


def test_the_inbox_is_in_french_by_default(fact_checker):
    html = browser_for(fact_checker).get("/inbox/").content.decode()
    assert "Boîte de réception" in html


def test_the_annotation_page_shows_history_replies_and_the_submit_button_to_its_author(
    fact_checker,
):
    draft = AnnotationFactory(author=fact_checker, comment="À vérifier")
    ReplyFactory(annotation=draft, body="Une **remarque**")
    html = browser_for(fact_checker).get(f"/annotations/{draft.pk}/").content.decode()
    assert "data-submit" in html
    assert "<strong>remarque</strong>" in html
    assert 'data-decision="approve"' not in html


def test_the_annotation_page_offers_review_buttons_to_reviewers_but_not_to_the_author(reviewer):
    annotation = submitted_annotation()
    html = browser_for(reviewer).get(f"/annotations/{annotation.pk}/").content.decode()
    assert 'data-decision="approve"' in html and "data-submit" not in html
    own = submitted_annotation(author=reviewer)
    html = browser_for(reviewer).get(f"/annotations/{own.pk}/").content.decode()
    assert 'data-decision="approve"' not in html


def test_the_annotation_page_of_someone_elses_draft_is_a_404(fact_checker):
    draft = AnnotationFactory()
    assert browser_for(fact_checker).get(f"/annotations/{draft.pk}/").status_code == 404


def test_the_annotation_page_costs_constant_queries(reviewer, django_assert_max_num_queries):
    annotation = submitted_annotation(proposals=[ProposalFactory(), ProposalFactory()])
    client = browser_for(reviewer)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/annotations/{annotation.pk}/")
    for _ in range(10):
        ReplyFactory(annotation=annotation)
    with django_assert_max_num_queries(len(few)):
        assert client.get(f"/annotations/{annotation.pk}/").status_code == 200


def test_my_annotations_page_counts_and_filters_by_state(fact_checker):
    AnnotationFactory(author=fact_checker, status="changes_requested", comment="À reprendre")
    AnnotationFactory(author=fact_checker, status="approved", comment="Validée")
    AnnotationFactory(status="approved", comment="Pas à moi")
    client = browser_for(fact_checker)
    html = client.get("/review/mine/?state=changes_requested").content.decode()
    assert 'data-testid="mine-count-changes_requested">1<' in html
    assert 'data-testid="nav-changes-count"' in html
    assert "Validée" not in html and "Pas à moi" not in html
    assert client.get("/review/mine/").status_code == 200
