from __future__ import annotations

from rest_framework import generics

from proposals import selectors
from proposals.api.filters import CandidacyFilter, ProposalFilter
from proposals.api.serializers import (
    CandidacyOutputSerializer,
    CandidateOutputSerializer,
    ElectionOutputSerializer,
    ProposalOutputSerializer,
    ThemeOutputSerializer,
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


class ProposalListApi(generics.ListAPIView):
    serializer_class = ProposalOutputSerializer
    filterset_class = ProposalFilter

    def get_queryset(self):  # type: ignore[override]
        return selectors.proposal_list_for(actor=self.request.user)


class ProposalDetailApi(generics.RetrieveAPIView):
    serializer_class = ProposalOutputSerializer

    def get_queryset(self):  # type: ignore[override]
        return selectors.proposal_list_for(actor=self.request.user)
