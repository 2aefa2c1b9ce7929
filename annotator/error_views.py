"""Error handlers (handler400/403/404/500): JSON envelope under /api/, the app's pages elsewhere.

Pages are `templates/errors/<status>.html`, framed by the base layout, translated, with a way
back. 400/403/404 render with the request context (navigation, user). The 500 page renders
WITHOUT the request context: no context processor runs, so it needs neither the database nor the
user (the failure may be the database itself); if even that fails, Django's bare page answers.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from annotator.lib.api import body_too_large_body, error_body
from annotator.lib.middleware import is_api_request

logger = logging.getLogger(__name__)


def _page(request: HttpRequest, status: int) -> HttpResponse:
    try:
        return render(request, f"errors/{status}.html", status=status)
    except Exception:
        # The frame needs the request context; if that fails, the 500 page takes over.
        logger.exception("the %s page could not be rendered with its context", status)
        return server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(body_too_large_body(), status=413)
        return JsonResponse(error_body("bad_request", _("The request is malformed.")), status=400)
    return _page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(
            error_body("forbidden", _("You do not have permission to perform this action.")),
            status=403,
        )
    return _page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return _page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(
            error_body("server_error", _("An unexpected error occurred; it has been logged.")),
            status=500,
        )
    try:
        # A plain context, no request: no context processor, no query, no user.
        body = loader.get_template("errors/500.html").render(
            {
                "bare_frame": True,
                "NEWSROOM_NAME": settings.NEWSROOM_NAME,
                "APP_VERSION": settings.APP_VERSION,
            }
        )
        return HttpResponseServerError(body)
    except Exception:
        logger.exception("the 500 page could not be rendered")
        return defaults.server_error(request)
