"""The proposal admin goes through the proposal services: edits bump the version (and are refused
on a stale page), merges use the merge service, and a proposal with ratings or verdicts is never
deleted."""

from __future__ import annotations

import pytest
from django.test import Client

from proposals.models import FeasibilityRating, Proposal, ProposalMerge, Verdict
from tests.factories import ProposalFactory, UserFactory, theme
from tests.factories.proposals import RatingFactory, VerdictFactory
from tests.utils import admin_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/proposals/proposal/"


@pytest.fixture
def claire(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="claire", first_name="Claire", last_name="Martin", role="moderator")


def admin_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def change_url(proposal: Proposal) -> str:
    return f"{CHANGELIST}{proposal.pk}/change/"


def load_change_form(client: Client, proposal: Proposal) -> dict:  # type: ignore[type-arg]
    page = client.get(change_url(proposal))
    assert page.status_code == 200
    return admin_form_data(page)


def errors_of(response) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return response.context["adminform"].form.errors


def test_an_edit_in_the_admin_bumps_the_version_and_records_who(moderator):
    proposal = ProposalFactory(title="Fibre partout")
    client = admin_for(moderator)
    data = load_change_form(client, proposal)
    data["title"] = "La fibre optique partout"
    data["secondary_themes"] = [str(theme("INFRA").pk)]

    response = client.post(change_url(proposal), data)

    assert response.status_code == 302, errors_of(response)
    proposal.refresh_from_db()
    assert proposal.title == "La fibre optique partout" and proposal.version == 2
    assert [t.code for t in proposal.secondary_themes.all()] == ["INFRA"]
    assert proposal.history.first().history_user == moderator


def test_an_edit_on_a_stale_page_is_refused_naming_the_other_moderator(moderator, claire):
    proposal = ProposalFactory(title="Fibre partout")
    client = admin_for(moderator)
    stale = load_change_form(client, proposal)
    other = load_change_form(admin_for(claire), proposal)
    other["statement"] = "Énoncé précisé par Claire."
    assert admin_for(claire).post(change_url(proposal), other).status_code == 302

    stale["title"] = "Titre de l'autre modératrice"
    response = client.post(change_url(proposal), stale)

    assert response.status_code == 409
    assert "Claire Martin" in str(errors_of(response))
    proposal.refresh_from_db()
    assert proposal.title == "Fibre partout" and proposal.version == 2
    assert proposal.statement == "Énoncé précisé par Claire."


def test_creating_a_proposal_in_the_admin_uses_the_create_service(moderator):
    proposal = ProposalFactory()
    client = admin_for(moderator)
    data = admin_form_data(client.get(f"{CHANGELIST}add/"))
    data.update(
        candidacy=str(proposal.candidacy.pk),
        primary_theme=str(theme("CYBER").pk),
        title="Un cloud souverain",
        statement="Nous financerons un cloud public.",
    )

    response = client.post(f"{CHANGELIST}add/", data)

    assert response.status_code == 302, errors_of(response)
    created = Proposal.objects.get(title="Un cloud souverain")
    assert created.created_by == moderator and created.slug.endswith("un-cloud-souverain")


def test_a_merge_in_the_admin_moves_ratings_through_the_merge_service(moderator):
    kept = ProposalFactory()
    duplicate = ProposalFactory(candidacy=kept.candidacy)
    rating = RatingFactory(proposal=duplicate)
    client = admin_for(moderator)
    data = load_change_form(client, duplicate)
    data["merge_into"] = str(kept.pk)

    response = client.post(change_url(duplicate), data)

    assert response.status_code == 302, errors_of(response)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    rating.refresh_from_db()
    assert rating.proposal == kept
    assert ProposalMerge.objects.get(duplicate=duplicate).merged_by == moderator


def test_a_merge_into_another_candidacy_is_a_form_error(moderator):
    duplicate, other = ProposalFactory(), ProposalFactory()
    client = admin_for(moderator)
    data = load_change_form(client, duplicate)
    data["merge_into"] = str(other.pk)

    response = client.post(change_url(duplicate), data)

    assert response.status_code == 400 and "merge_into" in errors_of(response)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_the_merged_into_field_cannot_be_set_by_hand(moderator):
    kept = ProposalFactory()
    duplicate = ProposalFactory(candidacy=kept.candidacy)
    client = admin_for(moderator)
    data = load_change_form(client, duplicate)
    data["merged_into"] = str(kept.pk)

    client.post(change_url(duplicate), data)

    duplicate.refresh_from_db()
    assert duplicate.merged_into is None and not ProposalMerge.objects.exists()


@pytest.mark.parametrize("kind", ["rating", "verdict"])
def test_deleting_a_rated_or_judged_proposal_is_refused_and_points_to_the_merge(moderator, kind):
    proposal = ProposalFactory(title="Fibre partout")
    if kind == "rating":
        RatingFactory(proposal=proposal)
    else:
        VerdictFactory(proposal=proposal)
    client = admin_for(moderator)

    response = client.post(f"{CHANGELIST}{proposal.pk}/delete/", {"post": "yes"}, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Fibre partout" in page and "fusionn" in page.lower()
    assert f"{proposal.get_absolute_url()}#merge" in page
    assert Proposal.objects.filter(pk=proposal.pk).exists()
    assert FeasibilityRating.objects.filter(proposal=proposal).count() == (kind == "rating")
    assert Verdict.objects.filter(proposal=proposal).count() == (kind == "verdict")


def test_the_bulk_delete_action_refuses_rated_proposals_and_deletes_nothing(moderator):
    rated, unused = ProposalFactory(), ProposalFactory()
    RatingFactory(proposal=rated)
    response = admin_for(moderator).post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [rated.pk, unused.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert Proposal.objects.filter(pk__in=[rated.pk, unused.pk]).count() == 2
    assert rated.ratings.count() == 1


def test_a_proposal_without_ratings_or_verdicts_can_still_be_deleted(moderator):
    proposal = ProposalFactory()
    response = admin_for(moderator).post(f"{CHANGELIST}{proposal.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Proposal.objects.filter(pk=proposal.pk).exists()


def test_the_database_refuses_to_delete_a_rated_proposal():
    from django.db.models import ProtectedError

    rating = RatingFactory()
    with pytest.raises(ProtectedError):
        rating.proposal.delete()


def test_reverting_a_proposal_from_its_history_is_refused(moderator):
    proposal = ProposalFactory(title="Fibre partout")
    client = admin_for(moderator)
    data = load_change_form(client, proposal)
    data["title"] = "La fibre optique partout"
    assert client.post(change_url(proposal), data).status_code == 302
    first = proposal.history.order_by("history_date").first()
    url = f"{CHANGELIST}{proposal.pk}/history/{first.history_id}/"
    assert client.get(url).status_code == 200

    response = client.post(url, {**data, "title": "Fibre partout", "loaded_version": "1"})

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "La fibre optique partout" and proposal.version == 2


def test_ratings_and_verdicts_are_read_only_in_the_admin(moderator):
    verdict = VerdictFactory(summary="Résumé publié.")
    rating = RatingFactory(proposal=verdict.proposal)
    client = admin_for(moderator)
    assert client.get("/admin/proposals/verdict/add/").status_code == 403
    for path in (f"verdict/{verdict.pk}", f"feasibilityrating/{rating.pk}"):
        page = client.get(f"/admin/proposals/{path}/change/")
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(
        f"/admin/proposals/verdict/{verdict.pk}/change/", {"summary": "Réécrit dans l'admin."}
    )
    assert response.status_code == 403
    verdict.refresh_from_db()
    assert verdict.summary == "Résumé publié."
