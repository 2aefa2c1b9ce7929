"""The feasibility scale and agreement figures as the exports need them, taken from the one
definition of the rubric (`proposals.scale`) and the proposals app's Krippendorff's alpha."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from proposals import scale
from proposals.agreement import ordinal_alpha


def feasibility_rank(value: str) -> int | None:
    """1-5 along the feasibility order, None for the verdicts outside it."""
    return scale.RANK.get(value)


def feasibility_label(value: str) -> str:
    """The French label of a verdict value (exports are documented in French first)."""
    return scale.feasibility_label_fr(value)


def agreement_alpha(ratings: Iterable[tuple[int, int, str]]) -> float | None:
    """Krippendorff's alpha (ordinal) over (proposal_id, rater_id, feasibility) triples.

    Ratings outside the order are missing values. None when alpha is not defined (no proposal
    with two ordinal ratings, or no variation at all)."""
    units: defaultdict[int, list[int]] = defaultdict(list)
    for proposal_id, _rater_id, feasibility in ratings:
        rank = feasibility_rank(feasibility)
        if rank is not None:
            units[proposal_id].append(rank)
    alpha = ordinal_alpha(units.values()).alpha
    return None if alpha is None else round(alpha, 4)
