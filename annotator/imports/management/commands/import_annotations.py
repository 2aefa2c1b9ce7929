"""`manage.py import_annotations FILE --format jsonl --user NAME`: the import service, run
in this process without a worker (the same checks, the same single final transaction)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from annotator.imports import services
from annotator.imports.formats import PARSERS
from annotator.imports.models import ImportJob
from annotator.lib.errors import DomainError


class Command(BaseCommand):
    help = "Import annotations from a file (formats: " + ", ".join(PARSERS) + ")."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", required=True, choices=sorted(PARSERS))
        parser.add_argument("--user", required=True, help="the account importing (author)")
        parser.add_argument("--article", type=int, help="send every row to this article id")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--user-map", help='JSON: {"source user": "username"} (moderators)')
        parser.add_argument("--keep-approved", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actor = get_user_model().objects.get(username=options["user"])
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user {options['user']!r}.") from exc
        extra: dict[str, Any] = {}
        if options["user_map"]:
            extra["user_map"] = json.loads(options["user_map"])
        if options["keep_approved"]:
            extra["keep_approved"] = True
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        with path.open("rb") as raw:
            upload = File(raw, name=path.name)
            try:
                job = services.import_request(
                    actor=actor,
                    upload=upload,
                    format=options["format"],
                    article=options["article"],
                    dry_run=options["dry_run"],
                    options=extra,
                    enqueue=False,
                )
            except DomainError as exc:
                raise CommandError(exc.detail) from exc
        services.import_run(job_id=job.pk)
        job = ImportJob.objects.get(pk=job.pk)
        self.stdout.write(
            json.dumps(
                {
                    "job": job.pk,
                    "state": job.state,
                    "created": job.created_count,
                    "skipped": job.skipped_count,
                    "failed": job.failed_count,
                    "error": job.error,
                },
                ensure_ascii=False,
            )
        )
        if job.state != ImportJob.State.SUCCEEDED:
            raise CommandError(job.error or job.state)
