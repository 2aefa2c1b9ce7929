"""Input and output shapes of source intake (POST /api/articles/, preview, publish/archive)."""

from __future__ import annotations

from rest_framework import serializers

from annotator.articles.models import Article

# The states a new article may start in (named in SPECTACULAR_SETTINGS ENUM_NAME_OVERRIDES).
NEW_ARTICLE_STATUSES = [Article.Status.DRAFT.value, Article.Status.PUBLISHED.value]

SOURCE_RULE = (
    "Give exactly one of `text` (not blank), `file` (multipart: .txt, .md, .html, .pdf) or "
    "`source_url` (a public http(s) page); the content is checked as it is extracted (400 "
    "`empty`, `unsupported_type`, `type_mismatch`, `no_text_layer`, `too_complex`, "
    "`fetch_refused`, `fetch_failed`)."
)


class SourceJSONInputSerializer(serializers.Serializer):
    """A JSON body: `text` or `source_url` (a file needs multipart/form-data)."""

    text = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text=SOURCE_RULE
    )
    source_url = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class SourceInputSerializer(SourceJSONInputSerializer):
    """One of `text`, `file` or `source_url`."""

    file = serializers.FileField(required=False, allow_empty_file=True)


class ArticleCreateJSONInputSerializer(SourceJSONInputSerializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    outlet = serializers.CharField(required=False, allow_blank=True, max_length=200)
    author = serializers.CharField(required=False, allow_blank=True, max_length=200)
    kind = serializers.ChoiceField(choices=Article.Kind.choices, default=Article.Kind.ARTICLE)
    url = serializers.URLField(required=False, allow_blank=True, max_length=1000)
    published_on = serializers.DateField(required=False, allow_null=True)
    language = serializers.CharField(required=False, allow_blank=True, max_length=8, default="fr")
    candidacies = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    status = serializers.ChoiceField(choices=NEW_ARTICLE_STATUSES, default=Article.Status.DRAFT)


class ArticleCreateInputSerializer(ArticleCreateJSONInputSerializer):
    """One of `text`, `file` or `source_url`, plus the article's metadata."""

    file = serializers.FileField(required=False, allow_empty_file=True)


class SourcePreviewOutputSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False)
    source_format = serializers.CharField()
    suggested_title = serializers.CharField()
    fetched_url = serializers.CharField()
    characters = serializers.IntegerField()
    text_sha256 = serializers.CharField()


class ArticleStatusInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ArticleStatusOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    version = serializers.IntegerField()
