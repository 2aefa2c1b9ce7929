"""The deploy check still sees CSRF and cookie settings through the app's middleware subclasses."""

from __future__ import annotations

from django.conf import settings
from django.test import override_settings

from annotator.lib.deploy_checks import cookies_and_csrf


def _ids() -> set[str]:
    return {message.id for message in cookies_and_csrf()}


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_the_installed_middleware_with_secure_cookies_passes():
    assert _ids() == set()


@override_settings(SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False)
def test_cookies_without_the_secure_flag_are_reported():
    assert _ids() == {"annotator.W012", "annotator.W016"}


def test_a_missing_csrf_middleware_is_reported():
    without_csrf = [m for m in settings.MIDDLEWARE if not m.endswith("CsrfViewMiddleware")]
    with override_settings(MIDDLEWARE=without_csrf, SESSION_COOKIE_SECURE=True):
        assert _ids() == {"annotator.W003"}
