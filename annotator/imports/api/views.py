"""HTTP <-> import services. Jobs are visible to their requester and to moderators (404 else)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.imports import services
from annotator.imports.api.serializers import (
    ImportCancelInputSerializer,
    ImportJobOutputSerializer,
    ImportRequestInputSerializer,
)
from annotator.imports.report import report_csv
from annotator.imports.selectors import import_get_for, import_list_for
from annotator.lib.api import etag_for, parse_expected_version
from annotator.lib.errors import PermissionDeniedError
from annotator.lib.roles import is_fact_checker


class ImportListCreateView(GenericAPIView):
    serializer_class = ImportJobOutputSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return import_list_for(actor=self.request.user)

    @extend_schema(operation_id="imports_list", responses=ImportJobOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        if not is_fact_checker(request.user):
            raise PermissionDeniedError("Only newsroom members import.")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ImportJobOutputSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": ImportRequestInputSerializer},
        responses={202: ImportJobOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = ImportRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        job = services.import_request(
            actor=request.user,
            upload=fields["file"],
            format=fields["format"],
            article=fields.get("article"),
            dry_run=fields["dry_run"],
            options=fields["options"],
        )
        body = dict(ImportJobOutputSerializer(job).data)
        if services.import_waits_for_broker(job):
            body["notice"] = services.broker_down_notice(job)
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers={"Location": f"/api/imports/{job.pk}/"}
        )


class ImportDetailView(APIView):
    @extend_schema(responses=ImportJobOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        job = import_get_for(actor=request.user, job_id=pk)
        return Response(
            ImportJobOutputSerializer(job).data, headers={"ETag": etag_for(job.version)}
        )


class ImportCancelView(APIView):
    @extend_schema(request=ImportCancelInputSerializer, responses=ImportJobOutputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = ImportCancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = parse_expected_version(request, data.validated_data.get("version"))
        job = services.import_cancel(actor=request.user, job_id=pk, expected_version=version)
        return Response(ImportJobOutputSerializer(job).data)


class ImportReportView(APIView):
    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request, pk: int) -> HttpResponse:
        job = import_get_for(actor=request.user, job_id=pk)
        response = HttpResponse(report_csv(job), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
        return response
