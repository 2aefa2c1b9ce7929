"""The seed corpus is the demo data and the material of the end-to-end tests."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from annotator.articles.models import Article, ArticleRevision
from proposals.models import Candidacy, Proposal, Theme

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SEED = json.loads((FIXTURES / "seed.json").read_text(encoding="utf-8"))

# SHA-256 of the five texts as published in shared/corpus: the fixtures must stay byte-identical.
EXPECTED_SHA256 = {
    name: hashlib.sha256((FIXTURES / "corpus" / name).read_bytes()).hexdigest()
    for name in sorted(p.name for p in (FIXTURES / "corpus").glob("*.txt"))
}


def test_the_five_seed_texts_are_in_the_fixtures():
    assert sorted(EXPECTED_SHA256) == sorted(row["file"] for row in SEED["articles"])
    assert len(EXPECTED_SHA256) == 5


def test_seed_texts_match_their_recorded_checksums():
    recorded = json.loads((FIXTURES / "corpus.sha256.json").read_text(encoding="utf-8"))
    assert recorded == EXPECTED_SHA256


@pytest.mark.parametrize("proposal", SEED["proposals"], ids=lambda p: p["slug"])
def test_every_starter_proposal_sentence_is_verbatim_in_its_article(proposal):
    text = (FIXTURES / "corpus" / proposal["article"]).read_text(encoding="utf-8")
    assert proposal["sentence"] in text


def test_the_starter_set_has_at_least_30_proposals_across_all_candidacies():
    proposals = SEED["proposals"]
    assert len(proposals) >= 30
    by_candidacy = {p["candidacy"] for p in proposals}
    assert {
        "valls-primaire-2017",
        "melenchon-2017",
        "hamon-2017",
        "melenchon-2022",
        "hidalgo-2022",
    } <= by_candidacy


def test_theme_taxonomy_is_loaded_by_migration_with_both_labels_and_codes(db):
    with (FIXTURES / "themes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert Theme.objects.count() == len(rows) == 20
    cyber = Theme.objects.get(code="CYBER")
    assert cyber.label_fr == "Cybersécurité et cyberdéfense"
    assert cyber.label_en == "Cybersecurity and cyber-defence"
    assert (cyber.manifesto_code, cyber.cap_major) == ("104", "16")


def test_load_seed_creates_the_corpus_once_and_is_idempotent(db):
    call_command("load_seed")
    call_command("load_seed")
    assert Article.objects.count() == 5
    assert ArticleRevision.objects.count() == 5
    assert Proposal.objects.count() == len(SEED["proposals"])
    assert Candidacy.objects.count() == len(SEED["candidacies"])
    for row in SEED["articles"]:
        article = Article.objects.get(title=row["title"])
        raw = (FIXTURES / "corpus" / row["file"]).read_bytes()
        assert article.text.encode("utf-8") == raw
        assert article.text_sha256 == hashlib.sha256(raw).hexdigest()
        assert sorted(article.candidacies.values_list("key", flat=True)) == sorted(
            row["candidacies"]
        )


def test_seeded_proposals_keep_candidacy_themes_and_sentence(db):
    call_command("load_seed")
    row = SEED["proposals"][0]
    proposal = Proposal.objects.get(slug=row["slug"])
    assert proposal.candidacy.key == row["candidacy"]
    assert proposal.primary_theme.code == row["primary_theme"]
    assert sorted(proposal.secondary_themes.values_list("code", flat=True)) == sorted(
        row.get("secondary_themes", [])
    )
    assert proposal.statement == row["sentence"]


def test_every_theme_row_has_exactly_the_five_columns():
    with (FIXTURES / "themes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert all(len(row) == 5 for row in rows), [row for row in rows if len(row) != 5]


def test_correct_theme_labels_migration_repairs_a_database_seeded_from_the_malformed_csv(db):
    import importlib

    from django.apps import apps

    Theme.objects.filter(code="INFRA").update(
        label_fr="Infrastructures et couverture (fibre",
        label_en=" très haut débit",
        manifesto_code="4G/5G",
        cap_major=" zones blanc",
    )
    migration = importlib.import_module("proposals.migrations.0005_correct_theme_labels")
    migration.forwards(apps, None)
    infra = Theme.objects.get(code="INFRA")
    assert infra.label_fr == (
        "Infrastructures et couverture (fibre, très haut débit, 4G/5G, zones blanches)"
    )
    assert (infra.label_en, infra.manifesto_code, infra.cap_major) == (
        "Networks and coverage",
        "411",
        "17",
    )
    assert Theme.objects.get(code="PLAT").label_en == "Platforms, competition and Big Tech"
