"""Request guards that run before any view: bodies over the size limit are refused unread."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from annotator.lib.api import body_too_large_body

logger = logging.getLogger(__name__)


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class BodySizeLimitMiddleware:
    """An API request whose declared body exceeds DATA_UPLOAD_MAX_MEMORY_SIZE (IMPORT_MAX_BYTES
    for an import's upload) gets a JSON 413
    before sessions, authentication or parsing touch it. (A body without Content-Length is still
    bounded by Django when it is read, and mapped to the same 413 by the API exception handler.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.path.startswith("/api/imports/"):
            # An import's file is streamed to disk by the upload handlers, not held in memory.
            limit = settings.IMPORT_MAX_BYTES + 1024 * 1024
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if limit is not None and declared > limit and is_api_request(request):
            return JsonResponse(body_too_large_body(), status=413)
        return self.get_response(request)
