"""Agreement between raters over a set of proposals: Krippendorff's alpha and disagreeing pairs.

Reads only (selectors). Each function runs a fixed number of queries whatever the number of
ratings: ratings are fetched as plain value rows and grouped in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from annotator.lib import policy
from proposals import scale
from proposals.agreement import AlphaResult, ordinal_alpha
from proposals.models import Election, FeasibilityRating, Proposal, Theme


def rating_rows(
    *,
    actor: Any,
    election: int | None = None,
    theme: str | None = None,
    candidate: int | None = None,
    proposals: Iterable[int] = (),
) -> QuerySet[FeasibilityRating]:
    """Ratings of live proposals matching the filters (all combined with AND), among those the
    actor may see (`policy.rating_visible_q`: blind rating holds in statistics too)."""
    queryset = FeasibilityRating.objects.filter(
        policy.rating_visible_q(actor), proposal__merged_into__isnull=True
    )
    if election:
        queryset = queryset.filter(proposal__candidacy__election_id=election)
    if candidate:
        queryset = queryset.filter(proposal__candidacy__candidate_id=candidate)
    if theme:
        queryset = queryset.filter(
            Q(proposal__primary_theme__code=theme)
            | Exists(
                Proposal.secondary_themes.through.objects.filter(
                    proposal_id=OuterRef("proposal_id"), theme__code=theme
                )
            )
        )
    ids = [int(pk) for pk in proposals]
    if ids:
        queryset = queryset.filter(proposal_id__in=ids)
    return queryset


def _alphas(rows: Sequence[Mapping[str, Any]]) -> dict[str, AlphaResult]:
    feasibility: dict[int, list[int]] = defaultdict(list)
    importance: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        rank = scale.RANK.get(row["feasibility"])
        if rank is not None:  # verdicts outside the order are missing values
            feasibility[row["proposal_id"]].append(rank)
        level = scale.LEVEL_RANK.get(row["importance"])
        if level is not None:
            importance[row["proposal_id"]].append(level)
    return {
        "feasibility": ordinal_alpha(feasibility.values()),
        "importance": ordinal_alpha(importance.values()),
    }


def agreement(*, actor: Any, **filters: Any) -> dict[str, dict[str, object]]:
    """`{"feasibility": {"alpha", "level", "units", "pairable_values"}, "importance": {...}}`.
    One query."""
    rows = list(
        rating_rows(actor=actor, **filters).values("proposal_id", "feasibility", "importance")
    )
    return {name: result.as_dict() for name, result in _alphas(rows).items()}


@dataclass
class AgreementRow:
    label: str
    feasibility: AlphaResult
    importance: AlphaResult

    @property
    def feasibility_reading(self) -> tuple[str, str]:
        return scale.alpha_reading(self.feasibility.alpha)

    @property
    def importance_reading(self) -> tuple[str, str]:
        return scale.alpha_reading(self.importance.alpha)

    @property
    def feasibility_small_sample(self) -> bool:
        """Fewer than `scale.ALPHA_MIN_UNITS` units: the figure is shown with a warning."""
        return self.feasibility.units < scale.ALPHA_MIN_UNITS

    @property
    def importance_small_sample(self) -> bool:
        return self.importance.units < scale.ALPHA_MIN_UNITS


@dataclass
class RaterPair:
    first: str
    second: str
    common: int
    mean_gap: float  # mean distance in steps between their ordinal feasibility ratings
    opposite: int  # proposals where they are two steps apart or more


def agreement_overview(*, actor: Any) -> dict[str, Any]:
    """Alpha overall, by election and by theme, and the rater pairs that disagree most, from the
    ratings the actor may see. Four queries."""
    rows = list(
        rating_rows(actor=actor).values(
            "proposal_id",
            "rater_id",
            "feasibility",
            "importance",
            "proposal__candidacy__election_id",
            "proposal__primary_theme_id",
        )
    )
    elections = list(Election.objects.all())
    themes = list(Theme.objects.all())
    overall = _alphas(rows)
    by_election = []
    for election in elections:
        subset = [r for r in rows if r["proposal__candidacy__election_id"] == election.pk]
        if subset:
            alphas = _alphas(subset)
            by_election.append(
                (election, AgreementRow(election.name, alphas["feasibility"], alphas["importance"]))
            )
    by_theme = []
    for theme in themes:
        subset = [r for r in rows if r["proposal__primary_theme_id"] == theme.pk]
        if subset:
            alphas = _alphas(subset)
            by_theme.append(
                (
                    theme,
                    AgreementRow(theme.short_label, alphas["feasibility"], alphas["importance"]),
                )
            )
    return {
        "overall": AgreementRow("", overall["feasibility"], overall["importance"]),
        "by_election": by_election,
        "by_theme": by_theme,
        "pairs": rater_pairs(rows),
        "rating_count": len(rows),
    }


def rater_pairs(rows: Sequence[Mapping[str, Any]], limit: int = 10) -> list[RaterPair]:
    """Pairs of raters with common proposals, those furthest apart first. One query (names)."""
    by_proposal: dict[int, dict[int, int]] = defaultdict(dict)
    for row in rows:
        rank = scale.RANK.get(row["feasibility"])
        if rank is not None:
            by_proposal[row["proposal_id"]][row["rater_id"]] = rank
    gaps: dict[tuple[int, int], list[int]] = defaultdict(list)
    for ratings in by_proposal.values():
        for (a, rank_a), (b, rank_b) in combinations(sorted(ratings.items()), 2):
            gaps[(a, b)].append(abs(rank_a - rank_b))
    if not gaps:
        return []
    user_ids = {pk for pair in gaps for pk in pair}
    names = {
        user.pk: user.get_username()
        for user in get_user_model().objects.filter(pk__in=user_ids).only("pk", "username")
    }
    pairs = [
        RaterPair(
            names.get(a, str(a)),
            names.get(b, str(b)),
            len(values),
            sum(values) / len(values),
            sum(1 for v in values if v >= 2),
        )
        for (a, b), values in gaps.items()
    ]
    pairs.sort(key=lambda p: (-p.mean_gap, -p.common, p.first, p.second))
    return pairs[:limit]
