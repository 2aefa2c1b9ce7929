"""One read model of an annotation: the API list, the detail, the W3C rendering and the export
rows agree field by field for the same annotation (issue 12)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from tests.exports.helpers import read_bytes, run_export
from tests.factories import ArticleFactory, ProposalFactory, UserFactory
from tests.factories.exports import approved_annotation
from tests.utils import client_for

TEXT = (
    "# Programme\n\nLe candidat promet « la fibre partout » d'ici 2025 🚀, puis une "
    'cyber-réserve "citoyenne" \\ et un cloud souverain.\r\nFin du texte.\n'
)


@pytest.fixture
def export_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


@pytest.fixture
def annotations(db):  # type: ignore[no-untyped-def]
    author = UserFactory(username="alice", first_name="Alice", last_name="Martin",
                         role="fact-checker")  # fmt: skip
    article = ArticleFactory(text=TEXT)
    fibre = ProposalFactory(title="Fibre partout")
    cloud = ProposalFactory(title="Cloud souverain")
    return [
        approved_annotation(
            article=article,
            author=author,
            exact="la fibre partout",
            proposals=[fibre, cloud],
            tags=["fibre", "très-haut-débit"],
            comment="**Chiffré** ; à vérifier 🚀",
        ),
        approved_annotation(
            article=article,
            author=author,
            exact='"citoyenne" \\',
            proposals=[],
            tags=[],
            comment="",
        ),
        approved_annotation(
            article=article,
            author=author,
            exact="cloud souverain",
            proposals=[cloud],
            comment="Texte\r\navec retour",
        ),
    ]


def test_the_list_and_the_detail_agree_field_by_field(annotations):
    client = client_for(UserFactory(role="reviewer"))
    listed = client.get(f"/api/annotations/?article={annotations[0].article_id}").json()["results"]
    assert len(listed) == 3
    for item in listed:
        detail = client.get(f"/api/annotations/{item['id']}/").json()
        assert detail.keys() == item.keys()
        for field in item:
            assert detail[field] == item[field], field


def test_the_jsonl_export_agrees_with_the_api_for_the_same_annotation(annotations, export_root):
    requester = UserFactory(role="reviewer")
    client = client_for(requester)
    lines = read_bytes(run_export("jsonl", requester=requester)).decode().splitlines()
    exported = {row["id"]: row for row in map(json.loads, lines)}
    assert exported.keys() == {a.pk for a in annotations}
    for annotation in annotations:
        api = client.get(f"/api/annotations/{annotation.pk}/").json()
        row = exported[annotation.pk]
        assert row["quote"] == api["quote"]
        assert row["position"] == {**api["position"], "unit": "code_points"}
        assert row["comment"] == api["comment"]
        assert row["tags"] == api["tags"]
        assert row["author"] == api["author"]
        assert row["article"]["id"] == api["article"]
        assert sorted(p["id"] for p in row["proposals"]) == sorted(api["proposals"])
        assert sorted(p["url"] for p in row["proposals"]) == sorted(
            settings.SITE_URL + link["url"] for link in api["proposal_links"]
        )


def test_the_w3c_export_agrees_with_the_api_w3c_rendering(annotations, export_root):
    requester = UserFactory(role="reviewer")
    client = client_for(requester)
    document = json.loads(read_bytes(run_export("w3c", requester=requester)))
    page = document.get("first", document)  # an AnnotationCollection's first page
    items = {item["id"].rsplit("/", 2)[-2]: item for item in page["items"]}
    assert items.keys() == {str(a.pk) for a in annotations}
    for annotation in annotations:
        api = client.get(
            f"/api/annotations/{annotation.pk}/", HTTP_ACCEPT="application/ld+json"
        ).json()
        api.pop("@context")
        rendered = json.loads(json.dumps(api).replace("http://testserver", settings.SITE_URL))
        assert items[str(annotation.pk)] == rendered
