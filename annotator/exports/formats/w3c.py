"""`w3c`: a W3C Web Annotation `AnnotationCollection` whose first `AnnotationPage` holds every
annotation, each rendered by `annotation_to_w3c` exactly as the API renders it."""

from __future__ import annotations

import json
from typing import BinaryIO

from annotator.annotations.w3c import W3C_CONTEXT, annotation_to_w3c
from annotator.exports.formats.jsonl import JsonLinesFormatter
from annotator.exports.source import annotation_instance_chunks, chunk_size


class W3CFormatter(JsonLinesFormatter):
    format = "w3c"
    extension = "jsonld"
    media_type = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'

    def write(self, out: BinaryIO) -> dict[str, int]:
        base = self.context.base_url
        collection_id = f"{base}/api/exports/{self.context.job_id}/download/"
        head = {
            "@context": W3C_CONTEXT,
            "id": collection_id,
            "type": "AnnotationCollection",
            "label": "Verified annotations"
            if self.context.filters.get("verified_only", True)
            else "Annotations",
        }
        page_head = {"id": f"{collection_id}#page-1", "type": "AnnotationPage", "startIndex": 0}
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        # Written by hand around the items so that the page is streamed, not built in memory.
        out.write((dumps(head)[:-1] + ',"first":' + dumps(page_head)[:-1] + ',"items":[').encode())
        done = 0
        # Model instances weigh more than value rows: smaller chunks keep the peak low.
        for chunk in annotation_instance_chunks(self.queryset(), size=min(chunk_size(), 1000)):
            items = ",".join(
                dumps(annotation_to_w3c(a, base_url=base, include_context=False)) for a in chunk
            )
            out.write((("," if done else "") + items).encode("utf-8"))
            done += len(chunk)
            self.context.progress(done)
        out.write(("]}," + f'"total":{done}' + "}").encode())
        return {"annotations": done}
