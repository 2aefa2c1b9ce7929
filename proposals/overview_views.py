"""Overview pages: the comparison grid, agreement statistics and the public methodology."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from annotator.lib import policy
from proposals import scale, selectors, stats
from proposals.models import Candidacy, Election, Proposal, Theme


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    """Themes down, candidates across, each cell the proposals with their verdict badges."""
    elections = list(Election.objects.filter(candidacies__isnull=False).distinct())
    election_id = _int(request.GET.get("election"))
    election = next((e for e in elections if e.pk == election_id), None)
    if election is None and elections:
        election = elections[0]
    candidacies: list[Candidacy] = []
    rows: list[dict[str, Any]] = []
    if election is not None:
        candidacies = list(
            Candidacy.objects.filter(election=election)
            .select_related("candidate", "party")
            .order_by("candidate__last_name")
        )
        proposals = list(
            selectors.proposal_list_for(actor=request.user)
            .filter(candidacy__election=election)
            .order_by("title")
        )
        cells: dict[tuple[int, int], list[Proposal]] = {}
        for proposal in proposals:
            cells.setdefault((proposal.primary_theme_id, proposal.candidacy_id), []).append(
                proposal
            )
        show_empty = request.GET.get("all") == "1"
        for theme in Theme.objects.all():
            row = [cells.get((theme.pk, c.pk), []) for c in candidacies]
            if show_empty or any(row):
                rows.append({"theme": theme, "cells": row, "total": sum(len(c) for c in row)})
    return render(
        request,
        "proposals/compare.html",
        {
            "elections": elections,
            "election": election,
            "candidacies": candidacies,
            "rows": rows,
            "scale": scale.FEASIBILITY_SCALE,
            "show_empty": request.GET.get("all") == "1",
        },
    )


@login_required
def agreement_stats(request: HttpRequest) -> HttpResponse:
    overview = stats.agreement_overview(actor=request.user)
    return render(
        request,
        "proposals/stats.html",
        {
            **overview,
            "reliable": scale.ALPHA_RELIABLE,
            "tentative": scale.ALPHA_TENTATIVE,
            "to_discuss": selectors.to_discuss_list(actor=request.user)
            if policy.can_publish_verdict(request.user)
            else None,
        },
    )


def methodology(request: HttpRequest) -> HttpResponse:
    """Public: the rubric as raters see it, the verdict rule and how agreement is read."""
    return render(
        request,
        "proposals/methodology.html",
        {
            "scale": scale.FEASIBILITY_SCALE,
            "obstacle_dimensions": scale.OBSTACLE_DIMENSIONS,
            "obstacle_levels": scale.OBSTACLE_LEVELS,
            "levels": scale.LEVELS,
            "justification_min": scale.JUSTIFICATION_MIN_LENGTH,
            "reliable": scale.ALPHA_RELIABLE,
            "tentative": scale.ALPHA_TENTATIVE,
        },
    )
