from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotator.articles.models import Article
from annotator.articles.read_model import RECORD_FIELDS


@extend_schema_field(
    {
        "anyOf": [
            {"type": "string", "format": "uri"},
            {"type": "string", "maxLength": 0},
        ],
        "description": "The source's address, or an empty string when it has none.",
    }
)
class OptionalURLField(serializers.CharField):
    """A URL that may be empty: documented as a URI or "" (never a URI that may not be one)."""


class CandidacyBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    candidate = serializers.CharField(source="candidate.full_name")
    election = serializers.CharField(source="election.name")
    party = serializers.CharField(source="party.short_name", default=None)


class ArticleListOutputSerializer(serializers.ModelSerializer):
    candidacies = CandidacyBriefSerializer(many=True, read_only=True)
    url = OptionalURLField(read_only=True)
    page = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = list(RECORD_FIELDS)  # the read model's record, in its order

    def get_page(self, obj: Article) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class ArticleDetailOutputSerializer(ArticleListOutputSerializer):
    class Meta(ArticleListOutputSerializer.Meta):
        fields = [*ArticleListOutputSerializer.Meta.fields, "text"]
