# Production image: gunicorn with uvicorn workers (web, ASGI: pages, API and the live stream), celery worker and beat share it. Built by docker-compose.yml.
# Runtime dependencies only (requirements-prod.lock): no test, lint or embedded-service packages.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN useradd --create-home --uid 1000 annotator
COPY requirements-prod.lock pyproject.toml ./
RUN pip install --no-cache-dir --require-hashes -r requirements-prod.lock
COPY . .
RUN python -m annotator.lib.compilemessages \
 && SECRET_KEY=build-only DEBUG=0 DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
 && mkdir -p /data/exports /data/media && chown -R annotator /data
USER annotator
EXPOSE 8000 8001
# Pages and API (WSGI). The live stream runs from the same image with the `live` command of
# docker-compose.yml (ASGI, port 8001).
CMD ["gunicorn", "-c", "python:annotator.gunicorn_conf", "annotator.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
