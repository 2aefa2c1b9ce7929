from __future__ import annotations

import pytest
from django.test import Client

from annotator.review.models import AnnotationEvent
from tests.factories import AnnotationFactory, UserFactory
from tests.factories.review import FlagFactory, ReplyFactory, submitted_annotation

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/annotations/annotation/"


def admin_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def run_action(client: Client, action: str, ids: list[int], reason: str = ""):  # type: ignore[no-untyped-def]
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [str(i) for i in ids], "reason": reason},
        follow=True,
    )


def test_a_moderator_hides_annotations_in_bulk_with_a_reason(moderator):
    first, second = submitted_annotation(), submitted_annotation()
    response = run_action(
        admin_for(moderator), "hide_annotations", [first.pk, second.pk], "Doublon"
    )
    assert response.status_code == 200
    for annotation in (first, second):
        annotation.refresh_from_db()
        assert annotation.hidden_reason == "Doublon" and annotation.hidden_by == moderator
        assert AnnotationEvent.objects.filter(annotation=annotation, action="hide").exists()


def test_hiding_without_a_reason_changes_nothing(moderator):
    annotation = submitted_annotation()
    run_action(admin_for(moderator), "hide_annotations", [annotation.pk])
    annotation.refresh_from_db()
    assert annotation.hidden_at is None


def test_bulk_approve_as_moderator_skips_what_the_rules_refuse_and_says_why(moderator):
    others = submitted_annotation()
    own = submitted_annotation(author=moderator)
    draft_of_moderator = AnnotationFactory(author=moderator)
    response = run_action(
        admin_for(moderator), "approve_as_moderator", [others.pk, own.pk, draft_of_moderator.pk]
    )
    others.refresh_from_db()
    own.refresh_from_db()
    assert others.status == "approved" and own.status == "submitted"
    assert "relit sa propre annotation" in response.content.decode()


def test_lock_restore_and_unlock_actions_go_through_the_services(moderator):
    annotation = submitted_annotation()
    client = admin_for(moderator)
    run_action(client, "lock_annotations", [annotation.pk], "Litige")
    run_action(client, "hide_annotations", [annotation.pk], "Abus")
    run_action(client, "restore_annotations", [annotation.pk])
    run_action(client, "unlock_annotations", [annotation.pk])
    actions = list(annotation.events.values_list("action", flat=True))
    assert actions == ["submit", "lock", "hide", "restore", "unlock"]


@pytest.mark.parametrize(
    "query",
    ["", "?status__exact=submitted", "?flagged=open", "?hidden=yes", "?q=fibre", "?flagged=any"],
)
def test_the_changelist_filters_and_search_answer(moderator, query):
    FlagFactory(annotation=submitted_annotation())
    assert admin_for(moderator).get(CHANGELIST + query).status_code == 200


def test_the_flagged_filter_lists_annotations_with_open_flags_only(moderator):
    flagged = submitted_annotation(comment="signalée")
    quiet = submitted_annotation(comment="tranquille")
    FlagFactory(annotation=flagged)
    html = admin_for(moderator).get(CHANGELIST + "?flagged=open").content.decode()
    assert f"/admin/annotations/annotation/{flagged.pk}/change/" in html
    assert f"/admin/annotations/annotation/{quiet.pk}/change/" not in html


def test_an_annotations_page_shows_its_events_and_its_history(moderator, reviewer):
    annotation = submitted_annotation()
    client = admin_for(moderator)
    page = client.get(f"{CHANGELIST}{annotation.pk}/change/")
    assert page.status_code == 200 and "submit" in page.content.decode().lower()
    assert client.get(f"{CHANGELIST}{annotation.pk}/history/").status_code == 200


def test_the_review_models_are_listed_for_moderators(moderator):
    ReplyFactory()
    FlagFactory()
    client = admin_for(moderator)
    for path in ("review/flag", "review/reply", "review/annotationevent", "review/notification"):
        assert client.get(f"/admin/{path}/").status_code == 200, path


@pytest.mark.parametrize("role", ["fact-checker", "reviewer"])
def test_non_moderators_cannot_use_the_admin(role):
    user = UserFactory(role=role)
    response = admin_for(user).get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_moderator_hides_a_flagged_reply_and_closes_the_flag(moderator):
    reply = ReplyFactory()
    flag = FlagFactory(annotation=None, reply=reply)
    admin_for(moderator).post(
        "/admin/review/flag/",
        {"action": "hide_flagged", "_selected_action": [str(flag.pk)], "reason": "Insulte"},
    )
    reply.refresh_from_db()
    flag.refresh_from_db()
    assert reply.hidden_reason == "Insulte" and flag.status == "resolved"


def test_proposals_ratings_and_verdicts_have_a_history_page_for_moderators(moderator):
    from tests.factories import ProposalFactory

    proposal = ProposalFactory()
    client = admin_for(moderator)
    assert client.get("/admin/proposals/proposal/").status_code == 200
    assert client.get(f"/admin/proposals/proposal/{proposal.pk}/history/").status_code == 200
    assert client.get("/admin/proposals/verdict/").status_code == 200
    assert client.get("/admin/proposals/feasibilityrating/").status_code == 200
