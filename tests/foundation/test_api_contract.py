"""The OpenAPI schema describes what the API does (issue 15, part 5).

A short schemathesis run over every operation, as a fact-checker and as a moderator (token
authentication), in process: the checks and the few tolerated semantic 400s are in
tests/contract.py. The run happens inside the test's transaction, so whatever it creates is rolled
back; source URLs are never fetched (name resolution refused). The long run is
bench/contract_long.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.wsgi import get_wsgi_application

from annotator.lib.auth_tokens import token_issue
from tests.contract import (
    SEMANTIC_400_FIELDS,
    ContractReport,
    load_schema,
    requests_keep_the_connection,
    run_contract,
)
from tests.factories import AnnotationFactory, ArticleFactory, ProposalFactory, UserFactory
from tests.factories.exports import ExportJobFactory
from tests.factories.review import FlagFactory, NotificationFactory, ReplyFactory

# Examples per operation, per mode (positive, negative), per role: ~1,000 requests in all.
SHORT_RUN_EXAMPLES = 5


def refuse_name_resolution(*args: Any, **kwargs: Any) -> Any:
    raise OSError("the contract run never resolves or fetches addresses")


def seed_objects(fact_checker: Any, moderator: Any) -> dict[str, list[int]]:
    """A few objects of each kind, so that half the cases hit existing ids (200 answers)."""
    article = ArticleFactory(text="Le candidat promet la fibre partout en 2027. " * 4)
    proposal = ProposalFactory()
    own = AnnotationFactory(author=fact_checker, article=article)
    other = AnnotationFactory(article=article, status="submitted")
    ReplyFactory(annotation=other)
    flag = FlagFactory(annotation=other)
    notification = NotificationFactory(recipient=fact_checker, annotation=other)
    job = ExportJobFactory(requested_by=fact_checker)
    return {
        "/api/articles/": [article.pk],
        "/api/annotations/": [own.pk, other.pk],
        "/api/proposals/": [proposal.pk],
        "/api/flags/": [flag.pk],
        "/api/notifications/": [notification.pk],
        "/api/exports/": [job.pk],
        "/api/auth/tokens/": [fact_checker.pk],
    }


def ids_for(objects: dict[str, list[int]]) -> Any:
    def known_ids(path: str) -> list[int]:
        for prefix, ids in objects.items():
            if path.startswith(prefix):
                return ids
        return []

    return known_ids


def token_headers(user: Any) -> Any:
    # Issued again for every request: the run also calls the revoke endpoints.
    return lambda: {"Authorization": f"Token {token_issue(user=user).key}"}


@pytest.mark.slow
@pytest.mark.django_db
def test_schemathesis_finds_nothing_as_a_fact_checker_and_as_a_moderator(monkeypatch):
    monkeypatch.setattr("annotator.articles.intake.socket.getaddrinfo", refuse_name_resolution)
    fact_checker = UserFactory(role="fact-checker")
    moderator = UserFactory(role="moderator")
    objects = seed_objects(fact_checker, moderator)
    with requests_keep_the_connection():
        schema = load_schema(get_wsgi_application())
        report = run_contract(
            schema,
            roles={
                "fact-checker": token_headers(fact_checker),
                "moderator": token_headers(moderator),
            },
            known_ids=ids_for(objects),
            max_examples=SHORT_RUN_EXAMPLES,
        )
    print(f"{report.cases} cases, {len(report.failures)} failures, {report.seconds:.1f} s")

    assert report.operations >= 49
    assert report.cases > 2 * report.operations * SHORT_RUN_EXAMPLES
    assert report.failures == {}, "\n".join(report.lines())


def test_the_tolerated_semantic_400s_are_few_and_named():
    # A guard on the exemption list itself: it names fields, never a whole operation, except
    # the credential endpoint (wrong credentials carry no field).
    assert len(SEMANTIC_400_FIELDS) <= 13
    for (method, path), fields in SEMANTIC_400_FIELDS.items():
        assert fields or path == "/api/auth/token/", (method, path)


def test_a_report_lists_each_distinct_failure_once():
    report = ContractReport()
    report.failures[("[x] GET /api/a/", "UndefinedStatusCode", 418)] = "Undocumented status"
    assert report.lines() == ["[x] GET /api/a/ UndefinedStatusCode -> 418: Undocumented status"]
