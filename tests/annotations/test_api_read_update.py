"""Reading, filtering, editing and deleting annotations; visibility; no lost updates."""

from __future__ import annotations

import pytest
from django.utils import timezone

from annotator.annotations.models import Annotation
from annotator.review.models import AnnotationEvent
from tests.annotations.helpers import english_client as client_for
from tests.factories import AnnotationFactory, ProposalFactory, UserFactory, passage

URL = "/api/annotations/"


def make(article, author, exact="la fibre", **kwargs):  # type: ignore[no-untyped-def]
    return AnnotationFactory(article=article, author=author, **passage(article, exact), **kwargs)


def test_drafts_are_visible_only_to_their_author(fact_checker, fact_checker2, article):
    mine = make(article, fact_checker)
    theirs = make(article, fact_checker2, "observatoire de la 5G")
    submitted = make(article, fact_checker2, "taxer", status=Annotation.Status.SUBMITTED)
    ids = {a["id"] for a in client_for(fact_checker).get(URL).json()["results"]}
    assert ids == {mine.pk, submitted.pk}
    assert client_for(fact_checker).get(f"{URL}{theirs.pk}/").status_code == 404


def test_hidden_and_deleted_annotations_are_excluded_for_everyone(fact_checker, moderator, article):
    hidden = make(article, fact_checker, status="submitted", hidden_at=timezone.now())
    deleted = make(article, fact_checker, "taxer", deleted_at=timezone.now())
    for user in (fact_checker, moderator):
        ids = {a["id"] for a in client_for(user).get(URL).json()["results"]}
        assert not ids & {hidden.pk, deleted.pk}
        assert client_for(user).get(f"{URL}{deleted.pk}/").status_code == 404


def test_users_without_a_role_read_submitted_annotations(outsider, fact_checker, article):
    shown = make(article, fact_checker, status="submitted")
    assert client_for(outsider).get(f"{URL}{shown.pk}/").status_code == 200


def test_list_filters_by_article_author_status_proposal_and_tag(
    fact_checker, fact_checker2, article
):
    proposal = ProposalFactory()
    first = make(article, fact_checker, status="submitted", tags=["chiffre"])
    first.proposals.set([proposal])
    second = make(article, fact_checker2, "taxer", status="approved")
    client = client_for(fact_checker)

    def ids(query: str) -> set[int]:
        return {a["id"] for a in client.get(f"{URL}?{query}").json()["results"]}

    assert ids(f"article={article.pk}") == {first.pk, second.pk}
    assert ids("author=fc2") == {second.pk}
    assert ids("status=approved") == {second.pk}
    assert ids(f"proposal={proposal.pk}") == {first.pk}
    assert ids("tag=chiffre") == {first.pk}
    assert client.get(f"{URL}?status=nonsense").status_code == 400


def test_listing_one_articles_100_annotations_takes_a_fixed_number_of_queries(
    fact_checker, article, django_assert_max_num_queries
):
    proposal = ProposalFactory()
    for _ in range(100):
        make(article, fact_checker).proposals.set([proposal])
    client = client_for(fact_checker)
    with django_assert_max_num_queries(6):
        response = client.get(f"{URL}?article={article.pk}&page_size=100")
    assert len(response.json()["results"]) == 100


