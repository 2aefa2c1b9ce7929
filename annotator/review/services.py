"""Writes of the review workflow. One transaction each; the annotation row is locked first.

Every transition takes `SELECT ... FOR UPDATE` on the annotation, checks the rules of
`annotator.review.workflow` against the locked row, records one AnnotationEvent and creates the
notifications in the same transaction; emails leave only after commit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from annotator.annotations.models import Annotation
from annotator.annotations.writes import update_with_audit
from annotator.lib import roles
from annotator.lib.errors import (
    DuplicateError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
)
from annotator.live import events as live
from annotator.review import workflow
from annotator.review.markdown import render_markdown
from annotator.review.models import AnnotationEvent, Flag, Notification, Reply
from annotator.review.notifications import notify
from annotator.review.selectors import annotation_visible_q, reply_get_for

Action = AnnotationEvent.Action
Status = Annotation.Status
Kind = Notification.Kind

MAX_COMMENT_LENGTH = 5000

__all__ = [
    "annotation_hide",
    "annotation_lock",
    "annotation_restore",
    "annotation_review",
    "annotation_submit",
    "annotation_unlock",
    "flag_create",
    "flag_resolve",
    "notify",
    "reply_create",
    "reply_hide",
]


def _lock_annotation(*, actor: Any, annotation_id: Any) -> Annotation:
    """The visible annotation, locked for this transaction (404 if the actor cannot see it)."""
    try:
        annotation_id = int(annotation_id)
    except (TypeError, ValueError) as exc:
        raise NotFoundError(_("No such annotation.")) from exc
    annotation = (
        Annotation.objects.select_for_update(of=("self",))
        .select_related("author")  # notifications go to the author: no query for it later
        .filter(annotation_visible_q(actor), pk=annotation_id)
        .first()
    )
    if annotation is None:
        raise NotFoundError(_("No such annotation."))
    return annotation


def _check_version(annotation: Annotation, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != annotation.version:
        raise StaleVersionError(
            _("This annotation changed since you loaded it (version %(current)s).")
            % {"current": annotation.version},
            current={
                "id": annotation.pk,
                "status": annotation.status,
                "version": annotation.version,
            },
        )


def _transition(
    annotation: Annotation,
    *,
    actor: Any,
    fields: list[str],
    action: str,
    from_state: str,
    comment: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """Save `fields` (version bumped), the history row and the event: one statement."""
    annotation.version += 1
    update_with_audit(
        annotation,
        fields=fields,
        actor=actor,
        action=action,
        from_state=from_state,
        comment=comment,
        details=details,
    )


def _record(
    annotation: Annotation,
    *,
    actor: Any,
    action: str,
    from_state: str,
    comment: str = "",
    details: dict[str, Any] | None = None,
) -> AnnotationEvent:
    return AnnotationEvent.objects.create(
        annotation=annotation,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=annotation.status,
        comment=comment,
        details=details or {},
    )


def reviewed_snapshot(annotation: Annotation) -> dict[str, Any]:
    """What the reviewer saw when deciding (comment, tags, proposals, passage), kept in the
    decision event's details so that a resubmission can show what changed since. One query."""
    return {
        "snapshot": {
            "comment": annotation.comment,
            "tags": list(annotation.tags),
            "proposals": [
                [pk, title]
                for pk, title in annotation.proposals.order_by("pk").values_list("pk", "title")
            ],
            "exact": annotation.exact,
            "start": annotation.start,
            "end": annotation.end,
        }
    }


def _clean_comment(comment: Any, *, required: bool, message: str, field: str = "comment") -> str:
    """The stripped text; errors are reported under `field`, the name the caller sent it as."""
    if comment is not None and not isinstance(comment, str):
        not_text = _("The comment must be text.")
        raise InvalidInputError(not_text, fields={field: [message or not_text]})
    cleaned = (comment or "").strip()
    if required and not cleaned:
        raise InvalidInputError(message, fields={field: [message]})
    if len(cleaned) > MAX_COMMENT_LENGTH:
        too_long = _("The comment is too long (%(max)s characters at most).") % {
            "max": MAX_COMMENT_LENGTH
        }
        raise InvalidInputError(too_long, fields={field: [too_long]})
    return cleaned


