"""Reads on annotations, scoped to what the actor may see.

Visibility is decided by `annotator.lib.policy.annotation_visible_q` (re-exported here).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from annotator.annotations.models import Annotation
from annotator.annotations.read_model import (
    LIST_COLUMNS,
    annotation_list_data,
    link_arrays,
    records_json_sql,
)
from annotator.articles.models import Article
from annotator.lib import roles
from annotator.lib.compiled import compiled_values, prepared_cursor
from annotator.lib.errors import NotFoundError
from annotator.lib.policy import annotation_visible_q
from proposals.models import Proposal

__all__ = [
    "actor_probe",
    "annotation_get_for",
    "annotation_list_for",
    "annotation_list_for_article",
    "annotation_page_json_for_article",
    "annotation_records",
    "annotation_records_for_article",
    "annotation_rows",
    "annotation_visible_q",
]


def _with_relations(
    queryset: QuerySet[Annotation], *, with_article: bool = True
) -> QuerySet[Annotation]:
    proposals = Proposal.objects.only("id", "slug", "title").order_by("title")
    related = ["author", "modified_by", *(["article"] if with_article else [])]
    return queryset.select_related(*related).prefetch_related(
        Prefetch("proposals", queryset=proposals)
    )


def annotation_list_for(*, actor: Any) -> QuerySet[Annotation]:
    """Visible annotations, in text order, with author, article and proposals loaded."""
    return _with_relations(Annotation.objects.filter(annotation_visible_q(actor))).defer(
        "article__text"
    )


def annotation_get_for(*, actor: Any, annotation_id: Any) -> Annotation:
    """One visible annotation; NotFoundError (404) otherwise, whether it exists or not."""
    try:
        return annotation_list_for(actor=actor).get(pk=int(annotation_id))
    except (Annotation.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFoundError(_("Annotation not found.")) from exc


def annotation_list_for_article(*, actor: Any, article: Article) -> list[Annotation]:
    """The article's visible annotations in text order (orphans included), in two queries."""
    annotations = list(
        _with_relations(
            Annotation.objects.filter(annotation_visible_q(actor), article=article),
            with_article=False,
        )
    )
    for annotation in annotations:
        annotation.article = article  # already loaded: no query per row
    return annotations


def annotation_rows(queryset: QuerySet[Annotation]) -> QuerySet[Annotation]:
    """Plain `LIST_COLUMNS` rows of already scoped and ordered annotations, each with its
    proposal links as three parallel arrays (ids, slugs, titles, in title order) from correlated
    array subqueries: one query, no model instance, no list of ids sent back, no JSON to parse."""
    return (
        queryset.select_related(None).prefetch_related(None).values(*LIST_COLUMNS, **link_arrays())
    )


def annotation_records(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """The read model's records of `annotation_rows`."""
    rows = list(rows)
    links = [
        (row["id"], proposal_id, slug, title)
        for row in rows
        for proposal_id, slug, title in zip(
            row["link_ids"], row["link_slugs"], row["link_titles"], strict=True
        )
    ]
    return annotation_list_data(rows, links)


# Stand-ins for the actor's and the article's ids while the query is compiled (lib/compiled.py).
ACTOR_PROBE, ARTICLE_PROBE = -2_000_000_011, -2_000_000_013


def actor_probe(actor: Any) -> tuple[Any, tuple[Any, ...]]:
    """A stand-in for the actor while a query is compiled, and what the policy's rule depends on
    besides ids (the actor's flags and roles): the compiled query's cache key."""
    probe = get_user_model()(
        pk=ACTOR_PROBE, is_active=actor.is_active, is_superuser=actor.is_superuser
    )
    probe._role_names = roles._group_names(actor)  # type: ignore[attr-defined]
    return probe, (actor.is_active, actor.is_superuser, roles.is_moderator(actor))


def _article_rows(actor: Any, article_id: Any) -> QuerySet[Annotation]:
    visible = Annotation.objects.filter(annotation_visible_q(actor), article_id=article_id)
    return annotation_rows(visible.order_by("start", "end", "id"))


def annotation_records_for_article(*, actor: Any, article: Article | int) -> list[dict[str, Any]]:
    """The article's visible annotations in text order (orphans included) as the read model's
    records: one query whatever their number, no join on articles to sort, and the query
    compiled once per thread and role (the policy's rule with the actor's id in its place)."""
    article_id = article.pk if isinstance(article, Article) else int(article)
    if not getattr(actor, "is_authenticated", False):
        return annotation_records(_article_rows(actor, article_id))
    probe, shape = actor_probe(actor)
    compiled = compiled_values(
        ("article-records", *shape),
        lambda: _article_rows(probe, ARTICLE_PROBE),
        {"actor": ACTOR_PROBE, "article": ARTICLE_PROBE},
    )
    return annotation_records(compiled.run(actor=actor.pk, article=article_id))


_page_sql: dict[tuple[Any, ...], str] = {}


def annotation_page_json_for_article(
    *, actor: Any, article_id: int, page_size: int
) -> tuple[int, str] | None:
    """(count, JSON text of the records) of the article's visible annotations in text order,
    written by PostgreSQL (`read_model.records_json_sql`) in one prepared statement: the same
    records as `annotation_records_for_article`. None when the page must be built in Python: a
    signed-out actor, a time zone with no IANA name, a row with no stored `comment_html`, or
    `page_size` rows or more (the caller paginates)."""
    zone = getattr(timezone.get_current_timezone(), "key", None)
    if not getattr(actor, "is_authenticated", False) or not zone:
        return None
    probe, role_shape = actor_probe(actor)
    shape = ("article-plain", *role_shape)

    def build() -> QuerySet[Annotation]:
        visible = Annotation.objects.filter(annotation_visible_q(probe), article_id=ARTICLE_PROBE)
        return visible.order_by().values(*LIST_COLUMNS)

    compiled = compiled_values(shape, build, {"actor": ACTOR_PROBE, "article": ARTICLE_PROBE})
    language = get_language() or "fr"
    key = (shape, zone, language)
    sql = _page_sql.get(key)
    if sql is None:
        sql = _page_sql[key] = records_json_sql(compiled.sql, zone=zone, language=language)
    with prepared_cursor() as cursor:
        cursor.execute(sql, compiled.params_for(actor=actor.pk, article=article_id))
        count, needs_python, records = cursor.fetchone()
    if needs_python or count >= page_size:
        return None
    return count, records
