"""Error handlers (handler400/403/404/500): JSON envelope under /api/, the app's pages elsewhere.

Pages use the templates `400.html`, `403.html`, `404.html`, `500.html` (inside the app frame)
through Django's own handlers, which never show a traceback; the 500 page is rendered with the
request context when that still works, else by Django's bare handler.
"""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from annotator.lib.api import body_too_large_body, error_body
from annotator.lib.middleware import is_api_request

logger = logging.getLogger(__name__)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(body_too_large_body(), status=413)
        return JsonResponse(error_body("bad_request", _("The request is malformed.")), status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(
            error_body("forbidden", _("You do not have permission to perform this action.")),
            status=403,
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(
            error_body("server_error", _("An unexpected error occurred; it has been logged.")),
            status=500,
        )
    try:
        return render(request, "500.html", status=500)
    except Exception:
        # The page frame itself failed (database down, template error): the bare page.
        logger.exception("the 500 page could not be rendered with its context")
        return defaults.server_error(request)
