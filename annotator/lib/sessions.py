"""Django's database sessions, read with one prepared statement.

Every signed-in page reads its session first. Django's store reads it through the ORM (a
queryset built and compiled per request, planned by PostgreSQL each time); this one runs the
same SELECT on a server-binding cursor (`annotator.lib.compiled.prepared_cursor`), so the
connection plans it once. Writing, expiry and everything else are Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone

from annotator.lib.compiled import prepared_cursor


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        model = self.model
        table = connection.ops.quote_name(model._meta.db_table)
        with prepared_cursor() as cursor:
            cursor.execute(
                f"SELECT session_key, session_data, expire_date FROM {table} "  # noqa: S608 - the model's table
                "WHERE session_key = %s AND expire_date > %s",
                [self.session_key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model.from_db("default", ["session_key", "session_data", "expire_date"], row)
