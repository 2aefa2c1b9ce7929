"""The three newsroom roles. Groups are created by a migration; membership is the source of truth."""

from __future__ import annotations

from typing import Any

FACT_CHECKER = "fact-checker"
REVIEWER = "reviewer"
MODERATOR = "moderator"
ROLES = (FACT_CHECKER, REVIEWER, MODERATOR)

# Model permissions each group holds (app_label.codename). Admin access also needs is_staff,
# which moderators get when their role is set (team service, demo set-up).
GROUP_PERMISSIONS: dict[str, list[str]] = {
    FACT_CHECKER: [
        "annotations.add_annotation",
        "annotations.change_annotation",
        "proposals.add_proposal",
        "proposals.change_proposal",
        "proposals.add_feasibilityrating",
        "proposals.change_feasibilityrating",
        "articles.add_article",
    ],
    REVIEWER: [
        "annotations.add_annotation",
        "annotations.change_annotation",
        "proposals.add_proposal",
        "proposals.change_proposal",
        "proposals.add_feasibilityrating",
        "proposals.change_feasibilityrating",
        "proposals.add_verdict",
    ],
    MODERATOR: [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.add_articlerevision",
        "articles.view_articlerevision",
        "annotations.view_annotation",
        "annotations.change_annotation",
        "proposals.add_proposal",
        "proposals.change_proposal",
        "proposals.view_proposal",
        "proposals.delete_proposal",
        "proposals.view_feasibilityrating",
        "proposals.add_verdict",
        "proposals.change_verdict",
        "proposals.view_verdict",
        "proposals.view_election",
        "proposals.add_election",
        "proposals.change_election",
        "proposals.view_party",
        "proposals.add_party",
        "proposals.change_party",
        "proposals.view_candidate",
        "proposals.add_candidate",
        "proposals.change_candidate",
        "proposals.view_candidacy",
        "proposals.add_candidacy",
        "proposals.change_candidacy",
        "proposals.view_theme",
        "auth.view_user",
    ],
}


def _group_names(user: Any) -> set[str]:
    """Group names of a user, cached on the instance for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def has_role(user: Any, *roles: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(_group_names(user) & set(roles))


def is_fact_checker(user: Any) -> bool:
    return has_role(user, FACT_CHECKER, REVIEWER, MODERATOR)


def is_reviewer(user: Any) -> bool:
    return has_role(user, REVIEWER, MODERATOR)


def is_moderator(user: Any) -> bool:
    return has_role(user, MODERATOR)


def primary_role(user: Any) -> str | None:
    """The highest role a user holds, for display."""
    for role in (MODERATOR, REVIEWER, FACT_CHECKER):
        if role in _group_names(user):
            return role
    return None


def sync_groups(group_model: Any, permission_model: Any) -> None:
    """Create the three groups and give them their permissions (idempotent).

    Takes the model classes so that the data migration can pass its historical models.
    """
    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        for dotted in perms:
            app_label, codename = dotted.split(".")
            permission = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)
