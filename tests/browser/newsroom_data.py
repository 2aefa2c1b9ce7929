"""A newsroom with a day's work in it, for the layout and screenshot tests: the seed corpus,
one account per role (full names), annotations in every state, ratings, a verdict, exports and
notifications. Built with factories on the real schema."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command

from annotator.annotations.models import Annotation
from annotator.articles.models import Article
from annotator.review.models import Notification
from proposals.models import Proposal
from tests.factories import UserFactory
from tests.factories.annotations import AnnotationFactory, passage
from tests.factories.exports import ExportJobFactory, RatingFactory, VerdictFactory
from tests.factories.review import NotificationFactory, submitted_annotation

ROLES = ("fact-checker", "reviewer", "moderator")


def populate() -> dict[str, Any]:
    call_command("load_seed")
    users = {
        "fact-checker": UserFactory(
            username="camille", first_name="Camille", last_name="Martin", role="fact-checker"
        ),
        "reviewer": UserFactory(
            username="lea", first_name="Léa", last_name="Petit", role="reviewer"
        ),
        "moderator": UserFactory(
            username="ines",
            first_name="Inès",
            last_name="Moreau",
            role="moderator",
            is_staff=True,
        ),
    }
    fact_checker = users["fact-checker"]
    article = Article.objects.get(title__startswith="Les propositions de Benoît Hamon")
    proposals = list(Proposal.objects.filter(candidacy__in=article.candidacies.all())[:3])
    sentences = [line for line in article.text.split("\n") if len(line) > 80][:4]
    annotations = []
    for index, sentence in enumerate(sentences):
        fields = passage(article, sentence[:60])
        make = submitted_annotation if index % 2 == 0 else AnnotationFactory
        annotations.append(
            make(
                article=article,
                author=fact_checker,
                comment=f"**Chiffre à vérifier** : voir le programme, point {index + 1}.",
                proposals=proposals[index % len(proposals) : index % len(proposals) + 1],
                **fields,
            )
        )
    approved = annotations[1]
    approved.status = Annotation.Status.APPROVED
    approved.save(update_fields=["status"])
    for proposal in proposals[:2]:
        RatingFactory(proposal=proposal, rater=fact_checker)
        RatingFactory(proposal=proposal, rater=users["reviewer"], feasibility="feasible")
    VerdictFactory(proposal=proposals[0], published_by=users["reviewer"])
    ExportJobFactory(
        requested_by=users["moderator"],
        state="succeeded",
        size=41062,
        row_count=12,
        file_name="export-1.jsonl",
        sha256="0" * 64,
    )
    ExportJobFactory(
        requested_by=fact_checker,
        state="succeeded",
        size=11571,
        row_count=3,
        file_name="export-2.jsonl",
        sha256="1" * 64,
    )
    NotificationFactory(
        recipient=fact_checker, annotation=approved, kind=Notification.Kind.APPROVED
    )
    return {"users": users, "article": article, "proposal": proposals[0], "annotation": approved}


def main_pages(data: dict[str, Any], role: str) -> list[str]:
    """The main pages a person of `role` works with."""
    pages = [
        "/articles/",
        f"/articles/{data['article'].pk}/",
        "/proposals/",
        f"/proposals/{data['proposal'].slug}/",
        "/compare/",
        "/stats/",
        "/methodology/",
        "/exports/",
        "/imports/",
        "/inbox/",
        f"/annotations/{data['annotation'].pk}/",
        "/no-such-page/",
    ]
    if role == "fact-checker":
        pages += ["/review/mine/", "/articles/new/"]
    if role in ("reviewer", "moderator"):
        pages += ["/review/"]
    if role == "moderator":
        pages += ["/team/"]
    return pages


def navigation(role: str) -> list[str]:
    """Every navigation entry (href) a person of `role` must be able to reach."""
    entries = ["/articles/", "/proposals/", "/compare/", "/exports/", "/imports/", "/stats/"]
    entries.append("/inbox/")
    if role == "fact-checker":
        entries.append("/review/mine/")
    if role in ("reviewer", "moderator"):
        entries.append("/review/")
    if role == "moderator":
        entries += ["/team/", "/admin/"]
    return entries
