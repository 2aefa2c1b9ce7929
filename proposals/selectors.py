"""Reads on elections, candidates, themes and proposals."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from proposals.models import Candidacy, Candidate, Election, Proposal, Theme


def election_list() -> QuerySet[Election]:
    return Election.objects.all()


def candidate_list() -> QuerySet[Candidate]:
    return Candidate.objects.all()


def candidacy_list() -> QuerySet[Candidacy]:
    return Candidacy.objects.select_related("candidate", "election", "party")


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.all()


def proposal_list_for(*, actor: Any) -> QuerySet[Proposal]:
    """Live proposals (merged duplicates excluded), with what a list row shows."""
    return (
        Proposal.objects.filter(merged_into__isnull=True)
        .select_related(
            "candidacy__candidate", "candidacy__election", "candidacy__party", "primary_theme"
        )
        .prefetch_related("secondary_themes")
    )
