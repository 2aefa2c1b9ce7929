"""The review queue's reads: filters kept in the URL, the choices they offer, and for a
resubmitted annotation the earlier review decisions and what changed since the last one.

Query shape: the filtered queue is one query (plus the proposals prefetch); the filter choices
four small queries over the actor's unfiltered queue; the earlier decisions one query per page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from annotator.annotations.models import Annotation
from annotator.articles.models import Article
from annotator.lib.textdiff import word_diff
from annotator.review.models import AnnotationEvent
from annotator.review.selectors import annotation_review_queue_for
from proposals.models import Candidacy, Theme

Action = AnnotationEvent.Action
DECISIONS = (Action.APPROVE, Action.REQUEST_CHANGES, Action.REJECT)


class QueueFilterForm(forms.Form):
    """The queue's filters as GET parameters; choices limited to what the actor's queue holds,
    so an id from the URL is never looked up outside it (an unknown one is a 400)."""

    STATES = (("", _("All")), ("new", _("First submission")), ("resubmitted", _("Resubmitted")))

    source = forms.ModelChoiceField(
        queryset=Article.objects.none(), required=False, label=_("Source")
    )
    author = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label=_("Author"),
        empty_label=_("All"),
    )
    candidacy = forms.ModelChoiceField(
        queryset=Candidacy.objects.none(),
        required=False,
        label=_("Candidacy"),
        empty_label=_("All"),
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(), required=False, label=_("Theme"), empty_label=_("All")
    )
    state = forms.ChoiceField(choices=STATES, required=False, label=_("State"))

    def __init__(self, data: Any, *, actor: Any) -> None:
        super().__init__(data)
        queue = annotation_review_queue_for(actor=actor).values("pk")
        in_queue = Annotation.objects.filter(pk__in=queue)
        fields = self.fields
        fields["source"].queryset = Article.objects.filter(  # type: ignore[attr-defined]
            pk__in=in_queue.values("article_id")
        ).order_by("title")
        fields["author"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(pk__in=in_queue.values("author_id"))
            .order_by("username")
        )
        fields["author"].label_from_instance = lambda u: u.get_full_name() or u.get_username()  # type: ignore[attr-defined]
        fields["candidacy"].queryset = (  # type: ignore[attr-defined]
            Candidacy.objects.filter(
                Q(proposals__annotations__in=in_queue) | Q(articles__annotations__in=in_queue)
            )
            .select_related("candidate", "election")
            .distinct()
            .order_by("election__date", "candidate__last_name")
        )
        fields["candidacy"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.candidate.full_name} · {c.election.date:%Y}"
        )
        fields["theme"].queryset = (  # type: ignore[attr-defined]
            Theme.objects.filter(
                Q(primary_proposals__annotations__in=in_queue)
                | Q(secondary_proposals__annotations__in=in_queue)
            )
            .distinct()
            .order_by("position")
        )
        fields["theme"].label_from_instance = lambda t: t.short_label  # type: ignore[attr-defined]

    @property
    def active(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


def queue_filtered(*, actor: Any, filters: dict[str, Any]) -> QuerySet[Annotation]:
    """The actor's queue (oldest submission first) narrowed by the cleaned filters."""
    queue = annotation_review_queue_for(actor=actor)
    if filters.get("source"):
        queue = queue.filter(article=filters["source"])
    if filters.get("author"):
        queue = queue.filter(author=filters["author"])
    if filters.get("candidacy"):
        candidacy = filters["candidacy"]
        queue = queue.filter(
            Q(pk__in=Annotation.objects.filter(proposals__candidacy=candidacy).values("pk"))
            | Q(article__in=Article.objects.filter(candidacies=candidacy).values("pk"))
        )
    if filters.get("theme"):
        theme = filters["theme"]
        queue = queue.filter(
            pk__in=Annotation.objects.filter(
                Q(proposals__primary_theme=theme) | Q(proposals__secondary_themes=theme)
            ).values("pk")
        )
    reviewed_before = AnnotationEvent.objects.filter(action__in=DECISIONS).values("annotation_id")
    if filters.get("state") == "new":
        queue = queue.exclude(pk__in=reviewed_before)
    elif filters.get("state") == "resubmitted":
        queue = queue.filter(pk__in=reviewed_before)
    return queue


@dataclass
class Resubmission:
    """Earlier review decisions of a resubmitted annotation and what changed since the last."""

    decisions: list[AnnotationEvent]
    comment_diff: SafeString | None = None
    tags_added: list[str] = field(default_factory=list)
    tags_removed: list[str] = field(default_factory=list)
    proposals_added: list[str] = field(default_factory=list)
    proposals_removed: list[str] = field(default_factory=list)
    passage_diff: SafeString | None = None
    compared: bool = False  # False when the last decision predates the recorded snapshots

    @property
    def changed(self) -> bool:
        return bool(
            self.comment_diff
            or self.tags_added
            or self.tags_removed
            or self.proposals_added
            or self.proposals_removed
            or self.passage_diff
        )


def resubmissions_for(annotations: list[Annotation]) -> dict[int, Resubmission]:
    """For each annotation of the page already reviewed before: its decisions (oldest first,
    with their reviewers) and the differences between the last decision's snapshot and now.
    One query; the annotations' proposals must be prefetched."""
    ids = [a.pk for a in annotations]
    events = (
        AnnotationEvent.objects.filter(annotation_id__in=ids, action__in=DECISIONS)
        .select_related("actor")
        .order_by("annotation_id", "id")
    )
    by_annotation: dict[int, list[AnnotationEvent]] = {}
    for event in events:
        by_annotation.setdefault(event.annotation_id, []).append(event)
    result: dict[int, Resubmission] = {}
    for annotation in annotations:
        decisions = by_annotation.get(annotation.pk)
        if not decisions:
            continue
        entry = Resubmission(decisions=decisions)
        snapshot = decisions[-1].details.get("snapshot")
        if snapshot:
            entry.compared = True
            entry.comment_diff = word_diff(snapshot["comment"], annotation.comment)
            before_tags, now_tags = set(snapshot["tags"]), set(annotation.tags)
            entry.tags_added = sorted(now_tags - before_tags)
            entry.tags_removed = sorted(before_tags - now_tags)
            before = {pk: title for pk, title in snapshot["proposals"]}
            now = {p.pk: p.title for p in annotation.proposals.all()}
            entry.proposals_added = [now[pk] for pk in now if pk not in before]
            entry.proposals_removed = [before[pk] for pk in before if pk not in now]
            if (snapshot["start"], snapshot["end"], snapshot["exact"]) != (
                annotation.start,
                annotation.end,
                annotation.exact,
            ):
                entry.passage_diff = word_diff(snapshot["exact"], annotation.exact) or escape(
                    annotation.exact
                )
        result[annotation.pk] = entry
    return result
