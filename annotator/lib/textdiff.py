"""A word diff as HTML (<del>/<ins>), escaped: review queue resubmissions and admin history."""

from __future__ import annotations

import difflib

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def word_diff(before: str, after: str) -> SafeString | None:
    """HTML of `after` with removed words in <del> and added ones in <ins>, every piece escaped;
    None when nothing changed."""
    if before == after:
        return None
    old, new = before.split(" "), after.split(" ")
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(' '.join(old[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(' '.join(new[j1:j2]))}</ins>")
    return mark_safe(" ".join(parts))  # noqa: S308 - every piece escaped above
