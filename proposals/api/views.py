from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.lib.api import etag_for, parse_expected_version, version_optional_with_if_match
from annotator.lib.errors import NotFoundError
from proposals import selectors, services, stats
from proposals.api.filters import CandidacyFilter, ProposalFilter
from proposals.api.serializers import (
    AgreementOutputSerializer,
    AgreementQuerySerializer,
    CandidacyOutputSerializer,
    CandidateOutputSerializer,
    ElectionOutputSerializer,
    ProposalCreateInputSerializer,
    ProposalListOutputSerializer,
    ProposalMergeInputSerializer,
    ProposalMergeOutputSerializer,
    ProposalUpdateInputSerializer,
    RatingInputSerializer,
    RatingListOutputSerializer,
    RatingOutputSerializer,
    ThemeOutputSerializer,
    VerdictInputSerializer,
    VerdictOutputSerializer,
    VerdictStateOutputSerializer,
)


class ElectionListApi(generics.ListAPIView):
    serializer_class = ElectionOutputSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):  # type: ignore[override]
        return selectors.election_list()


class CandidateListApi(generics.ListAPIView):
    serializer_class = CandidateOutputSerializer
    filterset_fields = ["key"]

    def get_queryset(self):  # type: ignore[override]
        return selectors.candidate_list()


class CandidacyListApi(generics.ListAPIView):
    serializer_class = CandidacyOutputSerializer
    filterset_class = CandidacyFilter

    def get_queryset(self):  # type: ignore[override]
        return selectors.candidacy_list()


class ThemeListApi(generics.ListAPIView):
    serializer_class = ThemeOutputSerializer
    filterset_fields = ["code"]

    def get_queryset(self):  # type: ignore[override]
        return selectors.theme_list()


def _live_proposal(request: Request, pk: int) -> Any:
    """The proposal, or a 404 that names the kept record when it was merged."""
    proposal = selectors.proposal_get_for(actor=request.user, proposal_id=pk)
    if proposal.merged_into_id is not None:
        kept = selectors.live_proposal(proposal)
        raise NotFoundError(
            f"This proposal was merged into proposal {kept.pk}.", merged_into=kept.pk
        )
    return proposal


class ProposalListApi(generics.ListAPIView):
    """GET: live proposals (filters election, candidate, candidacy, theme, verdict, rated,
    search). POST: create one (fact-checkers, reviewers, moderators); the slug is derived."""

    serializer_class = ProposalListOutputSerializer
    filterset_class = ProposalFilter

    def get_queryset(self):  # type: ignore[override]
        return selectors.proposal_list_for(actor=self.request.user)

    @extend_schema(
        request=ProposalCreateInputSerializer, responses={201: ProposalListOutputSerializer}
    )
    def post(self, request: Request) -> Response:
        data = ProposalCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = services.proposal_create(actor=request.user, **data.validated_data)
        proposal = selectors.proposal_get_for(actor=request.user, proposal_id=proposal.pk)
        body = ProposalListOutputSerializer(proposal, context={"request": request}).data
        return Response(
            body, status=status.HTTP_201_CREATED, headers={"ETag": etag_for(proposal.version)}
        )


