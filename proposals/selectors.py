"""Reads on elections, candidates, themes, proposals, ratings and verdicts, scoped to the actor."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from annotator.lib import policy
from annotator.lib.errors import NotFoundError
from annotator.lib.search import Folded, fold
from proposals import scale
from proposals.models import (
    Candidacy,
    Candidate,
    Election,
    FeasibilityRating,
    Proposal,
    Theme,
    Verdict,
)


def election_list() -> QuerySet[Election]:
    return Election.objects.all()


def candidate_list() -> QuerySet[Candidate]:
    return Candidate.objects.all()


def candidacy_list() -> QuerySet[Candidacy]:
    return Candidacy.objects.select_related("candidate", "election", "party")


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.all()


def _with_counts(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Annotate `rating_count` and `verdict_feasibility` with subqueries (no row multiplication)."""
    ratings = (
        FeasibilityRating.objects.filter(proposal=OuterRef("pk"))
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    verdict = Verdict.objects.filter(proposal=OuterRef("pk"), is_current=True).values(
        "feasibility"
    )[:1]
    return queryset.annotate(
        rating_count=Coalesce(Subquery(ratings, output_field=IntegerField()), Value(0)),
        verdict_feasibility=Subquery(verdict),
    )


def proposal_list_for(*, actor: Any) -> QuerySet[Proposal]:
    """Live proposals (merged duplicates excluded), with what a list row shows."""
    return _with_counts(
        Proposal.objects.filter(merged_into__isnull=True)
        .select_related(
            "candidacy__candidate", "candidacy__election", "candidacy__party", "primary_theme"
        )
        .prefetch_related("secondary_themes")
    )


def proposal_filter(
    queryset: QuerySet[Proposal],
    *,
    election: int | None = None,
    candidate: int | None = None,
    theme: str | None = None,
    verdict: str | None = None,
    rated: str | None = None,
    search: str | None = None,
) -> QuerySet[Proposal]:
    """The /proposals/ page filters. `verdict` is a scale value or "none"; `rated` "yes"/"no".

    Search uses PostgreSQL's `french` text search (stemming: "chiffrer" finds "chiffrement")
    on title and statement, or the accent-folded words, so "securite" still finds "sécurité".
    """
    if election:
        queryset = queryset.filter(candidacy__election_id=election)
    if candidate:
        queryset = queryset.filter(candidacy__candidate_id=candidate)
    if theme:
        queryset = queryset.filter(
            Q(primary_theme__code=theme)
            | Exists(
                Proposal.secondary_themes.through.objects.filter(
                    proposal_id=OuterRef("pk"), theme__code=theme
                )
            )
        )
    if verdict == "none":
        queryset = queryset.filter(**{"verdict_feasibility__isnull": True})
    elif verdict in scale.FEASIBILITY_VALUES:
        queryset = queryset.filter(**{"verdict_feasibility": verdict})
    if rated == "yes":
        queryset = queryset.filter(**{"rating_count__gt": 0})
    elif rated == "no":
        queryset = queryset.filter(**{"rating_count": 0})
    if search and search.strip():
        vector = SearchVector("title", weight="A", config="french") + SearchVector(
            "statement", weight="B", config="french"
        )
        query = SearchQuery(search, config="french", search_type="websearch")
        words = [fold(word) for word in search.split() if len(word) > 1]
        queryset = (
            queryset.annotate(_fs=Folded("statement"), _ft_title=Folded("title"))
            .alias(_vector=vector)
            .annotate(search_rank=SearchRank(vector, query))
        )
        folded = Q(pk__in=[]) if not words else Q()
        for word in words:
            folded &= Q(_ft_title__contains=word) | Q(_fs__contains=word)
        queryset = queryset.filter(Q(_vector=query) | folded).order_by("-search_rank", "title")
    return queryset


def proposal_get_for(*, actor: Any, proposal_id: int) -> Proposal:
    """A proposal by id (merged ones included: callers redirect); NotFoundError otherwise."""
    proposal = _detail_queryset(actor).filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFoundError("No such proposal.")
    return proposal


def proposal_get_by_slug_for(*, actor: Any, slug: str) -> Proposal:
    proposal = _detail_queryset(actor).filter(slug=slug).first()
    if proposal is None:
        raise NotFoundError("No such proposal.")
    return proposal


def _detail_queryset(actor: Any) -> QuerySet[Proposal]:
    return _with_counts(
        Proposal.objects.select_related(
            "candidacy__candidate",
            "candidacy__election",
            "candidacy__party",
            "primary_theme",
            "merged_into",
        ).prefetch_related(
            "secondary_themes",
            Prefetch(
                "verdicts",
                queryset=Verdict.objects.select_related("published_by").order_by("-published_at"),
                to_attr="all_verdicts",
            ),
        )
    )


def live_proposal(proposal: Proposal) -> Proposal:
    """Follow `merged_into` to the record that was kept."""
    seen = {proposal.pk}
    while proposal.merged_into_id is not None:
        target = Proposal.objects.select_related("merged_into").get(pk=proposal.merged_into_id)
        if target.pk in seen:
            break
        seen.add(target.pk)
        proposal = target
    return proposal


# Ratings -----------------------------------------------------------------------------------


can_rate = policy.can_rate


@dataclass
class RatingsView:
    """Ratings of a proposal as the actor may see them (`policy`: blind until they rated it or
    its verdict is published; moderators see all)."""

    visible: list[FeasibilityRating]
    count: int
    own: FeasibilityRating | None
    blind: bool


def ratings_for(*, actor: Any, proposal: Proposal) -> RatingsView:
    """Two queries at most. Other raters' ratings are hidden (count only) unless
    `policy.sees_ratings_of` allows them."""
    ratings = list(
        FeasibilityRating.objects.filter(proposal=proposal)
        .select_related("rater")
        .order_by("created", "pk")
    )
    own = next((r for r in ratings if r.rater_id == getattr(actor, "pk", None)), None)
    verdicts = getattr(proposal, "all_verdicts", None)  # prefetched by the detail selector
    published = (
        any(v.is_current for v in verdicts)
        if verdicts is not None
        else Verdict.objects.filter(proposal=proposal, is_current=True).exists()
    )
    blind = not policy.sees_ratings_of(
        actor, has_rated=own is not None, verdict_published=published
    )
    visible = ([own] if own else []) if blind else ratings
    return RatingsView(visible=visible, count=len(ratings), own=own, blind=blind)


@dataclass
class ProposedVerdict:
    """`status`: "insufficient" (< 2 ratings), "proposed" (with `feasibility`) or "to_discuss"."""

    status: str
    feasibility: str | None
    reason: str
    rating_count: int


def verdict_proposal(ratings: list[FeasibilityRating]) -> ProposedVerdict:
    """The median feasibility when raters are within one step of each other and none chose a
    verdict outside the order; otherwise "to discuss". With an even number of raters the lower
    median is taken (the cautious reading)."""
    count = len(ratings)
    if count < 2:
        return ProposedVerdict("insufficient", None, "fewer_than_two_ratings", count)
    if any(r.feasibility in scale.OUTSIDE_ORDER for r in ratings):
        return ProposedVerdict("to_discuss", None, "verdict_outside_the_order", count)
    ranks = [scale.RANK[r.feasibility] for r in ratings]
    if max(ranks) - min(ranks) > 1:
        return ProposedVerdict("to_discuss", None, "raters_more_than_one_step_apart", count)
    median = statistics.median_low(ranks)
    return ProposedVerdict("proposed", scale.FEASIBILITY_ORDER[median - 1], "", count)


def to_discuss_list(*, actor: Any) -> list[Proposal]:
    """Proposals with at least two ratings whose proposed verdict is "to discuss" and that have
    no current verdict (for reviewers). Two queries."""
    visible = FeasibilityRating.objects.filter(policy.rating_visible_q(actor))
    proposals = list(
        proposal_list_for(actor=actor)
        .filter(**{"rating_count__gte": 2, "verdict_feasibility__isnull": True})
        .filter(
            Exists(
                visible.filter(proposal_id=OuterRef("pk")).exclude(
                    rater_id=getattr(actor, "pk", None)
                )
            )
        )
        .prefetch_related(Prefetch("ratings", queryset=visible))
    )
    return [p for p in proposals if verdict_proposal(list(p.ratings.all())).status == "to_discuss"]


def _visible_annotations(actor: Any) -> QuerySet[Any]:
    from annotator.annotations.models import Annotation

    return Annotation.objects.filter(policy.annotation_visible_q(actor))


def visible_annotation_ids(*, actor: Any, ids: Iterable[int]) -> set[int]:
    """Which of these annotation ids the actor may see (and so cite as evidence)."""
    return set(_visible_annotations(actor).filter(pk__in=list(ids)).values_list("pk", flat=True))


def visible_annotations_by_ids(*, actor: Any, ids: Iterable[int]) -> list[Any]:
    """Visible annotations among these ids, with their article (one query)."""
    return list(_visible_annotations(actor).filter(pk__in=list(ids)).select_related("article"))


def linked_annotations_for(*, actor: Any, proposal: Proposal) -> list[Any]:
    """Visible passages linked to the proposal across articles the actor may see: hidden and
    deleted ones excluded, drafts only to their author. One query."""
    return list(
        _visible_annotations(actor)
        .filter(proposals=proposal)
        .select_related("article", "author")
        .order_by("article__published_on", "article_id", "start")
    )
