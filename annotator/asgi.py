"""The ASGI application: the live stream's server (`make run`, compose's `live` service).

Under ASGI every request of a sync view runs in a thread of its own, so per-thread persistent
connections would never be reused: the ASGI server keeps a PostgreSQL connection pool per process
instead (`DATABASE_POOL=0` turns it off). The WSGI server (pages, API) keeps one persistent
connection per worker thread, with no pool to check connections in and out of.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DATABASE_POOL", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
application = get_asgi_application()
