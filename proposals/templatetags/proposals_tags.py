"""Template filters for the rubric: labels of scale values, obstacles as (dimension, level)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

from proposals import scale

register = template.Library()


@register.filter
def feasibility_label(value: str) -> str:
    return scale.feasibility_label(value)


@register.filter
def level_label(value: str) -> str:
    return scale.level_label(value)


@register.filter
def obstacle_items(obstacles: dict[str, int] | None) -> list[tuple[str, str, int]]:
    """Non-zero obstacles as (dimension label, level label, level)."""
    obstacles = obstacles or {}
    levels = dict(scale.obstacle_levels())
    return [
        (label, levels[obstacles[key]], obstacles[key])
        for key, label in scale.obstacle_dimensions()
        if obstacles.get(key)
    ]


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def alpha_format(value: float | None) -> str:
    """Three decimals in the active locale's style (0,364 in French, 0.364 in English)."""
    return "—" if value is None else number_format(value, 3)


@register.simple_tag
def alpha_threshold(name: str) -> str:
    """A reading threshold of the scale ("reliable" or "tentative") in the active locale."""
    value = {"reliable": scale.ALPHA_RELIABLE, "tentative": scale.ALPHA_TENTATIVE}[name]
    return number_format(value)


@register.simple_tag
def alpha_min_units() -> int:
    """Below this many units an agreement figure carries a small-sample warning."""
    return scale.ALPHA_MIN_UNITS
