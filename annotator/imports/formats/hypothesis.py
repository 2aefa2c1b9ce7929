"""`hypothesis`: the rows of Hypothesis' search API (`GET /api/search` → `{"rows": [...]}`, or
the list alone, or one row per line). Each row: `uri`, `target[].selector`, `text` (the comment),
`tags`, `user` (`acct:name@domain`), `created`, `updated`, `id`. Hypothesis computes positions in
the browser's DOM text (UTF-16 code units); the server converts them when that is what matches.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from .base import (
    FileRefused,
    Record,
    error,
    is_error,
    json_document,
    jsonl_objects,
    row,
    w3c_selectors,
)

FORMAT = "hypothesis"
EXPECTED = "a Hypothesis annotation with uri and target[].selector"


def parse(stream: BinaryIO) -> Iterator[Record]:
    if _is_jsonl(stream):
        for number, item in jsonl_objects(stream):
            yield item if is_error(item) else annotation_row(item, line=number)
        return
    document = json_document(stream)
    rows = document.get("rows") if isinstance(document, dict) else document
    if not isinstance(rows, list):
        raise FileRefused('A Hypothesis file holds {"rows": [...]} or a list of annotations.')
    for number, item in enumerate(rows):
        yield annotation_row(item, index=f"rows[{number}]")


def _is_jsonl(stream: BinaryIO) -> bool:
    """One annotation per line: the first line is a whole JSON object that is not a search
    answer (`{"rows": ...}`)."""
    first = stream.readline()
    stream.seek(0)
    try:
        decoded = json.loads(first.removeprefix(b"\xef\xbb\xbf"))
    except ValueError:
        return False
    return isinstance(decoded, dict) and "rows" not in decoded


def annotation_row(item: Any, *, line: int | None = None, index: str | None = None) -> Record:
    if not isinstance(item, dict):
        return error(line=line, index=index, reason="Not an annotation object.", expected=EXPECTED)
    targets = item.get("target")
    target = targets[0] if isinstance(targets, list) and targets else targets
    selector = target.get("selector") if isinstance(target, dict) else None
    quote, position = w3c_selectors(selector or [])
    if quote is None and position is None:
        return error(
            line=line,
            index=index,
            reason="A page note or reply: the target has no text selector.",
            expected="target[0].selector with a TextQuoteSelector or TextPositionSelector",
        )
    uri = item.get("uri") or (target.get("source") if isinstance(target, dict) else "") or ""
    return row(
        line=line,
        index=index,
        article={"page_url": uri, "url": uri} if isinstance(uri, str) else {},
        quote=quote,
        position=position,
        unit="utf16",
        comment=item.get("text") or "",
        tags=item.get("tags") or [],
        user=item.get("user") or "",
        created=item.get("created") or "",
        modified=item.get("updated") or "",
        source_id=item.get("id") or "",
    )
