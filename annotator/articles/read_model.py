"""The article list's records, as `GET /api/articles/` returns them, from plain rows.

`ArticleListOutputSerializer` describes the record (and the OpenAPI schema); building it through
the serializer took two thirds of the request: 10 model instances, a prefetch of their
candidacies as instances, and DRF's field machinery per value. Here the page is read as plain
rows (`LIST_FIELDS`), the candidacies of the page in one query, and each record is a dict built
by a function. `tests/articles/test_list_api_read_model.py` compares both on awkward rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from annotator.annotations.read_model import iso
from annotator.articles.models import Article

# The keys of a record, in order (`ArticleListOutputSerializer` declares these fields).
RECORD_FIELDS = (
    "id",
    "title",
    "outlet",
    "author",
    "kind",
    "url",
    "published_on",
    "language",
    "status",
    "text_sha256",
    "candidacies",
    "version",
    "created",
    "modified",
    "page",
)
# The columns a record is built from.
LIST_FIELDS = tuple(f for f in RECORD_FIELDS if f not in ("candidacies", "page"))


def detail_url_parts() -> tuple[str, str]:
    """The reader page's path around an article id (reversed once per page, not once per row:
    a 0 stands for the id): `head + str(id) + tail`."""
    probe = reverse("articles:detail", args=[0])
    before, _zero, after = probe.rpartition("/0/")
    return before + "/", "/" + after


def candidacy_rows(article_ids: list[int]) -> list[dict[str, Any]]:
    """The candidacies of the articles, one row per link, in the candidacies' order (election
    date, candidate's last name) and the articles' own: one query for the whole page (the API
    list's records and the sources list's chips)."""
    links: Any = (
        Article.candidacies.through.objects.filter(article_id__in=article_ids)
        .order_by("candidacy__election__date", "candidacy__candidate__last_name", "candidacy_id")
        .values(
            "article_id",
            "candidacy_id",
            "candidacy__key",
            "candidacy__candidate__first_name",
            "candidacy__candidate__last_name",
            "candidacy__election__name",
            "candidacy__election__date",
            "candidacy__party_id",
            "candidacy__party__short_name",
        )
    )
    return list(links)


def candidate_name(row: dict[str, Any]) -> str:
    """`Candidate.full_name` of a `candidacy_rows` row."""
    return f"{row['candidacy__candidate__first_name']} {row['candidacy__candidate__last_name']}".strip()


def candidacies_by_article(article_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """`CandidacyBriefSerializer` records of each article's candidacies."""
    found: dict[int, list[dict[str, Any]]] = {}
    for row in candidacy_rows(article_ids):
        party = row["candidacy__party__short_name"]
        found.setdefault(row["article_id"], []).append(
            {
                "id": row["candidacy_id"],
                "key": row["candidacy__key"],
                "candidate": candidate_name(row),
                "election": row["candidacy__election__name"],
                "party": party if row["candidacy__party_id"] is not None else None,
            }
        )
    return found


def article_list_records(rows: Iterable[dict[str, Any]], *, request: Any) -> list[dict[str, Any]]:
    """The `ArticleListOutputSerializer` record of each row (`LIST_FIELDS`), in the same order
    of keys: one query for the candidacies."""
    rows = list(rows)
    candidacies = candidacies_by_article([row["id"] for row in rows])
    zone = timezone.get_current_timezone()
    head, tail = detail_url_parts()
    base = request.build_absolute_uri(head) if request is not None else head
    records = []
    for row in rows:
        published = row["published_on"]
        records.append(
            {
                "id": row["id"],
                "title": row["title"],
                "outlet": row["outlet"],
                "author": row["author"],
                "kind": row["kind"],
                "url": row["url"],
                "published_on": published.isoformat() if published is not None else None,
                "language": row["language"],
                "status": row["status"],
                "text_sha256": row["text_sha256"],
                "candidacies": candidacies.get(row["id"], []),
                "version": row["version"],
                "created": iso(row["created"], zone),
                "modified": iso(row["modified"], zone),
                "page": f"{base}{row['id']}{tail}",
            }
        )
    return records
