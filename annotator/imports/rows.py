"""Checking imported rows: the article each row names, and its selectors, comment, tags and
links, with the API's own checks (`annotator.annotations.services`: `selector_shape`,
`passage_fields_in`, the comment and tag cleaning), so an import accepts exactly what
`POST /api/annotations/` would.

Guarantees: offsets are code points; a quote that does not match its offsets is tried as UTF-16
code units (browser tools) and then searched with its context (`anchoring.search_with_context`),
and the report notes which was applied; a row whose article cannot be matched by id, page URL,
original URL or text SHA-256 is refused, never attached to a guess. Articles are read once per
batch (one query per kind of key) and their texts kept in a bounded cache.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from annotator.annotations.anchoring import Selector, search_with_context
from annotator.annotations.services import (
    _clean_comment,
    _clean_tags,
    passage_fields_in,
    selector_shape,
)
from annotator.articles.models import Article, ArticleRevision
from annotator.lib import policy
from annotator.lib.errors import InvalidInputError
from annotator.lib.markdown import render_markdown
from proposals.models import Proposal

TEXT_CACHE_CHARS = 8_000_000  # about 16-32 MB of str: the bound of the worker's text cache
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# Comments that Markdown renders as one plain paragraph: no Markdown or HTML syntax, one line,
# not starting like a list item. `render_markdown` gives exactly "<p>…</p>\n" for them (tested).
_PLAIN_COMMENT = re.compile(r"[\w .,;:?'\u2019«»()%/€°]*")
_LIST_START = re.compile(r"\d+[.)]")


class RowRefusedError(Exception):
    def __init__(self, reason: str, expected: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.expected = expected


@dataclass
class Target:
    """An article as the rows need it: ids, status and (lazily) text."""

    id: int
    revision_id: int
    status: str
    text: str | None = None
    new: bool = False
    _utf16: list[int] | None = field(default=None, repr=False)

    def utf16_to_code_points(self, offset: int) -> int | None:
        """The code point offset of a UTF-16 code unit offset, None inside a surrogate pair."""
        assert self.text is not None
        if self._utf16 is None:
            self._utf16 = [m.start() + n for n, m in enumerate(_ASTRAL.finditer(self.text))]
        before = bisect_right(self._utf16, offset - 1)
        if before and self._utf16[before - 1] == offset - 1:
            return None  # between the two halves of a pair
        return offset - before

    @property
    def has_astral(self) -> bool:
        assert self.text is not None
        return not self.text.isascii() and _ASTRAL.search(self.text) is not None


def render_comment(comment: str, cache: dict[str, str]) -> str:
    """`render_markdown(comment)`, with plain one-line comments rendered without the parser and
    repeated comments rendered once per job."""
    if not comment:
        return ""
    html = cache.get(comment)
    if html is None:
        if (
            "_" not in comment
            and _PLAIN_COMMENT.fullmatch(comment)
            and not _LIST_START.match(comment)
        ):
            html = f"<p>{comment}</p>\n"
        else:
            html = str(render_markdown(comment))
        if len(cache) < 50_000:
            cache[comment] = html
    return html


class ArticleIndex:
    """Resolves rows' article keys (`id`, `page_url`, `url`, `sha256`, or a file article `key`)
    to `Target`s, for an actor (policy.article_visible_q), in batches."""

    def __init__(self, *, actor: Any, forced_article_id: int | None, can_create: bool) -> None:
        self.actor = actor
        self.forced = forced_article_id
        self.can_create = can_create
        self.by: dict[str, dict[Any, Target | None]] = {
            "id": {},
            "sha256": {},
            "url": {},
        }
        self.file_articles: dict[str, dict[str, Any]] = {}
        self.new_articles: list[dict[str, Any]] = []
        self.texts: OrderedDict[int, str] = OrderedDict()
        self._text_chars = 0
        self._page = _page_url_pattern()

    def add_file_article(self, record: dict[str, Any]) -> None:
        self.file_articles.setdefault(record["key"], record)

    def page_id(self, url: Any) -> int | None:
        if not isinstance(url, str):
            return None
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != urlsplit(settings.SITE_URL).netloc:
            return None
        found = self._page.fullmatch(parts.path)
        return int(found.group(1)) if found else None

    def prefetch(self, rows: Iterable[dict[str, Any]]) -> None:
        """Read the batch's unknown articles: one query per kind of key."""
        wanted: dict[str, set[Any]] = {"id": set(), "sha256": set(), "url": set()}
        if self.forced is not None:
            wanted["id"].add(self.forced)
        for row in rows:
            keys = row["article"]
            if "sha256" in keys:
                wanted["sha256"].add(keys["sha256"])
            if "key" in keys and keys["key"] in self.file_articles:
                wanted["sha256"].add(keys["key"])
            page = self.page_id(keys.get("page_url"))
            if page is not None:
                wanted["id"].add(page)
            if type(keys.get("id")) is int:
                wanted["id"].add(keys["id"])
            if isinstance(keys.get("url"), str):
                wanted["url"].add(keys["url"])
        for kind, values in wanted.items():
            missing = [v for v in values if v not in self.by[kind]]
            if missing:
                self._load(kind, missing)

    def _load(self, kind: str, values: list[Any]) -> None:
        column = {"id": "pk", "sha256": "text_sha256", "url": "url"}[kind]
        latest = ArticleRevision.objects.filter(article_id=OuterRef("pk")).order_by("-number")
        rows = (
            Article.objects.filter(policy.article_visible_q(self.actor))
            .filter(**{f"{column}__in": values})
            .annotate(latest_revision=Subquery(latest.values("pk")[:1]))
            .values_list("pk", "text_sha256", "url", "status", "latest_revision")
            .order_by("pk")
        )
        found: dict[Any, Target | None] = dict.fromkeys(values)
        for pk, sha, url, status, revision in rows:
            target = self.by["id"].get(pk) or Target(pk, revision, status)
            key = {"id": pk, "sha256": sha, "url": url}[kind]
            if kind == "url" and found.get(key) is not None:
                target = _AMBIGUOUS  # several articles share this URL: no guess
            found[key] = target
            self.by["id"].setdefault(pk, target if target is not _AMBIGUOUS else None)
        self.by[kind].update(found)

    def target_of(self, keys: dict[str, Any]) -> Target:
        """The row's article. The first key given decides, in this order: the job's article,
        the text's SHA-256 (or the file's own text), the page URL, the id, the original URL."""
        if self.forced is not None:
            target = self.by["id"].get(self.forced)
            if target is None:
                raise RowRefusedError(_("Unknown article: %(id)s.") % {"id": self.forced})
            return target
        if "key" in keys:
            return self._file_target(keys["key"])
        if "sha256" in keys:
            return self._found("sha256", keys["sha256"], gettext_noop("text SHA-256 %(value)s"))
        page = self.page_id(keys.get("page_url"))
        if page is not None:
            return self._found("id", page, gettext_noop("page %(value)s"))
        if "id" in keys:
            return self._found("id", keys["id"], gettext_noop("article id %(value)s"))
        if "url" in keys:
            return self._found("url", keys["url"], gettext_noop("URL %(value)s"))
        if "page_url" in keys:
            raise RowRefusedError(
                _("No article has this page or URL: %(url)s.") % {"url": keys["page_url"]},
                _("an article's page URL here, or its original url"),
            )
        raise RowRefusedError(
            _("The row does not say which article it annotates."),
            _("an article id, page URL, original url or text SHA-256"),
        )

    def _found(self, kind: str, value: Any, label: str) -> Target:
        target = self.by[kind].get(value)
        if target is _AMBIGUOUS:
            raise RowRefusedError(
                _("Several articles have this URL: %(url)s.") % {"url": value},
                _("an article id, page URL or text SHA-256"),
            )
        if target is None:
            raise RowRefusedError(
                _("No article matches the %(key)s.") % {"key": _(label) % {"value": value}},
                _("an article id, page URL, original url or text SHA-256 known here"),
            )
        return target

    def _file_target(self, key: str) -> Target:
        target = self.by["sha256"].get(key)
        if target is not None:
            return target
        source = self.file_articles.get(key)
        if source is None:
            raise RowRefusedError(_("The row's text is missing."), _("a text"))
        if not self.can_create:
            raise RowRefusedError(
                _(
                    "This text is not among the sources here; only moderators create sources by importing."
                ),
                _("a text already imported as a source"),
            )
        article_id, revision_id = _next_ids()
        target = Target(article_id, revision_id, Article.Status.PUBLISHED, source["text"], new=True)
        self.by["sha256"][key] = self.by["id"][article_id] = target
        self.new_articles.append(
            {
                "id": article_id,
                "revision_id": revision_id,
                "text": source["text"],
                "sha256": key,
                "title": (source.get("title") or "").strip()[:300] or _("Imported text"),
                "url": (source.get("url") or "")[:1000],
            }
        )
        return target

    def load_texts(self, targets: Iterable[Target]) -> None:
        """Texts of the batch's articles not in the cache, in one query."""
        missing = {t.id for t in targets if t.text is None and t.id not in self.texts}
        if missing:
            for pk, text in Article.objects.filter(pk__in=missing).values_list("pk", "text"):
                self.texts[pk] = text
                self._text_chars += len(text)
        for target in targets:
            if target.text is None:
                target.text = self.texts[target.id]
                self.texts.move_to_end(target.id)
        while self._text_chars > TEXT_CACHE_CHARS and len(self.texts) > 1:
            pk, text = self.texts.popitem(last=False)
            self._text_chars -= len(text)
            cached = self.by["id"].get(pk)
            if cached is not None and not cached.new:
                cached.text = None


