"""HTTP benchmarks on 1,000 articles x 100 annotations under gunicorn, sequential client.

Prints p50/p95 for: the articles list page, one article's 100 annotations through the API, and
creating an annotation. Targets (docs/benchmarks.md): list page p50 <= 30 ms, 100 annotations
p50 <= 12 ms, create p50 <= 12 ms.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import sys
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PASSWORD, Client, gunicorn, percentiles, prepare

ROUNDS = 200


def page_opener(base: str) -> urllib.request.OpenerDirector:
    """A cookie-keeping opener logged in through the real login form (pages use sessions)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    data = urllib.parse.urlencode(
        {"username": "bench", "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        base + "/accounts/login/", data=data, headers={"Referer": base + "/accounts/login/"}
    )
    opener.open(request)
    return opener


def main() -> None:
    import time

    info = prepare()
    print(f"data: {info['articles']} articles, {info['annotations']} annotations")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with gunicorn() as base:
        client = Client(base, "bench")
        article_id = info["article_id"]
        detail = client.request("GET", f"/api/articles/{article_id}/")
        text = detail["text"]

        opener = page_opener(base)
        samples = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            opener.open(base + "/articles/").read()
            samples.append((time.perf_counter() - start) * 1000)
        print(f"articles list page (/articles/): {percentiles(samples[10:])}")

        samples = []
        for _ in range(ROUNDS):
            ms, body = client.timed("GET", f"/api/annotations/?article={article_id}&page_size=100")
            samples.append(ms)
        count = len(body["results"]) if isinstance(body, dict) else len(body)
        print(f"one article's annotations ({count}) via API: {percentiles(samples[10:])}")

        samples = []
        for i in range(ROUNDS):
            start = 100 + (i * 37) % (len(text) - 400)
            end = start + 60
            payload = {
                "article": article_id,
                "quote": {
                    "exact": text[start:end],
                    "prefix": text[max(0, start - 32) : start],
                    "suffix": text[end : end + 32],
                },
                "position": {"start": start, "end": end},
                "comment": "Chiffrage à vérifier.",
                "tags": ["bench"],
                "proposals": [],
            }
            ms, _ = client.timed("POST", "/api/annotations/", payload)
            samples.append(ms)
        print(f"create an annotation via API: {percentiles(samples[10:])}")


if __name__ == "__main__":
    main()
