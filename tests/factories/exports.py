"""Factories for the exports: verified annotations (with their approval event), verdicts,
ratings and export jobs."""

from __future__ import annotations

import factory

from annotator.annotations.models import Annotation
from annotator.exports.models import ExportJob
from annotator.review.models import AnnotationEvent
from proposals.models import Feasibility, Level, Verdict
from tests.factories.annotations import AnnotationFactory
from tests.factories.core import ProposalFactory, UserFactory
from tests.factories.proposals import RatingFactory as ProposalRatingFactory


def approved_annotation(*, reviewer=None, proposals=(), **kwargs) -> Annotation:  # type: ignore[no-untyped-def]
    """An approved annotation and the review event that approved it (as the review flow records)."""
    annotation = AnnotationFactory(
        status=Annotation.Status.APPROVED, proposals=list(proposals), **kwargs
    )
    AnnotationEvent.objects.create(
        annotation=annotation,
        actor=reviewer or UserFactory(role="reviewer"),
        action=AnnotationEvent.Action.APPROVE,
        from_state=Annotation.Status.SUBMITTED,
        to_state=Annotation.Status.APPROVED,
    )
    return annotation


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verdict

    proposal = factory.SubFactory(ProposalFactory)
    feasibility = Feasibility.CONDITIONAL
    summary = "Réalisable si le budget suit."
    published_by = factory.SubFactory(UserFactory, role="reviewer")
    is_current = True


class RatingFactory(ProposalRatingFactory):
    """A complete, valid rating whose default sits in the middle of the scale."""

    feasibility = Feasibility.CONDITIONAL
    confidence = Level.HIGH


class ExportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExportJob

    requested_by = factory.SubFactory(UserFactory, role="fact-checker")
    format = ExportJob.Format.JSONL
    filters = factory.LazyFunction(
        lambda: {
            "election": None,
            "candidate": None,
            "theme": None,
            "article": None,
            "date_from": None,
            "date_to": None,
            "verified_only": True,
        }
    )