@transaction.atomic
def annotation_submit(
    *, actor: Any, annotation_id: int, expected_version: int | None = None
) -> Annotation:
    """The author sends a draft (or an annotation sent back for changes) to review. Row locked."""
    annotation = _lock_annotation(actor=actor, annotation_id=annotation_id)
    transition = workflow.check_transition("submit", actor=actor, annotation=annotation)
    _check_version(annotation, expected_version)
    from_state = annotation.status
    before = live.annotation_before(annotation)
    annotation.status = transition.target
    _transition(
        annotation, actor=actor, fields=["status"], action=Action.SUBMIT, from_state=from_state
    )
    live.annotation_changed(
        live.Kind.ANNOTATION_SUBMITTED, annotation_id=annotation.pk, before=before, actor=actor
    )
    return annotation


def approvals_in_current_round(annotation: Annotation) -> set[int]:
    """Distinct approvers since the annotation last entered review: a submission, an edit of an
    approved annotation or a re-check after a text revision each start a new round."""
    round_start = (
        AnnotationEvent.objects.filter(annotation=annotation, to_state=Status.SUBMITTED)
        .exclude(from_state=Status.SUBMITTED)
        .order_by("-id")
        .values("id")[:1]
    )
    # One query: the approvals after the round's start (all of them when it has none).
    approvals = AnnotationEvent.objects.filter(
        annotation=annotation,
        action=Action.APPROVE,
        id__gt=Coalesce(Subquery(round_start), Value(0)),
    )
    return set(approvals.values_list("actor_id", flat=True))


@transaction.atomic
def annotation_review(
    *,
    actor: Any,
    annotation_id: int,
    decision: str,
    comment: str = "",
    expected_version: int | None = None,
) -> Annotation:
    """Approve, request changes or reject a submitted annotation. Row locked.

    Guarantees: never the author (403), only reviewers and moderators (403), only from
    `submitted` (409); request_changes and reject need a comment (400). An approval counts once
    per approver per submission; `REVIEW_APPROVALS_REQUIRED` distinct approvals (or one
    moderator's) make it approved. The author is notified of the outcome.
    """
    if decision not in workflow.REVIEW_DECISIONS:
        message = _("The decision must be one of: approve, request_changes, reject.")
        raise InvalidInputError(message, fields={"decision": [message]})
    annotation = _lock_annotation(actor=actor, annotation_id=annotation_id)
    transition = workflow.check_transition(decision, actor=actor, annotation=annotation)
    comment = _clean_comment(
        comment,
        required=transition.comment_required,
        message=_("A comment is required to request changes or to reject."),
    )
    _check_version(annotation, expected_version)
    from_state = annotation.status
    before = live.annotation_before(annotation)

    if decision == "approve":
        approvers = approvals_in_current_round(annotation)
        if actor.pk in approvers:
            raise DuplicateError(
                _("You have already approved this version of the annotation."),
                status=annotation.status,
            )
        enough = len(approvers) + 1 >= settings.REVIEW_APPROVALS_REQUIRED
        if enough or roles.is_moderator(actor):
            annotation.status = transition.target
            _transition(
                annotation,
                actor=actor,
                fields=["status"],
                action=Action.APPROVE,
                from_state=from_state,
                comment=comment,
                details=reviewed_snapshot(annotation),
            )
            notify(
                recipient=annotation.author,
                kind=Kind.APPROVED,
                annotation=annotation,
                actor=actor,
                text=comment,
            )
            live.annotation_changed(
                live.Kind.ANNOTATION_REVIEWED,
                annotation_id=annotation.pk,
                before=before,
                actor=actor,
            )
        else:
            _record(
                annotation,
                actor=actor,
                action=Action.APPROVE,
                from_state=from_state,
                comment=comment,
                details=reviewed_snapshot(annotation),
            )
        return annotation

    annotation.status = transition.target
    action = Action.REQUEST_CHANGES if decision == "request_changes" else Action.REJECT
    _transition(
        annotation,
        actor=actor,
        fields=["status"],
        action=action,
        from_state=from_state,
        comment=comment,
        details=reviewed_snapshot(annotation),
    )
    kind = Kind.CHANGES_REQUESTED if decision == "request_changes" else Kind.REJECTED
    notify(recipient=annotation.author, kind=kind, annotation=annotation, actor=actor, text=comment)
    live.annotation_changed(
        live.Kind.ANNOTATION_REVIEWED, annotation_id=annotation.pk, before=before, actor=actor
    )
    return annotation


