"""API plumbing shared by every app: one error shape, pagination, version/ETag helpers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import exception_handler as drf_exception_handler

from annotator.lib.errors import DomainError


def query_int(
    request: Request, name: str, *, minimum: int, maximum: int | None = None
) -> int | None:
    """An integer query parameter, None when absent; anything else (empty, not a whole number,
    out of range) is a 400 naming the parameter, never silently ignored."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        bounds = f"{minimum}..{maximum}" if maximum is not None else f">= {minimum}"
        message = _("%(name)s must be a whole number (%(bounds)s).") % {
            "name": name,
            "bounds": bounds,
        }
        raise exceptions.ValidationError({name: [message]})
    return value


class Pagination(PageNumberPagination):
    """`?page=` (from 1) and `?page_size=` (1..500): a bad value is a 400, a page past the end a
    404, both in the error envelope."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> int:
        size = query_int(request, self.page_size_query_param, minimum=1, maximum=self.max_page_size)
        return size if size is not None else int(self.page_size or 1)

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        query_int(request, self.page_query_param, minimum=1)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters


class ShortFirstPagePaginator(Paginator):
    """Django's paginator without the COUNT query when the first page is not full: its rows
    are the whole list, so their number is the count (an article's annotations fit in one
    page of 200, and the list then costs one query instead of two)."""

    def page(self, number: Any) -> Page:
        if str(number) == "1":
            rows = list(self.object_list[: self.per_page])
            if len(rows) < self.per_page:
                self.__dict__["count"] = len(rows)  # fills the cached_property
            # A full first page: its rows are kept, the count is queried when asked for.
            return self._get_page(rows, 1, self)  # type: ignore[attr-defined]
        return super().page(number)


def error_body(
    code: str, detail: str, fields: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"error": code, "detail": detail, "fields": fields or {}, **extra}


def _first_message(fields: Any) -> str:
    if isinstance(fields, dict):
        for key, value in fields.items():
            message = _first_message(value)
            if message:
                return message if key in ("non_field_errors", "detail") else f"{key}: {message}"
    if isinstance(fields, list) and fields:
        return _first_message(fields[0])
    return str(fields) if fields else ""


def body_too_large_body() -> dict[str, Any]:
    return error_body(
        "too_large",
        _("The request body is too large (at most %(limit)d bytes).")
        % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain and framework errors to `{"error": code, "detail": message, "fields": {}}`."""
    if isinstance(exc, RequestDataTooBig):
        return Response(body_too_large_body(), status=413)
    if isinstance(exc, TooManyFieldsSent):
        return Response(error_body("too_many_fields", _("The request has too many fields.")), 400)
    if isinstance(exc, RecursionError):
        return Response(error_body("too_deep", _("The request body is nested too deeply.")), 400)
    if isinstance(exc, DomainError):
        return Response(
            error_body(exc.code, exc.detail, exc.fields, **exc.extra), status=exc.status_code
        )
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(error_body("invalid", _first_message(fields), fields), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}  # type: ignore[assignment,dict-item]
        response.data = error_body("invalid", _first_message(fields) or "Invalid input.", fields)
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        response.data = error_body(code, str(exc.detail))
    return response


def parse_expected_version(request: Request, body_version: Any) -> int | None:
    """The version a write is based on: `If-Match: "<n>"` header, else the body's `version`."""
    header = request.headers.get("If-Match", "").strip()
    raw: Any = header.removeprefix("W/").strip('"') if header else body_version
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except (TypeError, ValueError) as exc:
        raise exceptions.ValidationError({"version": ["version must be an integer."]}) from exc


def version_optional_with_if_match(serializer: Serializer, request: Request) -> Serializer:
    """The body's `version` is required (as the schema says) unless an If-Match header carries
    it, so that a body missing it is refused together with every other missing field."""
    if request.headers.get("If-Match", "").strip():
        serializer.fields["version"].required = False
    return serializer


def etag_for(version: int) -> str:
    return f'"{version}"'


__all__ = [
    "Pagination",
    "ShortFirstPagePaginator",
    "error_body",
    "etag_for",
    "exception_handler",
    "parse_expected_version",
    "query_int",
    "status",
    "version_optional_with_if_match",
]
