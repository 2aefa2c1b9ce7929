"""Annotations API: JSON by default, W3C Web Annotation JSON-LD with `Accept: application/ld+json`."""

from __future__ import annotations

from typing import Any

import django_filters
from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.annotations import services
from annotator.annotations.api.serializers import (
    AnnotationCreateInputSerializer,
    AnnotationOutputSerializer,
    AnnotationUpdateInputSerializer,
)
from annotator.annotations.models import Annotation
from annotator.annotations.selectors import (
    annotation_get_for,
    annotation_list_for,
    annotation_page_json_for_article,
    annotation_records,
    annotation_rows,
)
from annotator.annotations.w3c import W3C_CONTEXT, annotation_to_w3c
from annotator.lib.api import (
    Pagination,
    ShortFirstPagePaginator,
    etag_for,
    parse_expected_version,
    version_optional_with_if_match,
)
from annotator.lib.errors import StaleVersionError
from annotator.lib.filters import StrictFilterSet

# `Accept: application/ld+json` answers W3C Web Annotation JSON-LD (an AnnotationPage for lists).
W3C_PAGE_SCHEMA = OpenApiTypes.OBJECT


def _json_or_w3c(status_code: int) -> dict[tuple[int, str], Any]:
    return {
        (status_code, "application/json"): AnnotationOutputSerializer,
        (status_code, "application/ld+json"): OpenApiTypes.OBJECT,
    }


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class AnnotationFilter(StrictFilterSet):
    article = django_filters.NumberFilter(field_name="article_id")
    author = django_filters.CharFilter(field_name="author__username")
    status = django_filters.ChoiceFilter(choices=Annotation.Status.choices)
    proposal = django_filters.NumberFilter(field_name="proposals", distinct=True)
    tag = django_filters.CharFilter(method="filter_tag")

    class Meta:
        model = Annotation
        fields = ["article", "author", "status", "proposal", "tag"]

    def filter_tag(self, queryset, name, value):  # type: ignore[no-untyped-def]
        return queryset.filter(tags__contains=[value.strip().lower()])


def _base_url(request: Request) -> str:
    return request.build_absolute_uri("/").rstrip("/") if request else settings.SITE_URL


def _wants_jsonld(request: Request) -> bool:
    return getattr(request.accepted_renderer, "media_type", "") == JSONLDRenderer.media_type


def _render(request: Request, annotation: Annotation, **kwargs: Any) -> Response:
    if _wants_jsonld(request):
        data = annotation_to_w3c(annotation, base_url=_base_url(request))
    else:
        data = AnnotationOutputSerializer(annotation, context={"request": request}).data
    response = Response(data, **kwargs)
    response["ETag"] = etag_for(annotation.version)
    return response


def _with_current_state(request: Request, exc: StaleVersionError, annotation_id: Any) -> None:
    """Attach the annotation as it now is to a 409, so the client can show and merge it."""
    try:
        current = annotation_get_for(actor=request.user, annotation_id=annotation_id)
    except Exception:
        return
    exc.extra["current"] = AnnotationOutputSerializer(current).data


class AnnotationPagination(Pagination):
    """An article's annotations in one call: programmes carry a hundred or more (and no COUNT
    query when they fit in the first page)."""

    page_size = 200
    django_paginator_class = ShortFirstPagePaginator


