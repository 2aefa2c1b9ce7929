"""API tokens that expire and can be revoked.

A token is valid for `API_TOKEN_TTL_HOURS` after it was issued; an expired token is refused
(401) and deleted, and the next `POST /api/auth/token/` issues a fresh one. Its owner can revoke
it, and so can a moderator (for anyone's token); revoking deletes the row, so every client
holding it is refused at its next request.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from annotator.lib.errors import NotFoundError, PermissionDeniedError
from annotator.lib.roles import is_moderator


def token_lifetime() -> timedelta:
    return timedelta(hours=int(settings.API_TOKEN_TTL_HOURS))


def token_expires_at(token: Token) -> datetime:
    return token.created + token_lifetime()


def token_is_expired(token: Token) -> bool:
    return timezone.now() >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token <key>`, refused once the token is past its lifetime."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            token.delete()
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
            token.delete()
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
