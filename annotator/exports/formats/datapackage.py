"""`datapackage`: a zip holding a Frictionless Data Package (https://specs.frictionlessdata.io/).

`datapackage.json` describes five CSV resources with their table schemas, primary and foreign keys
and SHA-256 hashes; `README.md` states the filters, counts, export time, agreement and licence.
Annotations stream in chunks written by PostgreSQL (COPY's CSV mode, as in the `csv` format), and
so do the articles they reference; proposals, ratings and verdicts (bounded by the proposals) are
written from Python.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import itertools
import json
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from django.conf import settings
from django.utils import timezone

from annotator.exports.feasibility import agreement_alpha, feasibility_label, feasibility_rank
from annotator.exports.formats.jsonl import JsonLinesFormatter
from annotator.exports.readme import package_readme
from annotator.exports.source import chunk_size
from annotator.exports.streaming import CSV, copy_rows, crlf_rows, utc_seconds_sql
from annotator.lib import policy
from proposals.models import FeasibilityRating, Proposal, Verdict

SEP = "|"


def _fields(*specs: str) -> list[dict[str, Any]]:
    fields = []
    for spec in specs:
        name, _, kind = spec.partition(":")
        fields.append({"name": name, "type": kind or "string"})
    return fields


SCHEMAS: dict[str, dict[str, Any]] = {
    "annotations": {
        "fields": _fields(
            "id:integer",
            "article_id:integer",
            "exact",
            "prefix",
            "suffix",
            "start:integer",
            "end:integer",
            "comment",
            "tags",
            "proposal_ids",
            "author",
            "reviewers",
            "approved_at:datetime",
        ),
        "primaryKey": ["id"],
        "foreignKeys": [
            {"fields": ["article_id"], "reference": {"resource": "articles", "fields": ["id"]}}
        ],
    },
    "articles": {
        "fields": _fields(
            "id:integer", "title", "outlet", "url", "published_on:date", "language", "text_sha256"
        ),
        "primaryKey": ["id"],
    },
    "proposals": {
        "fields": _fields(
            "id:integer",
            "slug",
            "title",
            "statement",
            "candidacy",
            "candidate",
            "election",
            "party",
            "primary_theme",
            "secondary_themes",
        ),
        "primaryKey": ["id"],
    },
    "ratings": {
        "fields": _fields(
            "proposal_id:integer",
            "rater",
            "feasibility",
            "rank:integer",
            "importance",
            "confidence",
            "created:datetime",
        ),
        "primaryKey": ["proposal_id", "rater"],
        "foreignKeys": [
            {"fields": ["proposal_id"], "reference": {"resource": "proposals", "fields": ["id"]}}
        ],
    },
    "verdicts": {
        "fields": _fields(
            "proposal_id:integer",
            "feasibility",
            "rank:integer",
            "label_fr",
            "summary",
            "published_at:datetime",
            "is_current:boolean",
        ),
        "foreignKeys": [
            {"fields": ["proposal_id"], "reference": {"resource": "proposals", "fields": ["id"]}}
        ],
    },
}
DESCRIPTIONS = {
    "annotations": "Annotated passages: quote and position (Unicode code points) in the article.",
    "articles": "Source texts the annotations point at (SHA-256 of the exact text).",
    "proposals": "Candidates' proposals linked by the annotations.",
    "ratings": "Feasibility ratings of those proposals; raters are pseudonymised.",
    "verdicts": "Published feasibility verdicts of those proposals (history included).",
}
ORDER = ["annotations", "articles", "proposals", "ratings", "verdicts"]


def _text(expression: str) -> str:
    return f"NULLIF({expression}, '')"


# The columns of SCHEMAS["annotations"], chunk by chunk (see `JsonLinesFormatter.copy_chunks`).
ANNOTATIONS_SQL = f"""
WITH selected AS ({{selected}}),
     {{approvals}},
     reviewed AS (
        SELECT annotation_id, string_agg(username, '|' ORDER BY first_at, first_id) AS reviewers,
               max(last_at) AS approved_at
        FROM approvals GROUP BY annotation_id),
     linked AS (
        SELECT annotation_id, string_agg(proposal_id::text, '|' ORDER BY proposal_id) AS ids
        FROM annotations_annotation_proposals
        WHERE annotation_id BETWEEN {{low}} AND {{high}}
        GROUP BY annotation_id)
SELECT a.id, a.article_id, {_text("a.exact")}, {_text("a.prefix")}, {_text("a.suffix")}, a.start,
       a."end", {_text("a.comment")}, {_text("array_to_string(a.tags, '|')")}, linked.ids,
       {_text("u.username")}, reviewed.reviewers, {utc_seconds_sql("reviewed.approved_at")}
FROM annotations_annotation a
JOIN selected ON selected.id = a.id AND a.id BETWEEN {{low}} AND {{high}}
JOIN auth_user u ON u.id = a.author_id
LEFT JOIN reviewed ON reviewed.annotation_id = a.id
LEFT JOIN linked ON linked.annotation_id = a.id
ORDER BY a.id
"""  # noqa: S608 - fixed SQL fragments
# The columns of SCHEMAS["articles"] for the articles of the selection (`{selected}`: their ids).
ARTICLES_SQL = f"""
SELECT id, {_text("title")}, {_text("outlet")}, {_text("url")},
       to_char(published_on, 'YYYY-MM-DD'), {_text("language")}, {_text("text_sha256")}
