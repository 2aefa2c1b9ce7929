"""The exports API and page: happy paths, validation, each role's limits, other users' jobs."""

from __future__ import annotations

import pytest
from django.test import Client

from annotator.exports.models import ExportJob
from annotator.exports.services import export_run
from tests.exports.helpers import ALL
from tests.factories.exports import ExportJobFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db


def post_export(user, body):  # type: ignore[no-untyped-def]
    return client_for(user).post("/api/exports/", body, format="json")


def test_requesting_an_export_answers_202_with_the_queued_job_and_enqueues_after_commit(
    fact_checker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_export(fact_checker, {"format": "jsonl", "filters": {}})
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "queued"
    assert body["format"] == "jsonl"
    assert body["filters"] == ALL
    assert body["requested_by"]["username"] == fact_checker.username
    assert response["Location"] == f"/api/exports/{body['id']}/"
    assert len(callbacks) == 1
    assert ExportJob.objects.get(pk=body["id"]).enqueued_at is None


def test_the_enqueue_callback_sends_the_task_and_stamps_the_job(
    fact_checker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_export(fact_checker, {"format": "csv", "options": {"bom": True}})
    job = ExportJob.objects.get(pk=response.json()["id"])
    assert job.enqueued_at is not None
    assert job.options == {"bom": True}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"format": "xlsx"}, "format"),
        ({}, "format"),
        ({"format": "jsonl", "filters": {"election": "no-such-election"}}, "election"),
        ({"format": "jsonl", "filters": {"date_from": "31/12/2022"}}, "date_from"),
        (
            {"format": "jsonl", "filters": {"date_from": "2022-05-01", "date_to": "2022-01-01"}},
            "date_to",
        ),
        ({"format": "jsonl", "filters": {"article": "abc"}}, "article"),
        ({"format": "jsonl", "filters": {"colour": "red"}}, "filters"),
        ({"format": "jsonl", "filters": ["election"]}, "filters"),
        ({"format": "jsonl", "filters": {"verified_only": "maybe"}}, "verified_only"),
        ({"format": "csv", "options": {"zip": True}}, "options"),
    ],
)
def test_invalid_requests_answer_400_with_the_error_shape(fact_checker, body, field):
    response = post_export(fact_checker, body)
    assert response.status_code == 400
    payload = response.json()
    assert payload["error"] == "invalid"
    assert payload["detail"]
    assert field in payload["fields"]
    assert not ExportJob.objects.exists()


def test_an_article_the_requester_cannot_see_is_refused(fact_checker):
    from tests.factories import ArticleFactory

    draft = ArticleFactory(status="draft")
    response = post_export(fact_checker, {"format": "jsonl", "filters": {"article": draft.pk}})
    assert response.status_code == 400
    assert "article" in response.json()["fields"]


@pytest.mark.parametrize(
    ("role", "verified_only", "status"),
    [
        ("outsider", True, 403),
        ("fact_checker", True, 202),
        ("fact_checker", False, 403),
        ("reviewer", True, 202),
        ("reviewer", False, 202),
        ("moderator", True, 202),
        ("moderator", False, 202),
    ],
)
def test_who_may_request_which_export(request, role, verified_only, status):
    user = request.getfixturevalue(role)
    response = post_export(user, {"format": "jsonl", "filters": {"verified_only": verified_only}})
    assert response.status_code == status, response.json()


def test_anonymous_users_cannot_use_the_api():
    assert Client().post("/api/exports/", {"format": "jsonl"}).status_code in (401, 403)


@pytest.mark.parametrize(
    ("role", "detail", "download", "cancel"),
    [
        ("requester", 200, 200, 200),
        ("moderator", 200, 200, 200),
        ("fact_checker2", 404, 404, 404),
        ("reviewer", 404, 404, 404),
        ("outsider", 404, 404, 404),
    ],
)
def test_a_job_is_visible_to_its_requester_and_moderators_only(
    request, fact_checker, role, detail, download, cancel, settings, tmp_path
):
    user = fact_checker if role == "requester" else request.getfixturevalue(role)
    finished = ExportJobFactory(requested_by=fact_checker)
    export_run(job_id=finished.pk)
    active = ExportJobFactory(requested_by=fact_checker)
    client = client_for(user)
    assert client.get(f"/api/exports/{finished.pk}/").status_code == detail
    assert client.get(f"/api/exports/{finished.pk}/download/").status_code == download
    assert client.post(f"/api/exports/{active.pk}/cancel/").status_code == cancel


def test_downloading_streams_the_published_file(fact_checker):
    from tests.factories.exports import approved_annotation

    approved_annotation()
    job = ExportJobFactory(requested_by=fact_checker)
    export_run(job_id=job.pk)
    job.refresh_from_db()
    response = client_for(fact_checker).get(f"/api/exports/{job.pk}/download/")
    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == job.path.read_bytes()
    assert response["Content-Type"] == "application/x-ndjson"
    assert f'filename="annotator-export-{job.pk}-jsonl.jsonl"' in response["Content-Disposition"]
    assert response["ETag"] == f'"{job.sha256}"'


@pytest.mark.parametrize("state", ["queued", "running", "failed", "cancelled"])
def test_downloading_before_the_file_is_ready_answers_409(fact_checker, state):
    job = ExportJobFactory(requested_by=fact_checker, state=state)
    response = client_for(fact_checker).get(f"/api/exports/{job.pk}/download/")
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert response.json()["state"] == state


