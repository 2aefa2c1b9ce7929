"""Proposal records: create, edit (optimistic concurrency), merge duplicates."""

from __future__ import annotations

import contextlib
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from annotator.lib import roles
from annotator.lib.errors import (
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
)
from proposals.models import (
    Candidacy,
    FeasibilityRating,
    Proposal,
    ProposalMerge,
    Theme,
    Verdict,
)
from proposals.services.ratings import rating_state

TITLE_MAX = 200


def _require_editor(actor: Any) -> None:
    if not roles.is_fact_checker(actor):
        raise PermissionDeniedError(_("Only the newsroom team creates and edits proposals."))


def _clean(
    *,
    candidacy: Any,
    primary_theme: Any,
    secondary_themes: Any,
    title: Any,
    statement: Any,
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    found_candidacy = None
    with contextlib.suppress(TypeError, ValueError):
        found_candidacy = Candidacy.objects.filter(pk=int(candidacy)).first()
    if found_candidacy is None:
        errors["candidacy"] = [_("Choose an existing candidacy.")]
    theme = Theme.objects.filter(code=str(primary_theme or "")).first()
    if theme is None:
        errors["primary_theme"] = [_("Choose a theme code of the taxonomy.")]
    codes = secondary_themes or []
    if isinstance(codes, str) or not isinstance(codes, list | tuple):
        codes = None
    secondaries: list[Theme] = []
    if codes is None:
        errors["secondary_themes"] = [_("Secondary themes must be a list of theme codes.")]
    else:
        wanted = {str(code) for code in codes}
        secondaries = list(Theme.objects.filter(code__in=wanted))
        unknown = sorted(wanted - {t.code for t in secondaries})
        if unknown:
            errors["secondary_themes"] = [
                _("Unknown theme code: %(codes)s.") % {"codes": ", ".join(unknown)}
            ]
    clean_title = " ".join(str(title or "").split())
    if not clean_title:
        errors["title"] = [_("A title is required.")]
    elif len(clean_title) > TITLE_MAX:
        errors["title"] = [_("The title is limited to %(n)d characters.") % {"n": TITLE_MAX}]
    clean_statement = str(statement or "").strip()
    if not clean_statement:
        errors["statement"] = [_("The statement of the proposal is required.")]
    if errors:
        raise InvalidInputError(next(iter(errors.values()))[0], fields=errors)
    return {
        "candidacy": found_candidacy,
        "primary_theme": theme,
        "secondary_themes": [t for t in secondaries if t != theme],
        "title": clean_title,
        "statement": clean_statement,
    }


def _unique_slug(candidacy: Candidacy, title: str, exclude: int | None = None) -> str:
    base = slugify(f"{candidacy.key} {title}")[:100].strip("-") or "proposition"
    slug, n = base, 2
    taken = Proposal.objects.filter(slug__startswith=base)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    existing = set(taken.values_list("slug", flat=True))
    while slug in existing:
        slug, n = f"{base}-{n}", n + 1
    return slug


def proposal_create(
    *,
    actor: Any,
    candidacy: Any,
    primary_theme: Any,
    title: Any,
    statement: Any,
    secondary_themes: Any = None,
) -> Proposal:
    """A new proposal with a unique slug derived from the candidacy and title.
    Fact-checkers, reviewers and moderators only."""
    _require_editor(actor)
    cleaned = _clean(
        candidacy=candidacy,
        primary_theme=primary_theme,
        secondary_themes=secondary_themes,
        title=title,
        statement=statement,
    )
    with transaction.atomic():
        proposal = Proposal.objects.create(
            candidacy=cleaned["candidacy"],
            primary_theme=cleaned["primary_theme"],
            title=cleaned["title"],
            statement=cleaned["statement"],
            slug=_unique_slug(cleaned["candidacy"], cleaned["title"]),
            created_by=actor,
        )
        proposal.secondary_themes.set(cleaned["secondary_themes"])
    return proposal


def proposal_update(
    *, actor: Any, proposal_id: int, version: int | None, **changes: Any
) -> Proposal:
    """Edit title, statement, candidacy or themes. `version` must match (StaleVersionError with
    the current state otherwise); the row is locked while it is checked and written. The slug
    stays, so links keep working."""
    _require_editor(actor)
    allowed = {"candidacy", "primary_theme", "secondary_themes", "title", "statement"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInputError(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    if version is None:
        raise InvalidInputError(
            _("The version you edited is required."), fields={"version": [_("Required.")]}
        )
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().filter(pk=proposal_id).first()
        if proposal is None:
            raise NotFoundError(_("No such proposal."))
        if proposal.merged_into_id is not None:
            raise InvalidInputError(_("This proposal was merged; edit the kept record."))
        if proposal.version != version:
            raise StaleVersionError(
                _("Someone changed this proposal since you loaded it; reload and retry."),
                current={
                    "id": proposal.pk,
                    "title": proposal.title,
                    "statement": proposal.statement,
                    "candidacy": proposal.candidacy_id,
                    "primary_theme": proposal.primary_theme.code,
                    "secondary_themes": [t.code for t in proposal.secondary_themes.all()],
                    "version": proposal.version,
                },
            )
        current = {
            "candidacy": proposal.candidacy_id,
            "primary_theme": proposal.primary_theme.code,
            "secondary_themes": [t.code for t in proposal.secondary_themes.all()],
            "title": proposal.title,
            "statement": proposal.statement,
        }
        cleaned = _clean(**{**current, **changes})
        proposal.candidacy = cleaned["candidacy"]
        proposal.primary_theme = cleaned["primary_theme"]
        proposal.title = cleaned["title"]
        proposal.statement = cleaned["statement"]
        proposal.version += 1
        proposal.save()
        proposal.secondary_themes.set(cleaned["secondary_themes"])
    return proposal


def proposal_merge(*, actor: Any, duplicate_id: int, kept_id: int | None) -> ProposalMerge:
    """Merge a duplicate into the kept record (moderators only). Linked passages, ratings,
    verdicts and their history move to the kept record; when one rater rated both, the newer
    rating is kept and the other is recorded in the merge record. The duplicate stays as a
    redirect (`merged_into`). Both rows are locked, in id order."""
    if not roles.is_moderator(actor):
        raise PermissionDeniedError(_("Only moderators merge proposals."))
    from annotator.annotations.models import Annotation

    if kept_id is None:
        raise InvalidInputError(
            _("Name the proposal to keep by its id."), fields={"into": [_("An id.")]}
        )
    if duplicate_id == kept_id:
        raise InvalidInputError(
            _("A proposal cannot be merged into itself."), fields={"into": [_("Another id.")]}
        )
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Proposal.objects.select_for_update()
            .filter(pk__in=[duplicate_id, kept_id])
            .order_by("pk")
        }
        duplicate, kept = locked.get(duplicate_id), locked.get(kept_id)
        if duplicate is None or kept is None:
            raise NotFoundError(_("No such proposal."))
        if duplicate.merged_into_id or kept.merged_into_id:
            raise InvalidInputError(_("One of these proposals was already merged."))
        if duplicate.candidacy_id != kept.candidacy_id:
            raise InvalidInputError(
                _("Only proposals of the same candidacy can be duplicates."),
                fields={"into": [_("Same candidacy required.")]},
            )

        # Passages: relink through the M2M table, without duplicating a link.
        through = Annotation.proposals.through
        already = set(
            through.objects.filter(proposal_id=kept.pk).values_list("annotation_id", flat=True)
        )
        links = through.objects.filter(proposal_id=duplicate.pk)
        moved_annotations = links.exclude(annotation_id__in=already).update(proposal_id=kept.pk)
        links.delete()

        # Ratings: one per rater; the newer of two wins, the other is recorded then deleted.
        kept_ratings = {r.rater_id: r for r in FeasibilityRating.objects.filter(proposal=kept)}
        dropped: list[dict[str, Any]] = []
        moving: list[int] = []
        for rating in FeasibilityRating.objects.filter(proposal=duplicate):
            other = kept_ratings.get(rating.rater_id)
            if other is None:
                moving.append(rating.pk)
                continue
            loser, winner = (other, rating) if rating.modified > other.modified else (rating, other)
            dropped.append(_snapshot(loser, from_proposal=loser.proposal_id))
            if winner is rating:
                moving.append(rating.pk)
            loser.delete()
        FeasibilityRating.objects.filter(pk__in=moving).update(proposal_id=kept.pk)
        FeasibilityRating.history.filter(id__in=moving).update(proposal_id=kept.pk)

        # Verdicts: they keep their history; the kept record's current verdict stays current.
        verdict_ids = list(Verdict.objects.filter(proposal=duplicate).values_list("pk", flat=True))
        if Verdict.objects.filter(proposal=kept, is_current=True).exists():
            Verdict.objects.filter(pk__in=verdict_ids).update(is_current=False)
        Verdict.objects.filter(pk__in=verdict_ids).update(proposal_id=kept.pk)
        Verdict.history.filter(id__in=verdict_ids).update(proposal_id=kept.pk)

        # Themes of the duplicate become secondary themes of the kept record.
        extra = {
            duplicate.primary_theme_id,
            *duplicate.secondary_themes.values_list("pk", flat=True),
        }
        extra.discard(kept.primary_theme_id)
        kept.secondary_themes.add(*extra)

        # Earlier duplicates of the duplicate now point at the kept record (no redirect chain).
        Proposal.objects.filter(merged_into=duplicate).update(merged_into=kept)
        duplicate.merged_into = kept
        duplicate.version += 1
        duplicate.save()
        kept.version += 1
        kept.save()
        return ProposalMerge.objects.create(
            kept=kept,
            duplicate=duplicate,
            merged_by=actor,
            moved_annotations=moved_annotations,
            moved_ratings=len(moving),
            moved_verdicts=len(verdict_ids),
            dropped_ratings=dropped,
        )


def _snapshot(rating: FeasibilityRating, *, from_proposal: int) -> dict[str, Any]:
    """A rating dropped by a merge, kept whole in the merge record."""
    return {
        **rating_state(rating),
        "rating": rating.pk,
        "proposal": from_proposal,
        "rater": rating.rater_id,
    }
