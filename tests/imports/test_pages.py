"""The /imports/ pages: the form and past jobs, a job's progress and report, each role's limits,
query counts."""

from __future__ import annotations

import pytest
from django.test import Client

from annotator.imports.models import ImportJob
from tests.imports.conftest import run_import, upload

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_list_page_shows_the_form_and_past_jobs_in_few_queries(
    fact_checker, article_a, django_assert_max_num_queries
):
    job = run_import(fact_checker, "w3c.jsonld", "w3c")
    client = client_for(fact_checker)
    client.get("/imports/")
    with django_assert_max_num_queries(12):
        page = client.get("/imports/").content.decode()
    assert 'data-testid="drop-zone"' in page
    assert f'data-import-id="{job.pk}"' in page
    assert 'name="user_map"' not in page  # moderators only


def test_moderators_see_the_user_mapping(moderator):
    page = client_for(moderator).get("/imports/").content.decode()
    assert 'name="user_map"' in page and 'name="keep_approved"' in page


def test_posting_the_form_creates_the_job_and_shows_it(fact_checker, article_a):
    response = client_for(fact_checker).post(
        "/imports/", {"file": upload("w3c.jsonld"), "format": "w3c", "dry_run": "on"}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    assert job.dry_run


def test_a_form_error_is_shown_with_a_4xx(fact_checker):
    response = client_for(fact_checker).post("/imports/", {"format": "w3c"})
    assert response.status_code == 400
    assert 'data-testid="import-errors"' in response.content.decode()


def test_the_job_page_shows_counts_and_the_report_in_few_queries(
    fact_checker, article_a, django_assert_max_num_queries
):
    job = run_import(fact_checker, "w3c.jsonld", "w3c")
    client = client_for(fact_checker)
    client.get(f"/imports/{job.pk}/")
    with django_assert_max_num_queries(10):
        page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-testid="import-report"' in page
    assert page.count('class="report-') == 4
    assert f"/api/imports/{job.pk}/report.csv" in page


def test_another_users_job_page_is_404_and_outsiders_are_403(
    fact_checker, fact_checker2, outsider, article_a
):
    job = run_import(fact_checker, "w3c.jsonld", "w3c")
    assert client_for(fact_checker2).get(f"/imports/{job.pk}/").status_code == 404
    assert client_for(fact_checker2).post(f"/imports/{job.pk}/cancel/").status_code == 404
    assert client_for(outsider).get("/imports/").status_code == 403


def test_the_upload_is_deleted_once_the_job_is_finished(fact_checker, article_a):
    job = run_import(fact_checker, "w3c.jsonld", "w3c")
    assert job.state == "succeeded"
    assert not job.path.exists()
    assert job.size > 0 and len(job.sha256) == 64
