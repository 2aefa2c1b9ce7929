"""`claimreview`: a JSON-LD array of schema.org `ClaimReview`, one per proposal with a published
(current) verdict, for search engines and fact-check aggregators."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from typing import Any, BinaryIO

from django.conf import settings

from annotator.exports.feasibility import feasibility_label, feasibility_rank
from annotator.exports.formats.base import Formatter
from annotator.exports.source import ProposalLink, annotations_for, chunk_size, proposals_for
from proposals.models import Proposal, Verdict


def claim_review(
    proposal: Proposal, verdict: Verdict, appearances: list[dict[str, Any]]
) -> dict[str, Any]:
    rating: dict[str, Any] = {
        "@type": "Rating",
        "worstRating": 1,
        "bestRating": 5,
        "alternateName": feasibility_label(verdict.feasibility),
    }
    rank = feasibility_rank(verdict.feasibility)
    if rank is not None:
        rating["ratingValue"] = rank
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": settings.SITE_URL + proposal.get_absolute_url(),
        "claimReviewed": proposal.statement,
        "datePublished": verdict.published_at.date().isoformat(),
        "reviewBody": verdict.summary,
        "author": {
            "@type": "Organization",
            "name": settings.NEWSROOM_NAME,
            "url": settings.NEWSROOM_URL,
        },
        "itemReviewed": {
            "@type": "Claim",
            "name": proposal.title,
            "author": {"@type": "Person", "name": proposal.candidacy.candidate.full_name},
            "appearance": appearances,
        },
        "reviewRating": rating,
    }


class ClaimReviewFormatter(Formatter):
    format = "claimreview"
    extension = "jsonld"
    media_type = "application/ld+json"
    row_count_key = "claim_reviews"

    def queryset(self):  # type: ignore[no-untyped-def]
        return proposals_for(filters=self.context.filters, requester=self.context.requester)

    def count(self) -> int:
        return self.queryset().count()

    def _chunks(self) -> Iterator[list[Proposal]]:
        size = chunk_size()
        rows = self.queryset().select_related("candidacy__candidate").iterator(chunk_size=size)
        while chunk := list(islice(rows, size)):
            yield chunk

    def _appearances(self, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        annotations = annotations_for(
            filters=self.context.filters, requester=self.context.requester
        )
        found: dict[int, list[dict[str, Any]]] = {}
        rows = (
            ProposalLink.objects.filter(
                proposal_id__in=ids, annotation_id__in=annotations.values("pk")
            )
            .values_list(
                "proposal_id",
                "annotation__article_id",
                "annotation__article__title",
                "annotation__article__url",
                "annotation__article__outlet",
                "annotation__article__published_on",
            )
            .distinct()
            .order_by("proposal_id", "annotation__article_id")
        )
        for proposal_id, article_id, title, url, outlet, published_on in rows:
            work: dict[str, Any] = {
                "@type": "CreativeWork",
                "url": url or f"{settings.SITE_URL}/articles/{article_id}/",
                "headline": title,
            }
            if outlet:
                work["publisher"] = {"@type": "Organization", "name": outlet}
            if published_on:
                work["datePublished"] = published_on.isoformat()
            found.setdefault(proposal_id, []).append(work)
        return found

    def write(self, out: BinaryIO) -> dict[str, int]:
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        out.write(b"[")
        done = appearances_total = 0
        for proposals in self._chunks():
            ids = [p.pk for p in proposals]
            verdicts = {
                v.proposal_id: v
                for v in Verdict.objects.filter(proposal_id__in=ids, is_current=True)
            }
            appearances = self._appearances(ids)
            items = []
            for proposal in proposals:
                found = appearances.get(proposal.pk, [])
                appearances_total += len(found)
                items.append(dumps(claim_review(proposal, verdicts[proposal.pk], found)))
            out.write((("," if done else "") + ",".join(items)).encode("utf-8"))
            done += len(proposals)
            self.context.progress(done)
        out.write(b"]")
        return {"claim_reviews": done, "appearances": appearances_total}
