"""Request guards that run before any view: over-long addresses, over-large headers and bodies
over the size limit are refused unread."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import csp.middleware as csp
from csp import constants as csp_constants
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.core.exceptions import DisallowedHost, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.request import split_domain_port
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views import defaults

from annotator.lib.api import body_too_large_body, error_body
from annotator.lib.session_auth import session_user

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

    - an API request whose declared body exceeds DATA_UPLOAD_MAX_MEMORY_SIZE (IMPORT_MAX_BYTES for
      an import's upload) gets a JSON 413 (a body without Content-Length is still bounded by
      Django when it is read, and mapped to the same 413 by the API exception handler);
    - an over-long request line (414) or over-large headers (431), see request_limits_response.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = request_limits_response(request)
        if refused is not None:
            return refused
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


# Token API requests ------------------------------------------------------------------------
# A request to /api/ that carries `Authorization: Token …` is authenticated by DRF from that
# header alone: it needs no user from the session and shows no flash message. The two middleware
# below skip such requests and behave exactly as Django's own for every other request: pages,
# the login form, and the browser's session-authenticated API calls (which DRF still checks for
# CSRF). Sessions and CSRF keep Django's own classes (`check --deploy` looks for their exact
# paths); a token request has no cookie, so they do no work for it.
# Kept for every request: request id, body size limit, security headers, CSP, locale (API
# messages are translated), common, clickjacking, history (django-simple-history records the
# acting user of every write through it) and axes.


def is_token_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/") and request.META.get(
        "HTTP_AUTHORIZATION", ""
    ).startswith("Token ")


class _SkippedForTokenApi:
    """Mixin for a MiddlewareMixin subclass: a token API request goes straight through."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if is_token_api_request(request):
            return self.get_response(request)  # type: ignore[attr-defined,no-any-return]
        return super().__call__(request)  # type: ignore[misc,no-any-return]


class AuthenticationMiddleware(_SkippedForTokenApi, auth.AuthenticationMiddleware):
    """Django's, skipped for token API requests (DRF sets request.user from the token); the
    session's user comes from the cache when it verifies (`annotator.lib.session_auth`)."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)

        def user() -> Any:
            if not hasattr(request, "_cached_user"):
                request._cached_user = session_user(request)  # type: ignore[attr-defined]
            return request._cached_user  # type: ignore[attr-defined]

        request.user = SimpleLazyObject(user)  # type: ignore[assignment]


class MessageMiddleware(_SkippedForTokenApi, messages.MessageMiddleware):
    """Django's, skipped for token API requests (the API never shows flash messages)."""


class CSPMiddleware(csp.CSPMiddleware):
    """django-csp's, with the policy string built once: a response that carries no per-view
    override (`@csp_update` and friends) and a request that used no nonce get the same header,
    so it is not rebuilt (and deep-copied) twice per response."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        overridden = any(
            getattr(response, name, None) is not None
            for name in (
                "_csp_config",
                "_csp_update",
                "_csp_replace",
                "_csp_config_ro",
                "_csp_update_ro",
                "_csp_replace_ro",
            )
        )
        stream = _live_stream_origin(request)
        if overridden or settings.DEBUG or getattr(request, "_csp_nonce", None) is not None:
            if stream:
                update = dict(getattr(response, "_csp_update", None) or {})
                connect = update.get("connect-src") or []
                connect = [connect] if isinstance(connect, str) else list(connect)
                update["connect-src"] = [*connect, stream]
                response._csp_update = update  # type: ignore[attr-defined]
            return super().process_response(request, response)
        enforced, report_only = _default_policies(
            repr(getattr(settings, "CONTENT_SECURITY_POLICY", None)),
            repr(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)),
            stream,
        )
        for header, policy, exempt, setting in (
            (csp_constants.HEADER, enforced, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (
                csp_constants.HEADER_REPORT_ONLY,
                report_only,
                "_csp_exempt_ro",
                "CONTENT_SECURITY_POLICY_REPORT_ONLY",
            ),
        ):
            excluded = tuple(
                (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            )
            if (
                policy
                and header not in response
                and not getattr(response, exempt, False)
                and not request.path_info.startswith(excluded)
            ):
                response[header] = policy
        request.csp_nonce = csp.CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


def _live_stream_origin(request: HttpRequest) -> str:
    """The origin of the live stream when it has a server of its own (`LIVE_STREAM_PORT`): the
    page's host name on that port, which its `connect-src` must allow. Empty otherwise."""
    port = settings.LIVE_STREAM_PORT
    host = request_host_name(request) if port else ""
    if not host:
        return ""
    host = f"[{host}]" if ":" in host else host
    return f"{request.scheme}://{host}:{port}"


def request_host_name(request: HttpRequest) -> str:
    """The request's host name as validated by ALLOWED_HOSTS, without port or IPv6 brackets
    (as `urlsplit(...).hostname` spells it); empty when the host is not allowed."""
    try:
        return split_domain_port(request.get_host())[0].strip("[]")
    except DisallowedHost:
        return ""


@functools.lru_cache(maxsize=64)
def _default_policies(_enforced: str, _report_only: str, stream: str) -> tuple[str, str]:
    """The header values django-csp builds from the settings alone (enforced, report-only),
    once per value of the two settings (passed as their repr, so tests overriding them work)
    and of the live stream's origin (one per host name the site answers to)."""
    update = {"connect-src": [stream]} if stream else None
    return build_policy(update=update), build_policy(update=update, report_only=True)
