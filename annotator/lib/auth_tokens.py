"""API tokens that expire and can be revoked.

A token is valid for `API_TOKEN_TTL_HOURS` after it was issued; an expired token is refused
(401) and deleted, and the next `POST /api/auth/token/` issues a fresh one. Its owner can revoke
it, and so can a moderator (for anyone's token); revoking deletes the row, so every client
holding it is refused at its next request.

Authentication reads the cache, not the database: `<key digest>` -> the token's creation time, its
user's columns (never the password) and role names, for TOKEN_CACHE_SECONDS. Whatever changes
what that entry says drops it, at once and again when the change commits: deleting a token (revocation, expiry, a
deleted user, the admin), saving a user (deactivation, names) and changing a user's groups (the
receivers below, connected in `AnnotatorConfig.ready`). So a revoked token is refused at the next
request, by every process. Expiry is checked against the cached creation time. When the cache is
unreachable the database answers, as before.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from annotator.lib.errors import NotFoundError, PermissionDeniedError
from annotator.lib.roles import is_moderator

logger = logging.getLogger(__name__)
TOKEN_CACHE_SECONDS = 300
# The user columns a cached principal carries: everything but the password hash, which stays
# deferred (reading it, or saving the instance, only touches the loaded columns).
PRINCIPAL_FIELDS = (
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
    "last_login",
    "date_joined",
)


def token_lifetime() -> timedelta:
    return timedelta(hours=int(settings.API_TOKEN_TTL_HOURS))


def token_expires_at(token: Token) -> datetime:
    return token.created + token_lifetime()


def token_is_expired(token: Token) -> bool:
    return timezone.now() >= token_expires_at(token)


def _cache_key(key: str) -> str:
    return "api-token:" + hashlib.sha256(key.encode()).hexdigest()


def _principal_from_db(key: str) -> dict[str, Any] | None:
    """The token's creation time, its user's columns and role names, in one query."""
    from django.contrib.postgres.aggregates import ArrayAgg
    from django.db.models import Q

    rows = (
        Token.objects.filter(key=key)
        .values("created", *(f"user__{name}" for name in PRINCIPAL_FIELDS))
        .annotate(
            roles=ArrayAgg("user__groups__name", filter=Q(user__groups__isnull=False), default=[])
        )
        .order_by()[:1]
    )
    row = next(iter(rows), None)
    if row is None:
        return None
    return {
        "created": row["created"],
        "user": {name: row[f"user__{name}"] for name in PRINCIPAL_FIELDS},
        "roles": sorted(row["roles"]),
    }


def _cached_principal(key: str) -> dict[str, Any] | None:
    try:
        principal = cache.get(_cache_key(key))
    except Exception:  # the cache is an optimisation: the database still answers
        logger.warning("token cache unreachable; reading the database", exc_info=True)
        return _principal_from_db(key)
    if principal is None:
        principal = _principal_from_db(key)
        if principal is not None:
            try:
                cache.set(_cache_key(key), principal, TOKEN_CACHE_SECONDS)
            except Exception:
                logger.warning("token cache unreachable; not caching", exc_info=True)
    return principal


def forget_token(key: str) -> None:
    """Drop a token's cached principal now and again once the current transaction commits: a
    concurrent request may cache the old row between the two, since the change is not visible
    to it before the commit (outside a transaction both happen at once)."""

    def drop() -> None:
        try:
            cache.delete(_cache_key(key))
        except Exception:
            logger.error("token cache unreachable: %s not dropped", _cache_key(key)[:20])

    drop()
    transaction.on_commit(drop)


def forget_user_tokens(user_id: Any) -> None:
    """Drop the cached principal of the user's token(s) (their columns or roles changed)."""
    for key in Token.objects.filter(user_id=user_id).values_list("key", flat=True):
        forget_token(key)


def user_from_columns(columns: dict[str, Any], role_names: list[str]) -> Any:
    """A user instance as loaded from the database, from a cached principal's columns: the
    password left deferred (reading it, or saving the instance, only touches the loaded
    columns), the role names set as `annotator.lib.roles` caches them on the instance."""
    User = get_user_model()
    # from_db takes the loaded values in the model's field order.
    loaded = [f.attname for f in User._meta.concrete_fields if f.attname in columns]
    user = User.from_db("default", loaded, [columns[name] for name in loaded])
    user._role_names = set(role_names)  # type: ignore[attr-defined]
    return user


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token <key>`, refused once the token is past its lifetime; the
    token and its user come from the cache (see the module docstring), no query when cached."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        principal = _cached_principal(key)
        if principal is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = user_from_columns(principal["user"], principal["roles"])
        token = Token(key=key, user_id=user.pk, created=principal["created"])
        token._state.adding = False
        token._state.db = "default"
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token_is_expired(token):
            Token.objects.filter(key=key).delete()
            raise exceptions.AuthenticationFailed(
                _("The token has expired; ask for a new one."), code="token_expired"
            )
        return user, token


def token_issue(*, user: Any) -> Token:
    """The user's valid token, or a new one when they have none or it has expired.

    One transaction, the token row locked so two concurrent logins get the same key.
    """
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and token_is_expired(token):
            token.delete()  # the post_delete receiver drops its cache entry
            token = None
        if token is None:
            token = Token.objects.create(user=user)
    return token


def token_revoke(*, actor: Any, user_id: int) -> bool:
    """Delete `user_id`'s token. Permission: the owner, or a moderator. True if one existed."""
    User = get_user_model()
    if actor.pk != user_id and not is_moderator(actor):
        raise PermissionDeniedError(_("Only moderators can revoke another person's token."))
    with transaction.atomic():
        if not User.objects.filter(pk=user_id).exists():
            raise NotFoundError(_("No such member."))
        deleted, _rows = Token.objects.filter(user_id=user_id).delete()
    return deleted > 0


# Cache coherence: receivers connected in AnnotatorConfig.ready ------------------------------


def on_token_deleted(sender: Any, instance: Token, **kwargs: Any) -> None:
    forget_token(instance.key)


def on_user_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is not None:
        forget_user_tokens(instance.pk)


def members_whose_groups_changed(
    instance: Any, action: str, reverse: bool, pk_set: Any
) -> list[Any]:
    """The ids of the users whose groups an `m2m_changed` signal of `User.groups` reports as
    changed (read from either side: `user.groups…` or `group.user_set…`)."""
    if reverse and action == "pre_clear":  # group.user_set.clear(): its members, before
        return list(instance.user_set.values_list("pk", flat=True))
    if action in ("post_add", "post_remove", "post_clear"):
        if not reverse:
            return [instance.pk]
        return list(pk_set or ())  # group.user_set.add/remove(...): the users are in pk_set
    return []


def on_user_groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    for user_id in members_whose_groups_changed(instance, action, reverse, pk_set):
        forget_user_tokens(user_id)
