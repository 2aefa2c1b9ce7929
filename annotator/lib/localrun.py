"""`make run`: the production settings, served over plain HTTP on the loopback interface.

`python -m annotator.lib.localrun [devrun options]` prepares the environment and replaces itself
with `localservices exec -- python manage.py devrun`:

- `DEBUG` stays off unless the caller set it (`DEBUG=1 make run` is the development mode);
- `SECRET_KEY`, when not given, is generated once into `.local/secret-key` (mode 0600) and reused;
- `LOCAL_HTTP=1` tells the settings that the site is served on http://127.0.0.1 (devrun binds
  gunicorn to 127.0.0.1 only), which relaxes exactly four production defaults: no HTTPS
  redirect, no HSTS, and session and CSRF cookies without the Secure flag. `manage.py check
  --deploy` reports those four (LOOPBACK_DEPLOY_EXCEPTIONS) and nothing else.

This module runs before Django is configured: it imports nothing from the project.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCAL = Path(os.environ.get("ANNOTATOR_LOCAL_DIR", ROOT / ".local")).resolve()

# `check --deploy` warnings that plain HTTP on the loopback interface implies, and nothing else:
# HSTS (W004), HTTPS redirect (W008), Secure session cookie (W012), Secure CSRF cookie (W016).
LOOPBACK_DEPLOY_EXCEPTIONS = frozenset(
    {"security.W004", "security.W008", "security.W012", "security.W016"}
)


def secret_key(local: Path = LOCAL) -> str:
    """The key kept in `.local/secret-key`, created on first use (never printed, never shared)."""
    path = local / "secret-key"
    if path.exists():
        key = path.read_text().strip()
        if key:
            return key
    local.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key + "\n")
    return key


def run_environment(base: Mapping[str, str], local: Path = LOCAL) -> dict[str, str]:
    """The environment `make run` gives to devrun (and so to web, worker and beat)."""
    env = dict(base)
    env["DEBUG"] = env.get("DEBUG") or "0"
    env["LOCAL_HTTP"] = "1"
    env["LIVE_STREAM_PORT"] = str(live_port(env))
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = secret_key(local)
    return env


def live_port(env: Mapping[str, str]) -> int:
    """The port of the live stream server: `LIVE_STREAM_PORT`, else the web port + 1."""
    if env.get("LIVE_STREAM_PORT"):
        return int(env["LIVE_STREAM_PORT"])
    return int(env.get("PORT") or 8000) + 1


def _gunicorn(python: str, app: str, worker_class: str, port: int, workers: int) -> list[str]:
    """gunicorn with this project's settings (annotator/gunicorn_conf.py) on the loopback."""
    return [
        *(python, "-m", "gunicorn", "-c", "python:annotator.gunicorn_conf", app),
        *("--worker-class", worker_class, "--bind", f"127.0.0.1:{port}"),
        *("--workers", str(workers), "--log-level", "warning"),
    ]


def web_command(python: str, port: int) -> list[str]:
    """The web server of `make run` (devrun starts it; bench/ starts the same for its figures):
    gunicorn with threaded WSGI workers (2 processes x 4 threads) on the loopback interface,
    serving the pages and the API, with the access log. A request here costs half what it costs
    under the ASGI server (docs/benchmarks.md): Django's sync views run in the worker's own
    threads, with their connections, caches and compiled queries kept warm between requests."""
    command = _gunicorn(python, "annotator.wsgi:application", "gthread", port, 2)
    return [*command, "--access-logfile", "-"]


def live_command(python: str, port: int) -> list[str]:
    """The live stream server of `make run`: the same app under ASGI (gunicorn with one uvicorn
    worker), where an open Server-Sent Events connection holds no thread. The pages open their
    stream on this port (`LIVE_STREAM_PORT`); it answers their origin with CORS credentials."""
    return _gunicorn(python, "annotator.asgi:application", "uvicorn_worker.UvicornWorker", port, 1)


def main(argv: list[str]) -> None:
    python = sys.executable
    command = [python, "-m", "annotator.lib.localservices", "exec", "--", python]
    command += [str(ROOT / "manage.py"), "devrun", *argv]
    os.execve(python, command, run_environment(os.environ))  # noqa: S606 - our own command line


if __name__ == "__main__":
    main(sys.argv[1:])
