from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest

from proposals import scale
from proposals.agreement import ordinal_alpha
from proposals.models import Feasibility, Level

NaN = float("nan")


def test_the_ordinal_scale_has_five_values_in_order_and_two_outside():
    assert scale.FEASIBILITY_ORDER == (
        "not_feasible",
        "hardly_feasible",
        "conditional",
        "mostly_feasible",
        "feasible",
    )
    assert [scale.RANK[v] for v in scale.FEASIBILITY_ORDER] == [1, 2, 3, 4, 5]
    assert scale.OUTSIDE_ORDER == ("already_in_place", "not_assessable")


def test_the_scale_matches_the_model_choices():
    assert set(scale.FEASIBILITY_VALUES) == set(Feasibility.values)
    assert set(scale.LEVEL_VALUES) == set(Level.values)


def test_french_labels_are_given_for_every_verdict_value():
    assert scale.feasibility_label_fr("conditional") == "Réalisable sous conditions"
    assert scale.feasibility_label_fr("already_in_place") == "Déjà en place"
    assert scale.feasibility_label_fr("not_assessable") == "Non évaluable"
    assert scale.feasibility_label_fr("bogus") == ""
    assert all(scale.feasibility_label_fr(v) for v in scale.FEASIBILITY_VALUES)


def test_a_blocking_obstacle_caps_only_values_above_hardly_feasible():
    assert scale.is_above_cap("conditional") and scale.is_above_cap("feasible")
    assert not scale.is_above_cap("hardly_feasible")
    assert not scale.is_above_cap("not_assessable")


def _reference(matrix):  # type: ignore[no-untyped-def]
    """The krippendorff package's ordinal alpha, None where it is undefined."""
    try:
        value = krippendorff.alpha(
            reliability_data=np.array(matrix, dtype=float), level_of_measurement="ordinal"
        )
    except ValueError:
        return None
    return None if math.isnan(value) else value


def _units(matrix):  # type: ignore[no-untyped-def]
    """Rater x unit matrix -> per-unit lists of values, missing ones left out."""
    return [[row[u] for row in matrix if not math.isnan(row[u])] for u in range(len(matrix[0]))]


DATASETS = {
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", four coders, missing values
    "krippendorff_2011": [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NaN, NaN, NaN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NaN, 3],
        [NaN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NaN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NaN],
    ],
    "two_raters_close": [[3, 4, 2, 5, 1, 3], [3, 4, 3, 5, 2, 3]],
    "two_raters_opposed": [[1, 5, 1, 5], [5, 1, 4, 2]],
    "sparse_three_raters": [
        [1, NaN, 3, NaN, 5, 2],
        [2, 4, NaN, 4, NaN, 2],
        [NaN, 4, 3, 5, 5, NaN],
    ],
    "perfect": [[1, 2, 3, 4], [1, 2, 3, 4]],
}


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_ordinal_alpha_matches_the_krippendorff_package(name):
    matrix = DATASETS[name]
    expected = _reference(matrix)
    result = ordinal_alpha(_units(matrix))
    assert expected is not None
    assert result.alpha == pytest.approx(expected, abs=1e-9)


def test_ordinal_alpha_matches_the_package_on_random_data_with_missing_values():
    rng = np.random.default_rng(7)
    for _ in range(100):
        raters, units = rng.integers(2, 6), rng.integers(3, 15)
        matrix = rng.integers(1, 6, size=(raters, units)).astype(float)
        matrix[rng.random(size=matrix.shape) < 0.3] = NaN
        expected = _reference(matrix.tolist())
        result = ordinal_alpha(_units(matrix.tolist()))
        if expected is None:
            assert result.alpha is None
        else:
            assert result.alpha == pytest.approx(expected, abs=1e-9)


def test_a_single_rater_gives_no_alpha_rather_than_a_crash():
    result = ordinal_alpha([[3], [4], [1]])
    assert result.alpha is None and result.units == 0 and result.pairable_values == 0


def test_identical_values_everywhere_give_no_alpha():
    assert ordinal_alpha([[3, 3], [3, 3, 3]]).alpha is None


def test_units_and_pairable_values_count_only_units_with_two_values():
    result = ordinal_alpha([[1, 2], [3], [4, 4, 5], []])
    assert result.units == 2 and result.pairable_values == 5
    assert result.as_dict()["level"] == "ordinal"
