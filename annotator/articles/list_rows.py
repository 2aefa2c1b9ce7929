"""The sources list page's read model: one page of sources, their candidacies and their visible
annotations counted by status, how many sources match and the filters' options, read in one
prepared statement and written in Python, not by the template engine.

The page used to cost eleven queries, each built and compiled by the ORM (about half of the
page's 12 ms of CPU), and the template engine 0.4 ms a row. Here the statement is written once
from the policy's SQL twins of its rules (`policy.article_visible_sql`,
`policy.annotation_visible_on_visible_articles_sql`, checked against the `Q` rules by
`tests/live/test_policy_predicates.py`), run on a server-binding cursor so that each connection
plans it once; each row is one f-string of escaped values, and what is the same for every row
(the URL pattern, the kind and status labels, the column labels) is computed once per page. The
HTML is the one `templates/articles/article_list.html` wrote (`tests/articles/test_list_rows.py`
checks it against the template fragment it replaced, and the rows, filters, pages and options
against the ORM's answers).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from annotator.annotations.models import Annotation
from annotator.articles.models import Article
from annotator.articles.read_model import detail_url_parts
from annotator.lib import policy
from annotator.lib.compiled import prepared_cursor
from proposals.models import Candidacy, Candidate, Election

LIST_FIELDS = ("id", "title", "outlet", "kind", "status", "published_on")

# Statuses counted in the list, in the order the columns show them.
COUNTED_STATUSES = [
    Annotation.Status.DRAFT,
    Annotation.Status.SUBMITTED,
    Annotation.Status.APPROVED,
    Annotation.Status.CHANGES_REQUESTED,
    Annotation.Status.REJECTED,
    Annotation.Status.ORPHANED,
]


PER_PAGE = 50
FILTERS = ("election", "candidate", "outlet", "kind")


@dataclass
class ListPage:
    """One page of the sources list and what its filters offer, read in one statement."""

    rows: list[dict[str, Any]]  # LIST_FIELDS, `candidacies` chips and `status_counts`
    count: int  # sources matching the filters
    number: int  # this page's number (1-based), as Paginator.get_page chose it
    num_pages: int
    outlets: list[str]  # of the sources the actor may see, filters aside
    elections: list[tuple[int, str]]  # (id, name), newest first
    candidates: list[tuple[int, str]]  # (id, full name), by last name

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_filters(params: Mapping[str, str]) -> dict[str, Any]:
    """The list's filters from the query string, those that say something: an election or a
    candidate id, an outlet (any case), a kind. Anything else ("All", a value that is not an id
    or not a kind) filters nothing, as the form's "All" does; an id no row can have (too large
    for the column) matches nothing, as it did through the ORM."""
    found: dict[str, Any] = {}
    for name in ("election", "candidate"):
        value = (params.get(name) or "").strip()
        if value.isascii() and value.isdigit():
            found[name] = int(value) if len(value) < 19 else -1  # -1: no such id
    if params.get("outlet"):
        found["outlet"] = params["outlet"]
    if params.get("kind") in Article.Kind.values:
        found["kind"] = params["kind"]
    return found


def _page_number(raw: str | None) -> int:
    """Paginator.get_page's reading: not a number is page 1; out of range is the last page
    (the statement clamps a number below 1 or past the end)."""
    try:
        return max(-1, min(int(raw or 1), 2**31 - 1))
    except ValueError:
        return 1


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def list_page(*, actor: Any, filters: Mapping[str, Any], page: str | None) -> ListPage:
    """The sources the actor may see (`policy.article_visible_sql`) that match `filters`
    (`page_filters`), newest first: the requested page of PER_PAGE rows with each one's
    candidacies and visible annotations counted by status (`policy.
    annotation_visible_on_visible_articles_sql`, read from annotation_visible_counts_idx alone),
    how many match, and the filter options. One query, whatever the page and the filters."""
    articles, annotations = _table(Article), _table(Annotation)
    links = _table(Article.candidacies.through)
    candidacies, candidates, elections = _table(Candidacy), _table(Candidate), _table(Election)
    visible, visible_params = policy.article_visible_sql(actor, "a")
    counted, counted_params = policy.annotation_visible_on_visible_articles_sql(actor, "n")
    where, where_params = [visible], list(visible_params)
    for name in ("election", "candidate"):
        if name in filters:
            linked = f"{links} l JOIN {candidacies} c ON c.id = l.candidacy_id"
            condition = f"l.article_id = a.id AND c.{name}_id = %s"
            where.append(f"EXISTS (SELECT 1 FROM {linked} WHERE {condition})")  # noqa: S608
            where_params.append(filters[name])
    if "outlet" in filters:
        where.append("UPPER(a.outlet) = UPPER(%s)")
        where_params.append(filters["outlet"])
    if "kind" in filters:
        where.append("a.kind = %s")
        where_params.append(filters["kind"])
    # Table names come from the models, conditions from the policy, values are parameters.
    sql = f"""
        WITH matching AS (
            SELECT {", ".join(f"a.{name}" for name in LIST_FIELDS)}
            FROM {articles} a WHERE {" AND ".join(where)}
        ), total AS (
            SELECT count(*) AS n, greatest(ceil(count(*) / {PER_PAGE}.0), 1)::int AS pages
            FROM matching
        ), chosen AS (
            SELECT CASE WHEN %s BETWEEN 1 AND pages THEN %s ELSE pages END AS number FROM total
        ), page AS (
            SELECT * FROM matching
            ORDER BY published_on DESC, title, id
            LIMIT {PER_PAGE} OFFSET (SELECT (number - 1) * {PER_PAGE} FROM chosen)
        )
        SELECT total.n, total.pages, chosen.number,
            (SELECT json_agg(json_build_array(
                {", ".join(f"p.{name}" for name in LIST_FIELDS)},
                (SELECT json_object_agg(s.status, s.n) FROM (
                    SELECT n.status, count(*) AS n FROM {annotations} n
                    WHERE n.article_id = p.id AND {counted} GROUP BY n.status) s),
                (SELECT json_agg(json_build_array(
                        d.first_name, d.last_name, extract(year FROM e.date)::int)
                    ORDER BY e.date, d.last_name, l.candidacy_id)
                 FROM {links} l JOIN {candidacies} c ON c.id = l.candidacy_id
                 JOIN {candidates} d ON d.id = c.candidate_id
                 JOIN {elections} e ON e.id = c.election_id WHERE l.article_id = p.id)
            ) ORDER BY p.published_on DESC, p.title, p.id) FROM page p),
            (SELECT array_agg(o.outlet ORDER BY o.outlet) FROM (
                SELECT DISTINCT a.outlet FROM {articles} a
                WHERE {visible} AND a.outlet <> '') o),
            (SELECT json_agg(json_build_array(e.id, e.name) ORDER BY e.date DESC, e.name)
             FROM {elections} e),
            (SELECT json_agg(json_build_array(d.id, d.first_name, d.last_name)
                ORDER BY d.last_name, d.first_name) FROM {candidates} d)
        FROM total, chosen
    """  # noqa: S608
    number = _page_number(page)
    params = [*where_params, number, number, *counted_params, *visible_params]
    with prepared_cursor() as cursor:  # planned once per connection and shape of filters
        cursor.execute(sql, params)
        count, pages, chosen, page_rows, outlets, election_rows, candidate_rows = cursor.fetchone()
    labels = {status: str(Annotation.Status(status).label) for status in COUNTED_STATUSES}
    rows = []
    for *values, counts, chips in page_rows or ():
        row = dict(zip(LIST_FIELDS, values, strict=True))
        published = row["published_on"]  # JSON: the date's ISO text
        counts = counts or {}
        rows.append(
            {
                **row,
                "published_on": dt.date.fromisoformat(published) if published else None,
                "status_counts": [
                    (counted, labels[counted], counts[counted])
                    for counted in COUNTED_STATUSES
                    if counts.get(counted)
                ],
                "candidacies": [
                    (f"{first} {last}".strip(), year) for first, last, year in chips or ()
                ],
            }
        )
    return ListPage(
        rows=rows,
        count=count,
        number=chosen,
        num_pages=pages,
        outlets=list(outlets or ()),
        elections=[(id_, name) for id_, name in election_rows or ()],
        candidates=[(id_, f"{first} {last}".strip()) for id_, first, last in candidate_rows or ()],
    )


def escape(value: Any) -> str:
    """`django.utils.html.escape` (the same characters, the same entities: it is
    `html.escape` too) without its lazy-string wrapper and SafeString, a third of the rows'
    cost; the rows are marked safe once, whole."""
    return html.escape(str(value))


def _candidacies_html(chips: Sequence[tuple[str, int]]) -> str:
    return "".join(f'<span class="chip">{escape(name)} · {year}</span>' for name, year in chips)


def _counts_html(status_counts: Sequence[tuple[str, str, int]], none_yet: str) -> str:
    if not status_counts:
        return f'<span class="muted">{none_yet}</span>'
    return "".join(
        f"{_badge(status, label)}{n} {_lower(label)}</span> " for status, label, n in status_counts
    )


@functools.lru_cache(maxsize=256)
def _badge(status: str, label: str) -> str:
    return f'<span class="badge status-{escape(status)}" title="{escape(label)}">'


@functools.lru_cache(maxsize=256)
def _lower(label: str) -> str:
    return escape(label.lower())


def article_rows_html(articles: Iterable[dict[str, Any]]) -> SafeString:
    """The `<tr>` of each row of `list_rows`."""
    head, tail = detail_url_parts()
    kinds = {value: escape(label) for value, label in Article.Kind.choices}
    statuses = {value: escape(label) for value, label in Article.Status.choices}
    label_outlet = escape(_("Outlet"))
    label_date = escape(_("Date"))
    label_candidates = escape(_("Candidates"))
    label_annotations = escape(_("Annotations"))
    none_yet = escape(_("none yet"))
    rows = []
    for article in articles:
        status = ""
        if article["status"] != Article.Status.PUBLISHED:
            status = (
                f' <span class="badge status-{escape(article["status"])}">'
                f"{statuses.get(article['status'], escape(article['status']))}</span>"
            )
        published = article["published_on"]
        date = (
            f'<time datetime="{published.isoformat()}">'
            f"{escape(dateformat.format(published, 'j F Y'))}</time>"
            if published
            else "—"
        )
        rows.append(
            "\n    <tr>\n"
            f'      <td><a class="source-title" href="{head}{article["id"]}{tail}">'
            f"{escape(article['title'])}</a>\n"
            f'        <div class="source-meta"><span class="badge">'
            f"{kinds.get(article['kind'], escape(article['kind']))}</span>{status}</div></td>\n"
            f'      <td data-label="{label_outlet}">{escape(article["outlet"] or "—")}</td>\n'
            f'      <td class="nowrap" data-label="{label_date}">{date}</td>\n'
            f'      <td data-label="{label_candidates}">'
            f"{_candidacies_html(article['candidacies'])}</td>\n"
            f'      <td class="status-counts" data-label="{label_annotations}">'
            f"{_counts_html(article['status_counts'], none_yet)}</td>\n"
            "    </tr>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped
