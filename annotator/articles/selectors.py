"""Reads on articles, scoped to what the actor may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from annotator.articles.models import Article
from annotator.lib.roles import is_moderator
from proposals.models import Candidacy


def article_visible_q(actor: Any) -> Q:
    """Published and archived articles for everyone; drafts for moderators and their importer."""
    if is_moderator(actor):
        return Q()
    visible = Q(status__in=[Article.Status.PUBLISHED, Article.Status.ARCHIVED])
    if getattr(actor, "is_authenticated", False):
        visible |= Q(status=Article.Status.DRAFT, imported_by=actor)
    return visible


def article_list_for(*, actor: Any) -> QuerySet[Article]:
    candidacies = Candidacy.objects.select_related("candidate", "election", "party")
    return (
        Article.objects.filter(article_visible_q(actor))
        .defer("text")
        .prefetch_related(Prefetch("candidacies", queryset=candidacies))
    )


def article_get_for(*, actor: Any, article_id: int) -> Article:
    """The article if the actor may see it; raises Article.DoesNotExist (a 404) otherwise."""
    return (
        Article.objects.filter(article_visible_q(actor))
        .prefetch_related(
            Prefetch(
                "candidacies",
                queryset=Candidacy.objects.select_related("candidate", "election", "party"),
            )
        )
        .get(pk=article_id)
    )
