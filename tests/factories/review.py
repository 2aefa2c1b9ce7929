from __future__ import annotations

from typing import Any

import factory

from annotator.annotations.models import Annotation
from annotator.review.markdown import render_markdown
from annotator.review.models import AnnotationEvent, Flag, Notification, Reply
from tests.factories.annotations import AnnotationFactory
from tests.factories.core import UserFactory


def submitted_annotation(**kwargs: Any) -> Annotation:
    """An annotation in `submitted` with the submit event its author would have recorded."""
    annotation = AnnotationFactory(status=Annotation.Status.SUBMITTED, **kwargs)
    AnnotationEvent.objects.create(
        annotation=annotation,
        actor=annotation.author,
        action=AnnotationEvent.Action.SUBMIT,
        from_state=Annotation.Status.DRAFT,
        to_state=Annotation.Status.SUBMITTED,
    )
    return annotation


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply

    annotation = factory.SubFactory(AnnotationFactory, status=Annotation.Status.SUBMITTED)
    author = factory.SubFactory(UserFactory, role="fact-checker")
    body = "Je ne trouve pas la source de ce chiffre."
    body_html = factory.LazyAttribute(lambda r: render_markdown(r.body))


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flag

    annotation = factory.SubFactory(AnnotationFactory, status=Annotation.Status.SUBMITTED)
    reporter = factory.SubFactory(UserFactory, role="fact-checker")
    reason = Flag.Reason.WRONG
    note = "Le passage cité ne dit pas cela."


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory, role="fact-checker")
    kind = Notification.Kind.APPROVED
    annotation = factory.SubFactory(AnnotationFactory, status=Annotation.Status.APPROVED)
    text = ""
