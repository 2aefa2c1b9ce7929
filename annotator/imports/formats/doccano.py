"""`doccano`: doccano's sequence-labelling JSONL export, one document per line:
`{"id", "text", "label": [[start, end, "LABEL"], ...]}` (or the newer
`"entities": [{"start_offset", "end_offset", "label"}]`), optional `meta`. The texts become
articles (matched by SHA-256 first); each span becomes an annotation tagged with its label.
doccano counts offsets in code points (its back end is Python).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from .base import Record, article, error, is_error, jsonl_objects, row, sha256_text

FORMAT = "doccano"
EXPECTED = 'an object with "text" and "label": [[start, end, "label"], ...]'


def title_of(text: str, meta: Any) -> str:
    if isinstance(meta, dict):
        for key in ("title", "name", "headline"):
            if isinstance(meta.get(key), str) and meta[key].strip():
                return meta[key].strip()[:300]
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return (first[:77] + "...") if len(first) > 80 else first


def parse(stream: BinaryIO) -> Iterator[Record]:
    for number, item in jsonl_objects(stream):
        if is_error(item):
            yield item
            continue
        text = item.get("text") if isinstance(item, dict) else None
        if not isinstance(text, str) or not text.strip():
            yield error(line=number, reason="The line has no text.", expected=EXPECTED)
            continue
        meta = item.get("meta")
        key = sha256_text(text)
        url = meta.get("url", "") if isinstance(meta, dict) else ""
        yield article(
            key=key,
            text=text,
            title=title_of(text, meta),
            url=url if isinstance(url, str) else "",
            source_id=item.get("id", ""),
        )
        spans = item.get("label", item.get("labels"))
        if spans is None and isinstance(item.get("entities"), list):
            spans = [
                [e.get("start_offset"), e.get("end_offset"), e.get("label")]
                if isinstance(e, dict)
                else e
                for e in item["entities"]
            ]
        if not isinstance(spans, list):
            yield error(line=number, reason="The line has no label list.", expected=EXPECTED)
            continue
        for span_number, span in enumerate(spans):
            index = f"label[{span_number}]"
            if not (isinstance(span, list) and len(span) == 3):
                yield error(
                    line=number,
                    index=index,
                    reason="A label is not [start, end, label].",
                    expected=EXPECTED,
                )
                continue
            start, end, label = span
            yield row(
                line=number,
                index=index,
                article={"key": key},
                position={"start": start, "end": end},
                unit="code_points",
                tags=[label] if isinstance(label, str) else label,
                user=item.get("user", ""),
                source_id=f"{item.get('id', '')}:{span_number}"
                if item.get("id") is not None
                else "",
            )
