"""Bench data: N articles x M annotations by 20 fact-checkers, plus a reviewer (run inside Django).

Generated once per database with bulk INSERTs (articles, revisions, annotations and their links in
a few statements each: about 20 s for 1,000 x 100), then ANALYZEd so that PostgreSQL plans with
real statistics. `bench.common.prepare` keeps the result as a template database and copies it
for every run, so each run starts from the same workload.
"""

from __future__ import annotations

import json
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction

from annotator.annotations.models import Annotation
from annotator.articles.models import Article, ArticleRevision, sha256_text
from annotator.lib.markdown import render_markdown
from annotator.lib.roles import sync_groups
from annotator.seed import load_seed
from proposals.models import Proposal

PASSWORD = "bench-password-1234"  # noqa: S105 - local benchmark accounts
WORDS = [
    "le",
    "candidat",
    "propose",
    "de",
    "créer",
    "un",
    "ministère",
    "du",
    "numérique",
    "et",
    "de",
    "déployer",
    "la",
    "fibre",
    "dans",
    "les",
    "zones",
    "blanches",
    "avec",
    "un",
    "plan",
    "national",
    "pour",
    "la",
    "souveraineté",
    "des",
    "données",
    "et",
    "la",
    "cybersécurité",
    "des",
    "services",
]
COMMENT = "Promesse **chiffrée** à vérifier."
COMMENT_HTML = str(render_markdown(COMMENT))  # what the annotation services store
AUTHORS = 20


def _text(index: int) -> str:
    rng = random.Random(index)
    paragraphs = []
    for p in range(12):
        words = " ".join(rng.choice(WORDS) for _ in range(90))
        paragraphs.append(f"## Partie {p + 1} de l'article {index}\n\n{words.capitalize()}.")
    return "\n\n".join(paragraphs)


def _accounts() -> list[object]:
    """ "bench" (the measuring client) and 19 other fact-checkers; "bench-reviewer" reviews."""
    users = get_user_model().objects
    fact_checker = Group.objects.get(name="fact-checker")
    authors = []
    for n in range(AUTHORS):
        username = "bench" if n == 0 else f"bench-author-{n:02d}"
        user, created = users.get_or_create(username=username)
        if created or n == 0:
            user.set_password(PASSWORD)
            user.save()
        user.groups.add(fact_checker)
        authors.append(user)
    reviewer, created = users.get_or_create(username="bench-reviewer")
    if created:
        reviewer.set_password(PASSWORD)
        reviewer.save()
    reviewer.groups.add(Group.objects.get(name="reviewer"))
    return authors


@transaction.atomic
def generate(n_articles: int, per_article: int) -> None:
    load_seed()
    sync_groups(Group, Permission)
    authors = _accounts()
    existing = Article.objects.filter(title__startswith="Bench ").count()
    rng = random.Random(42)
    proposals = list(Proposal.objects.values_list("id", flat=True)[:50])
    texts = {index: _text(index) for index in range(existing, n_articles)}
    articles = Article.objects.bulk_create(
        [
            Article(
                title=f"Bench {index:04d}",
                outlet="Bench",
                text=text,
                text_sha256=sha256_text(text),
                kind="article",
            )
            for index, text in texts.items()
        ],
        batch_size=200,
    )
    revisions = ArticleRevision.objects.bulk_create(
        [
            ArticleRevision(article=a, number=1, text=a.text, text_sha256=a.text_sha256)
            for a in articles
        ],
        batch_size=200,
    )
    annotations = []
    for article, revision in zip(articles, revisions, strict=True):
        text = article.text
        for _ in range(per_article):
            start = rng.randrange(0, len(text) - 200)
            end = start + rng.randrange(20, 180)
            annotations.append(
                Annotation(
                    article=article,
                    revision=revision,
                    author=authors[len(annotations) % len(authors)],
                    exact=text[start:end],
                    prefix=text[max(0, start - 32) : start],
                    suffix=text[end : end + 32],
                    start=start,
                    end=end,
                    comment=COMMENT,
                    comment_html=COMMENT_HTML,
                    tags=["bench"],
                    status="approved",
                )
            )
    created = Annotation.objects.bulk_create(annotations, batch_size=5000)
    through = Annotation.proposals.through
    through.objects.bulk_create(
        [through(annotation_id=a.pk, proposal_id=rng.choice(proposals)) for a in created],
        batch_size=10000,
    )
    first = Article.objects.filter(title="Bench 0000").values_list("id", flat=True).first()
    second = Article.objects.filter(title="Bench 0001").values_list("id", flat=True).first()
    print(
        json.dumps(
            {
                "article_id": first,
                "create_article_id": second,
                "articles": Article.objects.count(),
                "annotations": Annotation.objects.count(),
            }
        )
    )


def analyze() -> None:
    """Fresh planner statistics and visibility map, as autovacuum would leave them later."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
