"""What an export reads: the annotations matching a job's filters (`annotations_for`), the
proposals with a published verdict (`proposals_for`), and each proposal's export record, built once
per proposal (`ProposalCache`). The rows themselves stream through `annotator.exports.streaming`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from annotator.annotations.models import Annotation
from annotator.exports.feasibility import feasibility_label, feasibility_rank
from annotator.lib import policy
from proposals.models import Proposal, Verdict

ProposalLink = Annotation.proposals.through


def chunk_size() -> int:
    return int(getattr(settings, "EXPORT_CHUNK_SIZE", 5000))


def _proposal_filter_q(filters: dict[str, Any], prefix: str = "") -> Q:
    q = Q()
    if filters.get("election"):
        q &= Q(**{f"{prefix}candidacy__election__key": filters["election"]})
    if filters.get("candidate"):
        q &= Q(**{f"{prefix}candidacy__candidate__key": filters["candidate"]})
    if filters.get("theme"):
        q &= Q(**{f"{prefix}primary_theme__code": filters["theme"]}) | Q(
            **{f"{prefix}secondary_themes__code": filters["theme"]}
        )
    return q


def annotations_for(*, filters: dict[str, Any], requester: Any) -> QuerySet[Annotation]:
    """Exportable annotations matching the filters (`policy.annotation_exportable_q`: approved
    ones unless `verified_only` is false; drafts, hidden and deleted ones never; only on articles
    the requester may see)."""
    queryset = Annotation.objects.filter(
        policy.annotation_exportable_q(
            requester=requester, verified_only=filters.get("verified_only", True)
        )
    )
    if filters.get("article"):
        queryset = queryset.filter(article_id=filters["article"])
    if filters.get("date_from"):
        queryset = queryset.filter(article__published_on__gte=filters["date_from"])
    if filters.get("date_to"):
        queryset = queryset.filter(article__published_on__lte=filters["date_to"])
    proposal_q = _proposal_filter_q(filters, "proposal__")
    if proposal_q:
        links = ProposalLink.objects.filter(Q(annotation_id=OuterRef("pk")) & proposal_q)
        queryset = queryset.filter(Exists(links))
    return queryset.order_by("id")


def proposals_for(*, filters: dict[str, Any], requester: Any) -> QuerySet[Proposal]:
    """Proposals with a current published verdict matching the filters; when the filters name an
    article or a date range, only proposals that a matching annotation links to."""
    queryset = Proposal.objects.filter(merged_into__isnull=True, verdicts__is_current=True).filter(
        Exists(Proposal.objects.filter(Q(pk=OuterRef("pk")) & _proposal_filter_q(filters)))
    )
    if filters.get("article") or filters.get("date_from") or filters.get("date_to"):
        linked = ProposalLink.objects.filter(
            proposal_id=OuterRef("pk"),
            annotation_id__in=annotations_for(filters=filters, requester=requester).values("pk"),
        )
        queryset = queryset.filter(Exists(linked))
    return queryset.order_by("id")


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


class ProposalCache:
    """Proposal details, fetched once per proposal id across chunks (bounded by the proposals)."""

    def __init__(self) -> None:
        self._by_id: dict[int, dict[str, Any]] = {}

    def get_many(self, ids: set[int]) -> dict[int, dict[str, Any]]:
        missing = ids - self._by_id.keys()
        if missing:
            self._load(missing)
        return {pk: self._by_id[pk] for pk in ids if pk in self._by_id}

    def _load(self, ids: set[int]) -> None:
        proposals = (
            Proposal.objects.filter(pk__in=ids)
            .select_related(
                "candidacy__candidate", "candidacy__election", "candidacy__party", "primary_theme"
            )
            .prefetch_related("secondary_themes")
        )
        verdicts = {
            v.proposal_id: v for v in Verdict.objects.filter(proposal_id__in=ids, is_current=True)
        }
        for proposal in proposals:
            self._by_id[proposal.pk] = proposal_record(proposal, verdicts.get(proposal.pk))


def proposal_record(proposal: Proposal, verdict: Verdict | None) -> dict[str, Any]:
    candidacy = proposal.candidacy
    themes = [proposal.primary_theme.code, *sorted(t.code for t in proposal.secondary_themes.all())]
    return {
        "id": proposal.pk,
        "slug": proposal.slug,
        "title": proposal.title,
        "statement": proposal.statement,
        "url": settings.SITE_URL + proposal.get_absolute_url(),
        "candidacy": {
            "key": candidacy.key,
            "candidate": candidacy.candidate.full_name,
            "candidate_key": candidacy.candidate.key,
            "election": candidacy.election.key,
            "party": str(candidacy.party) if candidacy.party_id else "",
        },
        "themes": themes,
        "verdict": verdict_record(verdict) if verdict else None,
    }


def verdict_record(verdict: Verdict) -> dict[str, Any]:
    return {
        "feasibility": verdict.feasibility,
        "rank": feasibility_rank(verdict.feasibility),
        "label_fr": feasibility_label(verdict.feasibility),
        "summary": verdict.summary,
        "published_at": _iso(verdict.published_at),
    }
