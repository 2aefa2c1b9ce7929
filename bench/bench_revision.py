"""Server time of a text revision: a 200 kB text with 1,000 annotations (passages up to 5,000
characters) corrected by a moderator (issue 12's target: under 2 s).

    .venv/bin/python -m annotator.lib.localservices exec -- .venv/bin/python bench/bench_revision.py

Each run corrects the text three ways at once: a paragraph inserted at the top, a typo fixed inside
a 4,000-character approved passage, a sentence deleted near the end. Timed around the whole
`PATCH /api/articles/<id>/` through Django's test client (middleware, service, one transaction).
Runs inside one transaction that is rolled back: nothing stays.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from annotator.annotations.models import Annotation  # noqa: E402
from annotator.articles.models import Article, ArticleRevision, sha256_text  # noqa: E402

TEXT_SIZE = 200_000
ANNOTATIONS = 1000
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
WORDS = [
    "fibre",
    "réseau",
    "souveraineté",
    "données",
    "cloud",
    "cybersécurité",
    "école",
    "santé",
    "numérique",
    "État",
    "plateforme",
    "algorithme",
    "emploi",
    "formation",
    "start-up",
    "impôt",
    "géant",
    "européen",
    "transparence",
    "public",
    "privé",
    "hôpital",
    "commune",
    "région",
    "citoyen",
    "vote",
    "éthique",
    "robot",
    "intelligence",
    "accès",
    "très",
    "haut",
    "débit",
]


class Rollback(Exception):
    pass


def make_text(rng: random.Random) -> str:
    corpus = "\n\n".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures/corpus").glob("*.txt"))
    )
    parts, size, n = [corpus], len(corpus), 0
    while size < TEXT_SIZE:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16)))
        piece = sentence.capitalize() + f" (§{n})." + ("\n\n" if n % 7 == 6 else " ")
        parts.append(piece)
        size += len(piece)
        n += 1
    return "".join(parts) + f"\n\nbench {time.time()}\n"


def make_article(user, rng: random.Random) -> Article:  # type: ignore[no-untyped-def]
    text = make_text(rng)
    article = Article.objects.create(
        title="Bench revision", text=text, text_sha256=sha256_text(text),
        status=Article.Status.PUBLISHED,
    )  # fmt: skip
    revision = ArticleRevision.objects.create(
        article=article, number=1, text=text, text_sha256=article.text_sha256
    )
    rows = []
    for i in range(ANNOTATIONS):
        length = 4000 if i == 0 else rng.choice([40, 200, 800, 5000])
        start = 60_000 if i == 0 else rng.randrange(0, len(text) - length)
        end = start + length
        rows.append(
            Annotation(
                article=article, revision=revision, author=user, exact=text[start:end],
                prefix=text[max(0, start - 32) : start], suffix=text[end : end + 32],
                start=start, end=end, status=rng.choice(["submitted", "approved", "draft"]),
            )
        )  # fmt: skip
    rows[0].status = "approved"
    Annotation.objects.bulk_create(rows)
    return article


def edited(text: str, run: int) -> str:
    """A note on top, one character of the 4,000-character passage corrected, a sentence cut."""
    typo_at = 62_000 + run
    text = text[:typo_at] + ("x" if text[typo_at] != "x" else "y") + text[typo_at + 1 :]
    cut = text.index(". ", len(text) - 5000)
    text = text[:cut] + text[text.index(". ", cut + 2) :]
    return f"Note de la rédaction n°{run}.\n\n" + text


def ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return f"median {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms   (n={len(samples)})"


def main() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    setup_test_environment()
    rng = random.Random(12)
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user("bench-reviser", password="x")  # noqa: S106
            user.groups.add(*Group.objects.filter(name="moderator"))
            article = make_article(user, rng)
            client = APIClient()
            client.force_authenticate(user)
            timings, outcome, queries = [], {}, 0
            for run in range(RUNS):
                article.refresh_from_db()
                body = {"text": edited(article.text, run), "version": article.version}
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    response = client.patch(f"/api/articles/{article.pk}/", body, format="json")
                    timings.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, response.content[:500]
                outcome, queries = response.json()["reanchoring"], len(captured)
            print(
                f"revise a {len(article.text):,}-character text with {ANNOTATIONS} annotations "
                f"(passages up to 5,000): {ms(timings)}   {queries} queries"
            )
            print(f"  last run: {outcome}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
