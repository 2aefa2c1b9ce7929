"""Who may see and change what: the one module that decides.

Selectors, pages, the API, exports, statistics, the admin and the event stream ask these functions
and never restate a rule. Each rule is written once, as a `Q` (so lists and counts are filtered in
the database) and, where a page needs it, as a predicate on one object.

Annotations
    An annotation is visible to a signed-in user when its article is visible to them, and it is
    not a draft of someone else (an orphan keeps the draft rule of the state it was orphaned
    from); hidden and deleted annotations to nobody, except to moderators on the pages where they
    restore them (`include_moderated`). Exports never contain a draft, a hidden or a deleted
    annotation, whoever asks and whatever the filters; *verified* means approved.

Ratings (blind rating)
    A rater sees nobody else's rating of a proposal (value, justification, evidence, pair gaps)
    until they have rated it themselves or its verdict is published. Moderators see every rating
    (they arbitrate, they do not rate). This holds on the proposal page, the ratings and verdict
    API, the comparison grid, the statistics, the agreement API and every export.

Statistics
    Agreement figures and rater pairs are computed from the ratings the viewer may see.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from annotator.lib import roles

# The rule a data package's ratings follow, written into its manifest.
RATINGS_ALL = "all"
RATINGS_BLIND = "own_rated_or_published"


def _pk(actor: Any) -> Any:
    return getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None


# Articles ---------------------------------------------------------------------------------


def article_visible_q(actor: Any) -> Q:
    """Published and archived articles for everyone; drafts for moderators and their importer."""
    from annotator.articles.models import Article

    if roles.is_moderator(actor):
        return Q()
    visible = Q(status__in=[Article.Status.PUBLISHED, Article.Status.ARCHIVED])
    if getattr(actor, "is_authenticated", False):
        visible |= Q(status=Article.Status.DRAFT, imported_by=actor)
    return visible


def can_correct_text(actor: Any) -> bool:
    return roles.is_moderator(actor)


# Annotations ------------------------------------------------------------------------------


def _draft_q(prefix: str = "") -> Q:
    """Drafts, and orphans that were drafts when their passage disappeared."""
    return Q(**{f"{prefix}status": "draft"}) | Q(
        **{f"{prefix}status": "orphaned", f"{prefix}status_before_orphan": "draft"}
    )


def annotation_visible_q(actor: Any, *, include_moderated: bool = False) -> Q:
    """Annotations the actor may read (see the module docstring)."""
    from annotator.articles.models import Article

    if not getattr(actor, "is_authenticated", False):
        return Q(pk__in=[])
    visible_articles = Article.objects.filter(article_visible_q(actor)).values("pk")
    visible = Q(article__in=visible_articles) & (~_draft_q() | Q(author=actor))
    if include_moderated and roles.is_moderator(actor):
        return visible
    return visible & Q(hidden_at__isnull=True, deleted_at__isnull=True)


def annotation_withdrawn_notice_q(actor: Any) -> Q:
    """Annotations the actor may no longer read (hidden or deleted) but may learn were withdrawn:
    those they were notified about, so that a notification never leads to a bare 404. Nobody else
    learns that a withdrawn annotation exists."""
    from annotator.review.models import Notification

    if not getattr(actor, "is_authenticated", False):
        return Q(pk__in=[])
    notified = Notification.objects.filter(recipient=actor, annotation__isnull=False)
    return Q(pk__in=notified.values("annotation_id")) & (
        Q(hidden_at__isnull=False) | Q(deleted_at__isnull=False)
    )


def sees_hiding_reason(actor: Any, annotation: Any) -> bool:
    """The reason a moderator gave for hiding: told to the annotation's author and moderators."""
    return annotation.author_id == _pk(actor) or roles.is_moderator(actor)


def annotation_exportable_q(*, requester: Any, verified_only: bool) -> Q:
    """What an export may contain: never a draft (not even the requester's own), a hidden or a
    deleted annotation; only approved ones when `verified_only`; only on visible articles."""
    from annotator.articles.models import Article

    exportable = (
        Q(
            hidden_at__isnull=True,
            deleted_at__isnull=True,
            article_id__in=Article.objects.filter(article_visible_q(requester)).values("pk"),
        )
        & ~_draft_q()
    )
    if verified_only:
        exportable &= Q(status="approved")
    return exportable


def is_verified(annotation: Any) -> bool:
    return annotation.status == "approved" and annotation.is_visible


# Ratings and verdicts ---------------------------------------------------------------------


def can_rate(actor: Any) -> bool:
    return roles.has_role(actor, roles.FACT_CHECKER, roles.REVIEWER)


def can_publish_verdict(actor: Any) -> bool:
    return roles.is_reviewer(actor)


def sees_every_rating(actor: Any) -> bool:
    """Moderators arbitrate: they see every rating of every proposal."""
    return roles.is_moderator(actor)


def ratings_rule(actor: Any) -> str:
    """Which rule filtered the ratings an actor receives (for export manifests)."""
    return RATINGS_ALL if sees_every_rating(actor) else RATINGS_BLIND


def sees_ratings_of(actor: Any, *, has_rated: bool, verdict_published: bool) -> bool:
    """Whether the actor may see others' ratings of one proposal."""
    return sees_every_rating(actor) or has_rated or verdict_published


def rating_visible_q(actor: Any, *, prefix: str = "") -> Q:
    """FeasibilityRating rows the actor may see: their own; all ratings of proposals they rated
    or whose verdict is published; everything for moderators. `prefix` applies the rule from a
    related model (e.g. "ratings__")."""
    from proposals.models import FeasibilityRating, Verdict

    if sees_every_rating(actor):
        return Q()
    actor_pk = _pk(actor)
    rated = FeasibilityRating.objects.filter(proposal_id=OuterRef(f"{prefix}proposal_id"))
    published = Verdict.objects.filter(
        proposal_id=OuterRef(f"{prefix}proposal_id"), is_current=True
    )
    if actor_pk is None:
        return Q(Exists(published))
    return (
        Q(**{f"{prefix}rater_id": actor_pk})
        | Q(Exists(rated.filter(rater_id=actor_pk)))
        | Q(Exists(published))
    )
