"""POST /api/annotations/ on the hot path: a constant, small number of queries, the response
equal to a later read, and an Idempotency-Key that makes retries safe (issue 17)."""

from __future__ import annotations

import threading

from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotator.annotations.models import Annotation
from tests.annotations.helpers import english_client as client_for
from tests.annotations.test_api_create import URL, body_for
from tests.factories import ArticleFactory, ProposalFactory


def test_creating_runs_a_fixed_number_of_queries_whatever_the_text_and_links(fact_checker):
    small = ArticleFactory(text="Une mesure : la fibre partout. " * 3)
    large = ArticleFactory(text="Une mesure : la fibre partout. " * 7000)  # 210 kB
    proposals = [ProposalFactory() for _ in range(3)]
    client = client_for(fact_checker)

    def queries(article, linked):  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                URL, body_for(article, "la fibre partout", proposals=linked), format="json"
            )
        assert response.status_code == 201, response.json()
        assert not any('"text"' in q["sql"] and "SUBSTRING" not in q["sql"].upper()
                       for q in captured.captured_queries if "articles_article" in q["sql"])  # fmt: skip
        return len(captured)

    queries(small, [])  # the first request also reads the user's roles
    plain = queries(small, [])
    # savepoint, article + passage + revision, annotation, history, history links, event, the
    # live event (built from the instance: one INSERT, no re-read), release: the text's size
    # changes nothing
    assert plain <= 8
    assert queries(large, []) == plain
    assert queries(small, [proposals[0].pk]) == queries(large, [p.pk for p in proposals])


def test_the_create_response_equals_a_later_read(fact_checker, article):
    proposals = [ProposalFactory(title="Zèbre"), ProposalFactory(title="Abeille")]
    client = client_for(fact_checker)
    body = body_for(article, "créer un ministère du numérique", proposals=[p.pk for p in proposals])
    created = client.post(URL, body, format="json").json()
    assert created == client.get(f"{URL}{created['id']}/").json()
    assert [link["title"] for link in created["proposal_links"]] == ["Abeille", "Zèbre"]


def test_a_retry_with_the_same_idempotency_key_returns_the_first_annotation(fact_checker, article):
    client = client_for(fact_checker)
    body = body_for(article, "créer un ministère du numérique")
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    again = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == 201 and again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Annotation.objects.filter(article=article).count() == 1
    other = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="abc-124")
    assert other.status_code == 201
    assert Annotation.objects.filter(article=article).count() == 2


def test_the_same_key_with_another_body_is_a_conflict(fact_checker, article):
    client = client_for(fact_checker)
    client.post(URL, body_for(article, "créer un ministère du numérique"), format="json",
                HTTP_IDEMPOTENCY_KEY="k1")  # fmt: skip
    response = client.post(URL, body_for(article, "la fibre partout"), format="json",
                           HTTP_IDEMPOTENCY_KEY="k1")  # fmt: skip
    assert response.status_code == 409
    assert set(response.json()) >= {"error", "detail", "fields"}


def test_keys_belong_to_their_user(fact_checker, fact_checker2, article):
    body = body_for(article, "créer un ministère du numérique")
    client_for(fact_checker).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="same")
    response = client_for(fact_checker2).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert response.status_code == 201
    assert Annotation.objects.filter(article=article).count() == 2


def test_an_unusable_key_is_a_400(fact_checker, article):
    response = client_for(fact_checker).post(
        URL, body_for(article, "la fibre partout"), format="json", HTTP_IDEMPOTENCY_KEY="x" * 300
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["fields"]


def test_concurrent_retries_with_one_key_create_exactly_one_annotation(transactional_db):
    from tests.factories import UserFactory

    author = UserFactory(role="fact-checker")
    article = ArticleFactory(text="Le candidat veut la fibre partout en 2027.")
    body = body_for(article, "la fibre partout")
    statuses: list[int] = []

    def post() -> None:
        try:
            response = client_for(author).post(URL, body, format="json",
                                               HTTP_IDEMPOTENCY_KEY="race")  # fmt: skip
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses).count(201) == 1 and len(statuses) == 4
    assert set(statuses) <= {200, 201}
    assert Annotation.objects.filter(article=article).count() == 1