class ProposalDetailApi(APIView):
    """GET a proposal (ETag = version); PATCH/PUT edits it with `version` or If-Match (409 with
    the current state when stale)."""

    @extend_schema(responses=ProposalListOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        proposal = _live_proposal(request, pk)
        body = ProposalListOutputSerializer(proposal, context={"request": request}).data
        return Response(body, headers={"ETag": etag_for(proposal.version)})

    @extend_schema(request=ProposalUpdateInputSerializer, responses=ProposalListOutputSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        data = version_optional_with_if_match(
            ProposalUpdateInputSerializer(data=request.data), request
        )
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = parse_expected_version(request, changes.pop("version", None))
        _live_proposal(request, pk)
        services.proposal_update(actor=request.user, proposal_id=pk, version=version, **changes)
        proposal = selectors.proposal_get_for(actor=request.user, proposal_id=pk)
        body = ProposalListOutputSerializer(proposal, context={"request": request}).data
        return Response(body, headers={"ETag": etag_for(proposal.version)})

    put = patch


class ProposalMergeApi(APIView):
    """POST {"into": <id>}: merge this proposal (the duplicate) into the kept one. Moderators."""

    @extend_schema(request=ProposalMergeInputSerializer, responses=ProposalMergeOutputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = ProposalMergeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        merge = services.proposal_merge(
            actor=request.user, duplicate_id=pk, kept_id=data.validated_data["into"]
        )
        return Response(ProposalMergeOutputSerializer(merge).data)


class ProposalRatingsApi(APIView):
    """GET: ratings as visible to the caller (`annotator.lib.policy`: blind until they rated it
    or its verdict is published; moderators see all).
    POST: create or update the caller's own rating (`version` required to update)."""

    @extend_schema(responses=RatingListOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        proposal = _live_proposal(request, pk)
        view = selectors.ratings_for(actor=request.user, proposal=proposal)
        return Response(
            {
                "count": view.count,
                "blind": view.blind,
                "results": RatingOutputSerializer(view.visible, many=True).data,
            }
        )

    @extend_schema(request=RatingInputSerializer, responses={201: RatingOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        data = RatingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = parse_expected_version(request, values.pop("version", None))
        rating, created = services.rating_submit(
            actor=request.user, proposal_id=pk, version=version, **values
        )
        return Response(
            RatingOutputSerializer(rating).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={"ETag": etag_for(rating.version)},
        )


class ProposalVerdictApi(APIView):
    """GET: the proposed verdict (hidden while the caller is blind) and the published one with
    its history. POST {summary, feasibility?}: publish (reviewers and moderators)."""

    @extend_schema(responses=VerdictStateOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        proposal = _live_proposal(request, pk)
        view = selectors.ratings_for(actor=request.user, proposal=proposal)
        proposed = None
        if not view.blind:
            # Not blind: `visible` holds every rating of the proposal.
            result = selectors.verdict_proposal(view.visible)
            proposed = {
                "status": result.status,
                "feasibility": result.feasibility,
                "reason": result.reason,
                "rating_count": result.rating_count,
            }
        verdicts = getattr(proposal, "all_verdicts", [])  # prefetched by the selector
        current = next((v for v in verdicts if v.is_current), None)
        return Response(
            {
                "rating_count": view.count,
                "proposed": proposed,
                "published": VerdictOutputSerializer(current).data if current else None,
                "history": VerdictOutputSerializer(
                    [v for v in verdicts if not v.is_current], many=True
                ).data,
            }
        )

    @extend_schema(request=VerdictInputSerializer, responses={201: VerdictOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        data = VerdictInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _live_proposal(request, pk)
        verdict = services.verdict_publish(
            actor=request.user,
            proposal_id=pk,
            summary=data.validated_data.get("summary"),
            feasibility=data.validated_data.get("feasibility"),
        )
        return Response(VerdictOutputSerializer(verdict).data, status=status.HTTP_201_CREATED)


class AgreementApi(APIView):
    """Krippendorff's alpha (ordinal) for feasibility and importance over the filtered proposals.
    `alpha` is null when it is not defined (fewer than two pairable values, no variation)."""

    @extend_schema(parameters=[AgreementQuerySerializer], responses=AgreementOutputSerializer)
    def get(self, request: Request) -> Response:
        query = {
            "election": request.query_params.get("election"),
            "theme": request.query_params.get("theme"),
            "candidate": request.query_params.get("candidate"),
            "proposal": request.query_params.getlist("proposal"),
        }
        # A parameter given empty is refused like a wrong one (400), never silently dropped.
        present = {k: v for k, v in query.items() if k in request.query_params}
        data = AgreementQuerySerializer(data=present)
        data.is_valid(raise_exception=True)
        filters = dict(data.validated_data)
        filters["proposals"] = filters.pop("proposal", [])
        return Response(stats.agreement(actor=request.user, **filters))
