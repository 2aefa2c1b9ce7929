"""HTTP <-> export services. Jobs are visible to their requester and to moderators (404 else)."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.exports import services
from annotator.exports.api.serializers import (
    ExportCancelInputSerializer,
    ExportJobCreatedOutputSerializer,
    ExportJobOutputSerializer,
    ExportRequestInputSerializer,
)
from annotator.exports.formats import FORMATTERS
from annotator.exports.selectors import export_download_for, export_get_for, export_list_for
from annotator.lib.api import etag_for, parse_expected_version
from annotator.lib.errors import PermissionDeniedError
from annotator.lib.roles import is_fact_checker


class ExportListCreateView(GenericAPIView):
    serializer_class = ExportJobOutputSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return export_list_for(actor=self.request.user)

    @extend_schema(operation_id="exports_list", responses=ExportJobOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        if not is_fact_checker(request.user):
            raise PermissionDeniedError("Only newsroom members can export.")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ExportJobOutputSerializer(page, many=True).data)

    @extend_schema(
        request=ExportRequestInputSerializer, responses={202: ExportJobCreatedOutputSerializer}
    )
    def post(self, request: Request) -> Response:
        data = ExportRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.export_request(actor=request.user, **data.validated_data)
        body = dict(ExportJobOutputSerializer(job).data)
        if services.export_waits_for_broker(job):
            body["notice"] = services.broker_down_notice(job)
        return Response(
            body,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": f"/api/exports/{job.pk}/"},
        )


class ExportDetailView(APIView):
    @extend_schema(responses=ExportJobOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        job = export_get_for(actor=request.user, job_id=pk)
        return Response(
            ExportJobOutputSerializer(job).data, headers={"ETag": etag_for(job.version)}
        )


class ExportCancelView(APIView):
    @extend_schema(request=ExportCancelInputSerializer, responses=ExportJobOutputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = ExportCancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = parse_expected_version(request, data.validated_data.get("version"))
        job = services.export_cancel(actor=request.user, job_id=pk, expected_version=version)
        return Response(ExportJobOutputSerializer(job).data)


def _download_media_types() -> list[str]:
    """Every format's media type, parameters dropped (as schemas and clients compare them)."""
    return sorted({f.media_type.split(";")[0].strip() for f in FORMATTERS.values()})


class ExportDownloadView(APIView):
    """The finished file in its format's media type; 409 before it is ready, 410 once deleted."""

    extra_error_statuses = (409, 410)

    @extend_schema(
        responses={(200, media_type): OpenApiTypes.BINARY for media_type in _download_media_types()}
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        job = export_download_for(actor=request.user, job_id=pk)
        formatter = FORMATTERS[job.format]
        assert job.path is not None  # export_download_for checked the file exists
        response = FileResponse(
            job.path.open("rb"),
            as_attachment=True,
            filename=f"annotator-export-{job.pk}-{job.format}.{formatter.extension}",
            content_type=formatter.media_type,
        )
        response["ETag"] = f'"{job.sha256}"'
        return response
