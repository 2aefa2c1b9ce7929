from __future__ import annotations

from rest_framework import generics

from annotator.articles.api.filters import ArticleFilter
from annotator.articles.api.serializers import (
    ArticleDetailOutputSerializer,
    ArticleListOutputSerializer,
)
from annotator.articles.selectors import article_list_for


class ArticleListApi(generics.ListAPIView):
    serializer_class = ArticleListOutputSerializer
    filterset_class = ArticleFilter

    def get_queryset(self):  # type: ignore[override]
        return article_list_for(actor=self.request.user)


class ArticleDetailApi(generics.RetrieveAPIView):
    serializer_class = ArticleDetailOutputSerializer

    def get_queryset(self):  # type: ignore[override]
        return article_list_for(actor=self.request.user).defer(None)
