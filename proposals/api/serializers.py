from __future__ import annotations

from typing import Any

from rest_framework import serializers

from proposals.models import Candidacy, Candidate, Election, Party, Proposal, Theme


class ElectionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Election
        fields = ["id", "key", "name", "date", "kind"]


class PartyOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "key", "name", "short_name"]


class CandidateOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Candidate
        fields = ["id", "key", "first_name", "last_name", "full_name"]


class CandidacyOutputSerializer(serializers.ModelSerializer):
    candidate = CandidateOutputSerializer(read_only=True)
    election = ElectionOutputSerializer(read_only=True)
    party = PartyOutputSerializer(read_only=True)

    class Meta:
        model = Candidacy
        fields = ["id", "key", "candidate", "election", "party"]


class ThemeOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "code", "label_fr", "label_en", "manifesto_code", "cap_major"]


class ProposalOutputSerializer(serializers.ModelSerializer):
    candidacy = CandidacyOutputSerializer(read_only=True)
    primary_theme: Any = serializers.SlugRelatedField(slug_field="code", read_only=True)
    secondary_themes: Any = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "slug",
            "title",
            "statement",
            "candidacy",
            "primary_theme",
            "secondary_themes",
            "version",
            "created",
            "modified",
            "url",
        ]

    def get_url(self, obj: Proposal) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path
