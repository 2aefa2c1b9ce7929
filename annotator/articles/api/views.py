from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from annotator.articles.api.filters import ArticleFilter
from annotator.articles.api.intake_serializers import (
    ArticleCreateInputSerializer,
    ArticleCreateJSONInputSerializer,
)
from annotator.articles.api.intake_views import INTAKE_PARSERS, prepared_from
from annotator.articles.api.serializers import (
    ArticleDetailOutputSerializer,
    ArticleListOutputSerializer,
)
from annotator.articles.intake_services import source_add
from annotator.articles.models import Article
from annotator.articles.read_model import LIST_FIELDS, article_list_records
from annotator.articles.selectors import article_get_for, article_list_for
from annotator.articles.services import article_revise_text
from annotator.lib.api import (
    etag_for,
    parse_expected_version,
    version_optional_with_if_match,
)
from annotator.lib.errors import NotFoundError


class ArticleListApi(generics.ListCreateAPIView):
    """GET: the articles the actor may see. POST: add a source (text, file or source_url)."""

    serializer_class = ArticleListOutputSerializer
    filterset_class = ArticleFilter
    parser_classes = INTAKE_PARSERS

    def get_queryset(self):  # type: ignore[override]
        return article_list_for(actor=self.request.user)

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        """The serializer's records built from plain rows (`articles.read_model`): the page,
        its count and its candidacies in three queries, no model instance."""
        queryset = self.filter_queryset(self.get_queryset())
        rows = queryset.prefetch_related(None).values(*LIST_FIELDS)
        page = self.paginate_queryset(rows)
        assert page is not None  # the pagination always applies here
        return self.get_paginated_response(article_list_records(page, request=request))

    @extend_schema(
        request={
            "application/json": ArticleCreateJSONInputSerializer,
            "multipart/form-data": ArticleCreateInputSerializer,
        },
        responses=ArticleDetailOutputSerializer,
    )
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = ArticleCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        article = source_add(
            actor=request.user,
            prepared=prepared_from(data),
            title=data.get("title", ""),
            outlet=data.get("outlet", ""),
            author=data.get("author", ""),
            kind=data["kind"],
            url=data.get("url", ""),
            published_on=data.get("published_on"),
            language=data.get("language") or "fr",
            candidacy_ids=data["candidacies"],
            status=data["status"],
        )
        article = article_get_for(actor=request.user, article_id=article.pk)
        body = ArticleDetailOutputSerializer(article, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class ArticleTextInputSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False)
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    version = serializers.IntegerField(help_text="The version you edited (or send If-Match).")


class ArticleDetailApi(generics.RetrieveAPIView):
    """GET the article with its text. PATCH `{text, version, note}` (moderators): a new revision,
    every annotation re-anchored; answers the article and `reanchoring` counts."""

    serializer_class = ArticleDetailOutputSerializer

    def get_queryset(self):  # type: ignore[override]
        return article_list_for(actor=self.request.user).defer(None)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag_for(response.data["version"])
        return response

    @extend_schema(request=ArticleTextInputSerializer, responses=ArticleDetailOutputSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        try:  # 404 for what the actor cannot see
            article_get_for(actor=request.user, article_id=pk)
        except Article.DoesNotExist as exc:
            raise NotFoundError(_("Article not found.")) from exc
        serializer = ArticleTextInputSerializer(data=request.data)
        version_optional_with_if_match(serializer, request)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        counts = article_revise_text(
            actor=request.user,
            article_id=pk,
            text=data["text"],
            expected_version=parse_expected_version(request, data.get("version")),
            note=data["note"],
        )
        article = article_get_for(actor=request.user, article_id=pk)
        body = dict(self.get_serializer(article).data)
        body["reanchoring"] = counts
        response = Response(body)
        response["ETag"] = etag_for(article.version)
        return response
