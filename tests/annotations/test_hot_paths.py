"""The requests fact-checkers make most, by token as API clients make them (issue 17): their
query counts, and the audit trail their one-statement writes keep (history rows with their
links, events)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotator.annotations.models import Annotation
from annotator.annotations.read_model import annotation_record_of
from annotator.lib.auth_tokens import token_issue
from annotator.live.models import Event
from annotator.review.models import AnnotationEvent
from tests.annotations.test_api_create import body_for
from tests.factories import AnnotationFactory, ArticleFactory, ProposalFactory
from tests.factories.core import CandidacyFactory

pytestmark = pytest.mark.django_db


def token_client(user):  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user).key}")
    client.get("/api/articles/?page_size=1")  # steady state: the token is cached
    return client


def counted(call):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code < 300, response.content
    return response, [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("count", [1, 100, 199])
def test_an_articles_annotations_cost_one_query_whatever_their_number(
    fact_checker, fact_checker2, count
):
    article = ArticleFactory(text="Une mesure : la fibre partout. " * 20)
    proposals = [ProposalFactory(title="Zèbre"), ProposalFactory(title="Abeille")]
    for index in range(count):
        annotation = AnnotationFactory(
            article=article, author=fact_checker2, status="approved", start=index % 50 + 1
        )
        if index % 2:
            annotation.proposals.set(proposals)
    client = token_client(fact_checker)
    response, sql = counted(lambda: client.get(f"/api/annotations/?article={article.pk}"))
    # the rows with their proposal links (array subquery): no COUNT when one page holds them
    # all, no join on articles to sort them, no token or role query
    assert len(sql) == 1, sql
    assert 'articles_article" ON' not in sql[0]
    body = response.json()
    assert body["count"] == count and len(body["results"]) == count
    linked = [r for r in body["results"] if r["proposals"]]
    assert all([p["title"] for p in r["proposal_links"]] == ["Abeille", "Zèbre"] for r in linked)
    positions = [(r["position"]["start"], r["position"]["end"], r["id"]) for r in body["results"]]
    assert positions == sorted(positions)


def test_a_full_first_page_still_counts_every_annotation(fact_checker):
    article = ArticleFactory()
    for _ in range(5):
        AnnotationFactory(article=article, author=fact_checker, status="approved")
    client = token_client(fact_checker)
    response, sql = counted(
        lambda: client.get(f"/api/annotations/?article={article.pk}&page_size=2")
    )
    assert len(sql) == 2, "\n".join(q[:120] for q in sql)  # a full page: the COUNT is needed
    assert response.json()["count"] == 5 and response.json()["next"]


def test_creating_costs_two_queries_and_three_with_proposals(fact_checker, article):
    proposals = [ProposalFactory(title="Zèbre"), ProposalFactory(title="Abeille")]
    client = token_client(fact_checker)
    created, sql = counted(
        lambda: client.post(
            "/api/annotations/", body_for(article, "la fibre partout"), format="json"
        )
    )
    # the article and passage check (and the new id), one INSERT … for the row, links, history,
    # event and live event (atomic by itself: no transaction around it)
    assert len(sql) == 2, sql
    assert "nextval" in sql[0] and "live_event" in sql[1]
    body = body_for(article, "créer un ministère du numérique", proposals=[p.pk for p in proposals])
    linked, sql = counted(lambda: client.post("/api/annotations/", body, format="json"))
    assert len(sql) == 3, sql  # + the proposals exist
    assert [link["title"] for link in linked.json()["proposal_links"]] == ["Abeille", "Zèbre"]
    assert created.json()["version"] == 1 and created.json()["status"] == "draft"


def test_a_create_keeps_its_full_audit_trail(fact_checker, article):
    proposals = [ProposalFactory(), ProposalFactory()]
    client = token_client(fact_checker)
    body = body_for(article, "la fibre partout", proposals=[p.pk for p in proposals])
    annotation = Annotation.objects.get(
        pk=client.post("/api/annotations/", body, format="json").json()["id"]
    )
    (history,) = annotation.history.all()
    assert history.history_type == "+" and history.history_user == fact_checker
    assert history.status == "draft" and history.exact == "la fibre partout"
    assert {link.proposal_id for link in history.proposals.all()} == {p.pk for p in proposals}
    (event,) = AnnotationEvent.objects.filter(annotation=annotation)
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        "create",
        fact_checker,
        "",
        "draft",
    )
    assert {p.pk for p in annotation.proposals.all()} == {p.pk for p in proposals}
    assert (history.created, history.modified) == (annotation.created, annotation.modified)
    # The live event, written by the same statement: the record the read model gives.
    (live_event,) = Event.objects.filter(annotation_id=annotation.pk)
    assert live_event.kind == "annotation.created" and live_event.article_id == article.pk
    record, _row = annotation_record_of(annotation.pk, language="fr")
    assert live_event.payload["annotation"] == record
    assert live_event.payload["actor"]["username"] == fact_checker.username
    assert live_event.audience["before"] is None
    assert live_event.audience["after"]["status"] == "draft"
    assert live_event.audience["after"]["author"] == fact_checker.pk
    assert live_event.created >= annotation.created


def test_submitting_and_reviewing_write_state_history_and_event_together(
    fact_checker, reviewer, article
):
    proposal = ProposalFactory()
    author = token_client(fact_checker)
    body = body_for(article, "la fibre partout", proposals=[proposal.pk])
    created = author.post("/api/annotations/", body, format="json").json()
    submitted, sql = counted(
        lambda: author.post(
            f"/api/annotations/{created['id']}/submit/", {"version": 1}, format="json"
        )
    )
    # savepoint, the row locked, one UPDATE … with its history row and event, the live event (the
    # record read back through the read model: the row with its proposal links, then its INSERT),
    # release
    assert len(sql) == 6, sql
    assert submitted.json()["status"] == "submitted" and submitted.json()["version"] == 2
    live_event = Event.objects.filter(kind="annotation.submitted").latest("id")
    shown = author.get(f"/api/annotations/{created['id']}/").json()
    assert live_event.payload["annotation"] == shown
    assert [link["id"] for link in live_event.payload["annotation"]["proposal_links"]] == [
        proposal.pk
    ]
    reviewing = token_client(reviewer)
    approved, sql = counted(
        lambda: reviewing.post(
            f"/api/annotations/{created['id']}/reviews/",
            {"decision": "approve", "comment": "", "version": 2},
            format="json",
        )
    )
    # savepoint, the row locked with its author, the approvals since the round's start (one
    # query), the linked proposals' titles (the snapshot a resubmission is compared with),
    # UPDATE + history + event, the author's notification and its live inbox event, the live
    # annotation event (the record with its links, INSERT), release
    assert len(sql) == 10, "\n".join(q[:160] for q in sql)
    assert approved.json()["status"] == "approved"
    annotation = Annotation.objects.get(pk=created["id"])
    history = list(annotation.history.order_by("history_id"))
    assert [(h.history_type, h.status, h.version, h.history_user) for h in history] == [
        ("+", "draft", 1, fact_checker),
        ("~", "submitted", 2, fact_checker),
        ("~", "approved", 3, reviewer),
    ]
    assert all([link.proposal_id for link in h.proposals.all()] == [proposal.pk] for h in history)
    events = AnnotationEvent.objects.filter(annotation=annotation).order_by("id")
    assert [(e.action, e.from_state, e.to_state, e.actor) for e in events] == [
        ("create", "", "draft", fact_checker),
        ("submit", "draft", "submitted", fact_checker),
        ("approve", "submitted", "approved", reviewer),
    ]


def test_the_articles_list_api_costs_three_queries_whatever_the_page(fact_checker):
    for _ in range(12):
        ArticleFactory().candidacies.set([CandidacyFactory()])
    client = token_client(fact_checker)
    for size in (1, 10):
        _response, sql = counted(lambda size=size: client.get(f"/api/articles/?page_size={size}"))
        assert len(sql) == 3, sql  # count, the page, its candidacies


def test_the_compiled_list_applies_the_policy_to_each_actor_in_turn(
    fact_checker, fact_checker2, moderator
):
    """The reader's query is compiled once per role and reused: every actor still gets exactly
    what the general selector (and so the policy) gives them."""
    from annotator.annotations.selectors import annotation_list_for

    article = ArticleFactory(text="Une mesure : la fibre partout. " * 5)
    AnnotationFactory(article=article, author=fact_checker, status="draft")
    AnnotationFactory(article=article, author=fact_checker2, status="draft")
    AnnotationFactory(article=article, author=fact_checker2, status="approved")
    AnnotationFactory(
        article=article, author=fact_checker2, status="orphaned", status_before_orphan="draft"
    )
    for actor in (fact_checker, fact_checker2, moderator, fact_checker):
        client = token_client(actor)
        listed = client.get(f"/api/annotations/?article={article.pk}").json()["results"]
        expected = annotation_list_for(actor=actor).filter(article=article)
        assert sorted(a["id"] for a in listed) == sorted(expected.values_list("id", flat=True))
    assert len(annotation_list_for(actor=fact_checker).filter(article=article)) == 2


def test_the_insert_compiled_once_writes_what_djangos_compiler_writes(fact_checker, article):
    """`writes._insert` keeps the compiler's INSERT text after the first row and prepares each
    row's values as the compiler does: same text, same parameters, dates set on the row."""
    import datetime as dt
    from unittest import mock

    from django.db.models.sql import InsertQuery

    from annotator.annotations import writes

    def unsaved() -> Annotation:
        return Annotation(
            id=10**9,
            article=article,
            revision=article.revisions.get(),
            author=fact_checker,
            exact="la fibre",
            start=3,
            end=11,
            comment="**gras**",
            comment_html="<p><strong>gras</strong></p>",
            tags=["numérique", ""],
        )

    fixed = dt.datetime(2026, 3, 29, 1, 30, 0, 5, tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=fixed):
        writes._insert_sql.clear()
        first = writes._insert(unsaved())  # compiled
        row = unsaved()
        cached = writes._insert(row)  # from the kept text
        query = InsertQuery(Annotation)
        query.insert_values(list(Annotation._meta.concrete_fields), [unsaved()])
        ((sql, params),) = query.get_compiler(connection=connection).as_sql()
    assert writes._insert_sql
    assert first == cached == (sql, list(params))
    assert row.created == row.modified == fixed
