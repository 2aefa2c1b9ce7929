"""API of source intake: preview a source, publish and archive an article."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.articles.api.intake_serializers import (
    ArticleStatusInputSerializer,
    ArticleStatusOutputSerializer,
    SourceInputSerializer,
    SourceJSONInputSerializer,
    SourcePreviewOutputSerializer,
)
from annotator.articles.intake import PreparedSource, source_prepare_from_request
from annotator.articles.intake_services import can_add_source
from annotator.articles.lifecycle import article_archive, article_publish
from annotator.articles.models import sha256_text
from annotator.lib.api import etag_for, parse_expected_version
from annotator.lib.errors import PermissionDeniedError
from annotator.lib.parsers import BoundedJSONParser

INTAKE_PARSERS = [MultiPartParser, FormParser, BoundedJSONParser]


def prepared_from(data: dict) -> PreparedSource:  # type: ignore[type-arg]
    return source_prepare_from_request(
        text=data.get("text"), upload=data.get("file"), source_url=data.get("source_url") or ""
    )


def preview_body(prepared: PreparedSource) -> dict:  # type: ignore[type-arg]
    return {
        "text": prepared.text,
        "source_format": prepared.source_format,
        "suggested_title": prepared.suggested_title,
        "fetched_url": prepared.fetched_url,
        "characters": len(prepared.text),
        "text_sha256": sha256_text(prepared.text),
    }


class SourcePreviewApi(APIView):
    """The text exactly as it would be stored, without storing anything."""

    parser_classes = INTAKE_PARSERS

    @extend_schema(
        request={
            "application/json": SourceJSONInputSerializer,
            "multipart/form-data": SourceInputSerializer,
        },
        responses=SourcePreviewOutputSerializer,
    )
    def post(self, request: Request) -> Response:
        if not can_add_source(request.user):
            raise PermissionDeniedError(_("Only fact-checkers and moderators can add a source."))
        serializer = SourceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(preview_body(prepared_from(serializer.validated_data)))


class _ArticleStatusApi(APIView):
    service = staticmethod(article_publish)

    @extend_schema(request=ArticleStatusInputSerializer, responses=ArticleStatusOutputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        serializer = ArticleStatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        article = self.service(
            actor=request.user,
            article_id=pk,
            version=parse_expected_version(request, serializer.validated_data.get("version")),
            reason=serializer.validated_data.get("reason", ""),
        )
        body = {"id": article.pk, "status": article.status, "version": article.version}
        return Response(body, headers={"ETag": etag_for(article.version)})


class ArticlePublishApi(_ArticleStatusApi):
    """POST /api/articles/<id>/publish/ (moderators): draft or archived -> published."""

    service = staticmethod(article_publish)


class ArticleArchiveApi(_ArticleStatusApi):
    """POST /api/articles/<id>/archive/ (moderators): published -> archived."""

    service = staticmethod(article_archive)
