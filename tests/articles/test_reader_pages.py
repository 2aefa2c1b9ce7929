"""/articles/ and /articles/<id>/: content, filters, permissions and a fixed number of queries."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from annotator.articles.models import Article
from tests.factories import (
    AnnotationFactory,
    ArticleFactory,
    CandidacyFactory,
    ProposalFactory,
    UserFactory,
    passage,
)

TEXT = "# Titre\n\nLe candidat veut **créer un ministère** et la fibre partout.\n"


def annotations_in_page(response) -> list[dict]:  # type: ignore[no-untyped-def]
    content = response.content.decode()
    start = content.index(">", content.index('id="annotations-data"')) + 1
    return json.loads(content[start : content.index("</script>", start)])


def test_the_list_shows_sources_with_candidates_and_counts_by_status(client, fact_checker):
    candidacy = CandidacyFactory(candidate__first_name="Benoît", candidate__last_name="Hamon")
    article = ArticleFactory(title="Les propositions de Hamon", text=TEXT)
    article.candidacies.set([candidacy])
    for status in ("submitted", "submitted", "approved"):
        AnnotationFactory(article=article, status=status, **passage(article, "la fibre"))
    AnnotationFactory(article=article, status="draft", **passage(article, "la fibre"))  # not mine
    client.force_login(fact_checker)
    response = client.get("/articles/")
    html = response.content.decode()
    assert "Les propositions de Hamon" in html
    assert "Benoît Hamon" in html
    assert "2 soumise" in html.lower() or "2 submitted" in html.lower()
    assert "brouillon" not in html.lower().split("<tbody>")[1]


def test_the_list_filters_by_election_candidate_outlet_and_kind(client, fact_checker):
    hamon = CandidacyFactory()
    first = ArticleFactory(title="Premier", outlet="Numerama", kind="article")
    first.candidacies.set([hamon])
    ArticleFactory(title="Second", outlet="Les Echos", kind="opinion")
    client.force_login(fact_checker)

    def titles(query: str) -> set[str]:
        html = client.get(f"/articles/?{query}").content.decode()
        return {t for t in ("Premier", "Second") if f">{t}</a>" in html}

    assert titles("") == {"Premier", "Second"}
    assert titles(f"election={hamon.election_id}") == {"Premier"}
    assert titles(f"candidate={hamon.candidate_id}") == {"Premier"}
    assert titles("outlet=Les+Echos") == {"Second"}
    assert titles("kind=opinion") == {"Second"}
    assert titles("election=" + "9" * 30) == set()  # no such election: nothing, not a 500
    assert titles("election=&kind=") == {"Premier", "Second"}  # the form's "All"
    assert titles("page=0") == titles("page=x") == {"Premier", "Second"}


def test_the_list_query_count_does_not_grow_with_rows(
    client, fact_checker, django_assert_max_num_queries
):
    client.force_login(fact_checker)
    for _ in range(3):
        AnnotationFactory(article=ArticleFactory(), status="submitted")
    with django_assert_max_num_queries(12) as few:
        client.get("/articles/")
    for _ in range(20):
        article = ArticleFactory()
        article.candidacies.set([CandidacyFactory()])
        AnnotationFactory(article=article, status="submitted")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/articles/")


def test_the_page_is_in_french_by_default(client, fact_checker):
    client.force_login(fact_checker)
    html = client.get(f"/articles/{ArticleFactory(text=TEXT).pk}/").content.decode()
    assert 'lang="fr"' in html
    assert "Annoter" in html
    assert "Annotations orphelines" in html


def test_the_article_page_renders_runs_and_the_visible_annotations(
    client, fact_checker, fact_checker2
):
    article = ArticleFactory(text=TEXT)
    mine = AnnotationFactory(article=article, author=fact_checker, **passage(article, "la fibre"))
    AnnotationFactory(
        article=article, author=fact_checker2, **passage(article, "la fibre")
    )  # draft
    hidden = AnnotationFactory(
        article=article,
        status="submitted",
        hidden_at=timezone.now(),
        **passage(article, "la fibre"),
    )
    client.force_login(fact_checker)
    response = client.get(f"/articles/{article.pk}/")
    html = response.content.decode()
    assert 'data-start="2" data-end="7">Titre</span>' in html
    ids = [a["id"] for a in annotations_in_page(response)]
    assert ids == [mine.pk]
    assert hidden.pk not in ids


def test_comments_in_the_page_are_sanitized_html(client, fact_checker):
    article = ArticleFactory(text=TEXT)
    AnnotationFactory(
        article=article, author=fact_checker, comment="<script>alert(1)</script> **gras**",
        **passage(article, "la fibre"),
    )  # fmt: skip
    client.force_login(fact_checker)
    response = client.get(f"/articles/{article.pk}/")
    [data] = annotations_in_page(response)
    assert "<script>" not in data["comment_html"]
    assert "<strong>gras</strong>" in data["comment_html"]
    assert "<script>alert" not in response.content.decode()


def test_draft_articles_are_hidden_from_fact_checkers(client, fact_checker):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(fact_checker)
    assert client.get(f"/articles/{draft.pk}/").status_code == 404


def test_pages_require_login(client):
    assert client.get("/articles/").status_code == 302


@pytest.mark.parametrize("count", [100, 1000])
def test_the_article_page_query_count_does_not_grow_with_annotations(
    count, client, fact_checker, django_assert_num_queries
):
    article = ArticleFactory(text=TEXT)
    author = UserFactory(role="fact-checker")
    proposal = ProposalFactory()
    start = article.text.index("la fibre")
    from annotator.annotations.models import Annotation

    created = Annotation.objects.bulk_create(
        [
            Annotation(
                article=article,
                revision=article.revisions.get(),
                author=author,
                exact="la fibre",
                start=start,
                end=start + 8,
                status="submitted",
            )
            for _ in range(count)
        ]
    )
    Annotation.proposals.through.objects.bulk_create(
        [Annotation.proposals.through(annotation_id=a.pk, proposal_id=proposal.pk) for a in created]
    )
    client.force_login(fact_checker)
    # session, the user with their roles (cached afterwards), article, candidacies, annotations
    # with their proposals (one query), the navigation's latest event and unread count, its
    # counts (cached afterwards)
    with django_assert_num_queries(7):
        response = client.get(f"/articles/{article.pk}/")
    assert len(annotations_in_page(response)) == count
    assert all(a["proposals"] == [proposal.pk] for a in annotations_in_page(response))
    with django_assert_num_queries(5):
        again = client.get(f"/articles/{article.pk}/")
    assert annotations_in_page(again) == annotations_in_page(response)


def test_the_reader_json_is_djangos_json_script_byte_for_byte():
    from django.utils.html import json_script

    from annotator.templatetags.json_data import json_data

    value = {
        "text": "</script><script>alert('x')</script> & « guillemets » \u2028 é",
        "n": [1, 2.5, None, True],
        "nested": {"<b>": "a>b&c"},
    }
    assert json_data(value, "reader-config") == json_script(value, "reader-config")


def test_the_list_page_costs_a_fixed_number_of_queries_in_steady_state(
    client, fact_checker, django_assert_num_queries
):
    client.force_login(fact_checker)
    for _ in range(3):
        ArticleFactory().candidacies.set([CandidacyFactory()])
    client.get("/articles/")  # the navigation counts are cached from now on
    # The session; the page: how many match, its rows, candidacies and annotation counts, the
    # filters' options (annotator/articles/list_rows.py); the navigation's latest event and unread
    # count. The user and roles come from the cache (annotator/lib/session_auth.py).
    with django_assert_num_queries(3):
        assert client.get("/articles/").status_code == 200
