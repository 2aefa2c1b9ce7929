"""Every format is read back with a standard reader and checked field by field."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from pyld import jsonld

from annotator.annotations.w3c import annotation_to_w3c
from annotator.articles.models import sha256_text
from annotator.exports.formats.csv import COLUMNS
from tests.exports.helpers import read_bytes, run_export

pytestmark = pytest.mark.django_db

ANNO_CONTEXT = Path(settings.BASE_DIR) / "annotator" / "vocab" / "anno.jsonld"


def jsonl_records(job):  # type: ignore[no-untyped-def]
    return [json.loads(line) for line in read_bytes(job).decode("utf-8").splitlines()]


def test_jsonl_has_one_parsable_line_per_verified_visible_annotation(corpus):
    records = jsonl_records(run_export("jsonl"))
    assert [r["id"] for r in records] == sorted(a.pk for a in corpus["approved"])


def test_jsonl_record_carries_article_quote_position_proposals_and_review(corpus, reviewer):
    first = corpus["approved"][0]
    record = jsonl_records(run_export("jsonl"))[0]
    article = corpus["article"]
    assert record["article"] == {
        "id": article.pk,
        "title": "Le numérique dans les programmes",
        "outlet": "Le Monde",
        "url": article.url,
        "published_on": "2022-02-01",
        "text_sha256": sha256_text(article.text),
    }
    assert record["quote"] == {
        "exact": "la fibre partout",
        "prefix": first.prefix,
        "suffix": first.suffix,
    }
    assert record["position"] == {"start": first.start, "end": first.end, "unit": "code_points"}
    assert (
        article.text[record["position"]["start"] : record["position"]["end"]] == "la fibre partout"
    )
    assert record["comment"] == "Promesse chiffrée ; à vérifier."
    assert record["tags"] == ["fibre", "très-haut-débit"]
    assert record["author"] == first.author.username
    assert record["reviewers"] == [reviewer.username]
    approval = first.events.get(action="approve")
    assert record["approved_at"] == approval.created.isoformat()
    [proposal] = record["proposals"]
    assert proposal["title"] == "Fibre partout"
    assert proposal["candidacy"]["key"] == "macron-2022"
    assert proposal["candidacy"]["candidate"] == "Emmanuel Macron"
    assert proposal["candidacy"]["election"] == "presidentielle-2022"
    assert proposal["themes"] == ["INFRA"]
    assert proposal["verdict"]["feasibility"] == "mostly_feasible"
    assert proposal["verdict"]["rank"] == 4
    assert proposal["verdict"]["summary"].startswith("Plutôt réalisable")


def test_jsonl_positions_count_code_points_even_for_emoji(corpus):
    second = jsonl_records(run_export("jsonl"))[1]
    text = corpus["article"].text
    assert text[second["position"]["start"] : second["position"]["end"]] == "🇫🇷 émoji"


def test_reviewers_and_approval_time_come_from_the_last_approval(corpus, reviewer2):
    from annotator.review.models import AnnotationEvent

    first = corpus["approved"][0]
    later = AnnotationEvent.objects.create(
        annotation=first,
        actor=reviewer2,
        action="approve",
        from_state="submitted",
        to_state="approved",
    )
    record = jsonl_records(run_export("jsonl"))[0]
    assert record["reviewers"][-1] == reviewer2.username
    assert record["approved_at"] == later.created.isoformat()


def test_csv_round_trips_with_the_standard_library_one_row_per_link(corpus):
    raw = read_bytes(run_export("csv"))
    assert b"\r\n" in raw and not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert list(rows[0].keys()) == COLUMNS
    first, second = corpus["approved"]
    assert [(int(r["annotation_id"]), r["proposal_title"]) for r in rows] == [
        (first.pk, "Fibre partout"),
        (second.pk, "Fibre partout"),
        (second.pk, "Cyber-réserve"),
    ]
    assert rows[0]["comment"] == "Promesse chiffrée ; à vérifier."
    assert rows[0]["tags"] == "fibre|très-haut-débit"
    assert rows[0]["verdict_summary"] == "Plutôt réalisable, « sous réserve » de financement."
    assert rows[2]["verdict_feasibility"] == "not_assessable"
    assert rows[2]["verdict_rank"] == ""


def test_csv_quotes_commas_quotes_and_newlines_per_rfc_4180(corpus):
    first = corpus["approved"][0]
    first.comment = 'Il dit "partout",\nmême en zone blanche.'
    first.save(update_fields=["comment"])
    raw = read_bytes(run_export("csv")).decode("utf-8")
    assert '"Il dit ""partout"",\nmême en zone blanche."' in raw
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert rows[0]["comment"] == 'Il dit "partout",\nmême en zone blanche.'


def test_csv_option_adds_the_byte_order_mark_excel_needs(corpus):
    raw = read_bytes(run_export("csv", options={"bom": True}))
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0]["article_title"] == "Le numérique dans les programmes"


def test_csv_keeps_an_annotation_without_proposal_as_one_row(corpus):
    from tests.factories.exports import approved_annotation

    lone = approved_annotation(article=corpus["article"], exact="Programmes")
    rows = list(csv.DictReader(io.StringIO(read_bytes(run_export("csv")).decode(), newline="")))
    [row] = [r for r in rows if int(r["annotation_id"]) == lone.pk]
    assert row["proposal_id"] == ""


def _local_loader(url, options=None):  # type: ignore[no-untyped-def]
    if url.rstrip("/") != "http://www.w3.org/ns/anno.jsonld":
        raise AssertionError(f"no network in tests: {url}")
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(ANNO_CONTEXT.read_text()),
    }


def test_w3c_collection_holds_every_annotation_as_the_api_renders_it(corpus):
    job = run_export("w3c")
    collection = json.loads(read_bytes(job))
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection"
    assert collection["total"] == 2
    page = collection["first"]
    assert page["type"] == "AnnotationPage"
    from annotator.annotations.models import Annotation

    expected = [
        annotation_to_w3c(a, base_url=settings.SITE_URL, include_context=False)
        for a in Annotation.objects.filter(pk__in=[a.pk for a in corpus["approved"]]).order_by("id")
    ]
    assert page["items"] == json.loads(json.dumps(expected))


def test_w3c_collection_expands_with_a_json_ld_processor_against_the_local_context(corpus):
    collection = json.loads(read_bytes(run_export("w3c")))
    expanded = jsonld.expand(collection, {"documentLoader": _local_loader})
    [root] = expanded
    assert root["@type"] == ["http://www.w3.org/ns/activitystreams#OrderedCollection"]
    page = root["http://www.w3.org/ns/activitystreams#first"][0]
    items = page["http://www.w3.org/ns/activitystreams#items"][0]["@list"]
    assert len(items) == 2
    assert all(item["@type"] == ["http://www.w3.org/ns/oa#Annotation"] for item in items)
    selectors = items[0]["http://www.w3.org/ns/oa#hasTarget"][0][
        "http://www.w3.org/ns/oa#hasSelector"
    ]
    exact = next(s for s in selectors if "http://www.w3.org/ns/oa#exact" in s)
    assert exact["http://www.w3.org/ns/oa#exact"][0]["@value"] == "la fibre partout"


def test_claimreview_has_one_review_per_proposal_with_a_published_verdict(corpus):
    from tests.factories import ProposalFactory

    ProposalFactory(candidacy=corpus["candidacy"], title="Sans verdict")
    reviews = json.loads(read_bytes(run_export("claimreview")))
    assert [r["claimReviewed"] for r in reviews] == [
        "La fibre pour tous en 2025.",
        "Créer une cyber-réserve citoyenne.",
    ]


def test_claimreview_items_carry_every_required_field(corpus, settings):
    settings.NEWSROOM_NAME = "Les Décodeurs"
    fibre, cyber = json.loads(read_bytes(run_export("claimreview")))
    assert fibre["@context"] == "https://schema.org"
    assert fibre["@type"] == "ClaimReview"
    assert fibre["url"] == f"{settings.SITE_URL}/proposals/{corpus['fibre'].slug}/"
    assert fibre["author"] == {
        "@type": "Organization",
        "name": "Les Décodeurs",
        "url": settings.NEWSROOM_URL,
    }
    assert fibre["datePublished"] == corpus["fibre"].verdicts.get().published_at.date().isoformat()
    claim = fibre["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["author"] == {"@type": "Person", "name": "Emmanuel Macron"}
    assert [a["headline"] for a in claim["appearance"]] == ["Le numérique dans les programmes"]
    assert fibre["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 4,
        "worstRating": 1,
        "bestRating": 5,
        "alternateName": "Plutôt réalisable",
    }
    assert "ratingValue" not in cyber["reviewRating"]
    assert cyber["reviewRating"]["alternateName"] == "Non évaluable"


def _unzip(job, tmp_path):  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(io.BytesIO(read_bytes(job))) as archive:
        archive.extractall(tmp_path / "package")
    return tmp_path / "package"


def test_datapackage_passes_frictionless_validation(corpus, tmp_path):
    from frictionless import validate

    folder = _unzip(run_export("datapackage"), tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md",
        "annotations.csv",
        "articles.csv",
        "datapackage.json",
        "manifest.json",
        "proposals.csv",
        "ratings.csv",
        "verdicts.csv",
    ]
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "type", "note"])


def test_datapackage_resources_hold_the_referenced_rows_with_their_hashes(corpus, tmp_path):
    folder = _unzip(run_export("datapackage"), tmp_path)
    descriptor = json.loads((folder / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        data = (folder / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["bytes"] == len(data)
    counts = descriptor["manifest"]["counts"]
    assert counts == {"annotations": 2, "articles": 1, "proposals": 2, "ratings": 3, "verdicts": 2}


def test_datapackage_pseudonymises_raters(corpus, tmp_path):
    folder = _unzip(run_export("datapackage"), tmp_path)
    ratings = list(csv.DictReader((folder / "ratings.csv").open(encoding="utf-8", newline="")))
    raters = {r["rater"] for r in ratings}
    assert len(raters) == 3
    for rating in corpus["ratings"]:
        assert str(rating.rater_id) not in raters
        assert rating.rater.username not in raters
    assert all(r.startswith("rater-") for r in raters)


def test_datapackage_readme_states_filters_counts_time_agreement_and_licence(corpus, tmp_path):
    job = run_export("datapackage", election="presidentielle-2022")
    readme = (_unzip(job, tmp_path) / "README.md").read_text()
    assert "Election (key): presidentielle-2022" in readme
    assert "annotations.csv: 2 rows" in readme
    assert job.manifest["generated_at"] in readme
    assert "Krippendorff's alpha" in readme
    assert "Creative Commons Attribution 4.0" in readme


def test_jsonl_manifest_counts_annotations_links_proposals_and_articles(corpus):
    from annotator.annotations.models import Annotation

    job = run_export("jsonl")
    approved = [a.pk for a in corpus["approved"]]
    links = Annotation.proposals.through.objects.filter(annotation_id__in=approved)
    assert job.manifest["counts"] == {
        "annotations": len(approved),
        "links": links.count(),
        "proposals": links.values("proposal_id").distinct().count(),
        "articles": 1,
    }


@pytest.fixture
def awkward(corpus):  # type: ignore[no-untyped-def]
    """Annotations in every shape the formats must handle: no body at all, a single body, text
    that needs escaping or quoting, a named author, timestamps on a whole second."""
    import datetime as dt
    from unittest import mock

    from tests.factories import ArticleFactory, UserFactory
    from tests.factories.exports import approved_annotation

    article = ArticleFactory(
        title='Tribune "numérique", \\ partie 1',
        outlet="",
        language="",
        text='Le programme\tdit : « tout, partout »\r\net "rien" d\'autre \\ 🇫🇷\n',
    )
    named = UserFactory(first_name=" Zoé", last_name="O'Neil ", role="fact-checker")
    one_tag = approved_annotation(
        article=article, author=named, exact="tout, partout", comment="", tags=["seul"]
    )
    tricky = approved_annotation(
        article=article,
        author=corpus["approved"][0].author,
        exact='"rien"',
        comment='Citation "exacte",\r\nligne 2 \\ fin\u0001 — %s {0}',
        tags=["a,b", 'c"d'],
        proposals=[corpus["cyber"], corpus["fibre"]],
    )
    whole_second = dt.datetime(2022, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=whole_second):
        bare = approved_annotation(article=article, author=named, exact="Le programme", comment="")
    return [bare, one_tag, tricky]


def test_w3c_items_match_the_api_in_every_body_shape_and_key_order(corpus, awkward):
    from annotator.annotations.models import Annotation

    items = json.loads(read_bytes(run_export("w3c")))["first"]["items"]
    annotations = Annotation.objects.filter(
        pk__in=[a.pk for a in corpus["approved"] + awkward]
    ).order_by("id")
    expected = [
        json.loads(
            json.dumps(annotation_to_w3c(a, base_url=settings.SITE_URL, include_context=False))
        )
        for a in annotations
    ]
    assert items == expected
    assert [list(item) for item in items] == [list(e) for e in expected]
    by_id = {item["id"]: item for item in items}
    bare, one_tag, tricky = (by_id[f"{settings.SITE_URL}/api/annotations/{a.pk}/"] for a in awkward)
    assert "body" not in bare and bare["motivation"] == "highlighting"
    assert one_tag["body"] == {"type": "TextualBody", "value": "seul", "purpose": "tagging"}
    assert [b["purpose"] for b in tricky["body"]] == [
        "commenting",
        "tagging",
        "tagging",
        "linking",
        "linking",
    ]
    assert bare["creator"]["name"] == "Zoé O'Neil"
    assert bare["created"] == "2022-03-04T05:06:07+00:00"


def _flatten(record):  # type: ignore[no-untyped-def]
    """The CSV rows of one JSONL record, written independently of the export's SQL."""
    article, quote, position = record["article"], record["quote"], record["position"]
    head = [
        record["id"], article["id"], article["title"], article["outlet"], article["url"],
        article["published_on"] or "", article["text_sha256"], quote["exact"], quote["prefix"],
        quote["suffix"], position["start"], position["end"], record["comment"],
        "|".join(record["tags"]), record["author"], "|".join(record["reviewers"]),
        record["approved_at"] or "",
    ]  # fmt: skip
    if not record["proposals"]:
        return [head + [""] * (len(COLUMNS) - len(head))]
    rows = []
    for p in record["proposals"]:
        verdict = p["verdict"] or {}
        rows.append(
            [
                *head, p["id"], p["slug"], p["title"], p["url"], p["candidacy"]["key"],
                p["candidacy"]["candidate"], p["candidacy"]["election"], p["candidacy"]["party"],
                "|".join(p["themes"]), verdict.get("feasibility", ""), verdict.get("rank") or "",
                verdict.get("label_fr", ""), verdict.get("summary", ""),
                verdict.get("published_at") or "",
            ]
        )  # fmt: skip
    return rows


