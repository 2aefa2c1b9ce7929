"""Our own exports import back: export, empty the annotation tables, import, export again: the
files are identical byte for byte once ids, timestamps and the import's provenance are removed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection

from annotator.annotations.models import Annotation
from annotator.review.models import AnnotationEvent
from tests.exports.helpers import read_bytes, run_export
from tests.factories import ArticleFactory, ProposalFactory, UserFactory
from tests.factories.exports import approved_annotation
from tests.imports.conftest import run_import
from tests.imports.texts import TEXT_A

pytestmark = pytest.mark.django_db
VOLATILE = {"id", "approved_at", "created", "modified", "provenance"}


@pytest.fixture
def corpus(moderator):  # type: ignore[no-untyped-def]
    alice = UserFactory(username="alice", role="fact-checker", first_name="Alice")
    bob = UserFactory(username="bob", role="fact-checker")
    rev = UserFactory(username="rev", role="reviewer")
    rev2 = UserFactory(username="rev2", role="reviewer")
    first = ArticleFactory(title="Fibre partout", text=TEXT_A)
    second = ArticleFactory(title="Autre", text="Le candidat veut 100 000 logements 🏠 par an.\n")
    fibre, trains = ProposalFactory(title="Fibre"), ProposalFactory(title="Trains")
    for article, exact, author, comment, tags, links in (
        (
            first,
            "la fibre partout",
            alice,
            "Promesse **vague** 🤔",
            ["fibre", "calendrier"],
            [fibre],
        ),
        (first, "fibre partout en 2025", bob, "", [], [fibre, trains]),
        (
            first,
            "3 milliards",
            alice,
            "Chiffre à sourcer :\n\n- budget\n- calendrier",
            ["chiffre"],
            [],
        ),
        (second, "100 000 logements 🏠", bob, "Ambitieux.", [], [trains]),
    ):
        start = article.text.index(exact)
        annotation = approved_annotation(
            article=article,
            author=author,
            exact=exact,
            start=start,
            end=start + len(exact),
            comment=comment,
            tags=tags,
            proposals=links,
            reviewer=rev,
        )
        AnnotationEvent.objects.create(
            annotation=annotation,
            actor=rev2,
            action="approve",
            from_state="approved",
            to_state="approved",
        )
    return {"alice": "alice", "bob": "bob", "rev": "rev", "rev2": "rev2"}


def empty_annotation_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "TRUNCATE imports_importedannotation, review_annotationevent,"
            " annotations_annotation_proposals, annotations_historicalannotation_proposals,"
            " annotations_historicalannotation, annotations_annotation CASCADE"
        )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def stable(value: Any) -> Any:
    """The value without ids, timestamps and provenance (at any depth, except proposal records,
    whose ids are the same proposals')."""
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value


def normalized_lines(data: bytes) -> bytes:
    return b"".join(
        json.dumps(stable(json.loads(line)), ensure_ascii=False).encode() + b"\n"
        for line in data.splitlines()
    )


def test_jsonl_export_imported_into_an_empty_database_exports_identically(moderator, corpus):
    before = read_bytes(run_export("jsonl", requester=moderator))
    assert before.count(b"\n") == 4
    empty_annotation_tables()
    job = run_import(
        moderator,
        "export.jsonl",
        "jsonl",
        content=before,
        options={"user_map": corpus, "keep_approved": True},
    )
    assert (job.state, job.created_count, job.failed_count) == ("succeeded", 4, 0), job.report
    after = read_bytes(run_export("jsonl", requester=moderator))
    assert normalized_lines(after) == normalized_lines(before)
    provenance = json.loads(after.splitlines()[0])["provenance"]
    assert provenance["format"] == "jsonl" and provenance["user"] == "alice"
    kept = AnnotationEvent.objects.filter(action="approve")
    assert kept.count() == 8
    assert all(e.details["import"]["kept_approved"] for e in kept)
    assert all(e.details["import"]["by"] == moderator.pk for e in kept)


def test_w3c_export_imported_into_an_empty_database_exports_identically(moderator, corpus):
    before = json.loads(read_bytes(run_export("w3c", requester=moderator)))
    empty_annotation_tables()
    job = run_import(
        moderator,
        "export.jsonld",
        "w3c",
        content=json.dumps(before).encode(),
        options={"user_map": corpus, "keep_approved": True},
    )
    assert (job.state, job.created_count, job.failed_count) == ("succeeded", 4, 0), job.report
    after = json.loads(read_bytes(run_export("w3c", requester=moderator)))
    assert len(after["first"]["items"]) == 4
    assert json.dumps(stable(after["first"]["items"])) == json.dumps(
        stable(before["first"]["items"])
    )


def test_without_keep_approved_imports_enter_review_as_submitted(moderator, corpus):
    data = read_bytes(run_export("jsonl", requester=moderator))
    empty_annotation_tables()
    run_import(moderator, "export.jsonl", "jsonl", content=data, options={"user_map": corpus})
    assert set(Annotation.objects.values_list("status", flat=True)) == {"submitted"}
    assert not AnnotationEvent.objects.filter(action="approve").exists()
