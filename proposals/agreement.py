"""Krippendorff's alpha at the ordinal level, from a coincidence matrix (Krippendorff 2011).

Pure Python, no database: `ordinal_alpha(units)` takes, per unit (a proposal), the list of values
its raters gave on an ordinal scale (integers; missing values simply left out). It is tested
against the PyPI `krippendorff` package on several data sets (tests/proposals/test_agreement.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class AlphaResult:
    alpha: float | None  # None when alpha is not defined (no pairable values, no variation)
    units: int  # units with at least two values, the only ones that enter the computation
    pairable_values: int  # n: the number of values in those units

    def as_dict(self) -> dict[str, object]:
        return {
            "alpha": self.alpha,
            "level": "ordinal",
            "units": self.units,
            "pairable_values": self.pairable_values,
        }


def ordinal_alpha(units: Iterable[Sequence[int]]) -> AlphaResult:
    """Krippendorff's alpha for ordinal data; `alpha` is None when it is not defined."""
    coincidences: defaultdict[tuple[int, int], float] = defaultdict(float)
    pairable_units = 0
    for values in units:
        m = len(values)
        if m < 2:
            continue  # a single rating pairs with nothing
        pairable_units += 1
        counts = Counter(values)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    coincidences[(c, k)] += pairs / (m - 1)
    marginals: defaultdict[int, float] = defaultdict(float)
    for (c, _k), weight in coincidences.items():
        marginals[c] += weight
    n = sum(marginals.values())
    pairable_values = round(n)
    if n < 2 or len(marginals) < 2:
        return AlphaResult(None, pairable_units, pairable_values)

    domain = sorted(marginals)

    def delta(c: int, k: int) -> float:
        low, high = (c, k) if c <= k else (k, c)
        between = sum(marginals[g] for g in domain if low <= g <= high)
        return (between - (marginals[c] + marginals[k]) / 2) ** 2

    observed = sum(weight * delta(c, k) for (c, k), weight in coincidences.items())
    expected = sum(
        marginals[c] * marginals[k] * delta(c, k) for c in domain for k in domain if c != k
    )
    if expected == 0:
        return AlphaResult(None, pairable_units, pairable_values)
    alpha = 1 - (n - 1) * observed / expected
    return AlphaResult(alpha, pairable_units, pairable_values)
