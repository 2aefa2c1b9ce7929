"""`jsonl`: one verified annotation per line (fields in docs/exports.md)."""

from __future__ import annotations

import json
from typing import BinaryIO

from annotator.exports.formats.base import Formatter
from annotator.exports.source import annotation_record_chunks, annotations_for


class JsonLinesFormatter(Formatter):
    format = "jsonl"
    extension = "jsonl"
    media_type = "application/x-ndjson"

    def queryset(self):  # type: ignore[no-untyped-def]
        return annotations_for(filters=self.context.filters, requester=self.context.requester)

    def count(self) -> int:
        return self.queryset().count()

    def write(self, out: BinaryIO) -> dict[str, int]:
        done = links = 0
        proposals: set[int] = set()
        articles: set[int] = set()
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        for records in annotation_record_chunks(self.queryset()):
            out.write("".join(dumps(record) + "\n" for record in records).encode("utf-8"))
            for record in records:
                articles.add(record["article"]["id"])
                links += len(record["proposals"])
                proposals.update(p["id"] for p in record["proposals"])
            done += len(records)
            self.context.progress(done)
        return {
            "annotations": done,
            "links": links,
            "proposals": len(proposals),
            "articles": len(articles),
        }