def test_author_edits_comment_tags_and_links_with_the_current_version(fact_checker, article):
    annotation = make(article, fact_checker)
    proposal = ProposalFactory()
    response = client_for(fact_checker).patch(
        f"{URL}{annotation.pk}/",
        {"comment": "Nouveau", "tags": ["x"], "proposals": [proposal.pk], "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["comment"], data["tags"], data["proposals"], data["version"]) == (
        "Nouveau",
        ["x"],
        [proposal.pk],
        2,
    )
    assert AnnotationEvent.objects.filter(annotation=annotation, action="edit").count() == 1


def test_a_stale_write_gets_409_with_the_current_state_and_who_changed_it(fact_checker, article):
    annotation = make(article, fact_checker)
    client = client_for(fact_checker)
    first = client.patch(f"{URL}{annotation.pk}/", {"comment": "A", "version": 1}, format="json")
    assert first.status_code == 200
    stale = client.patch(f"{URL}{annotation.pk}/", {"comment": "B", "version": 1}, format="json")
    assert stale.status_code == 409
    body = stale.json()
    assert body["error"] == "stale_version"
    assert body["current"]["comment"] == "A"
    assert body["current"]["version"] == 2
    assert body["modified_by"] == "fc"
    assert Annotation.objects.get(pk=annotation.pk).comment == "A"


def test_if_match_header_carries_the_version(fact_checker, article):
    annotation = make(article, fact_checker)
    client = client_for(fact_checker)
    ok = client.patch(
        f"{URL}{annotation.pk}/", {"comment": "A"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert ok.status_code == 200
    stale = client.patch(
        f"{URL}{annotation.pk}/", {"comment": "B"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert stale.status_code == 409


def test_a_write_without_a_version_is_refused(fact_checker, article):
    annotation = make(article, fact_checker)
    response = client_for(fact_checker).patch(
        f"{URL}{annotation.pk}/", {"comment": "A"}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.json()["fields"]


@pytest.mark.parametrize("role", ["fact-checker", "reviewer", "moderator"])
def test_only_the_author_edits(role, fact_checker, article):
    annotation = make(article, fact_checker, status="submitted")
    other = UserFactory(role=role)
    response = client_for(other).patch(
        f"{URL}{annotation.pk}/", {"comment": "pirate", "version": 1}, format="json"
    )
    assert response.status_code == 403


def test_a_locked_annotation_cannot_be_edited(fact_checker, article):
    annotation = make(article, fact_checker, is_locked=True)
    response = client_for(fact_checker).patch(
        f"{URL}{annotation.pk}/", {"comment": "x", "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert "locked" in response.json()["detail"]


def test_editing_the_comment_of_an_approved_annotation_sends_it_back_to_review(
    fact_checker, article
):
    annotation = make(article, fact_checker, status="approved")
    client = client_for(fact_checker)
    tags_only = client.patch(f"{URL}{annotation.pk}/", {"tags": ["a"], "version": 1}, format="json")
    assert tags_only.json()["status"] == "approved"
    response = client.patch(
        f"{URL}{annotation.pk}/", {"comment": "changé", "version": 2}, format="json"
    )
    assert response.json()["status"] == "submitted"
    event = AnnotationEvent.objects.filter(annotation=annotation, action="edit").last()
    assert (event.from_state, event.to_state) == ("approved", "submitted")


def test_moving_the_passage_revalidates_the_selectors(fact_checker, article):
    annotation = make(article, fact_checker)
    target = passage(article, "observatoire de la 5G")
    client = client_for(fact_checker)
    bad = client.patch(
        f"{URL}{annotation.pk}/",
        {
            "quote": {"exact": "wrong"},
            "position": {"start": target["start"], "end": target["end"]},
            "version": 1,
        },
        format="json",
    )
    assert bad.status_code == 400
    good = client.patch(
        f"{URL}{annotation.pk}/",
        {
            "quote": {"exact": target["exact"]},
            "position": {"start": target["start"], "end": target["end"]},
            "version": 1,
        },
        format="json",
    )
    assert good.json()["position"] == {"start": target["start"], "end": target["end"]}


def test_delete_is_soft_and_recorded(fact_checker, article):
    annotation = make(article, fact_checker)
    client = client_for(fact_checker)
    assert client.delete(f"{URL}{annotation.pk}/", HTTP_IF_MATCH='"1"').status_code == 204
    annotation.refresh_from_db()
    assert annotation.deleted_at is not None
    assert client.get(f"{URL}{annotation.pk}/").status_code == 404
    assert AnnotationEvent.objects.filter(annotation=annotation, action="delete").exists()


def test_a_stale_delete_gets_409(fact_checker, article):
    annotation = make(article, fact_checker, version=3)
    response = client_for(fact_checker).delete(f"{URL}{annotation.pk}/?version=2")
    assert response.status_code == 409
    assert Annotation.objects.get(pk=annotation.pk).deleted_at is None


@pytest.mark.parametrize(
    ("role", "allowed"), [("fact-checker", False), ("reviewer", False), ("moderator", True)]
)
def test_only_the_author_or_a_moderator_deletes(role, allowed, fact_checker, article):
    annotation = make(article, fact_checker, status="submitted")
    response = client_for(UserFactory(role=role)).delete(f"{URL}{annotation.pk}/?version=1")
    assert response.status_code == (204 if allowed else 403)


def test_ids_that_are_not_numbers_get_404(fact_checker):
    assert client_for(fact_checker).get(f"{URL}abc/").status_code == 404


def test_annotations_of_an_archived_source_cannot_be_edited(fact_checker, article):
    annotation = make(article, fact_checker)
    article.status = "archived"
    article.save(update_fields=["status"])
    response = client_for(fact_checker).patch(
        f"{URL}{annotation.pk}/", {"comment": "x", "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert "read-only" in response.json()["detail"]
