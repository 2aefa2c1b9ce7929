"""W3C Web Annotation (JSON-LD) rendering of annotations, shared by the API and the exports.

https://www.w3.org/TR/annotation-model/ — one `Annotation` with a `SpecificResource` target whose
`source` is the article's absolute URL and whose `selector` lists a TextQuoteSelector and a
TextPositionSelector (Unicode code points of the stored text), a `TextualBody` for the comment,
`tagging` bodies for tags and a `linking` body per linked proposal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from annotator.annotations.models import Annotation
from annotator.annotations.read_model import annotation_record, row_of

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
JSONLD_MEDIA_TYPE = "application/ld+json"
W3C_PROFILE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


def absolute_url(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def creator_to_w3c(user: Any, base_url: str) -> dict[str, Any]:
    name = user.get_full_name() or user.get_username()
    return {
        "id": absolute_url(base_url, f"/users/{user.pk}/"),
        "type": "Person",
        "name": name,
        "nickname": user.get_username(),
    }


def annotation_to_w3c(
    annotation: Annotation,
    *,
    base_url: str,
    proposals: Iterable[Any] | None = None,
    include_context: bool = True,
) -> dict[str, Any]:
    """The annotation as a W3C `Annotation`, its fields taken from the one read model
    (`annotator.annotations.read_model`). `proposals` defaults to `annotation.proposals.all()`
    (prefetch it when rendering many). Pure: no query beyond what the caller prefetched."""
    linked = list(annotation.proposals.all() if proposals is None else proposals)
    record = annotation_record(
        row_of(annotation), [(p.pk, p.slug, p.title) for p in linked], labels={}
    )
    quote, position = record["quote"], record["position"]
    bodies: list[dict[str, Any]] = []
    if record["comment"]:
        bodies.append(
            {
                "type": "TextualBody",
                "value": record["comment"],
                "format": "text/markdown",
                "language": annotation.article.language or "fr",
                "purpose": "commenting",
            }
        )
    bodies += [
        {"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in record["tags"]
    ]
    bodies += [
        {
            "type": "SpecificResource",
            "source": absolute_url(base_url, link["url"]),
            "purpose": "linking",
        }
        for link in record["proposal_links"]
    ]
    document: dict[str, Any] = {}
    if include_context:
        document["@context"] = W3C_CONTEXT
    document.update(
        {
            "id": absolute_url(base_url, f"/api/annotations/{record['id']}/"),
            "type": "Annotation",
            "motivation": "commenting" if record["comment"] else "highlighting",
            "created": annotation.created.isoformat(),
            "modified": annotation.modified.isoformat(),
            "creator": creator_to_w3c(annotation.author, base_url),
            "target": {
                "type": "SpecificResource",
                "source": absolute_url(base_url, annotation.article.get_absolute_url()),
                "selector": [
                    {
                        "type": "TextQuoteSelector",
                        "exact": quote["exact"],
                        "prefix": quote["prefix"],
                        "suffix": quote["suffix"],
                    },
                    {
                        "type": "TextPositionSelector",
                        "start": position["start"],
                        "end": position["end"],
                    },
                ],
            },
        }
    )
    if bodies:
        document["body"] = bodies if len(bodies) > 1 else bodies[0]
    return document
