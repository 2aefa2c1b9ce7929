"""JSON documents written by PostgreSQL, compiled from a Python description of their shape.

`json_sql(...)` turns a dict describing a document (keys in order; values are SQL expressions
wrapped in `Text`, `Number`, `Json` or `Omit`, constants, nested dicts and lists) into one SQL
expression that concatenates the document's JSON text. Strings go through `to_json`, so escaping
is PostgreSQL's own; numbers and ready JSON are inserted as text. On PostgreSQL 16 this is ~35%
faster than the equivalent `json_build_object` calls (0.27 s against 0.41 s for 100,000
annotations, see docs/benchmarks.md), keeps the keys in the order given, and can leave a key out
(`Omit`), which the W3C shape needs.

Generated literals double `%` because the SQL is sent with client-side parameters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Expression:
    """An SQL expression standing for a value of the document."""

    sql: str


class Text(Expression):
    """A text (or date) expression, written as a JSON string (`null` when NULL)."""


class Number(Expression):
    """An integer expression, written as a JSON number (`null` when NULL)."""


class Json(Expression):
    """An expression that is already JSON text (a `json` value or aggregated JSON text)."""


class Omit(Expression):
    """Ready JSON text, or NULL to leave the key out (never the first key of an object)."""


def literal(value: str) -> str:
    """`value` as an SQL string literal (safe to send with client-side parameters)."""
    return "'" + value.replace("'", "''").replace("%", "%%") + "'"


class _Concat:
    """The parts of one concatenation: constant text is merged into as few literals as possible."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pending = ""

    def text(self, value: str) -> None:
        self.pending += value

    def expression(self, sql: str) -> None:
        self._flush()
        self.parts.append(sql)

    def value(self, spec: Any) -> None:
        if isinstance(spec, Text):
            self.expression(f"COALESCE(to_json({spec.sql})::text, 'null')")
        elif isinstance(spec, Number | Json):
            self.expression(f"COALESCE(({spec.sql})::text, 'null')")
        elif isinstance(spec, dict):
            self._object(spec)
        elif isinstance(spec, list):
            self._array(spec)
        elif isinstance(spec, Omit):
            raise TypeError("Omit is only allowed as the value of an object's key")
        else:
            self.text(json.dumps(spec, ensure_ascii=False))

    def _object(self, fields: dict[str, Any]) -> None:
        self.text("{")
        for index, (key, spec) in enumerate(fields.items()):
            name = ("," if index else "") + json.dumps(key, ensure_ascii=False) + ":"
            if isinstance(spec, Omit):
                if index == 0:
                    raise ValueError("the first key of an object cannot be omitted")
                self.expression(f"COALESCE({literal(name)} || ({spec.sql}), '')")
            else:
                self.text(name)
                self.value(spec)
        self.text("}")

    def _array(self, items: list[Any]) -> None:
        self.text("[")
        for index, spec in enumerate(items):
            if index:
                self.text(",")
            self.value(spec)
        self.text("]")

    def _flush(self) -> None:
        if self.pending:
            self.parts.append(literal(self.pending))
            self.pending = ""

    def sql(self) -> str:
        self._flush()
        return "(" + " || ".join(self.parts) + ")"


def json_sql(spec: dict[str, Any] | list[Any]) -> str:
    """SQL text expression of the JSON document `spec` describes (keys in the order given)."""
    concat = _Concat()
    concat.value(spec)
    return concat.sql()
