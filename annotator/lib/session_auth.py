"""The user of a browser session, from the cache instead of two queries per page.

Django's `get_user` reads the user's row and, for the navigation and every permission check,
its groups: two queries on every page. Here they are read once and cached, as the API token's
principal is (`annotator.lib.auth_tokens`): `session-principal:<secret digest>:<user id>` -> the
user's columns (never the password), role names and session verification hash, for
PRINCIPAL_CACHE_SECONDS.

The session is verified exactly as Django verifies it: the hash stored in the session at login
must equal the user's current one (an HMAC of the password hash under SECRET_KEY), so a password
change still ends every other session. Anything but the plain case (no cached principal that
verifies the session: another backend, a hash from a fallback secret, an inactive user, the
cache unreachable) goes to Django's own `get_user`, which handles it as before. Whatever changes
what an entry says drops it, at once and again when the change commits: saving a user (password,
deactivation, names), changing a user's groups, deleting a user (receivers connected in
`AnnotatorConfig.ready`).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from annotator.lib.auth_tokens import (
    PRINCIPAL_FIELDS,
    members_whose_groups_changed,
    user_from_columns,
)

logger = logging.getLogger(__name__)
PRINCIPAL_CACHE_SECONDS = 300
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _cache_key(user_id: Any) -> str:
    # The secret's digest: entries written under a former SECRET_KEY carry hashes it made.
    secret = hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest()[:16]
    return f"session-principal:{secret}:{user_id}"


def _principal_from_db(user_id: Any) -> dict[str, Any] | None:
    """The user's columns, role names and session hash, in one query (None: no active user)."""
    from django.contrib.postgres.aggregates import ArrayAgg
    from django.db.models import Q

    User = get_user_model()
    row = (
        User.objects.filter(pk=user_id, is_active=True)
        .values(*PRINCIPAL_FIELDS, "password")
        .annotate(roles=ArrayAgg("groups__name", filter=Q(groups__isnull=False), default=[]))
        .order_by()
        .first()
    )
    if row is None:
        return None
    # The hash Django's get_session_auth_hash() makes, from the row's password hash.
    probe = User(password=row.pop("password"))
    return {
        "user": {name: row[name] for name in PRINCIPAL_FIELDS},
        "roles": sorted(row["roles"]),
        "session_hash": probe.get_session_auth_hash(),
    }


def _principal(user_id: Any) -> dict[str, Any] | None:
    key = _cache_key(user_id)
    principal = cache.get(key)
    if principal is None:
        principal = _principal_from_db(user_id)
        if principal is not None:
            cache.set(key, principal, PRINCIPAL_CACHE_SECONDS)
    return principal  # type: ignore[no-any-return]


def session_user(request: HttpRequest) -> Any:
    """`django.contrib.auth.get_user(request)`, the user from the cache when it verifies."""
    session = request.session  # type: ignore[attr-defined]
    try:
        user_id = get_user_model()._meta.pk.to_python(session[auth.SESSION_KEY])  # type: ignore[union-attr]
        backend_path = session[auth.BACKEND_SESSION_KEY]
    except (KeyError, ValueError, ValidationError):
        return AnonymousUser()
    session_hash = session.get(auth.HASH_SESSION_KEY)
    if backend_path != MODEL_BACKEND or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    try:
        principal = _principal(user_id)
    except Exception:  # the cache is an optimisation: Django reads the database
        logger.warning("session principal cache unreachable; reading the database", exc_info=True)
        return auth.get_user(request)
    if (
        principal is None
        or not session_hash
        or not constant_time_compare(session_hash, principal["session_hash"])
    ):
        return auth.get_user(request)  # anonymous, a fallback secret's hash, or flushed
    user = user_from_columns(principal["user"], principal["roles"])
    cached_hash = principal["session_hash"]

    def get_session_auth_hash() -> str:
        # The password is not loaded: the cached hash is the stored password's, until the
        # instance gets a new one (set_password: the password change view then stores this
        # session's new hash, and other sessions end).
        if "password" in user.__dict__:
            return type(user).get_session_auth_hash(user)  # type: ignore[no-any-return]
        return cached_hash  # type: ignore[no-any-return]

    user.get_session_auth_hash = get_session_auth_hash
    return user


def forget_user(user_id: Any) -> None:
    """Drop the user's cached principal now and again once the current transaction commits (a
    concurrent request may cache the old row in between)."""

    def drop() -> None:
        try:
            cache.delete(_cache_key(user_id))
        except Exception:
            logger.error("session principal cache unreachable: user %s not dropped", user_id)

    drop()
    transaction.on_commit(drop)


# Cache coherence: receivers connected in AnnotatorConfig.ready ------------------------------


def on_user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save and post_delete of a user."""
    if instance.pk is not None:
        forget_user(instance.pk)


def on_user_groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    for user_id in members_whose_groups_changed(instance, action, reverse, pk_set):
        forget_user(user_id)
