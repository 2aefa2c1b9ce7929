"""Every write endpoint of the API answers an incomplete or ill-typed body with a 400 in the
error envelope, naming the field at fault; never a 500.

The table `WRITE_ENDPOINTS` drives every test: one row per endpoint, with the role allowed to call
it, a builder of the URL and of a valid body, and the fields the endpoint requires. Each row is
checked these ways: the valid body is accepted (so the table is right), the empty body is refused
naming every required field, each required field removed in turn is refused naming it, and each
field of the valid body given a value of the wrong type is refused naming it. A body that is not a
JSON object, and one that is not JSON at all, are refused too. Endpoints that take no body (notifications/read, read-all) are not in
the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from annotator.annotations.models import Annotation
from annotator.articles.models import Article
from tests.factories import (
    AnnotationFactory,
    ArticleFactory,
    CandidacyFactory,
    ProposalFactory,
    UserFactory,
    passage,
)
from tests.factories.core import PASSWORD
from tests.factories.exports import ExportJobFactory
from tests.factories.proposals import RatingFactory, rating_payload
from tests.factories.review import FlagFactory, submitted_annotation
from tests.utils import client_for

pytestmark = pytest.mark.django_db

ENVELOPE = {"error", "detail", "fields"}

# (url, valid body) for an actor; objects are created by the builder, inside the test's transaction.
Builder = Callable[[Any], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class WriteEndpoint:
    name: str
    method: str
    role: str | None  # None: anonymous
    build: Builder
    required: tuple[str, ...] = ()
    wrong_types: dict[str, Any] = field(default_factory=dict)  # per field, else `wrong_type_for`
    accepted: tuple[int, ...] = (200, 201, 202, 204)


def wrong_type_for(value: Any) -> Any:
    """A value of another JSON type than the valid one."""
    if isinstance(value, bool):
        return {"not": "a boolean"}
    if isinstance(value, int):
        return "not a number"
    if isinstance(value, str):
        return {"not": "a string"}
    if isinstance(value, list):
        return "not a list"
    if isinstance(value, dict):
        return "not an object"
    return {"not": "a value"}


# --- builders --------------------------------------------------------------------------------


def token(actor: Any) -> tuple[str, dict[str, Any]]:
    user = UserFactory(username="token-owner")
    return "/api/auth/token/", {"username": user.username, "password": PASSWORD}


def article_create(actor: Any) -> tuple[str, dict[str, Any]]:
    text = "Le candidat promet la fibre partout d'ici 2027.\n"
    return "/api/articles/", {"text": text, "title": "Programme", "kind": "article"}


def article_preview(actor: Any) -> tuple[str, dict[str, Any]]:
    return "/api/articles/preview/", {"text": "Un texte à prévisualiser.\n"}


def article_revise(actor: Any) -> tuple[str, dict[str, Any]]:
    article = ArticleFactory()
    body = {"text": article.text + "Correction.\n", "version": article.version, "note": "coquille"}
    return f"/api/articles/{article.pk}/", body


def article_publish(actor: Any) -> tuple[str, dict[str, Any]]:
    article = ArticleFactory(status=Article.Status.DRAFT)
    return f"/api/articles/{article.pk}/publish/", {"version": article.version, "reason": "prêt"}


def article_archive(actor: Any) -> tuple[str, dict[str, Any]]:
    article = ArticleFactory()
    return f"/api/articles/{article.pk}/archive/", {"version": article.version, "reason": "vieux"}


def annotation_create(actor: Any) -> tuple[str, dict[str, Any]]:
    article = ArticleFactory()
    where = passage(article, "mesure")
    proposal = ProposalFactory()
    body = {
        "article": article.pk,
        "quote": {"exact": where["exact"], "prefix": where["prefix"], "suffix": where["suffix"]},
        "position": {"start": where["start"], "end": where["end"]},
        "comment": "À vérifier.",
        "tags": ["budget"],
        "proposals": [proposal.pk],
    }
    return "/api/annotations/", body


def annotation_update(actor: Any) -> tuple[str, dict[str, Any]]:
    annotation = AnnotationFactory(author=actor)
    body = {"comment": "Nouveau commentaire.", "tags": ["source"], "version": annotation.version}
    return f"/api/annotations/{annotation.pk}/", body


def annotation_delete(actor: Any) -> tuple[str, dict[str, Any]]:
    annotation = AnnotationFactory(author=actor)
    return f"/api/annotations/{annotation.pk}/", {"version": annotation.version}


def annotation_submit(actor: Any) -> tuple[str, dict[str, Any]]:
    annotation = AnnotationFactory(author=actor)
    return f"/api/annotations/{annotation.pk}/submit/", {"version": annotation.version}


def annotation_review(actor: Any) -> tuple[str, dict[str, Any]]:
    annotation = submitted_annotation()
    body = {"decision": "approve", "comment": "Sourcé.", "version": annotation.version}
    return f"/api/annotations/{annotation.pk}/reviews/", body


def moderation(action: str, **state: Any) -> Builder:
    def build(actor: Any) -> tuple[str, dict[str, Any]]:
        annotation = submitted_annotation()
        if state:
            Annotation.objects.filter(pk=annotation.pk).update(**state)
        return f"/api/annotations/{annotation.pk}/{action}/", {"reason": "Litige en cours."}

    return build


def reply_create(actor: Any) -> tuple[str, dict[str, Any]]:
    annotation = submitted_annotation()
    return f"/api/annotations/{annotation.pk}/replies/", {"body": "La source ?", "parent": None}


def flag_create(actor: Any) -> tuple[str, dict[str, Any]]:
    annotation = submitted_annotation()
    body = {"annotation": annotation.pk, "reason": "wrong", "note": "Le passage dit autre chose."}
    return "/api/flags/", body


def flag_resolve(actor: Any) -> tuple[str, dict[str, Any]]:
    flag = FlagFactory()
    return f"/api/flags/{flag.pk}/resolve/", {"status": "resolved"}


def export_request(actor: Any) -> tuple[str, dict[str, Any]]:
    body = {"format": "jsonl", "filters": {"verified_only": True}, "options": {"bom": False}}
    return "/api/exports/", body


def export_cancel(actor: Any) -> tuple[str, dict[str, Any]]:
    job = ExportJobFactory(requested_by=actor)
    return f"/api/exports/{job.pk}/cancel/", {"version": job.version}


def proposal_create(actor: Any) -> tuple[str, dict[str, Any]]:
    candidacy = CandidacyFactory()
    body = {
        "candidacy": candidacy.pk,
        "primary_theme": "CYBER",
        "secondary_themes": [],
        "title": "Un numérique souverain",
        "statement": "Nous financerons un cloud public.",
    }
    return "/api/proposals/", body


def proposal_update(actor: Any) -> tuple[str, dict[str, Any]]:
    proposal = ProposalFactory()
    body = {"title": "Titre corrigé", "statement": "Énoncé corrigé.", "version": proposal.version}
    return f"/api/proposals/{proposal.pk}/", body


def proposal_merge(actor: Any) -> tuple[str, dict[str, Any]]:
    kept = ProposalFactory()
    duplicate = ProposalFactory(candidacy=kept.candidacy)
    return f"/api/proposals/{duplicate.pk}/merge/", {"into": kept.pk}


def rating_submit(actor: Any) -> tuple[str, dict[str, Any]]:
    return f"/api/proposals/{ProposalFactory().pk}/ratings/", rating_payload()


def verdict_publish(actor: Any) -> tuple[str, dict[str, Any]]:
    proposal = ProposalFactory()
    RatingFactory.create_batch(2, proposal=proposal)  # a verdict needs two ratings
    body = {"summary": "Réalisable si le budget suit.", "feasibility": "conditional"}
    return f"/api/proposals/{proposal.pk}/verdict/", body


WRITE_ENDPOINTS = [
    WriteEndpoint("auth-token", "post", None, token, ("username", "password")),
    WriteEndpoint("article-create", "post", "fact-checker", article_create, ("text",)),
    WriteEndpoint("article-preview", "post", "fact-checker", article_preview, ("text",)),
    WriteEndpoint("article-revise", "patch", "moderator", article_revise, ("text", "version")),
    WriteEndpoint("article-publish", "post", "moderator", article_publish),
    WriteEndpoint("article-archive", "post", "moderator", article_archive),
    WriteEndpoint(
        "annotation-create",
        "post",
        "fact-checker",
        annotation_create,
        ("article", "quote", "position"),
    ),
    WriteEndpoint("annotation-update", "patch", "fact-checker", annotation_update, ("version",)),
    WriteEndpoint("annotation-replace", "put", "fact-checker", annotation_update, ("version",)),
    WriteEndpoint("annotation-delete", "delete", "fact-checker", annotation_delete, ("version",)),
    WriteEndpoint("annotation-submit", "post", "fact-checker", annotation_submit),
    WriteEndpoint("annotation-review", "post", "reviewer", annotation_review, ("decision",)),
    WriteEndpoint("annotation-lock", "post", "moderator", moderation("lock")),
    WriteEndpoint("annotation-unlock", "post", "moderator", moderation("unlock", is_locked=True)),
    WriteEndpoint("annotation-hide", "post", "moderator", moderation("hide"), ("reason",)),
    WriteEndpoint(
        "annotation-restore",
        "post",
        "moderator",
        moderation("restore", hidden_at=timezone.now(), hidden_reason="Abus"),
    ),
    WriteEndpoint(
        "reply-create",
        "post",
        "fact-checker",
        reply_create,
        ("body",),
        wrong_types={"parent": "not a number"},
    ),
    WriteEndpoint("flag-create", "post", "fact-checker", flag_create, ("annotation", "reason")),
    WriteEndpoint("flag-resolve", "post", "moderator", flag_resolve, ("status",)),
    WriteEndpoint("export-request", "post", "fact-checker", export_request, ("format",)),
    WriteEndpoint("export-cancel", "post", "fact-checker", export_cancel),
    WriteEndpoint(
        "proposal-create",
        "post",
        "fact-checker",
        proposal_create,
        ("candidacy", "primary_theme", "title", "statement"),
    ),
    WriteEndpoint("proposal-update", "patch", "fact-checker", proposal_update, ("version",)),
    WriteEndpoint("proposal-replace", "put", "fact-checker", proposal_update, ("version",)),
    WriteEndpoint("proposal-merge", "post", "moderator", proposal_merge, ("into",)),
    WriteEndpoint(
        "rating-submit",
        "post",
        "fact-checker",
        rating_submit,
        ("feasibility", "importance", "confidence", "justification", "evidence"),
    ),
    WriteEndpoint("verdict-publish", "post", "reviewer", verdict_publish, ("summary",)),
]

WITH_REQUIRED = [e for e in WRITE_ENDPOINTS if e.required]


def call(endpoint: WriteEndpoint, body: Any) -> tuple[Any, dict[str, Any]]:
    """Build the endpoint's objects as its role, send `body` (or the valid one if None)."""
    actor = UserFactory(role=endpoint.role) if endpoint.role else None
    client = client_for(actor) if actor else APIClient()
    url, valid = endpoint.build(actor)
    sent = valid if body is None else body(valid)
    response = getattr(client, endpoint.method)(url, sent, format="json")
    return response, valid


