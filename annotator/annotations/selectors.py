"""Reads on annotations, scoped to what the actor may see.

Visibility: drafts only to their author; hidden (hidden_at) and deleted (deleted_at) annotations
to nobody; everything else to any signed-in user who may see the article.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from annotator.annotations.models import Annotation
from annotator.articles.models import Article
from annotator.articles.selectors import article_visible_q
from annotator.lib.errors import NotFoundError
from annotator.lib.roles import is_moderator
from proposals.models import Proposal


def annotation_visible_q(actor: Any, *, include_moderated: bool = False) -> Q:
    """Annotations of articles the actor may see; drafts only to their author; hidden and deleted
    ones to nobody, except to moderators when `include_moderated` (review and admin pages, where
    they restore them)."""
    if not getattr(actor, "is_authenticated", False):
        return Q(pk__in=[])
    visible_articles = Article.objects.filter(article_visible_q(actor)).values("pk")
    visible = Q(article__in=visible_articles) & (
        ~Q(status=Annotation.Status.DRAFT) | Q(author=actor)
    )
    if include_moderated and is_moderator(actor):
        return visible
    return visible & Q(hidden_at__isnull=True, deleted_at__isnull=True)


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
