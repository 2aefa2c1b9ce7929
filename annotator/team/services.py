"""Writes on people: invite, accept an invitation, change a role, (de)activate an account."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from annotator.lib.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from annotator.lib.roles import MODERATOR, ROLES, is_moderator, primary_role, sync_groups
from annotator.team.models import Invitation
from annotator.team.selectors import token_hash

User = get_user_model()


def _require_moderator(actor: Any) -> None:
    if not is_moderator(actor):
        raise PermissionDeniedError(_("Only moderators manage the team."))


def _role_group(role: str) -> Group:
    group = Group.objects.filter(name=role).first()
    if group is None:  # the roles migration's rows were flushed (transactional tests, fresh DB)
        sync_groups(Group, Permission)
        group = Group.objects.get(name=role)
    return group


def _apply_role(user: Any, role: str | None) -> None:
    """Make `role` the user's only newsroom role; moderators get admin access (is_staff)."""
    user.groups.remove(*Group.objects.filter(name__in=ROLES))
    if role:
        user.groups.add(_role_group(role))
    if not user.is_superuser:
        user.is_staff = role == MODERATOR
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_role_names", None)


def invitation_create(*, actor: Any, email: str, role: str, link_base: str) -> Invitation:
    """Invite `email` with `role` and email them a one-time link (sent after commit).

    Permission: moderators. Refuses an address that already has an active account; a new
    invitation to the same address replaces the pending one. The token is only in the email.
    """
    _require_moderator(actor)
    email = User.objects.normalize_email(email.strip())
    if role not in ROLES:
        message = _("Unknown role.")
        raise InvalidInputError(message, fields={"role": [message]})
    if not email or "@" not in email:
        message = _("Enter a valid email address.")
        raise InvalidInputError(message, fields={"email": [message]})
    if User.objects.filter(email__iexact=email, is_active=True).exists():
        message = _("Someone with this email address already has an account.")
        raise ConflictError(message, fields={"email": [message]})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(
            email__iexact=email, accepted_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        invitation = Invitation.objects.create(
            email=email,
            role=role,
            token_hash=token_hash(token),
            invited_by=actor,
            expires_at=now + dt.timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        link = link_base.rstrip("/") + reverse("team:join", args=[token])
        transaction.on_commit(lambda: _send_invitation(invitation, link, inviter=actor))
    return invitation


def _send_invitation(invitation: Invitation, link: str, *, inviter: Any) -> None:
    context = {
        "invitation": invitation,
        "link": link,
        "inviter": inviter.get_full_name() or inviter.get_username(),
        "newsroom": settings.NEWSROOM_NAME,
        "days": settings.INVITATION_VALID_DAYS,
    }
    send_mail(
        subject=render_to_string("team/invitation_subject.txt", context).strip(),
        message=render_to_string("team/invitation_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )


def invitation_accept(
    *, token: str, username: str, password: str, first_name: str = "", last_name: str = ""
) -> Any:
    """Create the invited person's account with the invited role; the link then stops working.

    Takes a row lock on the invitation so a link clicked twice creates one account. The password
    goes through Django's validators (400 with their messages).
    """
    username = username.strip()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
        )
        if invitation is None or not invitation.is_pending:
            raise NotFoundError(_("This invitation link is invalid, already used or expired."))
        if not username:
            message = _("Choose a username.")
            raise InvalidInputError(message, fields={"username": [message]})
        try:
            User.username_validator(username)
        except ValidationError as exc:
            raise InvalidInputError(exc.messages[0], fields={"username": exc.messages}) from exc
        if User.objects.filter(username__iexact=username).exists():
            message = _("This username is taken.")
            raise InvalidInputError(message, fields={"username": [message]})
        user = User(
            username=username,
            email=invitation.email,
            first_name=first_name.strip()[:150],
            last_name=last_name.strip()[:150],
        )
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInputError(exc.messages[0], fields={"password1": exc.messages}) from exc
        user.set_password(password)
        user.save()
        _apply_role(user, invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.user = user
        invitation.save(update_fields=["accepted_at", "user"])
    return user


def _locked_member(actor: Any, user_id: int) -> Any:
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFoundError(_("No such member."))
    if user.pk == actor.pk:
        raise PermissionDeniedError(_("You cannot change your own role or account here."))
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDeniedError(_("Only a superuser can change a superuser."))
    return user


def member_role_set(
    *, actor: Any, user_id: int, role: str | None, expected_role: str | None = None
) -> Any:
    """Give a member exactly one role (or none). Moderators get is_staff; others lose it.

    Permission: moderators, not on themselves. Row lock on the user; when `expected_role` is
    given (the role the moderator saw, "" for none) and differs from the current one, 409.
    """
    _require_moderator(actor)
    role = role or None
    if role is not None and role not in ROLES:
        message = _("Unknown role.")
        raise InvalidInputError(message, fields={"role": [message]})
    with transaction.atomic():
        user = _locked_member(actor, user_id)
        current = primary_role(user)
        if expected_role is not None and (expected_role or None) != current:
            raise ConflictError(
                _("%(user)s's role was changed by someone else; reload the page.")
                % {"user": user.get_username()},
                current={"id": user.pk, "role": current},
            )
        _apply_role(user, role)
    return user


def member_deactivate(*, actor: Any, user_id: int) -> Any:
    """Close an account: it can no longer log in (sessions and tokens stop working).

    Everything the person wrote stays, attributed to them. Moderators only, not on themselves.
    """
    return _member_set_active(actor=actor, user_id=user_id, active=False)


def member_reactivate(*, actor: Any, user_id: int) -> Any:
    return _member_set_active(actor=actor, user_id=user_id, active=True)


def _member_set_active(*, actor: Any, user_id: int, active: bool) -> Any:
    _require_moderator(actor)
    with transaction.atomic():
        user = _locked_member(actor, user_id)
        if user.is_active != active:
            user.is_active = active
            user.save(update_fields=["is_active"])
    return user
