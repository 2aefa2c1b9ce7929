"""Reads on articles, scoped to what the actor may see (`annotator.lib.policy`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from annotator.articles.models import Article
from annotator.lib.policy import article_visible_q
from proposals.models import Candidacy


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