# The notice each moderation action sends the annotation's author (with the reason, if any).
MODERATION_NOTICES = {
    "hide": Notification.Kind.HIDDEN,
    "lock": Notification.Kind.LOCKED,
    "unlock": Notification.Kind.UNLOCKED,
    "restore": Notification.Kind.RESTORED,
}


def _moderate(
    action: str, *, actor: Any, annotation_id: int, fields: dict[str, Any], comment: str = ""
) -> Annotation:
    """Apply a moderation action under the row lock, record it, and tell the author (in the same
    transaction; the email goes after commit) unless the moderator is the author."""
    annotation = _lock_annotation(actor=actor, annotation_id=annotation_id)
    workflow.check_moderation(action, actor=actor, annotation=annotation)
    before = live.annotation_before(annotation)
    for name, value in fields.items():
        setattr(annotation, name, value)
    _transition(
        annotation,
        actor=actor,
        fields=list(fields),
        action=action,
        from_state=annotation.status,
        comment=comment,
    )
    if annotation.author_id != actor.pk:
        notify(
            recipient=annotation.author,
            kind=MODERATION_NOTICES[action],
            annotation=annotation,
            actor=actor,
            text=comment,
        )
    kind = live.Kind.ANNOTATION_HIDDEN if action == "hide" else live.Kind.ANNOTATION_MODERATED
    live.annotation_changed(kind, annotation_id=annotation.pk, before=before, actor=actor)
    return annotation


@transaction.atomic
def annotation_lock(*, actor: Any, annotation_id: int, reason: str = "") -> Annotation:
    """A moderator freezes the annotation's state (no submission or review until unlocked)."""
    reason = _clean_comment(reason, required=False, message="", field="reason")
    return _moderate(
        "lock", actor=actor, annotation_id=annotation_id, fields={"is_locked": True}, comment=reason
    )


@transaction.atomic
def annotation_unlock(*, actor: Any, annotation_id: int) -> Annotation:
    return _moderate(
        "unlock", actor=actor, annotation_id=annotation_id, fields={"is_locked": False}
    )


@transaction.atomic
def annotation_hide(*, actor: Any, annotation_id: int, reason: str) -> Annotation:
    """A moderator hides the annotation from every list and export; it is kept, with the reason."""
    reason = _clean_comment(
        reason, required=True, message=_("A reason is required to hide."), field="reason"
    )
    return _moderate(
        "hide",
        actor=actor,
        annotation_id=annotation_id,
        fields={"hidden_at": timezone.now(), "hidden_by": actor, "hidden_reason": reason},
        comment=reason,
    )


@transaction.atomic
def annotation_restore(*, actor: Any, annotation_id: int) -> Annotation:
    return _moderate(
        "restore",
        actor=actor,
        annotation_id=annotation_id,
        fields={"hidden_at": None, "hidden_by": None, "hidden_reason": ""},
    )


MAX_REPLY_LENGTH = 10_000


