"""/team/: members, activity, invitations, roles and deactivation (moderators only)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from annotator.annotations.models import Annotation
from annotator.lib.errors import ConflictError, NotFoundError, PermissionDeniedError
from annotator.lib.roles import is_moderator, primary_role
from annotator.team import services
from annotator.team.models import Invitation
from annotator.team.selectors import member_list_for, token_hash
from tests.factories import AnnotationFactory, UserFactory
from tests.factories.newsroom import (
    AnnotationEventFactory,
    FeasibilityRatingFactory,
    InvitationFactory,
)
from tests.utils import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "Rédaction-2022-fiable"


def fresh(user):  # type: ignore[no-untyped-def]
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("moderator", 200), ("reviewer", 403), ("fact_checker", 403), ("outsider", 403)],
)
def test_only_moderators_see_the_team_page(who, expected, client, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/team/").status_code == expected


def test_anonymous_visitors_are_sent_to_log_in_from_the_team_page(client):
    assert client.get("/team/")["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["reviewer", "fact_checker", "outsider"])
def test_non_moderators_can_neither_invite_nor_change_roles_nor_deactivate(who, client, request):
    target = UserFactory(username="target", role="fact-checker")
    client.force_login(request.getfixturevalue(who))
    assert (
        client.post("/team/invite/", {"email": "x@example.org", "role": "moderator"}).status_code
        == 403
    )
    assert client.post(f"/team/members/{target.pk}/role/", {"role": "moderator"}).status_code == 403
    assert client.post(f"/team/members/{target.pk}/deactivate/").status_code == 403
    assert not Invitation.objects.exists()
    target = fresh(target)
    assert (primary_role(target), target.is_active) == ("fact-checker", True)


def test_the_team_page_lists_members_with_their_role_in_french(client, moderator):
    UserFactory(username="lea", role="reviewer")
    client.force_login(moderator)
    page = client.get("/team/").content.decode()
    assert "Équipe" in page
    assert 'data-username="lea"' in page
    assert '<option value="reviewer" selected>Relecteur</option>' in page


def test_activity_counts_cover_the_last_30_days_only(moderator):
    worker = UserFactory(username="worker", role="reviewer")
    AnnotationFactory.create_batch(2, author=worker)
    old = AnnotationFactory(author=worker)
    Annotation.objects.filter(pk=old.pk).update(created=timezone.now() - dt.timedelta(days=31))
    AnnotationEventFactory(actor=worker, action="approve")
    AnnotationEventFactory(actor=worker, action="reject")
    AnnotationEventFactory(actor=worker, action="submit")  # not a review
    FeasibilityRatingFactory(rater=worker)
    member = member_list_for(actor=moderator).get(pk=worker.pk)
    assert (member.annotations_30d, member.reviews_30d, member.ratings_30d) == (2, 2, 1)
    assert member_list_for(actor=moderator).get(pk=moderator.pk).annotations_30d == 0


def test_the_team_page_query_count_does_not_grow_with_members(
    client, moderator, django_assert_max_num_queries
):
    client.force_login(moderator)
    for i in range(2):
        AnnotationFactory(author=UserFactory(username=f"a{i}", role="fact-checker"))
    with django_assert_max_num_queries(12) as few:
        client.get("/team/")
    for i in range(10):
        FeasibilityRatingFactory(rater=UserFactory(username=f"b{i}", role="reviewer"))
    InvitationFactory.create_batch(3, invited_by=moderator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/team/").status_code == 200


def test_inviting_sends_a_one_time_link_and_stores_only_its_hash(
    client, moderator, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/team/invite/", {"email": "Nina@Example.org", "role": "reviewer"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "Nina@example.org",
        "reviewer",
        moderator,
    )
    validity = invitation.expires_at - invitation.created
    assert abs(validity - dt.timedelta(days=7)) < dt.timedelta(seconds=1)
    (message,) = mail.outbox
    assert message.to == ["Nina@example.org"]
    token = re.search(r"/team/join/([^/\s]+)/", message.body).group(1)
    assert invitation.token_hash == token_hash(token)
    assert token not in invitation.token_hash


def test_a_new_invitation_replaces_the_pending_one(moderator):
    first = InvitationFactory(email="sam@example.org")
    services.invitation_create(
        actor=moderator, email="sam@example.org", role="fact-checker", link_base="http://t"
    )
    first.refresh_from_db()
    assert not first.is_pending
    assert Invitation.objects.filter(email="sam@example.org").count() == 2


def test_inviting_an_existing_active_account_or_an_unknown_role_is_refused(client, moderator):
    UserFactory(username="known", email="known@example.org")
    with pytest.raises(ConflictError):
        services.invitation_create(
            actor=moderator, email="KNOWN@example.org", role="reviewer", link_base=""
        )
    client.force_login(moderator)
    response = client.post("/team/invite/", {"email": "new@example.org", "role": "admin"})
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_accepting_creates_the_account_with_the_invited_role_once(client):
    invitation = InvitationFactory(role="moderator", token="tok-accept-0001")
    response = client.post(
        "/team/join/tok-accept-0001/",
        {"username": "nina", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    nina = User.objects.get(username="nina")
    assert (nina.email, primary_role(nina), nina.is_staff) == (invitation.email, "moderator", True)
    assert client.get("/team/").status_code == 200  # logged in, as a moderator
    invitation.refresh_from_db()
    assert invitation.user == nina and invitation.accepted_at is not None
    client.logout()
    assert client.get("/team/join/tok-accept-0001/").status_code == 404


def test_a_weak_password_is_refused_by_django_validators(client):
    InvitationFactory(token="tok-weak-0001")
    response = client.post(
        "/team/join/tok-weak-0001/",
        {"username": "nina", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(username="nina").exists()


def test_a_taken_username_and_differing_passwords_are_refused(client):
    UserFactory(username="nina")
    InvitationFactory(token="tok-taken-0001")
    response = client.post(
        "/team/join/tok-taken-0001/",
        {"username": "Nina", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.context["form"].errors["username"]
    response = client.post(
        "/team/join/tok-taken-0001/",
        {"username": "zoe", "password1": NEW_PASSWORD, "password2": "autre"},
    )
    assert response.context["form"].errors["password2"]
    assert User.objects.count() == 2  # nina and the inviting moderator


def test_an_expired_or_unknown_link_is_refused(client):
    invitation = InvitationFactory(token="tok-expired-01")
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get("/team/join/tok-expired-01/").status_code == 404
    assert client.get("/team/join/no-such-token/").status_code == 404
    with pytest.raises(NotFoundError):
        services.invitation_accept(token="tok-expired-01", username="late", password=NEW_PASSWORD)


def test_promoting_to_moderator_gives_admin_access_and_demoting_removes_it(client, moderator):
    member = UserFactory(username="member", role="fact-checker")
    client.force_login(moderator)
    client.post(
        f"/team/members/{member.pk}/role/", {"role": "moderator", "current_role": "fact-checker"}
    )
    member = fresh(member)
    assert (primary_role(member), member.is_staff, is_moderator(member)) == (
        "moderator",
        True,
        True,
    )
    assert list(member.groups.values_list("name", flat=True)) == ["moderator"]
    client.post(
        f"/team/members/{member.pk}/role/", {"role": "reviewer", "current_role": "moderator"}
    )
    member = fresh(member)
    assert (primary_role(member), member.is_staff) == ("reviewer", False)
    client.post(f"/team/members/{member.pk}/role/", {"role": "", "current_role": "reviewer"})
    assert primary_role(fresh(member)) is None


def test_a_role_change_based_on_a_stale_page_is_refused(moderator):
    member = UserFactory(username="member", role="fact-checker")
    services.member_role_set(actor=moderator, user_id=member.pk, role="reviewer")
    with pytest.raises(ConflictError) as caught:
        services.member_role_set(
            actor=moderator, user_id=member.pk, role="moderator", expected_role="fact-checker"
        )
    assert caught.value.extra["current"]["role"] == "reviewer"
    assert primary_role(fresh(member)) == "reviewer"


def test_a_moderator_cannot_demote_or_deactivate_themselves(moderator):
    with pytest.raises(PermissionDeniedError):
        services.member_role_set(actor=moderator, user_id=moderator.pk, role="fact-checker")
    with pytest.raises(PermissionDeniedError):
        services.member_deactivate(actor=moderator, user_id=moderator.pk)
    assert is_moderator(fresh(moderator))


def test_a_deactivated_member_cannot_log_in_but_their_annotations_stay_attributed(
    client, moderator
):
    member = UserFactory(username="leaving", role="fact-checker")
    annotation = AnnotationFactory(author=member)
    client.force_login(moderator)
    assert client.post(f"/team/members/{member.pk}/deactivate/").status_code == 302
    client.logout()
    assert not client.login(username="leaving", password=PASSWORD)
    response = client.post("/accounts/login/", {"username": "leaving", "password": PASSWORD})
    assert response.status_code == 200  # the form again, with an error
    annotation.refresh_from_db()
    assert annotation.author_id == member.pk
    assert Annotation.objects.filter(author=member).count() == 1


def test_deactivation_ends_an_open_session(client, moderator):
    member = UserFactory(username="leaving", role="fact-checker")
    client.force_login(member)
    services.member_deactivate(actor=moderator, user_id=member.pk)
    assert client.get("/articles/")["Location"].startswith("/accounts/login/")


def test_a_reactivated_member_can_log_in_again(client, moderator):
    member = UserFactory(username="back", role="fact-checker")
    services.member_deactivate(actor=moderator, user_id=member.pk)
    client.force_login(moderator)
    client.post(f"/team/members/{member.pk}/reactivate/")
    assert client.login(username="back", password=PASSWORD)


def test_acting_on_an_unknown_member_is_a_404(client, moderator):
    client.force_login(moderator)
    assert client.post("/team/members/999999/deactivate/").status_code == 404
