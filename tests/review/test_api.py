from __future__ import annotations

import pytest

from annotator.review.models import Flag, Notification
from tests.factories import AnnotationFactory, UserFactory
from tests.factories.review import (
    FlagFactory,
    NotificationFactory,
    ReplyFactory,
    submitted_annotation,
)
from tests.utils import client_for

pytestmark = pytest.mark.django_db


def test_author_submits_a_draft_and_gets_its_new_state(fact_checker):
    draft = AnnotationFactory(author=fact_checker)
    response = client_for(fact_checker).post(
        f"/api/annotations/{draft.pk}/submit/", {}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert response.json()["version"] == draft.version + 1


def test_submit_with_a_stale_if_match_header_answers_409_with_the_current_state(fact_checker):
    draft = AnnotationFactory(author=fact_checker)
    response = client_for(fact_checker).post(
        f"/api/annotations/{draft.pk}/submit/", {}, format="json", HTTP_IF_MATCH='"99"'
    )
    assert response.status_code == 409
    assert response.json()["error"] == "stale_version"
    assert response.json()["current"]["version"] == draft.version


def test_review_with_an_unknown_decision_answers_400_in_the_error_shape(reviewer):
    annotation = submitted_annotation()
    response = client_for(reviewer).post(
        f"/api/annotations/{annotation.pk}/reviews/", {"decision": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"error", "detail", "fields"}
    assert "decision" in response.json()["fields"]


def test_reject_without_comment_answers_400_naming_the_comment(reviewer):
    annotation = submitted_annotation()
    response = client_for(reviewer).post(
        f"/api/annotations/{annotation.pk}/reviews/", {"decision": "reject"}, format="json"
    )
    assert response.status_code == 400
    assert "comment" in response.json()["fields"]


def test_reviewing_own_annotation_answers_403_saying_which_rule(reviewer):
    annotation = submitted_annotation(author=reviewer)
    response = client_for(reviewer).post(
        f"/api/annotations/{annotation.pk}/reviews/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == 403
    assert "Personne ne relit sa propre annotation" in response.json()["detail"]


def test_approving_an_already_approved_annotation_answers_409_saying_which_state(reviewer):
    annotation = AnnotationFactory(status="approved")
    response = client_for(reviewer).post(
        f"/api/annotations/{annotation.pk}/reviews/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"] == "invalid_transition"
    assert "Approbation impossible" in response.json()["detail"]
    assert "« Approuvée »" in response.json()["detail"]


def test_anonymous_users_cannot_use_the_review_api():
    annotation = submitted_annotation()
    from rest_framework.test import APIClient

    response = APIClient().post(f"/api/annotations/{annotation.pk}/submit/", {}, format="json")
    assert response.status_code in (401, 403)


def test_events_list_the_history_in_order(fact_checker, reviewer):
    draft = AnnotationFactory(author=fact_checker)
    client_for(fact_checker).post(f"/api/annotations/{draft.pk}/submit/", {}, format="json")
    client_for(reviewer).post(
        f"/api/annotations/{draft.pk}/reviews/",
        {"decision": "request_changes", "comment": "Citer la page."},
        format="json",
    )
    response = client_for(fact_checker).get(f"/api/annotations/{draft.pk}/events/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["action"], r["to_state"]) for r in rows] == [
        ("submit", "submitted"),
        ("request_changes", "changes_requested"),
    ]
    assert rows[1]["actor"]["username"] == "rev" and rows[1]["comment"] == "Citer la page."


def test_events_of_another_users_draft_are_a_404(fact_checker, fact_checker2):
    draft = AnnotationFactory(author=fact_checker)
    assert client_for(fact_checker2).get(f"/api/annotations/{draft.pk}/events/").status_code == 404


def test_events_list_costs_the_same_number_of_queries_whatever_its_length(
    reviewer, django_assert_max_num_queries
):
    annotation = submitted_annotation()
    for i in range(15):
        client_for(UserFactory(role="fact-checker")).post(
            f"/api/annotations/{annotation.pk}/replies/", {"body": f"Message {i}"}, format="json"
        )
    client = client_for(reviewer)
    with django_assert_max_num_queries(5):
        assert client.get(f"/api/annotations/{annotation.pk}/events/").status_code == 200
    with django_assert_max_num_queries(5):
        response = client.get(f"/api/annotations/{annotation.pk}/replies/")
    assert response.json()["count"] == 15


def test_replies_are_threaded_and_sanitized(fact_checker, fact_checker2):
    annotation = submitted_annotation(author=fact_checker)
    first = client_for(fact_checker2).post(
        f"/api/annotations/{annotation.pk}/replies/", {"body": "_Pourquoi ?_"}, format="json"
    )
    assert first.status_code == 201
    answer = client_for(fact_checker).post(
        f"/api/annotations/{annotation.pk}/replies/",
        {"body": "<img src=x onerror=alert(1)> Voir p. 12", "parent": first.json()["id"]},
        format="json",
    )
    assert answer.status_code == 201
    assert answer.json()["parent"] == first.json()["id"]
    assert "<img" not in answer.json()["body_html"]
    assert "<em>Pourquoi ?</em>" in first.json()["body_html"]


def test_an_empty_reply_or_a_parent_from_another_annotation_is_a_400(fact_checker):
    annotation = submitted_annotation()
    client = client_for(fact_checker)
    empty = client.post(f"/api/annotations/{annotation.pk}/replies/", {"body": "  "}, format="json")
    assert empty.status_code == 400
    elsewhere = ReplyFactory()
    wrong_parent = client.post(
        f"/api/annotations/{annotation.pk}/replies/",
        {"body": "Oui", "parent": elsewhere.pk},
        format="json",
    )
    assert wrong_parent.status_code == 400 and "parent" in wrong_parent.json()["fields"]


def test_any_signed_in_user_flags_an_annotation_once(outsider):
    annotation = submitted_annotation()
    client = client_for(outsider)
    body = {"annotation": annotation.pk, "reason": "duplicate", "note": "Voir #12"}
    assert client.post("/api/flags/", body, format="json").status_code == 201
    again = client.post("/api/flags/", body, format="json")
    assert again.status_code == 409
    assert Flag.objects.filter(annotation=annotation).count() == 1


def test_a_flag_needs_exactly_one_target_and_a_known_reason(fact_checker):
    reply = ReplyFactory()
    client = client_for(fact_checker)
    both = client.post(
        "/api/flags/",
        {"annotation": reply.annotation_id, "reply": reply.pk, "reason": "wrong"},
        format="json",
    )
    assert both.status_code == 400
    bad_reason = client.post("/api/flags/", {"reply": reply.pk, "reason": "ugly"}, format="json")
    assert bad_reason.status_code == 400
    ok = client.post("/api/flags/", {"reply": reply.pk, "reason": "abusive"}, format="json")
    assert ok.status_code == 201 and ok.json()["reply"] == reply.pk


def test_flagging_a_draft_of_someone_else_is_a_404(fact_checker):
    draft = AnnotationFactory()
    response = client_for(fact_checker).post(
        "/api/flags/", {"annotation": draft.pk, "reason": "wrong"}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "status"), [("fact-checker", 403), ("reviewer", 403), ("moderator", 200)]
)
def test_only_moderators_list_the_flags_queue(role, status):
    FlagFactory()
    response = client_for(UserFactory(role=role)).get("/api/flags/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["count"] == 1


def test_a_moderator_resolves_a_flag_and_it_leaves_the_queue(moderator):
    flag = FlagFactory()
    client = client_for(moderator)
    response = client.post(f"/api/flags/{flag.pk}/resolve/", {"status": "dismissed"}, format="json")
    assert response.status_code == 200
    assert client.get("/api/flags/").json()["count"] == 0
    again = client.post(f"/api/flags/{flag.pk}/resolve/", {"status": "resolved"}, format="json")
    assert again.status_code == 409


def test_notifications_list_only_the_users_own_and_mark_read(fact_checker, fact_checker2):
    mine = NotificationFactory(recipient=fact_checker)
    NotificationFactory(recipient=fact_checker)
    theirs = NotificationFactory(recipient=fact_checker2)
    client = client_for(fact_checker)
    listed = client.get("/api/notifications/").json()
    assert listed["count"] == 2 and all(not row["is_read"] for row in listed["results"])
    assert client.post(f"/api/notifications/{theirs.pk}/read/").status_code == 404
    read = client.post(f"/api/notifications/{mine.pk}/read/")
    assert read.status_code == 200 and read.json()["is_read"]
    assert client.get("/api/notifications/?unread=1").json()["count"] == 1
    assert client.post("/api/notifications/read-all/").json() == {"marked": 1}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_notifications_list_costs_constant_queries(fact_checker, django_assert_max_num_queries):
    for _ in range(12):
        NotificationFactory(recipient=fact_checker)
    with django_assert_max_num_queries(2):
        assert client_for(fact_checker).get("/api/notifications/").status_code == 200


def test_hidden_annotations_disappear_from_the_api_except_for_moderators(moderator, fact_checker):
    annotation = submitted_annotation()
    ReplyFactory(annotation=annotation)
    hide = client_for(moderator).post(
        f"/api/annotations/{annotation.pk}/hide/", {"reason": "Doublon"}, format="json"
    )
    assert hide.status_code == 200 and hide.json()["hidden"]
    assert (
        client_for(fact_checker).get(f"/api/annotations/{annotation.pk}/replies/").status_code
        == 404
    )
    assert (
        client_for(moderator).get(f"/api/annotations/{annotation.pk}/replies/").status_code == 200
    )
    restore = client_for(moderator).post(
        f"/api/annotations/{annotation.pk}/restore/", format="json"
    )
    assert restore.status_code == 200 and not restore.json()["hidden"]
    assert (
        client_for(fact_checker).get(f"/api/annotations/{annotation.pk}/replies/").status_code
        == 200
    )


def test_hiding_without_a_reason_is_a_400(moderator):
    annotation = submitted_annotation()
    response = client_for(moderator).post(
        f"/api/annotations/{annotation.pk}/hide/", {}, format="json"
    )
    assert response.status_code == 400
