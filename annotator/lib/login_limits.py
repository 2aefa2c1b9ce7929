"""Failed-login limits (django-axes): per account, and per account and address.

Never per address alone: a newsroom shares one public address, so one person's typos must not
lock out the whole office. After `LOGIN_FAILURE_LIMIT` failures an account is refused, even with
the right password, for `LOGIN_COOLOFF_MINUTES` (or until a moderator resets it in the admin);
other accounts keep logging in from the same address.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from annotator.lib.api import error_body

LOCKED_OUT_STATUS = 429


class LoginLimitBackend(AxesStandaloneBackend):
    """Axes' lockout check for logins that come with an HTTP request.

    Authentication without a request (a shell, a management command, Django's test client
    `login()`) is not an attempt from the network: it is not counted and not refused here.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)  # type: ignore[no-any-return]


def lockout_message() -> str:
    return _(
        "Too many failed logins for this account. Try again in %(minutes)d minutes, or ask a "
        "moderator to unlock it."
    ) % {"minutes": settings.LOGIN_COOLOFF_MINUTES}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the API envelope under /api/, the login page with the message."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            error_body("locked_out", message), status=LOCKED_OUT_STATUS
        )
    else:
        form = AuthenticationForm(request, data=request.POST)
        form.cleaned_data = {}
        form._errors = ErrorDict()  # type: ignore[attr-defined]  # errors set without validating
        form.add_error(None, message)
        response = render(
            request,
            "registration/login.html",
            {"form": form, "next": request.POST.get("next", "")},
            status=LOCKED_OUT_STATUS,
        )
    response["Retry-After"] = str(int(settings.LOGIN_COOLOFF_MINUTES) * 60)
    return response
