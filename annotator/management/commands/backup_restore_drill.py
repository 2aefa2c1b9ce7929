"""`manage.py backup_restore_drill`: prove that a backup of the database can be restored.

1. `pg_dump --format=custom` of the app database into `--output` (default
   `.local/backups/annotator-<UTC time>.dump`): that file is the backup.
2. `pg_restore` of that file into a fresh, empty database on the same server.
3. Every table of the app is compared, source against restored copy: row count and a digest of
   all its rows. Any difference fails the drill (exit status 1).
4. The restored database is dropped, unless `--keep` (then its name is printed, so the app can be
   started on it with `DATABASE_URL`).

The PostgreSQL client programs come from `PG_BIN` when set, else from the embedded server's
package (same version as the embedded server), else from `PATH`.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from psycopg import sql


def client_program(name: str) -> str:
    if os.environ.get("PG_BIN"):
        return str(Path(os.environ["PG_BIN"]) / name)
    # The embedded PostgreSQL of development machines ships its own clients; locate them
    # without importing that development-only package.
    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.origin:
        bundled = Path(spec.origin).parent / "pginstall" / "bin" / name
        if bundled.exists():
            return str(bundled)
    found = shutil.which(name)
    if not found:
        raise CommandError(f"{name} not found: install the PostgreSQL client or set PG_BIN")
    return found


def connection_arguments(database: dict[str, Any], name: str) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", name]
    if database.get("HOST"):
        args += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", str(database["USER"])]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return args, env


def connect(database: dict[str, Any], name: str) -> psycopg.Connection[Any]:
    return psycopg.connect(
        dbname=name,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        autocommit=True,
    )


def table_fingerprints(conn: psycopg.Connection[Any]) -> dict[str, tuple[int, str]]:
    """{table: (rows, md5 of every row's text, in order)} for each table of the public schema."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    fingerprints = {}
    for table in tables:
        query = sql.SQL(
            "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') "
            "FROM {} AS t"
        ).format(sql.Identifier(table))
        count, digest = conn.execute(query).fetchone()  # type: ignore[misc]
        fingerprints[table] = (int(count), str(digest))
    return fingerprints


class Command(BaseCommand):
    help = "Back up the database, restore it into a fresh one, and check every table matches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="where to write the dump (a pg_dump custom archive)")
        parser.add_argument("--keep", action="store_true", help="keep the restored database")

    def handle(self, *args: Any, output: str | None = None, keep: bool = False, **opts: Any) -> str:
        database = settings.DATABASES["default"]
        source = connection.settings_dict["NAME"]
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        dump = Path(
            output or Path(settings.BASE_DIR) / ".local" / "backups" / f"{source}-{stamp}.dump"
        )
        dump.parent.mkdir(parents=True, exist_ok=True)
        target = f"{source}_drill_{uuid.uuid4().hex[:8]}"

        dump_args, env = connection_arguments(database, source)
        self._run(
            [client_program("pg_dump"), "--format=custom", "--file", str(dump), *dump_args], env
        )
        self.stdout.write(f"Backup: {dump} ({dump.stat().st_size} bytes)")

        with connect(database, source) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
        try:
            restore_args, env = connection_arguments(database, target)
            self._run(
                [
                    client_program("pg_restore"),
                    "--no-owner",
                    "--exit-on-error",
                    *restore_args,
                    str(dump),
                ],
                env,
            )
            with connect(database, source) as original, connect(database, target) as restored:
                expected, found = table_fingerprints(original), table_fingerprints(restored)
            differing = sorted(
                table
                for table in expected.keys() | found.keys()
                if expected.get(table) != found.get(table)
            )
            if differing:
                raise CommandError(f"restored copy differs in: {', '.join(differing)}")
            rows = sum(count for count, _digest in expected.values())
            self.stdout.write(
                f"Restored into {target}: {len(expected)} tables, {rows} rows, all identical."
            )
        except BaseException:
            self._drop(database, source, target)
            raise
        if keep:
            self.stdout.write(f"Kept the restored database: {target}")
        else:
            self._drop(database, source, target)
        return target

    def _run(self, command: list[str], env: dict[str, str]) -> None:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise CommandError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-1000:]}")

    def _drop(self, database: dict[str, Any], source: str, target: str) -> None:
        with connect(database, source) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target))
            )
