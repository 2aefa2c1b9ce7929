"""Who may see and change what: the one module that decides.

Selectors, pages, the API, exports, statistics, the admin and the event stream ask these functions
and never restate a rule. Each rule is written once, as a `Q` (so lists and counts are filtered in
the database) and, where a page needs it, as a predicate on one object or as SQL text for a
hand-written statement (the sources list); tests check that every twin selects what its `Q`
selects.

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

Exports and imports
    A job (its progress, its file) is seen by the user who requested it and by moderators.

Live events (annotator.live)
    An annotation event reaches a user when the annotation, as it is after the change, is
    visible to them (the predicate twin of `annotation_visible_q`); a removal (hidden, deleted,
    back to draft) only when it was visible to them before the change, so a draft never leaves a
    trace with anyone but its author. Rating events carry counts, never a value. Presence on an
    article is seen by whoever may open the article; who is reviewing what, by reviewers.
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


def article_visible_sql(actor: Any, alias: str) -> tuple[str, list[Any]]:
    """`article_visible_q` as an SQL condition on the articles table aliased `alias`, with its
    parameters (for a page read in one hand-written statement;
    `tests/live/test_policy_predicates.py` checks both select the same rows for every role)."""
    from annotator.articles.models import Article

    if roles.is_moderator(actor):
        return "TRUE", []
    published, archived, draft = (
        Article.Status.PUBLISHED.value,
        Article.Status.ARCHIVED.value,
        Article.Status.DRAFT.value,
    )
    visible = f"{alias}.status IN ('{published}', '{archived}')"
    if _pk(actor) is None:
        return visible, []
    mine = f"({alias}.status = '{draft}' AND {alias}.imported_by_id = %s)"
    return f"({visible} OR {mine})", [_pk(actor)]


def article_state_visible(actor: Any, *, status: str, imported_by_id: Any) -> bool:
    """`article_visible_q` for one article's state (no query once the roles are loaded)."""
    if roles.is_moderator(actor):
        return True
    if status in ("published", "archived"):
        return True
    return status == "draft" and _pk(actor) is not None and imported_by_id == _pk(actor)


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
    visible = Q(article__in=visible_articles) & _readable_state_q(actor)
    if include_moderated and roles.is_moderator(actor):
        return visible
    return visible & _NOT_MODERATED


def _readable_state_q(actor: Any) -> Q:
    """Drafts (and drafts orphaned) are their authors' own."""
    return ~_draft_q() | Q(author=actor)


_NOT_MODERATED = Q(hidden_at__isnull=True, deleted_at__isnull=True)


def annotation_visible_on_visible_articles_q(actor: Any) -> Q:
    """`annotation_visible_q` without its article condition, for a caller whose query is
    already limited to articles the actor may see (ids read through `article_visible_q` in the
    same request: the sources list counting its page's annotations). The rest of the rule is the
    same: drafts are their authors' own, hidden and deleted annotations are left out."""
    if not getattr(actor, "is_authenticated", False):
        return Q(pk__in=[])
    return _readable_state_q(actor) & _NOT_MODERATED


def annotation_visible_on_visible_articles_sql(actor: Any, alias: str) -> tuple[str, list[Any]]:
    """`annotation_visible_on_visible_articles_q` as an SQL condition on the annotations table
    aliased `alias`, with its parameters (checked against the `Q` like `article_visible_sql`)."""
    if _pk(actor) is None:
        return "FALSE", []
    draft = (
        f"({alias}.status = 'draft' OR "
        f"({alias}.status = 'orphaned' AND {alias}.status_before_orphan = 'draft'))"
    )
    return (
        f"(NOT {draft} OR {alias}.author_id = %s) "
        f"AND {alias}.hidden_at IS NULL AND {alias}.deleted_at IS NULL",
        [_pk(actor)],
    )


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


def annotation_state(annotation: Any, article: Any) -> dict[str, Any]:
    """The facts `annotation_state_visible` decides on, as the live events record them."""
    return {
        "author": annotation.author_id,
        "status": annotation.status,
        "status_before_orphan": annotation.status_before_orphan,
        "moderated": not annotation.is_visible,
        "article_status": article.status,
        "article_imported_by": article.imported_by_id,
    }


def annotation_state_visible(actor: Any, state: Any) -> bool:
    """`annotation_visible_q` (without `include_moderated`) for one annotation's recorded state:
    tests compare the two on every combination of role, status and authorship."""
    if not state or _pk(actor) is None:
        return False
    if not article_state_visible(
        actor, status=state["article_status"], imported_by_id=state["article_imported_by"]
    ):
        return False
    is_draft = state["status"] == "draft" or (
        state["status"] == "orphaned" and state["status_before_orphan"] == "draft"
    )
    if is_draft and state["author"] != _pk(actor):
        return False
    return not state["moderated"]


def annotation_removal_visible(actor: Any, *, before: Any, after: Any) -> bool:
    """Whether a user is told that an annotation disappeared: only if they could see it before
    the change and cannot after (a colleague's draft never shows up, not even as a removal)."""
    return annotation_state_visible(actor, before) and not annotation_state_visible(actor, after)


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


def rating_count_visible(actor: Any) -> bool:
    """How many ratings a proposal has is not blind (the values are): any signed-in user."""
    return _pk(actor) is not None


# Jobs (exports, imports) -----------------------------------------------------------------


def job_visible_q(actor: Any, *, owner_field: str = "requested_by") -> Q:
    """Jobs the actor may follow: their own; every job for moderators."""
    if roles.is_moderator(actor):
        return Q()
    if _pk(actor) is None:
        return Q(pk__in=[])
    return Q(**{f"{owner_field}_id": _pk(actor)})


def job_visible(actor: Any, *, owner_id: Any) -> bool:
    """`job_visible_q` for one job."""
    return roles.is_moderator(actor) or (_pk(actor) is not None and owner_id == _pk(actor))


# Presence ------------------------------------------------------------------------------------


def sees_review_presence(actor: Any) -> bool:
    """Who is reviewing which annotation is shown to reviewers (and moderators)."""
    return roles.is_reviewer(actor)
