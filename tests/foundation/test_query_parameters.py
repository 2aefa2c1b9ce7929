"""Bad query parameters are 400s in the error envelope, never ignored (issue 15); the schema says
so (pagination bounds, error statuses with the envelope)."""

from __future__ import annotations

import pytest

from tests.utils import client_for

pytestmark = pytest.mark.django_db


def _refused(response, name):  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid"
    assert name in body["fields"]
    return body


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page_size=0", "page_size"),
        ("page_size=501", "page_size"),
        ("page_size=", "page_size"),
        ("election=", "election"),
        ("published_after=", "published_after"),
        ("kind=", "kind"),
        ("kind=poem", "kind"),
    ],
)
def test_a_bad_list_parameter_is_a_400_naming_it(fact_checker, query, name):
    _refused(client_for(fact_checker).get(f"/api/articles/?{query}"), name)


def test_a_page_past_the_end_is_a_404_envelope(fact_checker):
    response = client_for(fact_checker).get("/api/articles/?page=99")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_an_empty_text_filter_is_no_filter(fact_checker):
    assert client_for(fact_checker).get("/api/articles/?outlet=").status_code == 200


def test_an_unreadable_boolean_filter_is_refused(fact_checker):
    _refused(client_for(fact_checker).get("/api/proposals/?rated=maybe"), "rated")
    assert client_for(fact_checker).get("/api/proposals/?rated=false").status_code == 200


def test_filters_built_from_field_lists_are_strict_too(fact_checker):
    _refused(client_for(fact_checker).get("/api/elections/?kind=nope"), "kind")


def test_flag_and_notification_parameters_are_checked(moderator):
    _refused(client_for(moderator).get("/api/flags/?status=closed"), "status")
    assert client_for(moderator).get("/api/flags/?status=all").status_code == 200
    _refused(client_for(moderator).get("/api/notifications/?unread=yes"), "unread")
    assert client_for(moderator).get("/api/notifications/?unread=true").status_code == 200


def test_an_empty_agreement_filter_is_refused(fact_checker):
    _refused(client_for(fact_checker).get("/api/stats/agreement/?election="), "election")


def test_the_schema_documents_errors_pagination_and_downloads(fact_checker):
    schema = client_for(fact_checker).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    envelope = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for path, operations in paths.items():
        for method, operation in operations.items():
            errors = {code: r for code, r in operation["responses"].items() if code >= "400"}
            assert errors, (method, path)
            for code, response in errors.items():
                assert response["content"]["application/json"]["schema"] == envelope, (
                    method,
                    path,
                    code,
                )
    listed = paths["/api/annotations/"]["get"]["responses"]["200"]["content"]
    assert listed["application/json"]["schema"]["$ref"].endswith("PaginatedAnnotationOutputList")
    page_size = next(
        p for p in paths["/api/articles/"]["get"]["parameters"] if p["name"] == "page_size"
    )
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 500}
    download = paths["/api/exports/{id}/download/"]["get"]["responses"]
    assert {"text/csv", "application/zip", "application/x-ndjson"} <= set(
        download["200"]["content"]
    )
    assert {"409", "410"} <= set(download)
    assert schema["components"]["schemas"]["FlagInputRequest"]["oneOf"]
    assert "notice" in schema["components"]["schemas"]["ExportJobCreatedOutput"]["properties"]
