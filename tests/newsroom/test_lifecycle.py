"""Article lifecycle: draft -> published -> archived, moderators only, versioned."""

from __future__ import annotations

import pytest

from annotator.articles.lifecycle import article_archive, article_publish
from annotator.articles.models import Article
from annotator.lib.errors import InvalidTransitionError, PermissionDeniedError
from tests.factories import ArticleFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "expected"),
    [("moderator", 200), ("reviewer", 403), ("fact_checker", 403), ("outsider", 403)],
)
def test_only_moderators_publish_a_draft(who, expected, request):
    article = ArticleFactory(status=Article.Status.DRAFT)
    response = client_for(request.getfixturevalue(who)).post(
        f"/api/articles/{article.pk}/publish/", {"version": article.version}
    )
    assert response.status_code == expected
    article.refresh_from_db()
    assert article.status == ("published" if expected == 200 else "draft")


@pytest.mark.parametrize(
    ("who", "expected"),
    [("moderator", 200), ("reviewer", 403), ("fact_checker", 403), ("outsider", 403)],
)
def test_only_moderators_archive_a_published_article(who, expected, request):
    article = ArticleFactory(status=Article.Status.PUBLISHED)
    response = client_for(request.getfixturevalue(who)).post(
        f"/api/articles/{article.pk}/archive/", {}
    )
    assert response.status_code == expected
    article.refresh_from_db()
    assert article.status == ("archived" if expected == 200 else "published")


def test_publishing_bumps_the_version_and_records_who_did_it(moderator):
    article = ArticleFactory(status=Article.Status.DRAFT)
    response = client_for(moderator).post(
        f"/api/articles/{article.pk}/publish/", {"version": 1, "reason": "relu"}
    )
    assert response.json() == {"id": article.pk, "status": "published", "version": 2}
    assert response["ETag"] == '"2"'
    record = article.history.order_by("-history_date").first()
    assert (record.status, record.history_user, record.history_change_reason) == (
        "published",
        moderator,
        "relu",
    )


def test_a_stale_version_is_refused_with_the_current_state(moderator):
    article = ArticleFactory(status=Article.Status.DRAFT)
    article_publish(actor=moderator, article_id=article.pk, version=1)
    response = client_for(moderator).post(f"/api/articles/{article.pk}/archive/", {"version": 1})
    assert response.status_code == 409
    assert response.json()["error"] == "stale_version"
    assert response.json()["current"] == {"id": article.pk, "status": "published", "version": 2}


def test_if_match_header_carries_the_version(moderator):
    article = ArticleFactory(status=Article.Status.PUBLISHED)
    response = client_for(moderator).post(
        f"/api/articles/{article.pk}/archive/", {}, HTTP_IF_MATCH='"7"'
    )
    assert response.status_code == 409


def test_a_draft_cannot_be_archived_directly(moderator):
    article = ArticleFactory(status=Article.Status.DRAFT)
    with pytest.raises(InvalidTransitionError):
        article_archive(actor=moderator, article_id=article.pk)
    response = client_for(moderator).post(f"/api/articles/{article.pk}/archive/", {})
    assert response.status_code == 409
    assert response.json()["error"] == "invalid_transition"


def test_an_archived_article_can_be_published_again_by_a_moderator(moderator):
    article = ArticleFactory(status=Article.Status.ARCHIVED)
    assert article_publish(actor=moderator, article_id=article.pk).status == "published"


def test_publishing_an_unknown_article_is_a_404(moderator):
    response = client_for(moderator).post("/api/articles/999999/publish/", {})
    assert response.status_code == 404


def test_a_fact_checker_cannot_publish_even_their_own_draft(fact_checker):
    article = ArticleFactory(status=Article.Status.DRAFT, imported_by=fact_checker)
    with pytest.raises(PermissionDeniedError):
        article_publish(actor=fact_checker, article_id=article.pk)


def test_a_draft_is_hidden_from_other_fact_checkers_until_published(
    fact_checker, fact_checker2, moderator
):
    article = ArticleFactory(status=Article.Status.DRAFT, imported_by=fact_checker)
    assert client_for(fact_checker2).get(f"/api/articles/{article.pk}/").status_code == 404
    assert client_for(fact_checker).get(f"/api/articles/{article.pk}/").status_code == 200
    article_publish(actor=moderator, article_id=article.pk)
    assert client_for(fact_checker2).get(f"/api/articles/{article.pk}/").status_code == 200


def test_an_archived_article_stays_listed(fact_checker2, moderator):
    article = ArticleFactory(status=Article.Status.PUBLISHED)
    article_archive(actor=moderator, article_id=article.pk)
    ids = [row["id"] for row in client_for(fact_checker2).get("/api/articles/").json()["results"]]
    assert ids == [article.pk]


def test_the_status_page_shows_the_controls_to_moderators_only(client, moderator, fact_checker):
    article = ArticleFactory(status=Article.Status.DRAFT, imported_by=fact_checker)
    client.force_login(moderator)
    page = client.get(f"/articles/{article.pk}/status/").content.decode()
    assert 'data-testid="publish-button"' in page
    client.force_login(fact_checker)
    page = client.get(f"/articles/{article.pk}/status/").content.decode()
    assert 'data-testid="article-status"' in page
    assert 'data-testid="publish-button"' not in page


def test_the_status_form_publishes_and_returns_to_the_given_page(client, moderator):
    article = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(moderator)
    response = client.post(
        f"/articles/{article.pk}/status/",
        {"to": "published", "version": "1", "next": f"/articles/{article.pk}/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/"
    article.refresh_from_db()
    assert article.status == "published"


def test_the_status_form_reports_a_refusal_without_changing_anything(client, fact_checker):
    article = ArticleFactory(status=Article.Status.DRAFT, imported_by=fact_checker)
    client.force_login(fact_checker)
    response = client.post(f"/articles/{article.pk}/status/", {"to": "published"}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    article.refresh_from_db()
    assert article.status == "draft"


def test_the_status_form_ignores_an_offsite_next(client, moderator):
    article = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(moderator)
    response = client.post(
        f"/articles/{article.pk}/status/", {"to": "published", "next": "//evil.example/"}
    )
    assert response["Location"] == f"/articles/{article.pk}/status/"


@pytest.mark.django_db(transaction=True)
def test_two_moderators_publishing_at_once_make_one_transition(moderator):
    import threading

    from django.db import connection

    article = ArticleFactory(status=Article.Status.DRAFT)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def publish() -> None:
        barrier.wait()
        try:
            article_publish(actor=moderator, article_id=article.pk)
            outcomes.append("published")
        except InvalidTransitionError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["published", "refused"]
    article.refresh_from_db()
    assert article.version == 2
