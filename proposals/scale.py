"""The feasibility rubric: the one place that defines the scale, its labels and its definitions.

It feeds the rating form's rubric, the public /methodology/ page, the API validation and the
exports. `FEASIBILITY_ORDER` lists the five ordinal values (1..5); `ALREADY_IN_PLACE` and
`NOT_ASSESSABLE` stand outside the order (missing values for agreement, never a median).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ScaleValue:
    value: str
    label_fr: str
    label_en: str
    definition_fr: str
    definition_en: str
    rank: int | None = None  # 1..5 on the ordinal scale, None outside the order

    @property
    def label(self) -> str:
        return self.label_en if _is_english() else self.label_fr

    @property
    def definition(self) -> str:
        return self.definition_en if _is_english() else self.definition_fr


def _is_english() -> bool:
    return (get_language() or "fr").startswith("en")


FEASIBILITY_SCALE: tuple[ScaleValue, ...] = (
    ScaleValue(
        "not_feasible",
        "Irréalisable",
        "Not feasible",
        "Juridiquement ou techniquement impossible telle qu'énoncée, ou hors des compétences de l'État.",
        "Legally or technically impossible as stated, or outside the State's powers.",
        1,
    ),
    ScaleValue(
        "hardly_feasible",
        "Difficilement réalisable",
        "Hardly feasible",
        "Un obstacle majeur sur au moins une dimension.",
        "A major barrier on at least one dimension.",
        2,
    ),
    ScaleValue(
        "conditional",
        "Réalisable sous conditions",
        "Feasible under conditions",
        "Dépend d'un accord européen, d'une révision constitutionnelle, d'un coût important non "
        "financé ou d'une technologie immature.",
        "Depends on an EU agreement, a constitutional revision, a large unfunded cost or an "
        "immature technology.",
        3,
    ),
    ScaleValue(
        "mostly_feasible",
        "Plutôt réalisable",
        "Mostly feasible",
        "Un obstacle modéré, comme une loi dédiée ou une ligne budgétaire.",
        "One moderate obstacle such as a dedicated law or budget line.",
        4,
    ),
    ScaleValue(
        "feasible",
        "Réalisable",
        "Feasible",
        "La loi ordinaire et le budget courant suffisent.",
        "Ordinary law and budget suffice.",
        5,
    ),
    ScaleValue(
        "already_in_place",
        "Déjà en place",
        "Already in place",
        "La mesure existe déjà ou est en cours de mise en œuvre.",
        "The measure exists or is under way.",
    ),
    ScaleValue(
        "not_assessable",
        "Non évaluable",
        "Not assessable",
        "Trop vague pour être évaluée.",
        "Too vague to assess.",
    ),
)

BY_VALUE: dict[str, ScaleValue] = {item.value: item for item in FEASIBILITY_SCALE}
FEASIBILITY_VALUES: tuple[str, ...] = tuple(BY_VALUE)
FEASIBILITY_ORDER: tuple[str, ...] = tuple(item.value for item in FEASIBILITY_SCALE if item.rank)
RANK: dict[str, int] = {item.value: item.rank for item in FEASIBILITY_SCALE if item.rank}
ALREADY_IN_PLACE = "already_in_place"
NOT_ASSESSABLE = "not_assessable"
OUTSIDE_ORDER: tuple[str, ...] = (ALREADY_IN_PLACE, NOT_ASSESSABLE)
# A blocking obstacle caps the rating at this value.
BLOCKING_CAP = "hardly_feasible"

OBSTACLE_DIMENSIONS: tuple[tuple[str, str, str], ...] = (
    ("legal", "Juridique", "Legal"),
    ("budget", "Budgétaire", "Budget"),
    ("technical", "Technique", "Technical"),
    ("institutional", "Institutionnel", "Institutional"),
    ("timeline", "Calendrier", "Timeline"),
)
OBSTACLE_KEYS: tuple[str, ...] = tuple(key for key, _fr, _en in OBSTACLE_DIMENSIONS)
OBSTACLE_LEVELS: tuple[tuple[int, str, str], ...] = (
    (0, "Aucun", "None"),
    (1, "Mineur", "Minor"),
    (2, "Majeur", "Major"),
    (3, "Bloquant", "Blocking"),
)
BLOCKING = 3

LEVELS: tuple[tuple[str, str, str], ...] = (
    ("low", "Faible", "Low"),
    ("medium", "Moyenne", "Medium"),
    ("high", "Forte", "High"),
)
LEVEL_VALUES: tuple[str, ...] = tuple(value for value, _fr, _en in LEVELS)
LEVEL_RANK: dict[str, int] = {value: i + 1 for i, (value, _fr, _en) in enumerate(LEVELS)}

JUSTIFICATION_MIN_LENGTH = 80

# The common reading of Krippendorff's alpha.
ALPHA_RELIABLE = 0.8
ALPHA_TENTATIVE = 0.667
# Below this many units (proposals rated twice or more) an alpha is shown with a warning: one or
# two units make any value, 0 or 1, meaningless.
ALPHA_MIN_UNITS = 10


def feasibility_label_fr(value: str) -> str:
    """The French label of any verdict value ('' for an unknown value)."""
    item = BY_VALUE.get(value)
    return item.label_fr if item else ""


def feasibility_label(value: str) -> str:
    """The label of a verdict value in the active language."""
    item = BY_VALUE.get(value)
    return item.label if item else ""


def level_label(value: str) -> str:
    for key, fr, en in LEVELS:
        if key == value:
            return en if _is_english() else fr
    return ""


def obstacle_dimensions() -> list[tuple[str, str]]:
    return [(key, en if _is_english() else fr) for key, fr, en in OBSTACLE_DIMENSIONS]


def obstacle_levels() -> list[tuple[int, str]]:
    return [(level, en if _is_english() else fr) for level, fr, en in OBSTACLE_LEVELS]


def level_choices() -> list[tuple[str, str]]:
    return [(key, en if _is_english() else fr) for key, fr, en in LEVELS]


def is_above_cap(value: str) -> bool:
    """True for ordinal values above `hardly_feasible`, forbidden with a blocking obstacle."""
    return RANK.get(value, 0) > RANK[BLOCKING_CAP]


def alpha_reading(alpha: float | None) -> tuple[str, str]:
    """(css key, label) of the common reading: reliable, tentative, discuss the rubric."""
    if alpha is None:
        return "none", str(_("Not defined"))
    if alpha >= ALPHA_RELIABLE:
        return "reliable", str(_("Reliable"))
    if alpha >= ALPHA_TENTATIVE:
        return "tentative", str(_("Tentative"))
    return "discuss", str(_("Discuss the rubric"))
