"""The parser contract shared by every import format. Pure Python (no Django): the parsers run in
a resource-limited child process (`annotator.imports.sandbox`), which imports this package alone.

A parser reads the uploaded bytes and yields plain dicts, each with a kind `t`:

- ``article``: a text the file itself carries (doccano, Label Studio), under a file-local `key`;
- ``row``: one annotation in the normalized shape built by `row()`;
- ``error``: a row refused while parsing (not JSON, wrong shape), with `reason` and `expected`.

Rows name their place in the file by `line` (1-based, line formats) or `index` (a JSON path).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

Record = dict[str, Any]


class FileRefused(Exception):
    """The whole file cannot be read as this format (not a row-level problem)."""


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row(
    *,
    line: int | None = None,
    index: str | None = None,
    article: dict[str, Any],
    quote: Any = None,
    position: Any = None,
    unit: str | None = None,
    comment: Any = "",
    tags: Any = (),
    proposals: Any = (),
    user: Any = "",
    created: Any = "",
    modified: Any = "",
    source_id: Any = "",
    approved: bool = False,
    reviewers: Any = (),
    origin: dict[str, Any] | None = None,
) -> Record:
    """One annotation as every format hands it over. `quote` and `position` are passed on as the
    file gave them (the server checks them as the API does); `unit` is what the format states
    its offsets count (None: unknown, code points expected)."""
    return {
        "t": "row",
        "line": line,
        "index": index,
        "article": {key: value for key, value in article.items() if value not in (None, "")},
        "quote": quote,
        "position": position,
        "unit": unit,
        "comment": comment if comment is not None else "",
        "tags": list(tags) if isinstance(tags, list | tuple) else tags,
        "proposals": list(proposals) if isinstance(proposals, list | tuple) else proposals,
        "user": _text(user),
        "created": _text(created),
        "modified": _text(modified),
        "source_id": _text(source_id),
        "approved": bool(approved),
        "reviewers": [_text(r) for r in reviewers] if isinstance(reviewers, list | tuple) else [],
        "origin": origin,
    }


def error(
    *, line: int | None = None, index: str | None = None, reason: str, expected: str
) -> Record:
    return {"t": "error", "line": line, "index": index, "reason": reason, "expected": expected}


def article(*, key: str, text: str, title: str = "", url: str = "", source_id: Any = "") -> Record:
    return {
        "t": "article",
        "key": key,
        "text": text,
        "title": title,
        "url": url,
        "source_id": _text(source_id),
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        for key in ("username", "nickname", "email", "name", "id"):
            if value.get(key) not in (None, ""):
                return str(value[key])[:200]
        return ""
    return str(value)[:200]


def jsonl_objects(stream: BinaryIO) -> Iterator[tuple[int, Any]]:
    """(line number, decoded object) per non-blank line; an undecodable line yields (n, error
    record). CRLF line ends and a UTF-8 byte order mark are accepted."""
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            yield (
                number,
                error(
                    line=number,
                    reason=f"Not valid JSON: {exc}"[:300],
                    expected="one JSON object per line",
                ),
            )


def json_document(stream: BinaryIO) -> Any:
    data = stream.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FileRefused(f"The file is not valid JSON: {exc}"[:300]) from exc


def is_error(value: Any) -> bool:
    return isinstance(value, dict) and value.get("t") == "error" and set(value) >= {"reason"}


def w3c_selectors(selector: Any) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The TextQuoteSelector and TextPositionSelector of a W3C target's `selector` (one object
    or a list; other selector types are ignored)."""
    selectors = selector if isinstance(selector, list) else [selector]
    quote = position = None
    for item in selectors:
        if not isinstance(item, dict):
            continue
        kind = item.get("type")
        if kind == "TextQuoteSelector" and quote is None:
            quote = {
                "exact": item.get("exact"),
                "prefix": item.get("prefix") or "",
                "suffix": item.get("suffix") or "",
            }
        elif kind == "TextPositionSelector" and position is None:
            position = {"start": item.get("start"), "end": item.get("end")}
    return quote, position
