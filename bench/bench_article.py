"""Server time to render an article with 100 and with 1,000 annotations, and to re-anchor 1,000
annotations after an edit of the text.

    .venv/bin/python -m annotator.lib.localservices exec -- .venv/bin/python bench/bench_article.py

Runs against the configured database (migrated first) inside one transaction that is rolled back:
nothing stays. Settings are `make run`'s (production: DEBUG off, `annotator.lib.localrun`) unless
DEBUG is set by the caller.
Prints one line per figure (median and p95 of several runs, in milliseconds).
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
from annotator.lib.localrun import run_environment  # noqa: E402

os.environ.update(run_environment(os.environ))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from annotator.annotations.models import Annotation  # noqa: E402
from annotator.articles.models import Article, ArticleRevision, sha256_text  # noqa: E402
from annotator.articles.services import article_revise_text  # noqa: E402
from annotator.lib.markdown import render_markdown  # noqa: E402

COMMENT = "Une **remarque** de fact-checking."
COMMENT_HTML = str(render_markdown(COMMENT))  # as the services store it
ANNOTATIONS = 1000
RENDER_SIZES = (100, 1000)
RENDER_RUNS = 30
REANCHOR_RUNS = 5


class Rollback(Exception):
    pass


def corpus_text() -> str:
    texts = [
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures/corpus").glob("*.txt"))
    ]
    return "\n\n".join(texts) + f"\n\nbench {time.time()}\n"


def make_article(user, count: int = ANNOTATIONS) -> Article:  # type: ignore[no-untyped-def]
    text = corpus_text()
    article = Article.objects.create(
        title="Bench", text=text, text_sha256=sha256_text(text), status=Article.Status.PUBLISHED
    )
    revision = ArticleRevision.objects.create(
        article=article, number=1, text=text, text_sha256=article.text_sha256
    )
    rng = random.Random(42)
    rows = []
    for _ in range(count):
        start = rng.randrange(0, len(text) - 200)
        end = start + rng.randrange(10, 160)
        rows.append(
            Annotation(
                article=article,
                revision=revision,
                author=user,
                exact=text[start:end],
                prefix=text[max(0, start - 32) : start],
                suffix=text[end : end + 32],
                start=start,
                end=end,
                status=rng.choice(["submitted", "approved", "draft"]),
                comment=COMMENT,
                comment_html=COMMENT_HTML,
                tags=["bench"],
            )
        )
    Annotation.objects.bulk_create(rows)
    return article


def stats(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return f"median {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms   (n={len(samples)})"


def main() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a fresh checkout's database may not be migrated yet
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages' manifest
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    setup_test_environment()
    try:
        with transaction.atomic():
            user_model = get_user_model()
            user = user_model.objects.create_user("bench-moderator", password="x")  # noqa: S106
            user.groups.add(*Group.objects.filter(name__in=["moderator", "fact-checker"]))
            client = Client()
            client.force_login(user)
            for size in RENDER_SIZES:
                article = make_article(user, size)
                url = f"/articles/{article.pk}/"
                client.get(url)  # warm up templates and caches
                timings = []
                for _ in range(RENDER_RUNS):
                    with CaptureQueriesContext(connection) as queries:
                        began = time.perf_counter()
                        response = client.get(url)
                        timings.append((time.perf_counter() - began) * 1000)
                    assert response.status_code == 200
                print(
                    f"render article page, {size} annotations, {len(article.text):,} chars: "
                    f"{stats(timings)}   {len(queries)} queries"
                )

            timings = []
            outcome = {}
            for run in range(REANCHOR_RUNS):
                article.refresh_from_db()
                text = article.text
                # An edit a moderator would make: a paragraph inserted at the top and typos fixed.
                new_text = f"Note de la rédaction n°{run}.\n\n" + text.replace(
                    "numérique", "numériques", 3
                )
                began = time.perf_counter()
                outcome = article_revise_text(
                    actor=user,
                    article_id=article.pk,
                    text=new_text,
                    expected_version=article.version,
                    note="bench",
                )
                timings.append((time.perf_counter() - began) * 1000)
            print(f"re-anchor {ANNOTATIONS} annotations after an edit:           {stats(timings)}")
            print(f"  last run: {outcome}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
