"""A `values()` query compiled once and run many times with other values.

Building and compiling a queryset costs more CPU than running it when the query is small and
its filters are rich (the policy's visibility rule, joins, an array subquery): about 2 ms for an
article's annotations, against 1 ms to fetch and convert its 100 rows. `CompiledValues` compiles
a queryset built with *probe* values (distinctive integers standing for the actor's id, the
article's id, …), remembers where each probe landed among the SQL parameters, and later runs the
same SQL with real values in those places. The SQL still comes from the queryset (so from the
policy's `Q`), never from hand-written text; callers key the cache on whatever changes the
query's shape (the actor's role), and each thread keeps its own compiled copies.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from django.db import connections
from django.db.models import QuerySet

_compiled: dict[tuple[Any, ...], CompiledValues] = {}
_lock = threading.Lock()


class CompiledValues:
    def __init__(
        self,
        queryset: QuerySet[Any],
        probes: Mapping[str, int],
        optional: frozenset[str] = frozenset(),
    ) -> None:
        query = queryset.query
        self.alias = queryset.db
        compiler = query.get_compiler(self.alias)
        self.sql, params = compiler.as_sql()
        found = {
            name: [i for i, p in enumerate(params) if p == value] for name, value in probes.items()
        }
        # A probe may be absent only where the caller says the query may not need it (the
        # policy's rule names no actor for a moderator); a required one must be there.
        if not all(places for name, places in found.items() if name not in optional):
            raise ValueError(f"probe values not found among the parameters: {found}")
        self.params = list(params)
        self.slots = {i: name for name, places in found.items() for i in places}
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        self.compiler = compiler

    def params_for(self, **values: Any) -> list[Any]:
        """The SQL's parameters with `values` in the probes' places."""
        return [values[self.slots[i]] if i in self.slots else p for i, p in enumerate(self.params)]

    def run(self, *, prepared: bool = False, **values: Any) -> list[dict[str, Any]]:
        """The rows as dicts; `prepared`: on a server-binding cursor (`prepared_cursor`)."""
        params = self.params_for(**values)
        cursor_for = prepared_cursor if prepared else (lambda alias: connections[alias].cursor())
        with cursor_for(self.alias) as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        return [dict(zip(self.names, row, strict=True)) for row in rows]


def compiled_values(
    key: tuple[Any, ...],
    build: Callable[[], QuerySet[Any]],
    probes: Mapping[str, int],
    optional: frozenset[str] = frozenset(),
) -> CompiledValues:
    """The process's compiled copy of `build()` for `key` (compiled on first use); the probes
    named in `optional` may be absent from its parameters."""
    compiled = _compiled.get(key)
    if compiled is None:
        with _lock:
            compiled = _compiled.get(key)
            if compiled is None:
                compiled = _compiled[key] = CompiledValues(build(), probes, optional)
    return compiled


def prepared_cursor(alias: str = "default") -> Any:
    """A Django cursor (queries counted and logged as usual) whose statements are bound on the
    server, so that psycopg prepares a statement run again and again on the same connection
    (after `prepare_threshold` runs): the hot reads skip PostgreSQL's planning (1-2 ms for the
    policy's visibility rule). Django's own cursors bind on the client and never prepare."""
    import psycopg

    connection = connections[alias]
    connection.ensure_connection()
    return connection._prepare_cursor(psycopg.Cursor(connection.connection))  # type: ignore[attr-defined]