def test_downloading_after_retention_answers_410(fact_checker):
    from django.utils import timezone

    job = ExportJobFactory(requested_by=fact_checker)
    export_run(job_id=job.pk)
    job.refresh_from_db()
    job.path.unlink()
    ExportJob.objects.filter(pk=job.pk).update(file_deleted_at=timezone.now())
    response = client_for(fact_checker).get(f"/api/exports/{job.pk}/download/")
    assert response.status_code == 410
    assert response.json()["error"] == "expired"


def test_detail_gives_state_progress_and_manifest(fact_checker):
    job = ExportJobFactory(requested_by=fact_checker)
    export_run(job_id=job.pk)
    body = client_for(fact_checker).get(f"/api/exports/{job.pk}/").json()
    assert body["state"] == "succeeded"
    assert body["progress"] == 100
    assert body["rows_done"] == body["rows_total"] == 0
    assert body["manifest"]["sha256"] == body["sha256"]
    assert body["download_url"] == f"/api/exports/{job.pk}/download/"
    assert body["cancel_url"] is None


def test_cancelling_a_queued_export(fact_checker):
    job = ExportJobFactory(requested_by=fact_checker)
    response = client_for(fact_checker).post(f"/api/exports/{job.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    again = client_for(fact_checker).post(f"/api/exports/{job.pk}/cancel/")
    assert again.status_code == 409
    assert again.json()["error"] == "invalid_transition"


def test_cancelling_with_a_stale_version_answers_409_with_the_current_state(fact_checker):
    job = ExportJobFactory(requested_by=fact_checker, version=3)
    response = client_for(fact_checker).post(
        f"/api/exports/{job.pk}/cancel/", {"version": 2}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"] == "stale_version"
    assert response.json()["current"] == {"state": "queued", "version": 3}
    with_header = client_for(fact_checker).post(
        f"/api/exports/{job.pk}/cancel/", HTTP_IF_MATCH='"3"'
    )
    assert with_header.status_code == 200


def test_the_list_shows_my_jobs_and_moderators_see_all(
    fact_checker, fact_checker2, moderator, outsider
):
    mine = ExportJobFactory(requested_by=fact_checker)
    theirs = ExportJobFactory(requested_by=fact_checker2)
    assert [j["id"] for j in client_for(fact_checker).get("/api/exports/").json()["results"]] == [
        mine.pk
    ]
    assert {j["id"] for j in client_for(moderator).get("/api/exports/").json()["results"]} == {
        mine.pk,
        theirs.pk,
    }
    assert client_for(outsider).get("/api/exports/").status_code == 403


def test_the_list_runs_a_constant_number_of_queries(
    fact_checker, moderator, django_assert_max_num_queries
):
    ExportJobFactory.create_batch(2, requested_by=fact_checker)
    client = client_for(moderator)
    with django_assert_max_num_queries(4):
        client.get("/api/exports/")
    ExportJobFactory.create_batch(20)
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/exports/").json()["results"]) == 22


def test_unknown_job_ids_answer_404(fact_checker):
    client = client_for(fact_checker)
    assert client.get("/api/exports/999999/").status_code == 404
    assert client.get("/api/exports/999999/download/").status_code == 404
    assert client.post("/api/exports/999999/cancel/").status_code == 404


# The page


def page_client(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_exports_page_lists_jobs_in_french_with_the_form(fact_checker):
    job = ExportJobFactory(requested_by=fact_checker, state="running", rows_done=5, rows_total=10)
    html = page_client(fact_checker).get("/exports/").content.decode()
    assert "Nouvel export" in html
    assert "Lancer l&#x27;export" in html or "Lancer l'export" in html
    assert f'data-export-id="{job.pk}"' in html
    assert "En cours" in html
    assert 'aria-valuenow="50"' in html


def test_the_page_form_requests_an_export(fact_checker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = page_client(fact_checker).post("/exports/", {"format": "csv", "bom": "on"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.format == "csv" and job.options == {"bom": True}
    assert job.filters["verified_only"] is True


def test_the_page_form_shows_validation_errors(fact_checker):
    response = page_client(fact_checker).post("/exports/", {"format": "csv", "date_from": "hier"})
    assert response.status_code == 400
    assert "AAAA-MM-JJ" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_the_page_cancels_a_job_and_hides_others_jobs(fact_checker, fact_checker2):
    job = ExportJobFactory(requested_by=fact_checker)
    assert page_client(fact_checker2).post(f"/exports/{job.pk}/cancel/").status_code == 404
    assert page_client(fact_checker).post(f"/exports/{job.pk}/cancel/").status_code == 302
    job.refresh_from_db()
    assert job.state == "cancelled"


def test_users_without_a_role_cannot_open_the_exports_page(outsider):
    assert page_client(outsider).get("/exports/").status_code == 403


def test_the_exports_page_runs_a_constant_number_of_queries(
    fact_checker, django_assert_max_num_queries
):
    client = page_client(fact_checker)
    ExportJobFactory(requested_by=fact_checker)
    with django_assert_max_num_queries(12) as first:
        client.get("/exports/")
    ExportJobFactory.create_batch(15, requested_by=fact_checker)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/exports/")
