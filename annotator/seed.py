"""Load the seed corpus (fixtures/seed.json + fixtures/corpus/) idempotently."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from annotator.articles.models import Article, sha256_text
from annotator.articles.services import article_import
from proposals.models import Candidacy, Candidate, Election, Party, Proposal, Theme
from proposals.taxonomy import load_themes

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@dataclass
class SeedReport:
    created: dict[str, int]

    def __str__(self) -> str:
        return ", ".join(f"{n} {kind}" for kind, n in self.created.items())


def read_seed(path: Path | None = None) -> dict[str, Any]:
    return json.loads((path or FIXTURES / "seed.json").read_text(encoding="utf-8"))


@transaction.atomic
def load_seed(path: Path | None = None) -> SeedReport:
    """Create what is missing of the seed data; never duplicates, never overwrites edits."""
    seed = read_seed(path)
    created = dict.fromkeys(
        ["elections", "parties", "candidates", "candidacies", "articles", "proposals"], 0
    )

    elections: dict[str, Election] = {}
    for row in seed["elections"]:
        election, new = Election.objects.get_or_create(
            key=row["key"],
            defaults={
                "name": row["name"],
                "date": dt.date.fromisoformat(row["date"]),
                "kind": row["kind"],
            },
        )
        elections[row["key"]] = election
        created["elections"] += new
    parties: dict[str, Party] = {}
    for row in seed["parties"]:
        party, new = Party.objects.get_or_create(
            key=row["key"], defaults={"name": row["name"], "short_name": row.get("short_name", "")}
        )
        parties[row["key"]] = party
        created["parties"] += new
    candidates: dict[str, Candidate] = {}
    for row in seed["candidates"]:
        candidate, new = Candidate.objects.get_or_create(
            key=row["key"],
            defaults={"first_name": row["first_name"], "last_name": row["last_name"]},
        )
        candidates[row["key"]] = candidate
        created["candidates"] += new
    candidacies: dict[str, Candidacy] = {}
    for row in seed["candidacies"]:
        candidacy, new = Candidacy.objects.get_or_create(
            key=row["key"],
            defaults={
                "candidate": candidates[row["candidate"]],
                "election": elections[row["election"]],
                "party": parties.get(row.get("party") or ""),
            },
        )
        candidacies[row["key"]] = candidacy
        created["candidacies"] += new

    for row in seed["articles"]:
        raw = (FIXTURES / "corpus" / row["file"]).read_bytes()
        text = raw.decode("utf-8")
        if Article.objects.filter(text_sha256=sha256_text(text)).exists():
            continue
        article_import(
            actor=None,
            text=text,
            title=row["title"],
            outlet=row.get("outlet", ""),
            author=row.get("author", ""),
            kind=row["kind"],
            url=row.get("url", ""),
            published_on=dt.date.fromisoformat(row["published_on"])
            if row.get("published_on")
            else None,
            language=row.get("language", "fr"),
            candidacies=[candidacies[key] for key in row.get("candidacies", [])],
        )
        created["articles"] += 1

    if not Theme.objects.exists():  # a flushed test database has lost the migration's rows
        load_themes(Theme)
    themes = {theme.code: theme for theme in Theme.objects.all()}
    for row in seed["proposals"]:
        if Proposal.objects.filter(slug=row["slug"]).exists():
            continue
        proposal = Proposal.objects.create(
            slug=row["slug"],
            title=row["title"],
            statement=row["sentence"],
            candidacy=candidacies[row["candidacy"]],
            primary_theme=themes[row["primary_theme"]],
        )
        proposal.secondary_themes.set([themes[code] for code in row.get("secondary_themes", [])])
        created["proposals"] += 1
    return SeedReport(created)
