from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from annotator.annotations.models import Annotation
from annotator.lib.errors import (
    DuplicateError,
    InvalidInputError,
    InvalidTransitionError,
    PermissionDeniedError,
    StaleVersionError,
)
from annotator.review import services
from annotator.review.models import AnnotationEvent, Notification
from tests.factories import AnnotationFactory, UserFactory
from tests.factories.review import submitted_annotation

pytestmark = pytest.mark.django_db


def test_two_distinct_approvals_are_needed_when_the_setting_says_two(settings, reviewer, reviewer2):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    annotation = submitted_annotation()
    services.annotation_review(actor=reviewer, annotation_id=annotation.pk, decision="approve")
    annotation.refresh_from_db()
    assert annotation.status == "submitted"
    assert not Notification.objects.filter(annotation=annotation).exists()
    services.annotation_review(actor=reviewer2, annotation_id=annotation.pk, decision="approve")
    annotation.refresh_from_db()
    assert annotation.status == "approved"
    events = list(annotation.events.filter(action="approve").values_list("to_state", flat=True))
    assert events == ["submitted", "approved"]
    assert Notification.objects.get(annotation=annotation).kind == "approved"


def test_the_same_reviewer_cannot_approve_the_same_submission_twice(settings, reviewer):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    annotation = submitted_annotation()
    services.annotation_review(actor=reviewer, annotation_id=annotation.pk, decision="approve")
    with pytest.raises(DuplicateError):
        services.annotation_review(actor=reviewer, annotation_id=annotation.pk, decision="approve")
    assert annotation.events.filter(action="approve").count() == 1


def test_approvals_count_again_after_a_resubmission(settings, reviewer, reviewer2):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    annotation = submitted_annotation()
    services.annotation_review(actor=reviewer, annotation_id=annotation.pk, decision="approve")
    services.annotation_review(
        actor=reviewer2, annotation_id=annotation.pk, decision="request_changes", comment="Source?"
    )
    services.annotation_submit(actor=annotation.author, annotation_id=annotation.pk)
    services.annotation_review(actor=reviewer2, annotation_id=annotation.pk, decision="approve")
    annotation.refresh_from_db()
    assert annotation.status == "submitted"  # the first approval was for the previous version


def test_a_moderator_approval_is_final_even_when_two_are_required(settings, moderator):
    settings.REVIEW_APPROVALS_REQUIRED = 2
    annotation = submitted_annotation()
    services.annotation_review(actor=moderator, annotation_id=annotation.pk, decision="approve")
    annotation.refresh_from_db()
    assert annotation.status == "approved"


@pytest.mark.parametrize("decision", ["request_changes", "reject"])
@pytest.mark.parametrize("comment", ["", "   "])
def test_a_rejection_or_change_request_without_a_comment_is_refused(reviewer, decision, comment):
    annotation = submitted_annotation()
    with pytest.raises(InvalidInputError) as caught:
        services.annotation_review(
            actor=reviewer, annotation_id=annotation.pk, decision=decision, comment=comment
        )
    assert "comment" in caught.value.fields
    annotation.refresh_from_db()
    assert annotation.status == "submitted"


def test_the_author_cannot_review_even_as_a_moderator(moderator):
    annotation = submitted_annotation(author=moderator)
    with pytest.raises(PermissionDeniedError, match="propre annotation"):
        services.annotation_review(actor=moderator, annotation_id=annotation.pk, decision="approve")


def test_a_locked_annotation_cannot_be_reviewed_or_resubmitted_until_unlocked(moderator, reviewer):
    annotation = submitted_annotation()
    services.annotation_lock(actor=moderator, annotation_id=annotation.pk, reason="Litige")
    with pytest.raises(InvalidTransitionError, match="verrouillée"):
        services.annotation_review(actor=reviewer, annotation_id=annotation.pk, decision="approve")
    services.annotation_unlock(actor=moderator, annotation_id=annotation.pk)
    services.annotation_review(actor=reviewer, annotation_id=annotation.pk, decision="approve")
    annotation.refresh_from_db()
    assert annotation.status == "approved" and not annotation.is_locked


def test_a_hidden_annotation_cannot_be_hidden_without_a_reason(moderator):
    annotation = submitted_annotation()
    with pytest.raises(InvalidInputError):
        services.annotation_hide(actor=moderator, annotation_id=annotation.pk, reason=" ")


def test_a_stale_version_is_refused_with_the_current_state(reviewer):
    annotation = submitted_annotation()
    with pytest.raises(StaleVersionError) as caught:
        services.annotation_review(
            actor=reviewer,
            annotation_id=annotation.pk,
            decision="approve",
            expected_version=annotation.version + 5,
        )
    assert caught.value.extra["current"]["status"] == "submitted"


def test_each_transition_bumps_the_version(fact_checker):
    annotation = AnnotationFactory(author=fact_checker)
    updated = services.annotation_submit(actor=fact_checker, annotation_id=annotation.pk)
    assert updated.version == annotation.version + 1


@pytest.mark.parametrize("field", ["comment", "proposals"])
def test_editing_the_comment_or_links_of_an_approved_annotation_sends_it_back(field):
    from annotator.annotations.services import annotation_update
    from tests.factories import ProposalFactory

    annotation = AnnotationFactory(status="approved")
    change = (
        {"comment": "Chiffrage corrigé."}
        if field == "comment"
        else {"proposals": [ProposalFactory().pk]}
    )
    annotation_update(
        actor=annotation.author,
        annotation_id=annotation.pk,
        expected_version=annotation.version,
        **change,
    )
    annotation.refresh_from_db()
    assert annotation.status == "submitted"
    event = AnnotationEvent.objects.filter(annotation=annotation).latest("id")
    assert (event.action, event.from_state, event.to_state) == ("edit", "approved", "submitted")


