"""gunicorn settings for every way the app is served: `make run` (devrun), the Dockerfile and
docker-compose (`gunicorn -c python:annotator.gunicorn_conf annotator.asgi:application ...`).

Workers are uvicorn's (ASGI), so the live event stream's open connections hold no thread; the
pages and the API are Django's sync views, each request in its own thread. `GUNICORN_THREADS`
only applies when a command line picks gunicorn's threaded worker (annotator.wsgi).

Request limits: gunicorn answers its own limits with an HTML page, so they are set above the
app's (API_MAX_REQUEST_LINE, API_MAX_HEADER_SIZE, API_MAX_HEADERS in settings), and the app
answers 414 / 431 in the JSON error envelope (annotator.lib.middleware). `limit_request_line = 0`
leaves only gunicorn's 1 MB parser bound; headers stay bounded at 32 kB each and 200 in all.

Load (issue 15, bench/load_newsroom.py): idle keep-alive connections are kept 20 s (gunicorn's
2 s default closed them between two clicks of a user, whose next request then met a closed
socket: 48 "connection reset / closed without response" in 8,800 requests); a listen backlog of
2048 so that bursts of connections queue instead of being refused; workers and threads from
GUNICORN_WORKERS (2) and GUNICORN_THREADS (4), command-line flags win. A proxy in front must
keep its upstream keep-alive shorter than 20 s.
"""

import os

# Each worker keeps a PostgreSQL connection pool (annotator/settings.py): read by the workers,
# which load the app after this file has run in the master. DATABASE_POOL=0 turns it off.
os.environ.setdefault("DATABASE_POOL", "1")

limit_request_line = 0
limit_request_field_size = 32768
limit_request_fields = 200
keepalive = 20
backlog = 2048
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "uvicorn_worker.UvicornWorker")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
