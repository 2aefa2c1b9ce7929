"""Bench data: N articles x M annotations, generated once per database (run inside Django)."""

from __future__ import annotations

import json
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from annotator.annotations.models import Annotation
from annotator.articles.models import Article, ArticleRevision, sha256_text
from annotator.lib.markdown import render_markdown
from annotator.lib.roles import sync_groups
from annotator.seed import load_seed
from proposals.models import Proposal

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


def _text(index: int) -> str:
    rng = random.Random(index)
    paragraphs = []
    for p in range(12):
        words = " ".join(rng.choice(WORDS) for _ in range(90))
        paragraphs.append(f"## Partie {p + 1} de l'article {index}\n\n{words.capitalize()}.")
    return "\n\n".join(paragraphs)


def generate(n_articles: int, per_article: int) -> None:
    load_seed()
    sync_groups(Group, Permission)
    users = get_user_model().objects
    author, _ = users.get_or_create(username="bench")
    author.set_password("bench-password-1234")
    author.save()
    author.groups.add(Group.objects.get(name="fact-checker"))
    # The newsroom: 20 fact-checkers share the work; "bench" (the measuring client) is one of them.
    authors = [author]
    for n in range(1, 20):
        other, _ = users.get_or_create(username=f"bench-author-{n:02d}")
        other.groups.add(Group.objects.get(name="fact-checker"))
        authors.append(other)
    existing = Article.objects.filter(title__startswith="Bench ").count()
    rng = random.Random(42)
    proposals = list(Proposal.objects.values_list("id", flat=True)[:50])
    for index in range(existing, n_articles):
        text = _text(index)
        article = Article.objects.create(
            title=f"Bench {index:04d}",
            outlet="Bench",
            text=text,
            text_sha256=sha256_text(text),
            kind="article",
        )
        revision = ArticleRevision.objects.create(
            article=article, number=1, text=text, text_sha256=article.text_sha256
        )
        annotations = []
        for _ in range(per_article):
            start = rng.randrange(0, len(text) - 200)
            end = start + rng.randrange(20, 180)
            annotations.append(
                Annotation(
                    article=article,
                    revision=revision,
                    author=author,
                    exact=text[start:end],
                    prefix=text[max(0, start - 32) : start],
                    suffix=text[end : end + 32],
                    start=start,
                    end=end,
                    comment="Promesse chiffrée à vérifier.",
                    tags=["bench"],
                    status="approved",
                )
            )
        created = Annotation.objects.bulk_create(annotations)
        through = Annotation.proposals.through
        through.objects.bulk_create(
            [through(annotation_id=a.pk, proposal_id=rng.choice(proposals)) for a in created]
        )
    # Databases generated before authors were spread: spread them now (idempotent).
    if Annotation.objects.filter(
        author=author, tags=["bench"]
    ).count() > 2 * per_article * n_articles // len(authors):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE annotations_annotation SET author_id = (%s::bigint[])[1 + id %% %s] WHERE tags = '{bench}'",
                [[a.pk for a in authors], len(authors)],
            )
    Annotation.objects.filter(tags=["bench"], comment_html="").update(
        comment=COMMENT, comment_html=COMMENT_HTML
    )
    first = Article.objects.filter(title="Bench 0000").values_list("id", flat=True).first()
    print(
        json.dumps(
            {
                "article_id": first,
                "articles": Article.objects.count(),
                "annotations": Annotation.objects.count(),
            }
        )
    )
