"""The feasibility scale and agreement figures as the exports need them.

Isolated here so that the lead can point them at `proposals.scale` (FEASIBILITY_ORDER, French
labels) and at the proposals app's Krippendorff's alpha once those land.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import krippendorff
from django.utils import translation

from proposals.models import Feasibility

# The ordinal part of the scale: the first five choices, from "not feasible" (1) to "feasible" (5).
# "already_in_place" and "not_assessable" (the "too vague") sit outside the order.
ORDERED = list(Feasibility.values[:5])


def feasibility_rank(value: str) -> int | None:
    """1-5 along the feasibility order, None for the verdicts outside it."""
    try:
        return ORDERED.index(value) + 1
    except ValueError:
        return None


def feasibility_label(value: str, language: str = "fr") -> str:
    with translation.override(language):
        return str(Feasibility(value).label)


def agreement_alpha(ratings: Iterable[tuple[int, int, str]]) -> float | None:
    """Krippendorff's alpha (ordinal) over (proposal_id, rater_id, feasibility) triples.

    Ratings outside the order are left out. None when there is nothing to compare (fewer than two
    raters on any proposal, or a single value in the whole table)."""
    by_rater: dict[int, dict[int, int]] = {}
    proposals: set[int] = set()
    for proposal_id, rater_id, feasibility in ratings:
        rank = feasibility_rank(feasibility)
        if rank is None:
            continue
        by_rater.setdefault(rater_id, {})[proposal_id] = rank
        proposals.add(proposal_id)
    units = sorted(proposals)
    if len(by_rater) < 2 or not units:
        return None
    data = [[float(row.get(unit, math.nan)) for unit in units] for row in by_rater.values()]
    values = {value for row in data for value in row if not math.isnan(value)}
    pairable = any(sum(not math.isnan(row[i]) for row in data) >= 2 for i in range(len(units)))
    if len(values) < 2 or not pairable:
        return None
    alpha = krippendorff.alpha(
        reliability_data=data, level_of_measurement="ordinal", value_domain=[1, 2, 3, 4, 5]
    )
    return None if math.isnan(alpha) else round(float(alpha), 4)
