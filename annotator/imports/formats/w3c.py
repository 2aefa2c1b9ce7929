"""`w3c`: W3C Web Annotation JSON-LD from any source (this app's export included): an
`AnnotationCollection` (its `first` page's `items`), an `AnnotationPage`, a list of annotations
or one annotation. TextQuoteSelector and/or TextPositionSelector; `TextualBody` comments,
`tagging` bodies, `linking` bodies to proposal pages. Offsets are code points (the model says so).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from .base import FileRefused, Record, error, json_document, row, w3c_selectors

FORMAT = "w3c"
EXPECTED = "a W3C Annotation with a target (source and selector)"


def items_of(document: Any) -> tuple[list[Any], str, bool]:
    """The annotations of a document, the JSON path of its list, and whether the collection says
    its annotations were verified (this app's export of approved annotations)."""
    if isinstance(document, list):
        return document, "", False
    if not isinstance(document, dict):
        raise FileRefused("A W3C file holds an AnnotationCollection, an AnnotationPage or a list.")
    kind = document.get("type")
    if kind == "AnnotationCollection":
        first = document.get("first")
        verified = document.get("label") == "Verified annotations"
        if isinstance(first, dict) and isinstance(first.get("items"), list):
            return first["items"], "first.items", verified
        raise FileRefused("The AnnotationCollection has no embedded first page with items.")
    if kind == "AnnotationPage" and isinstance(document.get("items"), list):
        return document["items"], "items", False
    if kind == "Annotation":
        return [document], "", False
    raise FileRefused("A W3C file holds an AnnotationCollection, an AnnotationPage or a list.")


def parse(stream: BinaryIO) -> Iterator[Record]:
    items, path, verified = items_of(json_document(stream))
    for number, item in enumerate(items):
        index = f"{path}[{number}]" if path else f"[{number}]"
        yield annotation_row(item, index=index, verified=verified)


def annotation_row(item: Any, *, index: str, verified: bool = False) -> Record:
    if not isinstance(item, dict):
        return error(index=index, reason="Not an annotation object.", expected=EXPECTED)
    target = item.get("target")
    if isinstance(target, list):
        target = target[0] if target else None
    if isinstance(target, str) or not isinstance(target, dict):
        return error(
            index=index,
            reason="The target has no selector (a whole-document annotation).",
            expected="a SpecificResource target with a TextQuoteSelector or TextPositionSelector",
        )
    quote, position = w3c_selectors(target.get("selector"))
    if quote is None and position is None:
        return error(
            index=index,
            reason="The target has neither a TextQuoteSelector nor a TextPositionSelector.",
            expected="a TextQuoteSelector and/or a TextPositionSelector",
        )
    comment_parts, tags, links = bodies_of(item.get("body"))
    source = target.get("source") or ""
    return row(
        index=index,
        article={"page_url": source, "url": source} if isinstance(source, str) else {},
        quote=quote,
        position=position,
        unit="code_points",
        comment="\n\n".join(comment_parts),
        tags=tags,
        proposals=links,
        user=item.get("creator") or "",
        created=item.get("created") or "",
        modified=item.get("modified") or "",
        source_id=item.get("id") or "",
        approved=verified,
    )


def bodies_of(body: Any) -> tuple[list[str], list[str], list[str]]:
    """(comments, tags, linked resources) of an annotation's body or bodies."""
    bodies = body if isinstance(body, list) else [body] if body is not None else []
    comments, tags, links = [], [], []
    for item in bodies:
        if isinstance(item, str):
            comments.append(item)
            continue
        if not isinstance(item, dict):
            continue
        purpose = item.get("purpose")
        if item.get("type") == "SpecificResource" or purpose == "linking":
            if isinstance(item.get("source"), str):
                links.append(item["source"])
        elif purpose == "tagging":
            if isinstance(item.get("value"), str):
                tags.append(item["value"])
        elif isinstance(item.get("value"), str):
            comments.append(item["value"])
    return comments, tags, links
