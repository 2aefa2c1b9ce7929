"""`check --deploy` for the middleware that annotator.lib.middleware wraps.

Django's own security checks look for its middleware by dotted path: with the subclasses that skip
sessions and CSRF for token-authenticated API requests in their place, it would report CSRF as
absent (security.W003) and the session cookie under the app-only warning (security.W010). Those
two are silenced in the settings and restated here for the classes actually installed, so the
deploy check still says when CSRF protection is missing or a cookie lacks its Secure flag.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

SESSION_MIDDLEWARE = {
    "django.contrib.sessions.middleware.SessionMiddleware",
    "annotator.lib.middleware.SessionMiddleware",
}
CSRF_MIDDLEWARE = {
    "django.middleware.csrf.CsrfViewMiddleware",
    "annotator.lib.middleware.CsrfViewMiddleware",
}


@checks.register(checks.Tags.security, deploy=True)
def cookies_and_csrf(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    installed = set(settings.MIDDLEWARE)
    found: list[checks.CheckMessage] = []
    if not installed & CSRF_MIDDLEWARE:
        found.append(
            checks.Warning(
                "No CSRF middleware is installed: forms and session-authenticated API calls are "
                "not protected against cross-site request forgery.",
                id="annotator.W003",
            )
        )
    elif not settings.CSRF_COOKIE_SECURE:
        found.append(
            checks.Warning(
                "CSRF_COOKIE_SECURE is not True: the CSRF cookie may travel over plain HTTP.",
                id="annotator.W016",
            )
        )
    if installed & SESSION_MIDDLEWARE and not settings.SESSION_COOKIE_SECURE:
        found.append(
            checks.Warning(
                "SESSION_COOKIE_SECURE is not True: the session cookie may travel over plain HTTP.",
                id="annotator.W012",
            )
        )
    return found
