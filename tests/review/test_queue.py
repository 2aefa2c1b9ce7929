"""The review queue's filters (kept in the URL), pagination, resubmissions with the earlier
review and a diff of what changed, and comments rendered as Markdown."""

from __future__ import annotations

import pytest
from django.test import Client

from annotator.review import services
from tests.factories import ArticleFactory, ProposalFactory, UserFactory
from tests.factories.core import CandidacyFactory
from tests.factories.review import submitted_annotation

pytestmark = pytest.mark.django_db


def browser_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def ids_in(html: str) -> set[int]:
    import re

    return {int(m) for m in re.findall(r'class="card review-item[^"]*"[^>]*data-id="(\d+)"', html)}


def test_filters_by_source_author_candidacy_theme_and_state_are_kept_in_the_url(
    reviewer, moderator
):
    alice = UserFactory(role="fact-checker", first_name="Alice", last_name="Durand")
    bob = UserFactory(role="fact-checker")
    first_article, second_article = ArticleFactory(), ArticleFactory()
    candidacy = CandidacyFactory()
    proposal = ProposalFactory(candidacy=candidacy)
    by_alice = submitted_annotation(author=alice, article=first_article, proposals=[proposal])
    by_bob = submitted_annotation(author=bob, article=second_article)
    client = browser_for(reviewer)

    assert ids_in(client.get("/review/").content.decode()) == {by_alice.pk, by_bob.pk}
    assert ids_in(client.get(f"/review/?source={second_article.pk}").content.decode()) == {
        by_bob.pk
    }
    html = client.get(f"/review/?author={alice.pk}").content.decode()
    assert ids_in(html) == {by_alice.pk}
    assert f'<option value="{alice.pk}" selected>Alice Durand</option>' in html  # kept
    assert ids_in(client.get(f"/review/?candidacy={candidacy.pk}").content.decode()) == {
        by_alice.pk
    }
    theme = proposal.primary_theme.pk
    assert ids_in(client.get(f"/review/?theme={theme}").content.decode()) == {by_alice.pk}

    # by_bob is sent back, then resubmitted: only it is "resubmitted".
    services.annotation_review(
        actor=moderator, annotation_id=by_bob.pk, decision="request_changes", comment="Source ?"
    )
    services.annotation_submit(actor=bob, annotation_id=by_bob.pk)
    assert ids_in(client.get("/review/?state=resubmitted").content.decode()) == {by_bob.pk}
    assert ids_in(client.get("/review/?state=new").content.decode()) == {by_alice.pk}


def test_an_unknown_filter_value_is_a_400_with_the_error_shown(reviewer):
    submitted_annotation()
    outside = ArticleFactory()  # no annotation of the queue on it
    for query in (f"source={outside.pk}", "author=abc", "state=bogus"):
        response = browser_for(reviewer).get(f"/review/?{query}")
        assert response.status_code == 400, query
        assert 'role="alert"' in response.content.decode()


def test_pages_of_ten_keep_the_filters_in_their_links(reviewer):
    author = UserFactory(role="fact-checker")
    for _ in range(12):
        submitted_annotation(author=author)
    submitted_annotation()  # another author, filtered out
    client = browser_for(reviewer)
    html = client.get(f"/review/?author={author.pk}").content.decode()
    assert len(ids_in(html)) == 10
    assert f'href="?author={author.pk}&amp;page=2"' in html
    assert len(ids_in(client.get(f"/review/?author={author.pk}&page=2").content.decode())) == 2


def test_a_resubmission_shows_the_earlier_review_comment_and_what_changed(reviewer, moderator):
    author = UserFactory(role="fact-checker")
    kept, dropped, added = ProposalFactory(), ProposalFactory(), ProposalFactory(title="Ajoutée")
    annotation = submitted_annotation(
        author=author,
        comment="Le chiffre vient du programme.",
        tags=["chiffre", "ancien"],
        proposals=[kept, dropped],
    )
    services.annotation_review(
        actor=moderator,
        annotation_id=annotation.pk,
        decision="request_changes",
        comment="Merci de **citer la page** du programme.",
    )
    annotation.comment = "Le chiffre vient du programme, page 12."
    annotation.tags = ["chiffre", "nouveau"]
    annotation.save(update_fields=["comment", "tags", "comment_html"])
    annotation.proposals.set([kept, added])
    services.annotation_submit(actor=author, annotation_id=annotation.pk)

    html = browser_for(reviewer).get("/review/").content.decode()
    assert 'data-testid="resubmission"' in html
    assert "Merci de <strong>citer la page</strong> du programme." in html  # rendered Markdown
    assert "<del>programme.</del>" in html and "<ins>programme, page 12.</ins>" in html
    assert "+ nouveau" in html and "\u2212 ancien" in html
    assert "+ Ajoutée" in html and f"\u2212 {dropped.title}" in html


def test_a_first_submission_has_no_resubmission_block(reviewer):
    submitted_annotation()
    assert (
        'data-testid="resubmission"' not in browser_for(reviewer).get("/review/").content.decode()
    )


def test_queue_comments_are_rendered_markdown_escaping_raw_html(reviewer):
    submitted_annotation(comment="**Gras** et <script>alert(1)</script>", comment_html="")
    html = browser_for(reviewer).get("/review/").content.decode()
    assert "<strong>Gras</strong>" in html
    assert "<script>alert(1)</script>" not in html


def test_the_filtered_queue_costs_the_same_queries_for_few_or_many_resubmissions(
    reviewer, moderator, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    author = UserFactory(role="fact-checker")

    def resubmitted() -> None:
        annotation = submitted_annotation(author=author, proposals=[ProposalFactory()])
        services.annotation_review(
            actor=moderator, annotation_id=annotation.pk, decision="request_changes", comment="x"
        )
        services.annotation_submit(actor=author, annotation_id=annotation.pk)

    client = browser_for(reviewer)
    resubmitted()
    url = f"/review/?author={author.pk}&state=resubmitted"
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(8):
        resubmitted()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(ids_in(client.get(url).content.decode())) == 9
