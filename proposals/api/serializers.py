from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from proposals import scale
from proposals.models import (
    Candidacy,
    Candidate,
    Election,
    FeasibilityRating,
    Party,
    Proposal,
    Theme,
    Verdict,
)
from proposals.scale import feasibility_label


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


class ProposalListOutputSerializer(ProposalOutputSerializer):
    """A proposal with its rating count and current verdict value (annotated by the selector)."""

    rating_count = serializers.IntegerField(read_only=True, default=0)
    verdict = serializers.CharField(source="verdict_feasibility", read_only=True, allow_null=True)
    merged_into: serializers.PrimaryKeyRelatedField[Proposal] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta(ProposalOutputSerializer.Meta):
        fields = [*ProposalOutputSerializer.Meta.fields, "rating_count", "verdict", "merged_into"]


class ProposalCreateInputSerializer(serializers.Serializer):
    candidacy = serializers.IntegerField()
    primary_theme = serializers.CharField()
    secondary_themes = serializers.ListField(child=serializers.CharField(), required=False)
    title = serializers.CharField(max_length=200)
    statement = serializers.CharField()


class ProposalUpdateInputSerializer(serializers.Serializer):
    candidacy = serializers.IntegerField(required=False)
    primary_theme = serializers.CharField(required=False)
    secondary_themes = serializers.ListField(child=serializers.CharField(), required=False)
    title = serializers.CharField(max_length=200, required=False)
    statement = serializers.CharField(required=False)
    version = serializers.IntegerField(help_text="The version you edited (or send If-Match).")


class ProposalMergeInputSerializer(serializers.Serializer):
    into = serializers.IntegerField(help_text="Id of the proposal to keep")


class ProposalMergeOutputSerializer(serializers.Serializer):
    kept = serializers.IntegerField(source="kept_id")
    duplicate = serializers.IntegerField(source="duplicate_id")
    merged_by = serializers.CharField(source="merged_by.username")
    merged_at = serializers.DateTimeField()
    moved_annotations = serializers.IntegerField()
    moved_ratings = serializers.IntegerField()
    moved_verdicts = serializers.IntegerField()
    dropped_ratings = serializers.JSONField()


class RatingOutputSerializer(serializers.ModelSerializer):
    rater = serializers.CharField(source="rater.username", read_only=True)

    class Meta:
        model = FeasibilityRating
        fields = [
            "id",
            "proposal",
            "rater",
            "feasibility",
            "obstacles",
            "importance",
            "confidence",
            "justification",
            "evidence",
            "version",
            "created",
            "modified",
        ]


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            key: {"type": "integer", "minimum": 0, "maximum": 3} for key in scale.OBSTACLE_KEYS
        },
        "description": "Obstacle level per dimension: 0 none, 1 minor, 2 major, 3 blocking.",
    }
)
class ObstaclesField(serializers.JSONField):
    pass


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "oneOf": [
                {
                    "type": "object",
                    "properties": {"url": {"type": "string", "format": "uri"}},
                    "required": ["url"],
                    "additionalProperties": False,
                },
                {
                    "type": "object",
                    "properties": {"annotation": {"type": "integer"}},
                    "required": ["annotation"],
                    "additionalProperties": False,
                },
            ]
        },
        "description": "A web page, or an annotation you can see (by id).",
    }
)
class EvidenceField(serializers.JSONField):
    pass


def _one_of(values: tuple[str, ...]) -> dict[str, str]:
    # A pattern rather than an enum: the scale's enums are named components already
    # (FeasibilityEnum, LevelEnum), and these rating fields are checked by the service.
    return {
        "type": "string",
        "pattern": "^(" + "|".join(values) + ")$",
        "description": "One of: " + ", ".join(values) + ".",
    }


@extend_schema_field(_one_of(scale.FEASIBILITY_VALUES))
class FeasibilityValueField(serializers.CharField):
    pass


@extend_schema_field(_one_of(scale.LEVEL_VALUES))
class LevelValueField(serializers.CharField):
    pass


class RatingInputSerializer(serializers.Serializer):
    """Shape only; the rubric rules are checked by the service (one place, one message)."""

    feasibility = FeasibilityValueField(required=False, allow_blank=True, default="")
    obstacles = ObstaclesField(required=False, default=dict)
    importance = LevelValueField(required=False, allow_blank=True, default="")
    confidence = LevelValueField(required=False, allow_blank=True, default="")
    justification = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = EvidenceField(required=False)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class VerdictOutputSerializer(serializers.ModelSerializer):
    published_by = serializers.CharField(source="published_by.username", read_only=True)
    feasibility_label = serializers.SerializerMethodField()

    class Meta:
        model = Verdict
        fields = [
            "id",
            "feasibility",
            "feasibility_label",
            "summary",
            "published_by",
            "published_at",
            "proposed_feasibility",
            "ratings_snapshot",
            "is_current",
        ]

    def get_feasibility_label(self, obj: Verdict) -> str:
        return feasibility_label(obj.feasibility)


class VerdictInputSerializer(serializers.Serializer):
    """The rules (summary required, a value of the scale) are the service's; this states them for
    the schema and refuses a wrong shape early."""

    summary = serializers.CharField(max_length=1000)
    feasibility = serializers.ChoiceField(
        choices=scale.FEASIBILITY_VALUES, required=False, allow_blank=True, allow_null=True
    )


class AgreementQuerySerializer(serializers.Serializer):
    election = serializers.IntegerField(required=False)
    theme = serializers.CharField(required=False)
    candidate = serializers.IntegerField(required=False)
    proposal = serializers.ListField(child=serializers.IntegerField(), required=False)


class RatingListOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Every rating of the proposal, visible or not")
    blind = serializers.BooleanField(help_text="True while the caller may see only their own")
    results = RatingOutputSerializer(many=True)


class ProposedVerdictOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["insufficient", "proposed", "to_discuss"])
    feasibility = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    rating_count = serializers.IntegerField()


class VerdictStateOutputSerializer(serializers.Serializer):
    rating_count = serializers.IntegerField()
    proposed = ProposedVerdictOutputSerializer(allow_null=True)
    published = VerdictOutputSerializer(allow_null=True)
    history = VerdictOutputSerializer(many=True)


class AlphaOutputSerializer(serializers.Serializer):
    alpha = serializers.FloatField(allow_null=True)
    level = serializers.CharField()
    units = serializers.IntegerField()
    pairable_values = serializers.IntegerField()


class AgreementOutputSerializer(serializers.Serializer):
    feasibility = AlphaOutputSerializer()
    importance = AlphaOutputSerializer()