FROM articles_article WHERE id IN ({{selected}}) ORDER BY id
"""  # noqa: S608 - fixed SQL fragments


def pseudonym(user_id: int) -> str:
    """A stable pseudonym: keyed hash of the user id (the key never leaves the server)."""
    key = settings.SECRET_KEY.encode()
    return "rater-" + hmac.new(key, f"rater:{user_id}".encode(), hashlib.sha256).hexdigest()[:12]


def _dt(value: Any) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def _csv_bytes(rows: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _table(rows: Iterable[list[Any]]) -> tuple[int, bytes]:
    rows = list(rows)
    return len(rows), _csv_bytes(rows)


def _id_chunks(ids: set[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    size = chunk_size()
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


class DataPackageFormatter(JsonLinesFormatter):
    format = "datapackage"
    extension = "zip"
    media_type = "application/zip"

    def write(self, out: BinaryIO) -> dict[str, int]:
        self.proposal_ids = set(self.selection.proposal_ids)
        self.ratings: list[tuple[int, int, str]] = []
        resources: list[dict[str, Any]] = []
        counts: dict[str, int] = {}
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in ORDER:
                rows = getattr(self, f"_{name}_rows")()
                counts[name], digest, size = self._write_csv(archive, name, rows)
                resources.append(
                    {
                        "name": name,
                        "path": f"{name}.csv",
                        "profile": "tabular-data-resource",
                        "format": "csv",
                        "mediatype": "text/csv",
                        "encoding": "utf-8",
                        "bytes": size,
                        "hash": f"sha256:{digest}",
                        "description": DESCRIPTIONS[name],
                        "schema": SCHEMAS[name],
                    }
                )
            alpha = agreement_alpha(self.ratings)
            manifest = {
                **self.context.manifest,
                "counts": counts,
                "agreement": {"krippendorff_alpha_ordinal": alpha},
                # Blind rating: the ratings the requester may see, and the rule that chose them.
                "ratings_rule": policy.ratings_rule(self.context.requester),
                "files": {r["path"]: r["hash"] for r in resources},
            }
            descriptor = {
                "profile": "tabular-data-package",
                "name": f"annotator-export-{self.context.job_id}",
                "title": f"{settings.NEWSROOM_NAME}: verified annotations of programmes",
                "created": manifest.get("generated_at") or _dt(timezone.now()),
                "licenses": [settings.EXPORT_DATA_LICENSE],
                "resources": resources,
                "manifest": manifest,
            }
            archive.writestr(
                "datapackage.json", json.dumps(descriptor, ensure_ascii=False, indent=2)
            )
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
            archive.writestr("README.md", package_readme(manifest, settings.EXPORT_DATA_LICENSE))
        return counts

    def _write_csv(
        self, archive: zipfile.ZipFile, name: str, chunks: Iterable[tuple[int, bytes]]
    ) -> tuple[int, str, int]:
        """Write one CSV resource from chunks of (row count, CSV bytes); return its row count,
        SHA-256 and size."""
        digest, size, count = hashlib.sha256(), 0, 0
        header = _csv_bytes([[field["name"] for field in SCHEMAS[name]["fields"]]])
        with archive.open(f"{name}.csv", "w", force_zip64=True) as member:
            for rows, data in itertools.chain([(0, header)], chunks):
                member.write(data)
                digest.update(data)
                size += len(data)
                count += rows
        return count, digest.hexdigest(), size

    def _annotations_rows(self) -> Iterator[tuple[int, bytes]]:
        for rows in self.copy_chunks(ANNOTATIONS_SQL, [], CSV):
            yield len(rows), crlf_rows(rows)

    def _articles_rows(self) -> Iterator[tuple[int, bytes]]:
        selected, params = self.queryset().order_by().values("article_id").query.sql_with_params()
        rows = copy_rows(ARTICLES_SQL.format(selected=selected), params, CSV)
        yield len(rows), crlf_rows(rows)

    def _proposals_rows(self) -> Iterator[tuple[int, bytes]]:
        for ids in _id_chunks(self.proposal_ids):
            proposals = (
                Proposal.objects.filter(pk__in=ids)
                .select_related(
                    "candidacy__candidate",
                    "candidacy__election",
                    "candidacy__party",
                    "primary_theme",
                )
                .prefetch_related("secondary_themes")
                .order_by("pk")
            )
            yield _table(
                [
                    p.pk,
                    p.slug,
                    p.title,
                    p.statement,
                    p.candidacy.key,
                    p.candidacy.candidate.full_name,
                    p.candidacy.election.key,
                    str(p.candidacy.party) if p.candidacy.party_id else "",
                    p.primary_theme.code,
                    SEP.join(sorted(t.code for t in p.secondary_themes.all())),
                ]
                for p in proposals
            )

    def _ratings_rows(self) -> Iterator[tuple[int, bytes]]:
        for ids in _id_chunks(self.proposal_ids):
            rows = []
            visible = FeasibilityRating.objects.filter(
                policy.rating_visible_q(self.context.requester), proposal_id__in=ids
            )
            for rating in visible.order_by("proposal_id", "rater_id"):
                self.ratings.append((rating.proposal_id, rating.rater_id, rating.feasibility))
                rows.append(
                    [
                        rating.proposal_id,
                        pseudonym(rating.rater_id),
                        rating.feasibility,
                        feasibility_rank(rating.feasibility) or "",
                        rating.importance,
                        rating.confidence,
                        _dt(rating.created),
                    ]
                )
            yield _table(rows)

    def _verdicts_rows(self) -> Iterator[tuple[int, bytes]]:
        for ids in _id_chunks(self.proposal_ids):
            yield _table(
                [
                    v.proposal_id,
                    v.feasibility,
                    feasibility_rank(v.feasibility) or "",
                    feasibility_label(v.feasibility),
                    v.summary,
                    _dt(v.published_at),
                    "true" if v.is_current else "false",
                ]
                for v in Verdict.objects.filter(proposal_id__in=ids).order_by(
                    "proposal_id", "published_at"
                )
            )
