"""Summarise py-spy flame graphs (SVG): the share of samples of chosen frames, per file.

    .venv/bin/python bench/flame_summary.py docs/profiles/after/*.svg

Prints, for each graph, the frames that take the most samples below the WSGI handler (the
largest inclusive shares), so before/after graphs can be compared in docs/benchmarks.md.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

TITLE = re.compile(r"<title>(.*?) \(([\d,]+) samples?, ([\d.]+)%\)</title>")
SKIP = re.compile(
    r"^(all|Thread\.|_worker|_WorkItem|ThreadWorker|WSGIHandler|convert_exception|BaseHandler|"
    r"MiddlewareMixin|View\.as_view|csrf_exempt|_SkippedForTokenApi|.*Middleware\.__call__|"
    r"HistoryRequestMiddleware|user_passes_test|ContextDecorator|cached_property|"
    r"new_method_proxy|SimpleLazyObject|Node\.render_annotated|NodeList\.render|"
    r"BaseManager|QuerySet\.__iter__|QuerySet\._fetch_all|<module>)"
)


def summary(path: Path, top: int = 14) -> str:
    shares: dict[str, float] = {}
    for name, _samples, percent in TITLE.findall(path.read_text()):
        frame = html.unescape(name).split(" (")[0]
        shares[frame] = max(shares.get(frame, 0.0), float(percent))
    kept = [(f, p) for f, p in sorted(shares.items(), key=lambda x: -x[1]) if not SKIP.match(f)]
    return f"{path.stem}: " + "; ".join(f"{f} {p:.0f}%" for f, p in kept[:top])


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        print(summary(Path(argument)))
