"""Demo users for the dev set-up (`make run`). Never created by a migration."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from annotator.lib import roles
from annotator.lib.roles import sync_groups

DEMO_USERS: list[tuple[str, str | None, str]] = [
    ("factchecker", roles.FACT_CHECKER, "Camille Martin"),
    ("factchecker2", roles.FACT_CHECKER, "Hugo Bernard"),
    ("reviewer", roles.REVIEWER, "Léa Petit"),
    ("reviewer2", roles.REVIEWER, "Nathan Durand"),
    ("moderator", roles.MODERATOR, "Inès Moreau"),
    ("admin", None, "Admin"),
]


def demo_password() -> str:
    """DEMO_PASSWORD when set; otherwise generated once and kept in .local/demo-password."""
    if os.environ.get("DEMO_PASSWORD"):
        return os.environ["DEMO_PASSWORD"]
    path = Path(settings.BASE_DIR) / ".local" / "demo-password"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password


def create_demo_users(password: str) -> list[str]:
    """Create the demo users that are missing (existing ones get the demo password again)."""
    user_model = get_user_model()
    created = []
    for username, role, full_name in DEMO_USERS:
        first, _, last = full_name.partition(" ")
        user, new = user_model.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        user.set_password(password)
        user.is_staff = role == roles.MODERATOR or username == "admin"
        user.is_superuser = username == "admin"
        user.save()
        if role:
            if not Group.objects.filter(name=role).exists():
                sync_groups(Group, Permission)
            user.groups.set([Group.objects.get(name=role)])
        if new:
            created.append(username)
    return created
