"""Feasibility ratings: one per rater per proposal, validated against the rubric (proposals.scale)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from annotator.lib.errors import (
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
)
from annotator.live import events as live
from proposals import scale
from proposals.models import FeasibilityRating, Proposal
from proposals.selectors import can_rate, visible_annotation_ids

_url_validator = URLValidator(schemes=["http", "https"])


def _clean_obstacles(raw: Any, errors: dict[str, list[str]]) -> dict[str, int]:
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, dict):
        errors["obstacles"] = [_("Obstacles must be an object of dimension: level (0-3).")]
        return {}
    unknown = sorted(set(raw) - set(scale.OBSTACLE_KEYS))
    if unknown:
        errors["obstacles"] = [
            _("Unknown obstacle dimension: %(names)s. Use: %(allowed)s.")
            % {"names": ", ".join(unknown), "allowed": ", ".join(scale.OBSTACLE_KEYS)}
        ]
        return {}
    cleaned: dict[str, int] = {}
    for key in scale.OBSTACLE_KEYS:
        value = raw.get(key, 0)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3:
            errors["obstacles"] = [
                _(
                    "The %(name)s obstacle level must be 0, 1, 2 or 3 (none, minor, major, blocking)."
                )
                % {"name": key}
            ]
            return {}
        cleaned[key] = value
    return cleaned


def _clean_evidence(raw: Any, *, actor: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors["evidence"] = [_('Evidence must be a list of {"url": ...} or {"annotation": id}.')]
        return []
    cleaned: list[dict[str, Any]] = []
    wanted: list[int] = []
    for item in raw:
        if not isinstance(item, dict) or len(item) != 1 or not ({"url", "annotation"} & set(item)):
            errors["evidence"] = [
                _('Each evidence item is either {"url": ...} or {"annotation": id}.')
            ]
            return []
        if "url" in item:
            url = str(item["url"] or "").strip()
            try:
                _url_validator(url)
            except ValidationError:
                errors["evidence"] = [_("Not a valid web address: %(url)s") % {"url": url[:200]}]
                return []
            cleaned.append({"url": url})
        else:
            try:
                annotation_id = int(item["annotation"])
            except (TypeError, ValueError):
                errors["evidence"] = [_("An annotation reference must be an id.")]
                return []
            wanted.append(annotation_id)
            cleaned.append({"annotation": annotation_id})
    if wanted:
        missing = sorted(set(wanted) - visible_annotation_ids(actor=actor, ids=wanted))
        if missing:
            errors["evidence"] = [
                _("No such annotation: %(ids)s.") % {"ids": ", ".join(map(str, missing))}
            ]
            return []
    return cleaned


def validate_rating(
    *,
    actor: Any,
    feasibility: Any,
    obstacles: Any,
    importance: Any,
    confidence: Any,
    justification: Any,
    evidence: Any,
) -> dict[str, Any]:
    """The cleaned values, or InvalidInputError naming every field at fault."""
    errors: dict[str, list[str]] = {}
    if feasibility not in scale.FEASIBILITY_VALUES:
        errors["feasibility"] = [
            _("Feasibility must be one of: %(values)s.")
            % {"values": ", ".join(scale.FEASIBILITY_VALUES)}
        ]
    if importance not in scale.LEVEL_VALUES:
        errors["importance"] = [_("Importance must be low, medium or high.")]
    if confidence not in scale.LEVEL_VALUES:
        errors["confidence"] = [_("Confidence must be low, medium or high.")]
    clean_obstacles = _clean_obstacles(obstacles, errors)
    text = str(justification or "").strip()
    if len(text) < scale.JUSTIFICATION_MIN_LENGTH:
        errors["justification"] = [
            _("A justification of at least %(n)d characters is required (%(got)d given).")
            % {"n": scale.JUSTIFICATION_MIN_LENGTH, "got": len(text)}
        ]
    clean_evidence = _clean_evidence(evidence, actor=actor, errors=errors)
    if "evidence" not in errors and not clean_evidence and feasibility != scale.NOT_ASSESSABLE:
        errors["evidence"] = [
            _("At least one piece of evidence (a URL or an annotated passage) is required.")
        ]
    if (
        "obstacles" not in errors
        and "feasibility" not in errors
        and any(level >= scale.BLOCKING for level in clean_obstacles.values())
        and scale.is_above_cap(feasibility)
    ):
        errors["feasibility"] = [
            _("A rating with a blocking obstacle cannot be above “%(cap)s”.")
            % {"cap": scale.feasibility_label(scale.BLOCKING_CAP)}
        ]
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInputError(first, fields=errors)
    return {
        "feasibility": feasibility,
        "obstacles": clean_obstacles,
        "importance": importance,
        "confidence": confidence,
        "justification": text,
        "evidence": clean_evidence,
    }


def rating_state(rating: FeasibilityRating) -> dict[str, Any]:
    """The stored rating as plain data (sent back with a 409)."""
    return {
        "id": rating.pk,
        "proposal": rating.proposal_id,
        "feasibility": rating.feasibility,
        "obstacles": rating.obstacles,
        "importance": rating.importance,
        "confidence": rating.confidence,
        "justification": rating.justification,
        "evidence": rating.evidence,
        "version": rating.version,
        "modified": rating.modified.isoformat(),
    }


def rating_submit(
    *,
    actor: Any,
    proposal_id: int,
    feasibility: Any = None,
    obstacles: Any = None,
    importance: Any = None,
    confidence: Any = None,
    justification: Any = None,
    evidence: Any = None,
    version: int | None = None,
) -> tuple[FeasibilityRating, bool]:
    """Create the actor's rating of a proposal, or update it (`version` required then: a stale
    or missing one raises StaleVersionError carrying the current rating). Only fact-checkers and
    reviewers rate. A rubric value left out is refused like a wrong one (InvalidInputError naming
    every field at fault), so callers may pass only what they received. Locks the proposal row so that two submissions by one rater cannot race.
    History is kept by simple_history. Returns (rating, created)."""
    if not can_rate(actor):
        raise PermissionDeniedError(_("Only fact-checkers and reviewers rate proposals."))
    cleaned = validate_rating(
        actor=actor,
        feasibility=feasibility,
        obstacles=obstacles,
        importance=importance,
        confidence=confidence,
        justification=justification,
        evidence=evidence,
    )
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().filter(pk=proposal_id).first()
        if proposal is None:
            raise NotFoundError(_("No such proposal."))
        if proposal.merged_into_id is not None:
            raise InvalidInputError(
                _("This proposal was merged into another one; rate the kept record."),
                merged_into=proposal.merged_into_id,
            )
        rating = FeasibilityRating.objects.filter(proposal=proposal, rater=actor).first()
        if rating is None:
            rating = FeasibilityRating.objects.create(proposal=proposal, rater=actor, **cleaned)
            live.rating_count_changed(
                proposal_id=proposal.pk,
                count=FeasibilityRating.objects.filter(proposal=proposal).count(),
            )
            return rating, True
        if version != rating.version:
            raise StaleVersionError(
                _("Your rating changed since you loaded it (version %(v)d); reload and retry.")
                % {"v": rating.version},
                current=rating_state(rating),
            )
        for field, value in cleaned.items():
            setattr(rating, field, value)
        rating.version += 1
        rating.save()
        return rating, False
