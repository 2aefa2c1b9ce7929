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


JUSTIFICATIONS = {
    "feasible": "Une loi ordinaire et une ligne budgétaire suffisent ; aucune compétence européenne n'est en jeu et le calendrier tient dans un quinquennat.",
    "mostly_feasible": "Réalisable avec une loi dédiée et un budget identifié ; le principal obstacle est le calendrier parlementaire, pas le droit.",
    "conditional": "Dépend d'un accord au niveau de l'Union européenne et d'un financement qui n'est pas chiffré dans le programme : réalisable sous conditions.",
}


def create_demo_activity() -> int:
    """Demo work for `make run`: the starter proposals' sentences annotated by the demo
    fact-checkers (some submitted, some approved), a few ratings and published verdicts, all
    through the real services so that the demo obeys every rule. Runs once (0 when done)."""
    from annotator.annotations.models import Annotation
    from annotator.annotations.services import annotation_create
    from annotator.articles.models import Article
    from annotator.review.services import annotation_review, annotation_submit
    from annotator.seed import read_seed
    from proposals.models import Proposal
    from proposals.services import rating_submit, verdict_publish

    users = {
        user.username: user
        for user in get_user_model().objects.filter(username__in=[u for u, _r, _n in DEMO_USERS])
    }
    if Annotation.objects.filter(author__username__in=["factchecker", "factchecker2"]).exists():
        return 0
    seed = read_seed()
    titles = {row["file"]: row["title"] for row in seed["articles"]}
    articles = {article.title: article for article in Article.objects.all()}
    created = 0
    for index, row in enumerate(seed["proposals"]):
        article = articles.get(titles[row["article"]])
        proposal = Proposal.objects.filter(slug=row["slug"]).first()
        if article is None or proposal is None or row["sentence"] not in article.text:
            continue
        author = users["factchecker" if index % 2 == 0 else "factchecker2"]
        start = article.text.index(row["sentence"])
        end = start + len(row["sentence"])
        annotation = annotation_create(
            actor=author,
            article=article,
            quote={
                "exact": row["sentence"],
                "prefix": article.text[max(0, start - 32) : start],
                "suffix": article.text[end : end + 32],
            },
            position={"start": start, "end": end},
            comment=f"Énoncé de la proposition « {proposal.title} ».",
            tags=[proposal.primary_theme.code.lower()],
            proposals=[proposal.pk],
        )
        created += 1
        if index % 3 == 2:
            continue  # left as a draft
        annotation_submit(actor=author, annotation_id=annotation.pk)
        if index % 3 == 0:
            annotation_review(
                actor=users["reviewer"], annotation_id=annotation.pk, decision="approve"
            )
        if index < 12 and index % 3 == 0:
            levels = {"legal": 1, "budget": 1, "technical": 0, "institutional": 0, "timeline": 1}
            for rater, feasibility in (
                (users["factchecker"], "mostly_feasible"),
                (users["factchecker2"], "conditional" if index % 2 else "mostly_feasible"),
            ):
                rating_submit(
                    actor=rater,
                    proposal_id=proposal.pk,
                    feasibility=feasibility,
                    obstacles=levels,
                    importance="high",
                    confidence="medium",
                    justification=JUSTIFICATIONS[feasibility],
                    evidence=[{"annotation": annotation.pk}],
                )
            verdict_publish(
                actor=users["reviewer"],
                proposal_id=proposal.pk,
                summary="Réalisable avec une loi dédiée ; le financement reste à préciser.",
            )
    return created
