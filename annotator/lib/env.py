"""Typed readers for settings taken from the environment. A bad value fails loudly at start-up."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


class ConfigurationError(RuntimeError):
    """A setting from the environment is missing or malformed."""


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ConfigurationError(f"environment variable {name} is required")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(
        f"{name} must be a boolean (1/0, true/false, yes/no, on/off), not {value!r}"
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, Any]:
    """Django DATABASES entry for a PostgreSQL URL.

    Accepts `postgres://user:pass@host:port/name` and a Unix socket directory either as a
    percent-encoded host (`postgres://user@%2Fvar%2Frun%2Fpostgresql/name`) or as `?host=/dir`.
    Any other scheme is refused: PostgreSQL is the only database.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ConfigurationError(
            f"DATABASE_URL must be a postgres:// URL (PostgreSQL is the only database), got {parts.scheme!r}"
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    hostport = parts.netloc.rpartition("@")[2]
    if hostport.lower().startswith("%2f"):
        host, port = unquote(hostport), ""
    else:
        host, port = parts.hostname or "", str(parts.port or "")
    host = query.pop("host", host)
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ConfigurationError("DATABASE_URL must name a database")
    options: dict[str, Any] = dict(query)
    # Statements run through a server-binding cursor (annotator.lib.compiled.prepared_cursor: the
    # hot reads) are prepared by psycopg from their 5th run on a connection. Django's own cursors
    # bind on the client and are never prepared, whatever this says.
    options.setdefault("prepare_threshold", 5)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": port,
        "OPTIONS": options,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def celery_url_from_redis_url(url: str) -> str:
    """Kombu spells a Redis Unix socket `redis+socket:///path`; redis-py spells it `unix://`."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = f"?{parts.query}" if parts.query else ""
        return f"redis+socket://{parts.path}{query}"
    if parts.scheme not in {"redis", "rediss"}:
        raise ConfigurationError(
            f"REDIS_URL must be redis://, rediss:// or unix://, got {parts.scheme!r}"
        )
    return url