@transaction.atomic
def reply_create(
    *, actor: Any, annotation_id: int, body: str, parent_id: int | None = None
) -> Reply:
    """Anyone who can see the annotation replies; its state does not change. The annotation's
    author (and the author of the reply answered) are notified, never the replier themself."""
    annotation = _lock_annotation(actor=actor, annotation_id=annotation_id)
    if not isinstance(body, str) or not body.strip():
        message = _("A reply cannot be empty.")
        raise InvalidInputError(message, fields={"body": [message]})
    if len(body) > MAX_REPLY_LENGTH:
        message = _("A reply is limited to %(max)s characters.") % {"max": MAX_REPLY_LENGTH}
        raise InvalidInputError(message, fields={"body": [message]})
    parent = None
    if parent_id is not None:
        parent = Reply.objects.filter(pk=parent_id, annotation=annotation).first()
        if parent is None:
            message = _("The reply you answer does not belong to this annotation.")
            raise InvalidInputError(message, fields={"parent": [message]})
    reply = Reply.objects.create(
        annotation=annotation,
        parent=parent,
        author=actor,
        body=body.strip(),
        body_html=render_markdown(body.strip()),
    )
    recipients = {annotation.author_id: annotation.author}
    if parent is not None:
        recipients.setdefault(parent.author_id, parent.author)
    for user_id, user in recipients.items():
        if user_id != actor.pk:
            notify(
                recipient=user,
                kind=Kind.REPLY,
                annotation=annotation,
                actor=actor,
                text=body.strip()[:280],
            )
    live.reply_added(reply=reply, annotation=annotation)
    return reply


@transaction.atomic
def reply_hide(*, actor: Any, reply_id: int, reason: str) -> Reply:
    """A moderator hides a reply (kept, with the reason)."""
    if not roles.is_moderator(actor):
        raise PermissionDeniedError(_("Only moderators can hide a reply."))
    reason = _clean_comment(
        reason, required=True, message=_("A reason is required to hide."), field="reason"
    )
    reply = reply_get_for(actor=actor, reply_id=reply_id)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    reply.hidden_at = timezone.now()
    reply.hidden_by = actor
    reply.hidden_reason = reason
    reply.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return reply


@transaction.atomic
def flag_create(
    *,
    actor: Any,
    reason: str,
    note: str = "",
    annotation_id: int | None = None,
    reply_id: int | None = None,
) -> Flag:
    """Any signed-in user flags an annotation or a reply they can see; one open flag each."""
    if (annotation_id is None) == (reply_id is None):
        message = _("Flag exactly one annotation or one reply.")
        raise InvalidInputError(message, fields={"annotation": [message]})
    if reason not in Flag.Reason.values:
        message = _("The reason must be one of: wrong, duplicate, abusive.")
        raise InvalidInputError(message, fields={"reason": [message]})
    note = _clean_comment(note, required=False, message="", field="note")
    if reply_id is not None:
        target: dict[str, Any] = {"reply": reply_get_for(actor=actor, reply_id=reply_id)}
    else:
        target = {"annotation": _lock_annotation(actor=actor, annotation_id=annotation_id)}
    if Flag.objects.filter(reporter=actor, status=Flag.Status.OPEN, **target).exists():
        raise DuplicateError(_("You have already flagged this; a moderator will look at it."))
    return Flag.objects.create(reporter=actor, reason=reason, note=note, **target)


@transaction.atomic
def flag_resolve(*, actor: Any, flag_id: int, status: str) -> Flag:
    """A moderator closes a flag as resolved or dismissed."""
    if not roles.is_moderator(actor):
        raise PermissionDeniedError(_("Only moderators handle flags."))
    if status not in (Flag.Status.RESOLVED, Flag.Status.DISMISSED):
        message = _("A flag is closed as resolved or dismissed.")
        raise InvalidInputError(message, fields={"status": [message]})
    flag = Flag.objects.select_for_update().filter(pk=flag_id).first()
    if flag is None:
        raise NotFoundError(_("No such flag."))
    if flag.status != Flag.Status.OPEN:
        raise workflow.InvalidTransitionError(_("This flag is already closed."))
    flag.status = status
    flag.resolved_by = actor
    flag.resolved_at = timezone.now()
    flag.save(update_fields=["status", "resolved_by", "resolved_at"])
    return flag