def assert_refused_naming(response: Any, *names: str) -> None:
    assert response.status_code == 400, (response.status_code, response.content[:500])
    body = response.json()
    assert body.keys() >= ENVELOPE, body
    assert isinstance(body["detail"], str) and body["detail"], body
    for name in names:
        assert name in body["fields"], (name, body)


def without(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda valid: {k: v for k, v in valid.items() if k != name}


def required_cases() -> list[Any]:
    return [
        pytest.param(e, name, id=f"{e.name}-without-{name}")
        for e in WRITE_ENDPOINTS
        for name in e.required
    ]


def wrong_type_cases() -> list[Any]:
    cases = []
    for e in WRITE_ENDPOINTS:
        # Parameters are collected without a database, so the names come from `FIELDS`.
        for name in FIELDS[e.name]:
            cases.append(pytest.param(e, name, id=f"{e.name}-{name}-wrong-type"))
    return cases


# Every field each endpoint accepts (the keys of its valid body), checked against the builders
# by `test_the_field_table_matches_the_valid_bodies`.
FIELDS: dict[str, tuple[str, ...]] = {
    "auth-token": ("username", "password"),
    "article-create": ("text", "title", "kind"),
    "article-preview": ("text",),
    "article-revise": ("text", "version", "note"),
    "article-publish": ("version", "reason"),
    "article-archive": ("version", "reason"),
    "annotation-create": ("article", "quote", "position", "comment", "tags", "proposals"),
    "annotation-update": ("comment", "tags", "version"),
    "annotation-replace": ("comment", "tags", "version"),
    "annotation-delete": ("version",),
    "annotation-submit": ("version",),
    "annotation-review": ("decision", "comment", "version"),
    "annotation-lock": ("reason",),
    "annotation-unlock": ("reason",),
    "annotation-hide": ("reason",),
    "annotation-restore": ("reason",),
    "reply-create": ("body", "parent"),
    "flag-create": ("annotation", "reason", "note"),
    "flag-resolve": ("status",),
    "export-request": ("format", "filters", "options"),
    "export-cancel": ("version",),
    "proposal-create": ("candidacy", "primary_theme", "secondary_themes", "title", "statement"),
    "proposal-update": ("title", "statement", "version"),
    "proposal-replace": ("title", "statement", "version"),
    "proposal-merge": ("into",),
    "rating-submit": (
        "feasibility",
        "obstacles",
        "importance",
        "confidence",
        "justification",
        "evidence",
    ),
    "verdict-publish": ("summary", "feasibility"),
}


@pytest.mark.parametrize("endpoint", WRITE_ENDPOINTS, ids=lambda e: e.name)
def test_the_valid_body_of_the_table_is_accepted(endpoint):
    response, valid = call(endpoint, None)
    assert response.status_code in endpoint.accepted, (response.status_code, response.content)
    assert tuple(valid) == FIELDS[endpoint.name]


@pytest.mark.parametrize("endpoint", WITH_REQUIRED, ids=lambda e: e.name)
def test_an_empty_body_is_a_400_naming_every_required_field(endpoint):
    response, _valid = call(endpoint, lambda valid: {})
    assert_refused_naming(response, *endpoint.required)


@pytest.mark.parametrize(("endpoint", "name"), required_cases())
def test_a_body_without_a_required_field_is_a_400_naming_it(endpoint, name):
    response, _valid = call(endpoint, without(name))
    assert_refused_naming(response, name)


@pytest.mark.parametrize(("endpoint", "name"), wrong_type_cases())
def test_a_field_of_the_wrong_type_is_a_400_naming_it(endpoint, name):
    def swap(valid: dict[str, Any]) -> dict[str, Any]:
        wrong = endpoint.wrong_types.get(name, wrong_type_for(valid[name]))
        return {**valid, name: wrong}

    response, _valid = call(endpoint, swap)
    assert_refused_naming(response, name)


@pytest.mark.parametrize("endpoint", WRITE_ENDPOINTS, ids=lambda e: e.name)
def test_a_body_that_is_not_an_object_is_a_400(endpoint):
    response, _valid = call(endpoint, lambda valid: ["not", "an", "object"])
    assert_refused_naming(response)


@pytest.mark.parametrize("endpoint", WRITE_ENDPOINTS, ids=lambda e: e.name)
def test_a_body_that_is_not_json_is_a_400(endpoint):
    actor = UserFactory(role=endpoint.role) if endpoint.role else None
    client = client_for(actor) if actor else APIClient()
    url, _valid = endpoint.build(actor)
    response = getattr(client, endpoint.method)(url, '{"text": ', content_type="application/json")
    assert response.status_code == 400, (response.status_code, response.content[:500])
    assert response.json().keys() >= ENVELOPE


def test_a_rating_with_only_its_feasibility_names_what_is_missing():
    """The reported bug: this body used to answer 500 (rating_submit() missing 'evidence')."""
    endpoint = next(e for e in WRITE_ENDPOINTS if e.name == "rating-submit")
    response, _valid = call(endpoint, lambda valid: {"feasibility": "conditional"})
    assert_refused_naming(response, "importance", "confidence", "justification", "evidence")
