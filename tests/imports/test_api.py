"""The imports API: 202 with the job, validation errors in the JSON envelope, each role's limits,
another user's job (404), cancel, the CSV report, query counts."""

from __future__ import annotations

import json

import pytest

from annotator.annotations.models import Annotation
from annotator.imports.models import ImportJob
from tests.imports.conftest import FIXTURES, run_import, upload
from tests.utils import client_for

pytestmark = pytest.mark.django_db


def post_import(user, **fields):  # type: ignore[no-untyped-def]
    body = {"format": "w3c", **fields}
    if "file" not in body:
        body["file"] = upload("w3c.jsonld")
    if "options" in body and not isinstance(body["options"], str):
        body["options"] = json.dumps(body["options"])
    return client_for(user).post("/api/imports/", body, format="multipart")


def test_a_fact_checker_uploads_a_file_and_gets_202_with_the_queued_job(
    fact_checker, article_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_import(fact_checker, dry_run="true")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["state"] == "queued" and body["format"] == "w3c" and body["dry_run"] is True
    assert body["counts"] == {"created": 0, "skipped": 0, "failed": 0, "articles_created": 0}
    assert body["report"] == [] and body["progress"] == 0
    assert body["original_name"] == "w3c.jsonld"
    assert response["Location"] == f"/api/imports/{body['id']}/"
    assert len(callbacks) == 1
    job = ImportJob.objects.get(pk=body["id"])
    assert job.path.read_bytes() == (FIXTURES / "w3c.jsonld").read_bytes()
    assert job.size == job.path.stat().st_size


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"format": "xlsx"}, "format"),
        ({"file": ""}, "file"),
        ({"article": "abc"}, "article"),
        ({"article": 999999}, "article"),
        ({"options": "{not json"}, "options"),
        ({"options": {"colour": "red"}}, "options"),
    ],
)
def test_bad_requests_are_400_in_the_error_envelope(fact_checker, article_a, fields, field):
    response = post_import(fact_checker, **fields)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid"
    assert field in body["fields"]
    assert not ImportJob.objects.exists()


def test_an_empty_file_is_400(fact_checker):
    response = post_import(fact_checker, file=upload("empty.jsonl", b""))
    assert response.status_code == 400
    assert "file" in response.json()["fields"]


def test_a_fact_checker_may_not_map_source_users_or_keep_approvals(fact_checker, article_a):
    for options in ({"user_map": {"acct:alice@hypothes.is": "fc"}}, {"keep_approved": True}):
        response = post_import(fact_checker, options=options)
        assert response.status_code == 403
        assert response.json()["error"] == "forbidden"
    assert not ImportJob.objects.exists()


def test_a_moderator_maps_source_users_to_existing_accounts_only(
    moderator, fact_checker, article_a
):
    response = post_import(moderator, options={"user_map": {"Dan": "nobody-here"}})
    assert response.status_code == 400
    assert "nobody-here" in response.json()["fields"]["user_map"][0]
    response = post_import(moderator, options={"user_map": {"Dan": fact_checker.username}})
    assert response.status_code == 202


def test_mapped_source_users_become_the_authors_and_others_the_importer(
    moderator, fact_checker, article_a
):
    job = run_import(
        moderator,
        "hypothesis.json",
        "hypothesis",
        options={"user_map": {"acct:alice@hypothes.is": "fc"}},
    )
    assert job.created_count == 3
    assert set(Annotation.objects.values_list("author__username", flat=True)) == {"fc"}
    job = run_import(fact_checker, "w3c.jsonld", "w3c")
    assert set(
        Annotation.objects.filter(provenance__job=job).values_list("author__username", flat=True)
    ) == {"fc"}


def test_accounts_without_a_role_cannot_import(outsider, client):
    assert post_import(outsider).status_code == 403
    assert client.post("/api/imports/", {"format": "w3c"}).status_code in (401, 403)


def test_another_users_job_is_404_and_a_moderator_sees_it(
    fact_checker, fact_checker2, moderator, article_a
):
    job = run_import(fact_checker, "w3c.jsonld", "w3c")
    other = client_for(fact_checker2)
    for response in (
        other.get(f"/api/imports/{job.pk}/"),
        other.post(f"/api/imports/{job.pk}/cancel/", {}, format="json"),
        other.get(f"/api/imports/{job.pk}/report.csv"),
    ):
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"
    assert other.get("/api/imports/").json()["results"] == []
    assert client_for(moderator).get(f"/api/imports/{job.pk}/").status_code == 200


def test_the_job_resource_gives_state_counts_and_report_in_few_queries(
    fact_checker, article_a, django_assert_max_num_queries
):
    job = run_import(fact_checker, "w3c.jsonld", "w3c")
    client = client_for(fact_checker)
    client.get("/api/imports/")  # warm the session
    with django_assert_max_num_queries(4):
        body = client.get(f"/api/imports/{job.pk}/").json()
    assert body["state"] == "succeeded" and body["progress"] == 100
    assert body["counts"] == {"created": 3, "skipped": 1, "failed": 2, "articles_created": 0}
    assert [e["status"] for e in body["report"]] == ["skipped", "converted", "refused", "refused"]
    assert body["cancel_url"] is None
    with django_assert_max_num_queries(4):
        listed = client.get("/api/imports/").json()
    assert [j["id"] for j in listed["results"]] == [job.pk]


def test_the_report_downloads_as_csv(fact_checker, article_a):
    job = run_import(fact_checker, "w3c.jsonld", "w3c")
    response = client_for(fact_checker).get(f"/api/imports/{job.pk}/report.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "line,index,status,reason,expected"
    assert len(lines) == 5
    assert lines[3].startswith(",items[4],refused,")


def test_cancelling_a_queued_job_then_again_is_409(fact_checker, article_a):
    job_id = post_import(fact_checker).json()["id"]
    client = client_for(fact_checker)
    response = client.post(f"/api/imports/{job_id}/cancel/", {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    again = client.post(f"/api/imports/{job_id}/cancel/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["error"] == "invalid_transition"
    from annotator.imports.services import import_run

    assert import_run(job_id=job_id) is None  # a cancelled job is never run
    assert not Annotation.objects.exists()


def test_a_stale_version_on_cancel_is_409(fact_checker, article_a):
    job_id = post_import(fact_checker).json()["id"]
    response = client_for(fact_checker).post(
        f"/api/imports/{job_id}/cancel/", {"version": 99}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"] == "stale_version"


def test_the_schema_describes_the_import_endpoints(client, fact_checker):
    schema = client_for(fact_checker).get("/api/schema/?format=json").json()
    post = schema["paths"]["/api/imports/"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert "202" in post["responses"]
    assert "/api/imports/{id}/cancel/" in schema["paths"]
    assert "/api/imports/{id}/report.csv" in schema["paths"]
