"""Accent-insensitive matching without the `unaccent` extension (not in the embedded PostgreSQL).

`fold()` folds a Python string; `Folded(expr)` folds a column in SQL with core `translate()` over
the same character table, so `Folded("title")__contains=fold(query)` matches "securite" to
"Sécurité".
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db.models import Func, TextField, Value
from django.db.models.functions import Lower

# Pairs of (accented, plain) characters; apostrophes U+2019/U+2018 become ASCII "'".
_FOLDS = "àa áa âa ãa äa åa āa çc ćc čc èe ée êe ëe ēe ėe ęe îi ïi íi īi ìi ôo öo òo óo õo øo ōo ùu úu ûu üu ūu ÿy ñn ńn šs žz"
ACCENTED = "".join(pair[0] for pair in _FOLDS.split()) + "\u2019\u2018"
PLAIN = "".join(pair[1] for pair in _FOLDS.split()) + "''"


def fold(text: str) -> str:
    """Lower-case, strip diacritics, straighten apostrophes."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("\u2019", "'").replace("\u2018", "'")


class Folded(Func):
    """SQL counterpart of `fold()` for one expression."""

    function = "translate"
    output_field = TextField()

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(Lower(expression), Value(ACCENTED), Value(PLAIN), **extra)
