"""Each format imports a real-shaped file written by hand from the tool's documented format, with
awkward cases (emoji before the passages, CRLF, overlapping spans, a wrong offset, an unknown
article, a duplicate row); created rows, counts and report lines are asserted."""

from __future__ import annotations

import pytest

from annotator.annotations.models import Annotation
from annotator.articles.models import Article
from annotator.imports.models import ImportedAnnotation
from annotator.review.models import AnnotationEvent
from tests.imports.conftest import report_of, run_import
from tests.imports.texts import TEXT_A, TEXT_NEW

pytestmark = pytest.mark.django_db


def passages(article) -> list[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    return sorted(Annotation.objects.filter(article=article).values_list("start", "end", "exact"))


def test_hypothesis_rows_are_converted_from_utf16_placed_by_quote_or_refused(
    fact_checker, article_a
):
    job = run_import(fact_checker, "hypothesis.json", "hypothesis")
    assert job.state == "succeeded", job.error
    assert (job.created_count, job.skipped_count, job.failed_count) == (3, 1, 3)
    assert passages(article_a) == [
        (22, 38, "la fibre partout"),
        (25, 46, "fibre partout en 2025"),
        (72, 83, "3 milliards"),
    ]
    for start, end, exact in passages(article_a):
        assert TEXT_A[start:end] == exact
    assert report_of(job) == [
        (None, "rows[0]", "converted"),
        (None, "rows[1]", "converted"),
        (None, "rows[2]", "converted"),
        (None, "rows[3]", "refused"),
        (None, "rows[4]", "converted"),
        (None, "rows[4]", "skipped"),
        (None, "rows[5]", "refused"),
        (None, "rows[6]", "refused"),
    ]
    reasons = {e["index"]: e for e in job.report}
    assert "UTF-16" in reasons["rows[0]"]["reason"]
    assert "24-40" in reasons["rows[0]"]["reason"] and "22-38" in reasons["rows[0]"]["reason"]
    assert "72-83" in reasons["rows[2]"]["reason"]
    assert "https://elsewhere.example/unknown" in reasons["rows[3]"]["reason"]
    assert "selector" in reasons["rows[5]"]["expected"]
    assert reasons["rows[6]"]["expected"]
    first = Annotation.objects.get(article=article_a, start=22)
    assert first.author == fact_checker
    assert first.status == Annotation.Status.SUBMITTED
    assert first.comment == "Promesse **vague** : quel calendrier ?"
    assert "<strong>vague</strong>" in first.comment_html
    assert first.tags == ["fibre", "promesse"]
    assert first.prefix == TEXT_A[:22] and first.suffix == TEXT_A[38:70]
    source = ImportedAnnotation.objects.get(annotation=first).source
    assert source == {
        "format": "hypothesis",
        "id": "hyp001",
        "user": "acct:alice@hypothes.is",
        "created": "2022-02-03T10:00:00.000000+00:00",
        "modified": "2022-02-03T10:05:00.000000+00:00",
    }
    event = AnnotationEvent.objects.get(annotation=first)
    assert event.action == "create" and event.actor == fact_checker
    assert event.details["import"]["job"] == job.pk
    assert event.details["import"]["source"]["user"] == "acct:alice@hypothes.is"
    assert first.history.count() == 1


def test_doccano_file_with_crlf_creates_spans_and_the_moderator_creates_the_new_text(
    moderator, article_a
):
    job = run_import(moderator, "doccano.jsonl", "doccano")
    assert job.state == "succeeded", job.error
    assert (job.created_count, job.skipped_count, job.failed_count) == (4, 1, 2)
    assert job.articles_created == 1
    assert passages(article_a) == [
        (22, 38, "la fibre partout"),
        (25, 46, "fibre partout en 2025"),
        (72, 83, "3 milliards"),
    ]
    assert sorted(Annotation.objects.filter(article=article_a).values_list("tags", flat=True)) == [
        ["calendrier"],
        ["chiffre"],
        ["promesse"],
    ]
    created = Article.objects.get(text=TEXT_NEW)
    assert created.title == "Programme ferroviaire"
    assert created.status == "published" and created.imported_by == moderator
    assert created.revisions.get().text == TEXT_NEW
    assert created.history.count() == 1
    at = TEXT_NEW.index("trains de nuit")
    assert passages(created) == [(at, at + 14, "trains de nuit")]
    assert report_of(job) == [
        (1, "label[2]", "refused"),
        (1, "label[3]", "skipped"),
        (2, "", "refused"),
    ]
    assert "500-510" in job.report[0]["reason"]
    assert "JSON" in job.report[2]["reason"]


def test_a_fact_checker_does_not_create_sources_from_doccano(fact_checker, article_a):
    job = run_import(fact_checker, "doccano.jsonl", "doccano")
    assert (job.created_count, job.skipped_count, job.failed_count) == (3, 1, 3)
    assert job.articles_created == 0
    assert not Article.objects.filter(text=TEXT_NEW).exists()
    assert (3, "label[0]", "refused") in report_of(job)


def test_label_studio_offsets_are_utf16_and_bad_results_are_reported(fact_checker, article_a):
    job = run_import(fact_checker, "labelstudio.json", "labelstudio")
    assert job.state == "succeeded", job.error
    assert (job.created_count, job.skipped_count, job.failed_count) == (2, 1, 3)
    assert passages(article_a) == [(22, 38, "la fibre partout"), (25, 46, "fibre partout en 2025")]
    assert report_of(job) == [
        (None, "[0].annotations[0].result[0]", "converted"),
        (None, "[0].annotations[0].result[1]", "converted"),
        (None, "[0].annotations[0].result[2]", "refused"),
        (None, "[0].annotations[0].result[3]", "converted"),
        (None, "[0].annotations[0].result[3]", "skipped"),
        (None, "[0].annotations[0].result[4]", "refused"),
        (None, "[1].annotations[0].result[0]", "refused"),
    ]
    wrong = job.report[2]
    assert "«" in wrong["expected"] and "77-88" in wrong["expected"]
    first = Annotation.objects.get(article=article_a, start=22)
    assert first.tags == ["promesse"]
    assert ImportedAnnotation.objects.get(annotation=first).source["user"] == "7"


def test_generic_w3c_page_with_bodies_quote_only_selector_and_refusals(fact_checker, article_a):
    job = run_import(fact_checker, "w3c.jsonld", "w3c")
    assert job.state == "succeeded", job.error
    assert (job.created_count, job.skipped_count, job.failed_count) == (3, 1, 2)
    assert passages(article_a) == [
        (22, 38, "la fibre partout"),
        (72, 83, "3 milliards"),
        (TEXT_A.index("souveraineté"), TEXT_A.index("souveraineté") + 22, "souveraineté numérique"),
    ]
    first = Annotation.objects.get(article=article_a, start=22)
    assert first.comment == "Objectif *ambitieux*."
    assert first.tags == ["infrastructures"]
    assert Annotation.objects.get(article=article_a, start=72).comment == "Chiffre à sourcer."
    assert report_of(job) == [
        (None, "items[2]", "skipped"),
        (None, "items[3]", "converted"),
        (None, "items[4]", "refused"),
        (None, "items[5]", "refused"),
    ]


def test_running_the_same_file_again_skips_every_row(fact_checker, article_a):
    run_import(fact_checker, "w3c.jsonld", "w3c")
    again = run_import(fact_checker, "w3c.jsonld", "w3c")
    assert (again.created_count, again.skipped_count, again.failed_count) == (0, 4, 2)
    assert Annotation.objects.count() == 3


def test_a_dry_run_counts_without_writing(fact_checker, article_a):
    job = run_import(fact_checker, "w3c.jsonld", "w3c", dry_run=True)
    assert job.state == "succeeded"
    assert (job.created_count, job.skipped_count, job.failed_count) == (3, 1, 2)
    assert not Annotation.objects.exists()
    assert not AnnotationEvent.objects.exists()


def test_the_job_article_receives_rows_that_name_no_known_article(fact_checker, article_a):
    content = b'{"rows": [{"id": "x", "uri": "https://nowhere.example/", "text": "Ici.", "target": [{"selector": [{"type": "TextPositionSelector", "start": 0, "end": 11}]}]}]}'
    job = run_import(fact_checker, "h.json", "hypothesis", content=content, article=article_a.pk)
    assert job.created_count == 1
    assert Annotation.objects.get().exact == "Le candidat"


def test_a_file_that_is_not_the_format_fails_the_job_with_a_message(fact_checker, article_a):
    job = run_import(fact_checker, "x.json", "labelstudio", content=b"{not json")
    assert job.state == "failed"
    assert "JSON" in job.error
    assert not Annotation.objects.exists()


def test_archived_and_draft_articles_refuse_rows_as_the_api_does(fact_checker, article_a):
    Article.objects.filter(pk=article_a.pk).update(status="archived")
    job = run_import(fact_checker, "w3c.jsonld", "w3c")
    assert job.created_count == 0
    assert any("archiv" in e["reason"] for e in job.report)


def test_the_history_shows_where_an_imported_annotation_came_from(
    reviewer, fact_checker, article_a
):
    from django.test import Client

    run_import(fact_checker, "hypothesis.json", "hypothesis")
    annotation = Annotation.objects.get(article=article_a, start=22)
    client = Client()
    client.force_login(reviewer)
    page = client.get(f"/annotations/{annotation.pk}/").content.decode()
    assert 'data-testid="event-import"' in page
    assert "acct:alice@hypothes.is" in page
    assert "hyp001" in page