class AnnotationListApi(APIView):
    """GET: visible annotations (filters article, author, status, proposal, tag). POST: create."""

    renderer_classes = [JSONRenderer, JSONLDRenderer]
    pagination_class = AnnotationPagination  # read by the schema; `get` paginates itself

    @extend_schema(
        parameters=[
            OpenApiParameter("article", OpenApiTypes.INT),
            OpenApiParameter("author", OpenApiTypes.STR, description="username"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Annotation.Status.values),
            OpenApiParameter("proposal", OpenApiTypes.INT),
            OpenApiParameter("tag", OpenApiTypes.STR),
        ],
        responses={
            (200, "application/json"): AnnotationOutputSerializer(many=True),
            (200, "application/ld+json"): W3C_PAGE_SCHEMA,
        },
        description="Visible annotations in text order. `Accept: application/ld+json` returns a "
        "W3C AnnotationPage.",
    )
    def get(self, request: Request) -> HttpResponse:
        params = request.query_params
        raw_article = params.get("article", "") if len(params) == 1 else ""
        canonical = raw_article.isascii() and raw_article.isdigit() and len(raw_article) < 16
        if canonical and not _wants_jsonld(request):
            # The reader's call (one article, all its annotations): PostgreSQL writes the page.
            written = annotation_page_json_for_article(
                actor=request.user,
                article_id=int(raw_article),
                page_size=AnnotationPagination.page_size,
            )
            if written is not None:
                count, json_text = written
                body = f'{{"count":{count},"next":null,"previous":null,"results":{json_text}}}'
                return HttpResponse(body.encode(), content_type="application/json")
        filterset = AnnotationFilter(
            request.query_params, queryset=annotation_list_for(actor=request.user)
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        queryset = filterset.qs
        paginator = self.pagination_class()
        if not _wants_jsonld(request):
            # The hot path (the reader, API clients): plain rows, one query, no instances.
            if filterset.form.cleaned_data.get("article") is not None:
                # One article: text order needs no join on articles (their sort order).
                queryset = queryset.order_by("start", "end", "id")
            rows = paginator.paginate_queryset(annotation_rows(queryset), request, view=self)
            return paginator.get_paginated_response(annotation_records(rows or []))
        page: list[Annotation] = paginator.paginate_queryset(queryset, request, view=self) or []
        assert paginator.page is not None  # the pagination always applies here
        base = _base_url(request)
        return Response(
            {
                "@context": W3C_CONTEXT,
                "type": "AnnotationPage",
                "partOf": {
                    "type": "AnnotationCollection",
                    "total": paginator.page.paginator.count,
                },
                "items": [annotation_to_w3c(a, base_url=base, include_context=False) for a in page],
            }
        )

    @extend_schema(
        request=AnnotationCreateInputSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                location=OpenApiParameter.HEADER,
                # 1 to 255 printable ASCII characters (a header carries no other text safely).
                pattern=r"^[!-~][ -~]{0,253}[!-~]$|^[!-~]$",
                description="Retry safely: a request repeated with the same key and body returns "
                "the annotation the first one created (200, `Idempotent-Replayed: true`) instead "
                "of a second one; the same key with another body is a 409.",
            )
        ],
        responses={**_json_or_w3c(201), **_json_or_w3c(200)},
    )
    def post(self, request: Request) -> Response:
        serializer = AnnotationCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key")
        created = True
        if key is None:
            annotation = services.annotation_create(actor=request.user, **serializer.validated_data)
        else:
            annotation, created = services.annotation_create_idempotent(
                actor=request.user, idempotency_key=key, **serializer.validated_data
            )
        if _wants_jsonld(request):
            annotation = annotation_get_for(actor=request.user, annotation_id=annotation.pk)
        response = _render(
            request, annotation, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
        response["Location"] = f"/api/annotations/{annotation.pk}/"
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response


class AnnotationDetailApi(APIView):
    """GET one; PATCH/PUT change it (needs `version` or If-Match); DELETE soft-deletes it."""

    renderer_classes = [JSONRenderer, JSONLDRenderer]

    @extend_schema(
        responses=_json_or_w3c(200),
        description="`Accept: application/ld+json` returns the W3C Web Annotation.",
    )
    def get(self, request: Request, pk: int) -> Response:
        return _render(request, annotation_get_for(actor=request.user, annotation_id=pk))

    @extend_schema(request=AnnotationUpdateInputSerializer, responses=_json_or_w3c(200))
    def patch(self, request: Request, pk: int) -> Response:
        serializer = version_optional_with_if_match(
            AnnotationUpdateInputSerializer(data=request.data), request
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = parse_expected_version(request, data.pop("version", None))
        try:
            services.annotation_update(
                actor=request.user, annotation_id=pk, expected_version=expected, **data
            )
        except StaleVersionError as exc:
            _with_current_state(request, exc, pk)
            raise
        return _render(request, annotation_get_for(actor=request.user, annotation_id=pk))

    put = patch

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "version",
                OpenApiTypes.INT,
                required=True,
                description="The version you saw (may be sent as If-Match instead).",
            )
        ],
        responses={204: None},
    )
    def delete(self, request: Request, pk: int) -> Response:
        body_version = request.data.get("version") if hasattr(request.data, "get") else None
        expected = parse_expected_version(
            request,
            body_version if body_version is not None else request.query_params.get("version"),
        )
        try:
            services.annotation_delete(
                actor=request.user, annotation_id=pk, expected_version=expected
            )
        except StaleVersionError as exc:
            _with_current_state(request, exc, pk)
            raise
        return Response(status=status.HTTP_204_NO_CONTENT)
