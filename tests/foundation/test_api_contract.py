"""The OpenAPI schema describes what the API does (issue 15, part 5).

A short schemathesis run over every operation, as a fact-checker and as a moderator (token
authentication), in process: the checks and the few tolerated semantic 400s are in
tests/contract.py. The run happens inside the test's transaction, so whatever it creates is rolled
back; source URLs are never fetched (name resolution refused). The long run is
bench/contract_long.py.
"""

from __future__ import annotations

import pytest
from django.core.wsgi import get_wsgi_application

from tests.contract import (
    SEMANTIC_400_FIELDS,
    ContractReport,
    ids_for,
    load_schema,
    refuse_name_resolution,
    requests_keep_the_connection,
    run_contract,
    seed_objects,
    token_headers,
)
from tests.factories import UserFactory

# Examples per operation, per mode (positive, negative), per role: ~1,000 requests in all.
SHORT_RUN_EXAMPLES = 5


@pytest.mark.slow
@pytest.mark.django_db
def test_schemathesis_finds_nothing_as_a_fact_checker_and_as_a_moderator(monkeypatch):
    monkeypatch.setattr("annotator.articles.intake.socket.getaddrinfo", refuse_name_resolution)
    fact_checker = UserFactory(role="fact-checker")
    moderator = UserFactory(role="moderator")
    objects = seed_objects(fact_checker)
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
    assert len(SEMANTIC_400_FIELDS) <= 15  # + imports (issue 14) and for_article (issue 13)
    for (method, path), fields in SEMANTIC_400_FIELDS.items():
        assert fields or path == "/api/auth/token/", (method, path)


def test_a_report_lists_each_distinct_failure_once():
    report = ContractReport()
    report.failures[("[x] GET /api/a/", "UndefinedStatusCode", 418)] = "Undocumented status"
    assert report.lines() == ["[x] GET /api/a/ UndefinedStatusCode -> 418: Undocumented status"]
