"""PATCH /api/articles/<id>/ with a new text: a revision, then every annotation re-anchored."""

from __future__ import annotations

import pytest

from annotator.annotations.models import Annotation
from annotator.articles.models import ArticleRevision
from annotator.review.models import AnnotationEvent
from tests.annotations.helpers import english_client as client_for
from tests.factories import AnnotationFactory, UserFactory, passage


def make(article, author, exact, **kwargs):  # type: ignore[no-untyped-def]
    return AnnotationFactory(article=article, author=author, **passage(article, exact), **kwargs)


def revise(user, article, text, version=None):  # type: ignore[no-untyped-def]
    return client_for(user).patch(
        f"/api/articles/{article.pk}/",
        {
            "text": text,
            "version": article.version if version is None else version,
            "note": "coquille",
        },
        format="json",
    )


def test_moderator_correction_creates_a_revision_and_reanchors_every_case(
    moderator, fact_checker, article
):
    moved = make(article, fact_checker, "la fibre partout", status="approved")
    typo = make(article, fact_checker, "observatoire de la 5G")
    gone = make(article, fact_checker, "taxer les géants du numérique", status="submitted")
    new_text = "Chapeau : un texte corrigé.\n\n" + article.text.replace(
        "observatoire de la 5G", "observatoire de la 5 G"
    ).replace("Enfin, il propose de *taxer les géants du numérique* en France.\n", "")
    response = revise(moderator, article, new_text)
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert response.json()["reanchoring"] == {
        "position": 1, "quote": 0, "fuzzy": 1, "orphaned": 1, "rechecked": 0, "revision": 2,
    }  # fmt: skip
    revision = ArticleRevision.objects.get(article=article, number=2)
    assert revision.text == new_text and revision.created_by == moderator

    moved.refresh_from_db()
    assert new_text[moved.start : moved.end] == "la fibre partout"
    assert moved.revision == revision and moved.status == "approved"
    typo.refresh_from_db()
    assert new_text[typo.start : typo.end] == "observatoire de la 5 G"
    gone.refresh_from_db()
    assert gone.status == "orphaned"
    assert gone.status_before_orphan == "submitted"
    assert gone.exact == "taxer les géants du numérique"
    assert AnnotationEvent.objects.filter(annotation=gone, action="orphan").count() == 1
    assert AnnotationEvent.objects.filter(annotation=moved, action="reanchor").count() == 1


def test_orphans_are_listed_and_reattached_when_the_passage_comes_back(
    moderator, fact_checker, article
):
    original = article.text
    annotation = make(article, fact_checker, "taxer les géants du numérique", status="submitted")
    revise(moderator, article, original.replace("taxer les géants du numérique", "rien"))
    annotation.refresh_from_db()
    assert annotation.status == "orphaned"
    article.refresh_from_db()
    revise(moderator, article, original)
    annotation.refresh_from_db()
    assert annotation.status == "submitted"
    assert original[annotation.start : annotation.end] == "taxer les géants du numérique"


def test_the_author_reattaches_an_orphan_by_choosing_a_new_passage(
    moderator, fact_checker, article
):
    annotation = make(article, fact_checker, "taxer les géants du numérique", status="approved")
    revise(
        moderator,
        article,
        article.text.replace("taxer les géants du numérique", "imposer les GAFAM"),
    )
    article.refresh_from_db()
    annotation.refresh_from_db()
    target = passage(article, "imposer les GAFAM")
    response = client_for(fact_checker).patch(
        f"/api/annotations/{annotation.pk}/",
        {"quote": {"exact": target["exact"]}, "position": {"start": target["start"], "end": target["end"]},
         "version": annotation.version},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    # approved before, the passage changed: back to review
    assert response.json()["status"] == "submitted"


@pytest.mark.parametrize("role", ["fact-checker", "reviewer"])
def test_only_moderators_correct_texts(role, article):
    response = revise(UserFactory(role=role), article, article.text + "\nAjout.")
    assert response.status_code == 403


def test_a_stale_correction_gets_409(moderator, article):
    response = revise(moderator, article, article.text + "\nAjout.", version=7)
    assert response.status_code == 409
    assert response.json()["current_version"] == 1


def test_an_empty_or_unchanged_text_is_refused(moderator, article):
    assert revise(moderator, article, "   ").status_code == 400
    assert revise(moderator, article, article.text).status_code == 400


def test_deleted_annotations_are_left_alone(moderator, fact_checker, article):
    from django.utils import timezone

    deleted = make(article, fact_checker, "la fibre", deleted_at=timezone.now())
    revise(moderator, article, "Tout autre texte.")
    deleted.refresh_from_db()
    assert deleted.status == Annotation.Status.DRAFT
    assert deleted.revision.number == 1


def test_the_admin_change_form_goes_through_the_revision_service(
    moderator, fact_checker, article, client
):
    annotation = make(article, fact_checker, "la fibre partout")
    client.force_login(moderator)
    url = f"/admin/articles/article/{article.pk}/change/"
    assert client.get(url).status_code == 200
    new_text = "Avant-propos.\n\n" + article.text
    form = {
        "title": article.title, "outlet": article.outlet, "author": "", "kind": article.kind,
        "url": "", "published_on": "2022-02-01", "language": "fr", "status": "published",
        "text": new_text.replace("\n", "\r\n"), "revision_note": "ajout d'un avant-propos",
        "loaded_version": str(article.version),
        "revisions-TOTAL_FORMS": "1", "revisions-INITIAL_FORMS": "1",
        "revisions-MIN_NUM_FORMS": "0", "revisions-MAX_NUM_FORMS": "1000",
        "revisions-0-id": str(article.revisions.get().pk), "revisions-0-article": str(article.pk),
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.text == new_text and article.version == 2
    assert article.revisions.get(number=2).note == "ajout d'un avant-propos"
    annotation.refresh_from_db()
    assert new_text[annotation.start : annotation.end] == "la fibre partout"