def test_editing_only_the_tags_of_an_approved_annotation_keeps_it_approved():
    from annotator.annotations.services import annotation_update

    annotation = AnnotationFactory(status="approved")
    annotation_update(
        actor=annotation.author,
        annotation_id=annotation.pk,
        expected_version=annotation.version,
        tags=["chiffrage"],
    )
    annotation.refresh_from_db()
    assert annotation.status == "approved"


def test_events_cannot_be_edited_or_deleted_even_with_raw_sql():
    annotation = submitted_annotation()
    event = AnnotationEvent.objects.get(annotation=annotation)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AnnotationEvent.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AnnotationEvent.objects.filter(pk=event.pk).delete()
    assert AnnotationEvent.objects.get(pk=event.pk).comment == ""


def test_a_user_without_a_role_cannot_review(outsider):
    annotation = submitted_annotation()
    with pytest.raises(PermissionDeniedError, match="relecteurs"):
        services.annotation_review(actor=outsider, annotation_id=annotation.pk, decision="approve")


def test_reviewing_notifies_the_author_and_emails_them_after_commit(
    reviewer, django_capture_on_commit_callbacks, mailoutbox
):
    annotation = submitted_annotation()
    with django_capture_on_commit_callbacks(execute=True):
        services.annotation_review(
            actor=reviewer, annotation_id=annotation.pk, decision="reject", comment="Hors sujet"
        )
    notification = Notification.objects.get(recipient=annotation.author)
    assert notification.kind == "rejected" and notification.text == "Hors sujet"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [annotation.author.email]
    assert f"/annotations/{annotation.pk}/" in mailoutbox[0].body


def test_no_email_is_sent_to_a_user_without_an_address(
    reviewer, django_capture_on_commit_callbacks, mailoutbox
):
    author = UserFactory(role="fact-checker", email="")
    annotation = submitted_annotation(author=author)
    with django_capture_on_commit_callbacks(execute=True):
        services.annotation_review(actor=reviewer, annotation_id=annotation.pk, decision="approve")
    assert Notification.objects.filter(recipient=author, kind="approved").exists()
    assert mailoutbox == []


def test_notify_supports_a_verdict_published_on_a_rated_proposal(fact_checker, reviewer):
    from annotator.review.services import notify
    from tests.factories import ProposalFactory

    proposal = ProposalFactory()
    notification = notify(
        recipient=fact_checker, kind="verdict_published", proposal=proposal, actor=reviewer
    )
    assert notification.kind == "verdict_published"
    assert notification.get_kind_display()


def test_replying_does_not_change_the_state_and_notifies_the_author(fact_checker2):
    annotation = submitted_annotation()
    reply = services.reply_create(
        actor=fact_checker2, annotation_id=annotation.pk, body="**Source ?** <script>x</script>"
    )
    annotation.refresh_from_db()
    assert annotation.status == "submitted"
    assert "<strong>Source ?</strong>" in reply.body_html
    assert "<script>" not in reply.body_html
    assert Notification.objects.get(recipient=annotation.author).kind == "reply"


def test_the_author_replying_to_their_own_annotation_is_not_notified():
    annotation = submitted_annotation()
    services.reply_create(actor=annotation.author, annotation_id=annotation.pk, body="Précision.")
    assert not Notification.objects.exists()


def test_markdown_links_keep_only_safe_schemes(fact_checker2):
    annotation = submitted_annotation()
    reply = services.reply_create(
        actor=fact_checker2,
        annotation_id=annotation.pk,
        body="[ok](https://example.org) [bad](javascript:alert(1))",
    )
    assert 'href="https://example.org"' in reply.body_html
    assert 'href="javascript' not in reply.body_html
    assert reply.body_html.count("<a ") == 1


def test_nobody_but_the_author_sees_or_acts_on_a_draft(reviewer, moderator):
    draft = AnnotationFactory(status=Annotation.Status.DRAFT)
    from annotator.lib.errors import NotFoundError

    for actor in (reviewer, moderator):
        with pytest.raises(NotFoundError):
            services.reply_create(actor=actor, annotation_id=draft.pk, body="?")


def test_answering_a_reply_notifies_its_author_and_the_annotation_author(fact_checker2, reviewer):
    annotation = submitted_annotation()
    first = services.reply_create(actor=fact_checker2, annotation_id=annotation.pk, body="Source ?")
    services.reply_create(
        actor=reviewer, annotation_id=annotation.pk, body="Page 12.", parent_id=first.pk
    )
    notified = set(
        Notification.objects.filter(kind="reply", actor=reviewer).values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == {annotation.author.username, fact_checker2.username}


def test_a_moderator_hides_a_reply_and_others_no_longer_see_it(moderator, fact_checker2):
    from annotator.review.selectors import reply_list_for

    annotation = submitted_annotation()
    reply = services.reply_create(actor=fact_checker2, annotation_id=annotation.pk, body="Insulte")
    services.reply_hide(actor=moderator, reply_id=reply.pk, reason="Abus")
    assert list(reply_list_for(actor=fact_checker2, annotation_id=annotation.pk)) == []
    assert list(reply_list_for(actor=moderator, annotation_id=annotation.pk)) == [reply]
    with pytest.raises(PermissionDeniedError):
        services.reply_hide(actor=fact_checker2, reply_id=reply.pk, reason="?")
