"""Pages of the team: members and their activity, invitations, roles, accounts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from annotator.lib.errors import DomainError, NotFoundError
from annotator.lib.roles import is_moderator, primary_role
from annotator.team import services
from annotator.team.forms import InviteForm, JoinForm
from annotator.team.models import ROLE_CHOICES
from annotator.team.selectors import (
    invitation_get_by_token,
    invitation_pending_list_for,
    member_list_for,
)

ROLE_LABELS = dict(ROLE_CHOICES)


def _team_page(request: HttpRequest, invite_form: InviteForm, status: int = 200) -> HttpResponse:
    members = list(member_list_for(actor=request.user))
    for member in members:
        names = {g.name for g in member.groups.all()}
        member._role_names = names  # primary_role() reads this instead of querying again
        member.role = primary_role(member) or ""
        member.role_label = ROLE_LABELS.get(member.role, _("No role"))
    context = {
        "members": members,
        "invitations": list(invitation_pending_list_for(actor=request.user)),
        "invite_form": invite_form,
        "role_choices": ROLE_CHOICES,
    }
    return render(request, "team/team_list.html", context, status=status)


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    if not is_moderator(request.user):
        raise PermissionDenied
    return _team_page(request, InviteForm())


@login_required
@require_POST
def team_invite(request: HttpRequest) -> HttpResponse:
    if not is_moderator(request.user):
        raise PermissionDenied
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                link_base=request.build_absolute_uri("/"),
            )
        except DomainError as exc:
            form.add_error("email" if "email" in exc.fields else None, exc.detail)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("team:list")
    return _team_page(request, form, status=400)


def _member_action(request: HttpRequest, action: str, user_id: int) -> HttpResponse:
    if not is_moderator(request.user):
        raise PermissionDenied
    try:
        if action == "role":
            user = services.member_role_set(
                actor=request.user,
                user_id=user_id,
                role=request.POST.get("role", ""),
                expected_role=request.POST.get("current_role"),
            )
            messages.success(request, _("%(user)s's role was changed.") % {"user": user.username})
        elif action == "deactivate":
            user = services.member_deactivate(actor=request.user, user_id=user_id)
            messages.success(request, _("%(user)s can no longer log in.") % {"user": user.username})
        else:
            user = services.member_reactivate(actor=request.user, user_id=user_id)
            messages.success(request, _("%(user)s can log in again.") % {"user": user.username})
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("team:list")


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(request, "role", pk)


@login_required
@require_POST
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(request, "deactivate", pk)


@login_required
@require_POST
def member_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(request, "reactivate", pk)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: choose a username and a password, then you are logged in."""
    try:
        invitation = invitation_get_by_token(token=token)
    except NotFoundError as exc:
        return render(request, "team/join_invalid.html", {"detail": exc.detail}, status=404)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except NotFoundError as exc:
            return render(request, "team/join_invalid.html", {"detail": exc.detail}, status=404)
        except DomainError as exc:
            for field, problems in exc.fields.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, str(problem))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("/")
    status = 400 if form.errors else 200
    context = {"form": form, "invitation": invitation, "role_label": ROLE_LABELS[invitation.role]}
    return render(request, "team/join.html", context, status=status)