_AMBIGUOUS = Target(0, 0, "")


def _page_url_pattern() -> re.Pattern[str]:
    sample = reverse("articles:detail", args=[987654321])
    before, _sep, after = sample.partition("987654321")
    return re.compile(re.escape(before) + r"(\d+)" + re.escape(after) + "?")


def _next_ids() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('articles_article', 'id')), "
            "nextval(pg_get_serial_sequence('articles_articlerevision', 'id'))"
        )
        article_id, revision_id = cursor.fetchone()
    return article_id, revision_id


def proposal_lookup() -> Callable[[Any], int | None]:
    """A proposal's id from its slug or its page URL (…/proposals/<slug>/)."""
    by_slug = dict(Proposal.objects.values_list("slug", "pk"))

    def lookup(value: Any) -> int | None:
        if type(value) is int:
            return value if value in by_slug.values() else None
        if not isinstance(value, str):
            return None
        slug = value.rstrip("/").rsplit("/", 1)[-1] if "/" in value else value
        return by_slug.get(slug)

    return lookup


@dataclass
class CheckedPassage:
    fields: dict[str, Any]
    note: str = ""


def check_passage(target: Target, quote: Any, position: Any) -> CheckedPassage:
    """The row's selectors checked against the article's text as the API checks them; a
    mismatch is retried as UTF-16 offsets, then by the quote and its context."""
    text = target.text
    assert text is not None
    if quote is None and isinstance(position, dict):
        # No quote in the file (doccano): the passage is what the offsets select.
        start, end = position.get("start"), position.get("end")
        if type(start) is int and type(end) is int and 0 <= start < end:
            quote = {"exact": text[start:end] or "\x00"}
    if position is None and isinstance(quote, dict):
        return _by_quote(text, quote, _("The file gives no position."))
    exact, start, end = selector_shape(quote or {}, position)
    try:
        return CheckedPassage(passage_fields_in(text, exact, start, end))
    except InvalidInputError as exc:
        first_error = exc
    if target.has_astral:
        converted = target.utf16_to_code_points(start), target.utf16_to_code_points(end)
        if None not in converted and converted != (start, end):
            try:
                fields = passage_fields_in(text, exact, *converted)  # type: ignore[arg-type]
            except InvalidInputError:
                pass
            else:
                return CheckedPassage(
                    fields,
                    _(
                        "Offsets %(start)d-%(end)d converted from UTF-16 code units to code points %(new_start)d-%(new_end)d."
                    )
                    % {
                        "start": start,
                        "end": end,
                        "new_start": converted[0],
                        "new_end": converted[1],
                    },
                )
    if quote and isinstance(quote, dict) and (quote.get("prefix") or quote.get("suffix")):
        try:
            return _by_quote(text, quote, first_error.detail)
        except RowRefusedError:
            pass
    found = text[start:end] if end <= len(text) else ""
    raise RowRefusedError(
        first_error.detail,
        _("«%(found)s» at %(start)d-%(end)d") % {"found": found[:200], "start": start, "end": end}
        if found
        else _("offsets within the text's %(length)d code points") % {"length": len(text)},
    )


def _by_quote(text: str, quote: dict[str, Any], why: str) -> CheckedPassage:
    exact = quote.get("exact")
    if not isinstance(exact, str) or not exact:
        raise RowRefusedError(
            _("The selection is empty: select a passage of the text."), _("a quote")
        )
    prefix, suffix = quote.get("prefix") or "", quote.get("suffix") or ""
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        raise RowRefusedError(_("quote.prefix and quote.suffix must be strings."), _("strings"))
    at = search_with_context(text, Selector(exact, prefix, suffix, 0, 0))
    if at is None:
        raise RowRefusedError(
            why + " " + _("The quote was not found once with its context."),
            _("a quote found once in the text, with its prefix and suffix"),
        )
    return CheckedPassage(
        passage_fields_in(text, exact, at, at + len(exact)),
        _("Placed by its quote and context at %(start)d-%(end)d.")
        % {"start": at, "end": at + len(exact)},
    )


def clean_comment(value: Any) -> str:
    return _clean_comment(value)


def clean_tags(value: Any) -> list[str]:
    return _clean_tags(value)
