"""A text revision never leaves a verified annotation on a passage nobody verified (issue 12)."""

from __future__ import annotations

import random

from django.test import Client

from annotator.annotations.models import Annotation
from annotator.review.models import AnnotationEvent, Notification
from annotator.review.services import annotation_review
from tests.annotations.test_anchoring import prose
from tests.annotations.test_revisions import make, revise
from tests.factories import ArticleFactory, UserFactory, passage
from tests.factories.newsroom import AnnotationEventFactory

ANNEX_TEXT = (
    "La fibre optique partout, promet le candidat en ouverture de son programme.\n\n"
    "Le reste du texte parle de santé, d'école et de retraites, longuement.\n\n"
    "Annexe. Rappel des engagements chiffrés : la fibre optique partout d'ici à 2030.\n"
)


def approve(annotation, *reviewers):  # type: ignore[no-untyped-def]
    for reviewer in reviewers:
        AnnotationEventFactory(annotation=annotation, actor=reviewer, action="approve")


def test_an_approved_passage_whose_sentence_is_deleted_is_not_moved_to_the_annex(
    moderator, fact_checker, reviewer
):
    article = ArticleFactory(text=ANNEX_TEXT)
    annotation = make(article, fact_checker, "La fibre optique partout", status="approved")
    approve(annotation, reviewer)
    new_text = ANNEX_TEXT.replace(
        "La fibre optique partout, promet le candidat en ouverture de son programme.\n\n", ""
    )
    response = revise(moderator, article, new_text)
    assert response.status_code == 200, response.json()
    annotation.refresh_from_db()
    assert annotation.status == "orphaned"
    assert annotation.exact == "La fibre optique partout"
    assert not Annotation.objects.filter(status="approved").exists()


def test_a_passage_repeated_elsewhere_with_its_own_context_deleted_is_orphaned_not_moved(
    moderator, fact_checker
):
    article = ArticleFactory(text=ANNEX_TEXT)
    annotation = make(article, fact_checker, "la fibre optique partout", status="submitted")
    assert annotation.start > 100  # the annex's occurrence (case-sensitive)
    new_text = ANNEX_TEXT.replace(
        "Rappel des engagements chiffrés : la fibre optique partout d'ici à 2030.", "Fin."
    )
    response = revise(moderator, article, new_text)
    assert response.json()["reanchoring"]["orphaned"] == 1
    annotation.refresh_from_db()
    assert annotation.status == "orphaned" and annotation.status_before_orphan == "submitted"


def test_a_typo_fixed_inside_a_long_approved_passage_is_mapped_exactly_and_sent_back_to_review(
    moderator, fact_checker, reviewer, reviewer2, settings
):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    rng = random.Random(12)
    long_passage = "".join(prose(rng, 60))[:4000].strip()
    text = "Introduction du programme.\n\n" + long_passage + "\n\nConclusion du programme.\n"
    typo_at = 2000 + long_passage[2000:].index("é")
    article = ArticleFactory(
        text=text.replace(long_passage, long_passage[:typo_at] + "e" + long_passage[typo_at + 1 :])
    )
    annotation = make(
        article, fact_checker, article.text[28 : 28 + len(long_passage)], status="approved"
    )
    assert len(annotation.exact) == len(long_passage) >= 3900
    approve(annotation, reviewer, reviewer2)
    old_version, old_modified = annotation.version, annotation.modified

    response = revise(moderator, article, text)
    assert response.status_code == 200, response.json()
    assert response.json()["reanchoring"] | {} == {
        "position": 0, "quote": 0, "fuzzy": 1, "orphaned": 0, "rechecked": 1, "revision": 2,
    }  # fmt: skip
    annotation.refresh_from_db()
    assert annotation.exact == long_passage
    assert text[annotation.start : annotation.end] == long_passage
    assert annotation.status == "submitted"
    assert annotation.version == old_version + 1 and annotation.modified > old_modified
    event = AnnotationEvent.objects.get(annotation=annotation, action="recheck")
    assert (event.from_state, event.to_state) == ("approved", "submitted")
    assert event.details["method"] == "fuzzy"
    assert event.details["new_quote"] == long_passage and event.details["old_quote"] != long_passage
    notified = set(
        Notification.objects.filter(annotation=annotation, kind="recheck").values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == {fact_checker.username, reviewer.username, reviewer2.username}
    assert annotation.history.filter(history_change_reason="reanchor").count() == 1
    page = Client(HTTP_ACCEPT_LANGUAGE="fr")
    page.force_login(reviewer)
    html = page.get(f"/annotations/{annotation.pk}/").content.decode()
    assert 'data-testid="event-quotes"' in html and "Passage avant la révision" in html

    # A new round: the earlier approvals do not count again, two new ones are needed.
    annotation_review(actor=reviewer, annotation_id=annotation.pk, decision="approve")
    annotation.refresh_from_db()
    assert annotation.status == "submitted"
    annotation_review(actor=reviewer2, annotation_id=annotation.pk, decision="approve")
    annotation.refresh_from_db()
    assert annotation.status == "approved"


def test_text_inserted_and_deleted_around_a_thousand_annotations_maps_every_one_through_the_edit(
    moderator, fact_checker, django_assert_max_num_queries
):
    rng = random.Random(3)
    sentences = prose(rng, 3000)
    article = ArticleFactory(text="".join(sentences))
    author = UserFactory(role="fact-checker")
    rows = []
    for i in range(0, 3000, 3):
        fields = passage(article, sentences[i].strip())
        rows.append(
            Annotation(article=article, revision=article.revisions.get(), author=author,
                       status="approved", **fields)
        )  # fmt: skip
    Annotation.objects.bulk_create(rows)
    new_text = "".join(
        (f"Paragraphe ajouté {i}. " if i % 5 == 0 else "") + (s if i % 3 != 1 else "")
        for i, s in enumerate(sentences)
    )
    with django_assert_max_num_queries(30):
        response = revise(moderator, article, new_text)
    counts = response.json()["reanchoring"]
    assert counts["position"] == 1000 and counts["quote"] == counts["orphaned"] == 0
    assert counts["rechecked"] == 0
    for annotation in Annotation.objects.filter(article=article):
        assert new_text[annotation.start : annotation.end] == annotation.exact
        assert annotation.status == "approved"
