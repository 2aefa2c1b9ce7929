from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from annotator.articles.api.filters import ArticleFilter
from annotator.articles.api.intake_serializers import ArticleCreateInputSerializer
from annotator.articles.api.intake_views import INTAKE_PARSERS, prepared_from
from annotator.articles.api.serializers import (
    ArticleDetailOutputSerializer,
    ArticleListOutputSerializer,
)
from annotator.articles.intake_services import source_add
from annotator.articles.selectors import article_get_for, article_list_for


class ArticleListApi(generics.ListCreateAPIView):
    """GET: the articles the actor may see. POST: add a source (text, file or source_url)."""

    serializer_class = ArticleListOutputSerializer
    filterset_class = ArticleFilter
    parser_classes = INTAKE_PARSERS

    def get_queryset(self):  # type: ignore[override]
        return article_list_for(actor=self.request.user)

    @extend_schema(request=ArticleCreateInputSerializer, responses=ArticleDetailOutputSerializer)
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


class ArticleDetailApi(generics.RetrieveAPIView):
    serializer_class = ArticleDetailOutputSerializer

    def get_queryset(self):  # type: ignore[override]
        return article_list_for(actor=self.request.user).defer(None)
