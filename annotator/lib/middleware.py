"""Request guards that run before any view: over-long addresses, over-large headers and bodies
over the size limit are refused unread."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from annotator.lib.api import body_too_large_body, error_body

logger = logging.getLogger(__name__)


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _refused(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(error_body(code, detail), status=status)
    response = defaults.bad_request(request, SuspiciousOperation(detail))
    response.status_code = status
    return response


def request_limits_response(request: HttpRequest) -> HttpResponse | None:
    """414 when the path and query exceed API_MAX_REQUEST_LINE; 431 when a header exceeds
    API_MAX_HEADER_SIZE or there are more than API_MAX_HEADERS. gunicorn's own limits are set
    above these (annotator/gunicorn_conf.py), so that the answer is ours: JSON on the API."""
    line = len(request.META.get("PATH_INFO", "")) + len(request.META.get("QUERY_STRING", ""))
    if line > settings.API_MAX_REQUEST_LINE:
        detail = _("The address is too long (at most %(limit)d characters).") % {
            "limit": settings.API_MAX_REQUEST_LINE
        }
        return _refused(request, 414, "uri_too_long", detail)
    headers = [(k, v) for k, v in request.META.items() if k.startswith("HTTP_")]
    too_big = any(len(k) + len(str(v)) > settings.API_MAX_HEADER_SIZE for k, v in headers)
    if too_big or len(headers) > settings.API_MAX_HEADERS:
        detail = _("The request headers are too large.")
        return _refused(request, 431, "headers_too_large", detail)
    return None


class BodySizeLimitMiddleware:
    """Request limits, checked before sessions, authentication or parsing touch the request:

    - an API request whose declared body exceeds DATA_UPLOAD_MAX_MEMORY_SIZE gets a JSON 413 (a
      body without Content-Length is still bounded by Django when it is read, and mapped to the
      same 413 by the API exception handler);
    - an over-long request line (414) or over-large headers (431), see request_limits_response.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = request_limits_response(request)
        if refused is not None:
            return refused
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if limit is not None and declared > limit and is_api_request(request):
            return JsonResponse(body_too_large_body(), status=413)
        return self.get_response(request)
