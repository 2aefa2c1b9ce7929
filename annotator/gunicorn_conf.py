"""gunicorn settings for every way the app is served: `make run` (devrun), the Dockerfile and
docker-compose (`gunicorn -c python:annotator.gunicorn_conf annotator.wsgi:application ...`).

Two servers share this file. The pages and the API run on gunicorn's threaded WSGI workers
(`gthread`, the default here): Django's sync views in the workers' own long-lived threads, with
their database connections, caches and compiled queries warm. The live event stream runs on a
second server, `annotator.asgi:application` with `--worker-class uvicorn_worker.UvicornWorker`,
where an open stream holds no thread; under ASGI every request of a sync view runs in a new
thread, which made pages and API calls about twice as expensive (docs/benchmarks.md).

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

limit_request_line = 0
limit_request_field_size = 32768
limit_request_fields = 200
keepalive = 20
backlog = 2048
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
