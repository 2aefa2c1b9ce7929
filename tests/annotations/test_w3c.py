"""`Accept: application/ld+json` returns W3C Web Annotation JSON-LD that a processor expands."""

from __future__ import annotations

import json
from pathlib import Path

from pyld import jsonld

from tests.annotations.helpers import english_client as client_for
from tests.factories import AnnotationFactory, ProposalFactory, passage

CONTEXT_FILE = Path(__file__).resolve().parents[2] / "annotator" / "vocab" / "anno.jsonld"
OA = "http://www.w3.org/ns/oa#"


def offline_loader(url, options=None):  # type: ignore[no-untyped-def]
    """The W3C context from the repository copy (tests run offline)."""
    assert url.rstrip("/") in (
        "http://www.w3.org/ns/anno.jsonld",
        "https://www.w3.org/ns/anno.jsonld",
    )
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(CONTEXT_FILE.read_text()),
    }


def test_an_annotation_in_json_ld_expands_with_both_selectors_and_its_bodies(fact_checker, article):
    proposal = ProposalFactory(slug="ministere-numerique")
    annotation = AnnotationFactory(
        article=article, author=fact_checker, comment="À vérifier", tags=["promesse"],
        status="submitted", **passage(article, "la fibre"),
    )  # fmt: skip
    annotation.proposals.set([proposal])
    response = client_for(fact_checker).get(
        f"/api/annotations/{annotation.pk}/", HTTP_ACCEPT="application/ld+json"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    document = response.json()
    assert document["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert document["type"] == "Annotation"
    assert document["target"]["source"] == f"http://testserver/articles/{article.pk}/"
    selectors = {s["type"]: s for s in document["target"]["selector"]}
    assert selectors["TextQuoteSelector"]["exact"] == "la fibre"
    assert selectors["TextPositionSelector"]["start"] == annotation.start

    [expanded] = jsonld.expand(document, {"documentLoader": offline_loader})
    assert expanded["@type"] == [f"{OA}Annotation"]
    target = expanded[f"{OA}hasTarget"][0]
    types = {s["@type"][0] for s in target[f"{OA}hasSelector"]}
    assert types == {f"{OA}TextQuoteSelector", f"{OA}TextPositionSelector"}
    purposes = {b[f"{OA}hasPurpose"][0]["@id"] for b in expanded[f"{OA}hasBody"]}
    assert purposes == {f"{OA}commenting", f"{OA}tagging", f"{OA}linking"}
    linking = [
        b for b in expanded[f"{OA}hasBody"] if b[f"{OA}hasPurpose"][0]["@id"] == f"{OA}linking"
    ]
    assert (
        linking[0][f"{OA}hasSource"][0]["@id"] == "http://testserver/proposals/ministere-numerique/"
    )
    assert "http://purl.org/dc/terms/creator" in expanded
    assert "http://purl.org/dc/terms/created" in expanded


def test_the_list_in_json_ld_is_an_annotation_page(fact_checker, article):
    AnnotationFactory(article=article, author=fact_checker, **passage(article, "la fibre"))
    response = client_for(fact_checker).get("/api/annotations/", HTTP_ACCEPT="application/ld+json")
    document = response.json()
    assert document["type"] == "AnnotationPage"
    assert len(document["items"]) == 1
    assert document["items"][0]["type"] == "Annotation"


def test_plain_json_stays_the_default(fact_checker, article):
    annotation = AnnotationFactory(
        article=article, author=fact_checker, **passage(article, "la fibre")
    )
    data = client_for(fact_checker).get(f"/api/annotations/{annotation.pk}/").json()
    assert set(data) >= {
        "article", "quote", "position", "comment", "tags", "proposals", "status", "author",
        "created", "modified", "version",
    }  # fmt: skip
