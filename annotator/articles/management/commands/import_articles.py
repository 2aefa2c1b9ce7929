"""`manage.py import_articles PATH...`: import text or Markdown files, each with an optional sidecar.

The sidecar is `PATH.json` or `<stem>.json` beside the file, with any of: title, outlet, author,
kind, url, published_on (YYYY-MM-DD), language, status, candidacies (list of candidacy keys).
Without a sidecar the title is the file's first non-empty line, stripped of Markdown `#`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from annotator.articles.services import article_import, decode_source
from annotator.lib.errors import DomainError
from proposals.models import Candidacy

ALLOWED_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


def read_sidecar(path: Path) -> dict[str, Any]:
    for candidate in (path.with_name(path.name + ".json"), path.with_suffix(".json")):
        if candidate.exists() and candidate != path:
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise CommandError(
                    f"{candidate}: the metadata sidecar is not valid JSON ({exc})"
                ) from exc
            if not isinstance(data, dict):
                raise CommandError(f"{candidate}: the metadata sidecar must be a JSON object")
            return data
    return {}


def title_from_text(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip().lstrip("#").strip().strip("*").strip()
        if stripped:
            return stripped[:300]
    return ""


class Command(BaseCommand):
    help = "Import source texts (plain text or Markdown, UTF-8) with an optional JSON metadata sidecar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args: Any, paths: list[Path], **options: Any) -> None:
        # Messages in the site's language, whatever the calling thread had activated.
        with translation.override(settings.LANGUAGE_CODE):
            self.import_all(paths)

    def import_all(self, paths: list[Path]) -> None:
        failures = 0
        for path in paths:
            try:
                article = self.import_one(path)
            except (CommandError, DomainError) as exc:
                failures += 1
                message = exc.detail if isinstance(exc, DomainError) else str(exc)
                prefix = "" if message.startswith(str(path)) else f"{path}: "
                self.stderr.write(self.style.ERROR(f"{prefix}{message}"))
                continue
            self.stdout.write(
                self.style.SUCCESS(f"{path}: imported as article #{article.pk} «{article.title}»")
            )
        if failures:
            raise CommandError(f"{failures} of {len(paths)} file(s) not imported")

    def import_one(self, path: Path):  # type: ignore[no-untyped-def]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if path.suffix.lower() not in ALLOWED_SUFFIXES:
            raise CommandError(
                f"{path}: only text or Markdown files ({', '.join(sorted(ALLOWED_SUFFIXES))})"
            )
        text = decode_source(path.read_bytes(), name=str(path))
        meta = read_sidecar(path)
        keys = meta.get("candidacies", [])
        candidacies = list(Candidacy.objects.filter(key__in=keys))
        missing = set(keys) - {c.key for c in candidacies}
        if missing:
            raise CommandError(f"{path}: unknown candidacies {sorted(missing)}")
        published_on = meta.get("published_on")
        try:
            date = dt.date.fromisoformat(published_on) if published_on else None
        except ValueError as exc:
            raise CommandError(
                f"{path}: published_on must be YYYY-MM-DD, not {published_on!r}"
            ) from exc
        return article_import(
            actor=None,
            text=text,
            title=meta.get("title") or title_from_text(text),
            outlet=meta.get("outlet", ""),
            author=meta.get("author", ""),
            kind=meta.get("kind", "article"),
            url=meta.get("url", ""),
            published_on=date,
            language=meta.get("language", "fr"),
            status=meta.get("status", "published"),
            candidacies=candidacies,
        )
