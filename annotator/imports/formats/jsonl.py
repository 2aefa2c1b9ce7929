"""`jsonl`: this app's own JSON Lines export (docs/exports.md), one annotation per line.

Articles are matched by the exported `text_sha256` (ids differ between instances), else by id;
proposals by slug; `author` and `reviewers` are source users; a line with reviewers was approved.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from .base import Record, error, is_error, jsonl_objects, row

FORMAT = "jsonl"
EXPECTED = "an object with article, quote, position, comment, tags (this app's JSONL export)"


def parse(stream: BinaryIO) -> Iterator[Record]:
    for number, item in jsonl_objects(stream):
        if is_error(item):
            yield item
            continue
        if not isinstance(item, dict) or not isinstance(item.get("article"), dict):
            yield error(
                line=number, reason="Not an annotation of this app's export.", expected=EXPECTED
            )
            continue
        source = item["article"]
        position = item.get("position")
        unit = position.get("unit") if isinstance(position, dict) else None
        if isinstance(position, dict):
            position = {"start": position.get("start"), "end": position.get("end")}
        yield row(
            line=number,
            article={
                "sha256": source.get("text_sha256"),
                "id": source.get("id"),
                "url": source.get("url"),
            },
            quote=item.get("quote"),
            position=position,
            unit="utf16" if unit == "utf16" else "code_points",
            comment=item.get("comment", ""),
            tags=item.get("tags", []),
            proposals=[_slug(p) for p in item.get("proposals") or []],
            user=item.get("author", ""),
            origin=item.get("provenance") if isinstance(item.get("provenance"), dict) else None,
            source_id=item.get("id", ""),
            approved=bool(item.get("reviewers")) or bool(item.get("approved_at")),
            reviewers=item.get("reviewers") or [],
        )


def _slug(proposal: Any) -> Any:
    return proposal.get("slug") if isinstance(proposal, dict) else proposal