def test_csv_bytes_are_what_pythons_csv_writer_makes_of_the_jsonl_records(corpus, awkward):
    records = jsonl_records(run_export("jsonl"))
    expected = io.StringIO(newline="")
    writer = csv.writer(expected, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerows(_flatten(record))
    assert read_bytes(run_export("csv")).decode("utf-8") == expected.getvalue()


def test_jsonl_keeps_json_escapes_and_whole_second_times_intact(corpus, awkward):
    from annotator.review.models import AnnotationEvent

    bare, _, tricky = awkward
    records = {r["id"]: r for r in jsonl_records(run_export("jsonl"))}
    assert records[tricky.pk]["comment"] == 'Citation "exacte",\r\nligne 2 \\ fin\u0001 — %s {0}'
    assert records[tricky.pk]["tags"] == ["a,b", 'c"d']
    assert [p["title"] for p in records[tricky.pk]["proposals"]] == sorted(
        [p["title"] for p in records[tricky.pk]["proposals"]], key=lambda t: t != "Fibre partout"
    )
    assert records[bare.pk]["article"]["title"] == 'Tribune "numérique", \\ partie 1'
    approval = AnnotationEvent.objects.get(annotation=bare)
    assert (
        records[bare.pk]["approved_at"]
        == approval.created.isoformat()
        == "2022-03-04T05:06:07+00:00"
    )


def test_datapackage_tables_agree_with_the_jsonl_records_and_validate(corpus, awkward, tmp_path):
    import datetime as dt

    from frictionless import validate

    records = jsonl_records(run_export("jsonl"))
    folder = _unzip(run_export("datapackage"), tmp_path)
    assert validate(str(folder / "datapackage.json")).valid
    with (folder / "annotations.csv").open(encoding="utf-8", newline="") as file:
        annotations = list(csv.reader(file))[1:]

    def utc(value):  # type: ignore[no-untyped-def]
        return dt.datetime.fromisoformat(value).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""

    assert annotations == [
        [
            str(r["id"]), str(r["article"]["id"]), r["quote"]["exact"], r["quote"]["prefix"],
            r["quote"]["suffix"], str(r["position"]["start"]), str(r["position"]["end"]),
            r["comment"], "|".join(r["tags"]), "|".join(str(p["id"]) for p in r["proposals"]),
            r["author"], "|".join(r["reviewers"]), utc(r["approved_at"]),
        ]
        for r in records
    ]  # fmt: skip
    with (folder / "articles.csv").open(encoding="utf-8", newline="") as file:
        articles = list(csv.DictReader(file))
    assert [int(a["id"]) for a in articles] == sorted({r["article"]["id"] for r in records})
    awkward_article = next(a for a in articles if int(a["id"]) == awkward[0].article_id)
    assert awkward_article["title"] == 'Tribune "numérique", \\ partie 1'
    assert awkward_article["language"] == ""
