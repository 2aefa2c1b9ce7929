"""Blind rating and drafts, asserted on every surface for every role (issue 12).

A rater sees nobody else's rating of a proposal (value, justification, pair gaps) until they have
rated it or its verdict is published; moderators see all. No export ever holds a draft.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.test import Client

from tests.exports.helpers import read_bytes, run_export
from tests.factories import AnnotationFactory, ArticleFactory, ProposalFactory, UserFactory
from tests.factories.exports import approved_annotation
from tests.factories.proposals import RatingFactory, VerdictFactory
from tests.utils import client_for

SECRET = "Justification confidentielle du collègue : le budget manque de 3 milliards."
DRAFT_QUOTE = "brouillon secret"

# Who sees a colleague's rating of a proposal without a verdict.
SEES_OTHERS = {
    "fact-checker who has not rated": False,
    "fact-checker who has rated": True,
    "reviewer who has not rated": False,
    "moderator": True,
}
EXPORT_FORMATS = ["jsonl", "csv", "w3c", "claimreview", "datapackage"]


@pytest.fixture
def export_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    colleague = UserFactory(username="colleague", role="fact-checker")
    other = UserFactory(username="other", role="fact-checker")
    proposal = ProposalFactory(title="Cloud souverain européen")
    RatingFactory(proposal=proposal, rater=colleague, feasibility="not_feasible",
                  justification=SECRET)  # fmt: skip
    RatingFactory(proposal=proposal, rater=other, feasibility="feasible")
    rated = UserFactory(username="rated", role="fact-checker")
    RatingFactory(proposal=proposal, rater=rated, feasibility="conditional")
    article = ArticleFactory(
        text=(
            "Le candidat veut un cloud souverain européen. Suite du texte sans rapport avec la "
            "mesure, assez longue pour le contexte. Un brouillon secret suit ici.\n"
        )
    )
    approved_annotation(article=article, author=colleague, exact="cloud souverain européen",
                        proposals=[proposal])  # fmt: skip
    AnnotationFactory(article=article, author=colleague, exact=DRAFT_QUOTE, status="draft",
                      comment="Commentaire du brouillon", proposals=[proposal])  # fmt: skip
    users = {
        "fact-checker who has not rated": UserFactory(username="newcomer", role="fact-checker"),
        "fact-checker who has rated": rated,
        "reviewer who has not rated": UserFactory(username="rev-nr", role="reviewer"),
        "moderator": UserFactory(username="mod", role="moderator"),
    }
    return {"proposal": proposal, "users": users, "colleague": colleague}


def page(user, url):  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", SEES_OTHERS)
def test_ratings_api_shows_others_ratings_only_when_the_rule_allows(world, who):
    user, proposal = world["users"][who], world["proposal"]
    body = client_for(user).get(f"/api/proposals/{proposal.pk}/ratings/").json()
    assert body["count"] == 3
    assert body["blind"] is not SEES_OTHERS[who]
    raters = {r["rater"]["username"] if isinstance(r["rater"], dict) else r["rater"]
              for r in body["results"]}  # fmt: skip
    assert ("colleague" in raters) is SEES_OTHERS[who]
    assert (SECRET in json.dumps(body, ensure_ascii=False)) is SEES_OTHERS[who]
    verdict = client_for(user).get(f"/api/proposals/{proposal.pk}/verdict/").json()
    assert (verdict["proposed"] is not None) is SEES_OTHERS[who]


@pytest.mark.parametrize("who", SEES_OTHERS)
def test_proposal_page_shows_the_justification_only_when_the_rule_allows(world, who):
    html = page(world["users"][who], world["proposal"].get_absolute_url())
    assert (SECRET in html) is SEES_OTHERS[who]


@pytest.mark.parametrize("who", SEES_OTHERS)
def test_stats_page_and_agreement_api_use_only_the_ratings_one_may_see(world, who):
    user = world["users"][who]
    html = page(user, "/stats/")
    assert ("colleague · other" in html) is SEES_OTHERS[who]
    units = client_for(user).get("/api/stats/agreement/").json()["feasibility"]["units"]
    assert units == (1 if SEES_OTHERS[who] else 0)


@pytest.mark.parametrize("who", SEES_OTHERS)
def test_the_comparison_grid_shows_no_rating_value(world, who):
    html = page(world["users"][who], "/compare/")
    assert SECRET not in html and 'data-verdict="not_feasible"' not in html


@pytest.mark.parametrize("who", SEES_OTHERS)
@pytest.mark.parametrize("format", EXPORT_FORMATS)
def test_exports_carry_only_the_ratings_the_requester_may_see_and_never_a_draft(
    world, export_root, who, format
):
    user = world["users"][who]
    job = run_export(format, requester=user, verified_only=False)
    data = read_bytes(job)
    if format == "datapackage":
        archive = zipfile.ZipFile(io.BytesIO(data))
        ratings = list(csv.DictReader(io.TextIOWrapper(archive.open("ratings.csv"), "utf-8")))
        assert len(ratings) == (3 if SEES_OTHERS[who] else (1 if who.endswith("has rated") else 0))
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["ratings_rule"] == (
            "all" if who == "moderator" else "own_rated_or_published"
        )
        data = b"".join(archive.read(name) for name in archive.namelist())
    text = data.decode("utf-8", errors="replace")
    assert SECRET not in text
    assert DRAFT_QUOTE not in text and "Commentaire du brouillon" not in text


def test_a_published_verdict_lifts_the_blind_rule_for_every_rater(world):
    VerdictFactory(proposal=world["proposal"])
    for who, user in world["users"].items():
        body = client_for(user).get(f"/api/proposals/{world['proposal'].pk}/ratings/").json()
        assert not body["blind"] and len(body["results"]) == 3, who


def test_the_authors_own_draft_never_reaches_their_own_export(world, export_root):
    job = run_export("jsonl", requester=world["colleague"], verified_only=False)
    assert DRAFT_QUOTE not in read_bytes(job).decode()
