"""Server-rendered review pages: the queue, the inbox and an annotation's page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from annotator.annotations.models import Annotation
from annotator.lib import policy, roles
from annotator.lib.errors import NotFoundError
from annotator.review import queue, selectors, workflow
from annotator.review.models import Flag
from annotator.review.notifications import (
    notification_link,
    notification_mark_all_read,
    notification_mark_read,
)

QUEUE_PAGE_SIZE = 10


def _js_messages() -> dict[str, object]:
    return {
        "approved": _("Approved: this annotation is now verified."),
        "changes_requested": _("Changes requested: sent back to its author."),
        "rejected": _("Rejected."),
        "approvalRecorded": _("Approval recorded (%(count)s of %(required)s)."),
        "failed": _("The server did not accept this action. Try again."),
        "sent": _("Sent."),
        "undo": _("Undo"),
        "undone": _("Decision cancelled: nothing was sent."),
        "pending": _("%(decision)s in %(seconds)s s…"),
        "commentRequired": _(
            "Write a comment for the author: it is required to request changes or reject."
        ),
        "decisions": {
            "approve": _("Approval"),
            "request_changes": _("Request for changes"),
            "reject": _("Rejection"),
        },
        "labels": {value: str(label) for value, label in Annotation.Status.choices},
    }


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """The actor's queue, filtered by the URL's parameters (an unknown value is a 400),
    QUEUE_PAGE_SIZE cards a page, resubmissions with their earlier reviews and changes."""
    if not roles.is_reviewer(request.user):
        raise PermissionDenied(_("Only reviewers and moderators review annotations."))
    form = queue.QueueFilterForm(request.GET or None, actor=request.user)
    status = 200
    filters: dict[str, object] = {}
    if form.is_bound:
        if form.is_valid():
            filters = form.cleaned_data
        else:
            status = 400
    page = Paginator(queue.queue_filtered(actor=request.user, filters=filters), QUEUE_PAGE_SIZE)
    current = page.get_page(request.GET.get("page"))
    annotations = list(current) if status == 200 else []
    resubmissions = queue.resubmissions_for(annotations)
    items = [
        {
            "annotation": annotation,
            "around": selectors.passage_in_context(annotation),
            "resubmission": resubmissions.get(annotation.pk),
        }
        for annotation in annotations
    ]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "review/review_queue.html",
        {
            "items": items,
            "form": form,
            "page": current,
            "total": page.count if status == 200 else 0,
            "page_query": params.urlencode(),
            "approvals_required": settings.REVIEW_APPROVALS_REQUIRED,
            "js_messages": _js_messages(),
        },
        status=status,
    )


@login_required
def my_annotations(request: HttpRequest) -> HttpResponse:
    """The user's own annotations by state: what needs changes, what waits, what is verified."""
    state = request.GET.get("state") or ""
    page = Paginator(
        selectors.annotation_list_mine(actor=request.user, status=state or None), 50
    ).get_page(request.GET.get("page"))
    counts = selectors.review_counts_for(actor=request.user)
    tabs = [(value, label, counts[value]) for value, label in Annotation.Status.choices]
    return render(
        request, "review/my_annotations.html", {"page": page, "state": state, "tabs": tabs}
    )


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notification_mark_all_read(actor=request.user)
        return redirect("review:inbox")
    page = Paginator(selectors.notification_list_for(actor=request.user), 50).get_page(
        request.GET.get("page")
    )
    rows = [(notification, notification_link(notification)) for notification in page]
    return render(request, "review/inbox.html", {"page": page, "rows": rows})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to what it is about."""
    try:
        notification = notification_mark_read(actor=request.user, notification_id=pk)
    except NotFoundError as exc:
        raise Http404 from exc
    return redirect(notification_link(notification))


@login_required
def annotation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    try:
        annotation = selectors.annotation_get_for(actor=user, annotation_id=pk)
    except NotFoundError as exc:
        withdrawn = selectors.annotation_withdrawn_for(actor=user, annotation_id=pk)
        if withdrawn is None:
            raise Http404 from exc
        # A notification (inbox or email) led here: say what happened instead of a 404.
        return render(
            request,
            "review/annotation_withdrawn.html",
            {
                "annotation": withdrawn,
                "show_reason": policy.sees_hiding_reason(user, withdrawn),
            },
        )
    events = list(selectors.events_of(annotation))
    replies = list(selectors.replies_of(annotation, actor=user))
    is_author = annotation.author_id == user.pk
    open_state = (
        not annotation.is_locked and annotation.hidden_at is None and annotation.deleted_at is None
    )
    submit_sources = workflow.TRANSITIONS["submit"].sources
    approvers = selectors.approvers_in_round(events) if annotation.status == "submitted" else set()
    context = {
        "annotation": annotation,
        "around": selectors.passage_in_context(annotation),
        "events": events,
        "threads": selectors.reply_threads(replies),
        "is_author": is_author,
        "can_submit": is_author and open_state and annotation.status in submit_sources,
        "can_review": (
            roles.is_reviewer(user)
            and not is_author
            and open_state
            and annotation.status == "submitted"
            and user.pk not in approvers
        ),
        "approvals": len(approvers),
        "approvals_required": settings.REVIEW_APPROVALS_REQUIRED,
        "flag_reasons": Flag.Reason.choices,
        "js_messages": _js_messages(),
    }
    return render(request, "review/annotation_detail.html", context)
