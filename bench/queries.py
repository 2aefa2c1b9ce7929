"""SQL queries per benchmarked request, counted in process (run inside Django by bench_http.py).

The same requests as bench_http.py through Django's test client, with the production settings
of the bench server; each is sent twice and the second (steady state: roles, token and counters
cached as they are on a running server) is counted. Prints `name=count,...` on the last line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token


def _count(call: Callable[[], Any]) -> int:
    call()
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = call()
        count = len(captured.captured_queries)
    assert response.status_code < 300, (response.status_code, response.content[:300])
    return count


def main(article_id: int, target_id: int) -> None:
    users = get_user_model().objects
    bench, reviewer = users.get(username="bench"), users.get(username="bench-reviewer")
    token = Token.objects.get_or_create(user=bench)[0].key
    review_token = Token.objects.get_or_create(user=reviewer)[0].key
    api = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
    reviewing = Client(HTTP_AUTHORIZATION=f"Token {review_token}", HTTP_HOST="127.0.0.1")
    pages = Client(HTTP_HOST="127.0.0.1")
    pages.force_login(bench)
    text = api.get(f"/api/articles/{target_id}/").json()["text"]
    made: list[dict[str, Any]] = []

    def create() -> Any:
        start = 100 + len(made) * 37
        body = {
            "article": target_id,
            "quote": {"exact": text[start : start + 60]},
            "position": {"start": start, "end": start + 60},
            "comment": "Chiffrage **à vérifier**.",
            "tags": ["bench-create"],
        }
        response = api.post("/api/annotations/", json.dumps(body), "application/json")
        made.append(response.json())
        return response

    submitted: list[dict[str, Any]] = []

    def submit() -> Any:
        annotation = made[len(submitted)]
        response = api.post(
            f"/api/annotations/{annotation['id']}/submit/",
            json.dumps({"version": annotation["version"]}),
            "application/json",
        )
        submitted.append(response.json())
        return response

    reviewed: list[int] = []

    def review() -> Any:
        state = submitted[len(reviewed)]
        reviewed.append(state["id"])
        body = {"decision": "approve", "comment": "", "version": state["version"]}
        return reviewing.post(
            f"/api/annotations/{state['id']}/reviews/", json.dumps(body), "application/json"
        )

    counts = {
        "annotations": _count(lambda: api.get(f"/api/annotations/?article={article_id}")),
        "reader": _count(lambda: pages.get(f"/articles/{article_id}/")),
        "list_page": _count(lambda: pages.get("/articles/")),
        "api_list": _count(lambda: api.get("/api/articles/?page_size=10")),
        "create": _count(create),
        "submit": _count(submit),
        "review": _count(review),
    }
    print(",".join(f"{name}={n}" for name, n in counts.items()))
