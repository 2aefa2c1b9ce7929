"""Writes on import jobs: request (upload), cancel, and run (the worker's body).

Guarantees: the uploaded file is stored and the job row committed before its task is enqueued
(on commit); the file is parsed in a resource-limited child (`sandbox.py`); every row is checked
as the API checks it (`rows.py`); nothing is written to the annotation tables before the run's
final transaction, which holds the job's row lock and writes everything or nothing (`loading.py`),
so a failed or cancelled job leaves no row behind, and a dry run rolls that transaction back.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from annotator.annotations.models import Annotation
from annotator.articles.models import Article
from annotator.imports import loading
from annotator.imports.formats import OWN_FORMATS, PARSERS
from annotator.imports.models import MAX_REPORT_ENTRIES, ImportJob
from annotator.imports.rows import (
    ArticleIndex,
    RowRefusedError,
    check_passage,
    clean_comment,
    clean_tags,
    proposal_lookup,
    render_comment,
)
from annotator.imports.sandbox import ParseRefused, parse_in_sandbox
from annotator.imports.selectors import import_get_for
from annotator.lib import jobs, policy
from annotator.lib.collector import collector_paused
from annotator.lib.errors import ConflictError, InvalidInputError, PermissionDeniedError
from annotator.lib.roles import is_fact_checker, is_moderator
from annotator.live import events as live

logger = logging.getLogger(__name__)
State = ImportJob.State
BATCH = 5000


def import_root() -> Path:
    root = Path(settings.IMPORT_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def _invalid(field: str, message: str) -> InvalidInputError:
    return InvalidInputError(message, fields={field: [message]})


def clean_options(*, actor: Any, options: Any) -> dict[str, Any]:
    """`user_map` (source user -> username here) and `keep_approved`: moderators only."""
    if options in (None, ""):
        return {}
    if not isinstance(options, dict):
        raise _invalid("options", _("options must be an object."))
    unknown = set(options) - {"user_map", "keep_approved"}
    if unknown:
        raise _invalid("options", _("Unknown option(s): %s.") % ", ".join(sorted(unknown)))
    user_map = options.get("user_map") or {}
    keep_approved = options.get("keep_approved", False)
    if (user_map or keep_approved) and not is_moderator(actor):
        raise PermissionDeniedError(
            _("Only moderators map source users to accounts or keep approvals.")
        )
    if not isinstance(user_map, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in user_map.items()
    ):
        raise _invalid("user_map", _("user_map maps source user names to usernames."))
    if len(user_map) > 10_000:
        raise _invalid("user_map", _("At most 10,000 users can be mapped."))
    known = set(
        get_user_model()
        .objects.filter(username__in=set(user_map.values()), is_active=True)
        .values_list("username", flat=True)
    )
    missing = sorted(set(user_map.values()) - known)
    if missing:
        raise _invalid("user_map", _("Unknown account(s): %s.") % ", ".join(missing[:20]))
    if type(keep_approved) is not bool:
        raise _invalid("keep_approved", _("keep_approved must be true or false."))
    return {"user_map": user_map, "keep_approved": keep_approved}


def import_request(
    *,
    actor: Any,
    upload: Any,
    format: str,
    article: Any = None,
    dry_run: bool = False,
    options: Any = None,
    enqueue: bool = True,
) -> ImportJob:
    """Store the uploaded file and create a queued job, enqueued once the row is committed.

    Permission: fact-checkers, reviewers and moderators (annotations are theirs); mapping source
    users to accounts and keeping approvals: moderators. `article` (an id the actor may see)
    sends every row to that article. `enqueue=False`: the caller runs it (the command)."""
    if not is_fact_checker(actor):
        raise PermissionDeniedError(_("Only fact-checkers, reviewers and moderators import."))
    if format not in PARSERS:
        raise _invalid("format", _("Choose one of: %s.") % ", ".join(PARSERS))
    if upload is None:
        raise _invalid("file", _("Choose a file to import."))
    if upload.size == 0:
        raise _invalid("file", _("The file is empty."))
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise _invalid(
            "file",
            _("The file is larger than %(mb)d MB.") % {"mb": settings.IMPORT_MAX_BYTES // 2**20},
        )
    cleaned = clean_options(actor=actor, options=options)
    target = None
    if article not in (None, ""):
        try:
            target = Article.objects.filter(policy.article_visible_q(actor)).get(pk=int(article))
        except (Article.DoesNotExist, TypeError, ValueError) as exc:
            raise _invalid("article", _("Unknown article: %(id)s.") % {"id": article}) from exc
    name = f"import-{uuid.uuid4().hex}.upload"
    digest = hashlib.sha256()
    with (import_root() / name).open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    with transaction.atomic():
        job = ImportJob.objects.create(
            requested_by=actor,
            format=format,
            article=target,
            dry_run=bool(dry_run),
            options=cleaned,
            language=(translation.get_language() or settings.LANGUAGE_CODE)[:8],
            original_name=str(getattr(upload, "name", "") or name)[-255:],
            file_name=name,
            size=upload.size,
            sha256=digest.hexdigest(),
        )
        if enqueue:
            transaction.on_commit(lambda: import_enqueue(job_id=job.pk))
    return job


def import_enqueue(*, job_id: int) -> bool:
    from annotator.imports.tasks import import_run_task

    return jobs.job_enqueue(import_run_task, ImportJob, job_id)


def import_waits_for_broker(job: ImportJob) -> bool:
    return not ImportJob.objects.filter(pk=job.pk, enqueued_at__isnull=False).exists()


def broker_down_notice(job: ImportJob) -> str:
    return _(
        "The task queue is unavailable right now: import #%(id)s is saved and will start as soon "
        "as it is back."
    ) % {"id": job.pk}


def import_progress_fields(job: ImportJob) -> dict[str, Any]:
    """What an import's page shows of its progress (the same fields as its API resource)."""
    return {
        "id": job.pk,
        "state": job.state,
        "progress": job.progress,
        "rows_seen": job.rows_seen,
        "counts": {
            "created": job.created_count,
            "skipped": job.skipped_count,
            "failed": job.failed_count,
            "articles_created": job.articles_created,
        },
        "error": job.error,
        "version": job.version,
    }


def _announce(job_id: int) -> None:
    """Tell the requester's open pages (and moderators': policy.job_visible) where the job
    stands, through the live stream."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        live.job_progress(
            job_kind="import", owner_id=job.requested_by_id, job=import_progress_fields(job)
        )


def import_cancel(*, actor: Any, job_id: Any, expected_version: int | None = None) -> ImportJob:
    """Cancel a queued or running job (requester or moderator; 404 for others). Row lock taken
    without waiting: a run in its final transaction holds it, so the answer is 409 at once; a
    run still staging notices at its next batch and writes nothing."""
    import_get_for(actor=actor, job_id=job_id)
    with transaction.atomic():
        try:
            job = ImportJob.objects.select_for_update(nowait=True).get(pk=int(job_id))
        except OperationalError as exc:
            # The run holds the row in its final transaction: answer now rather than wait.
            raise ConflictError(
                _("The import is writing its rows: it can no longer be cancelled."),
                state=State.RUNNING,
            ) from exc
        jobs.job_cancel_locked(
            job,
            expected_version=expected_version,
            stale_message=_("The import changed since you loaded it."),
            finished_message=_("Only a queued or running import can be cancelled."),
        )
        _announce(job.pk)
    return job


class _Report:
    """Counts and the first MAX_REPORT_ENTRIES report entries."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.failed = 0
        self.truncated = False

    def add(
        self, order: int, status: str, line: Any, index: Any, reason: str, expected: str = ""
    ) -> None:
        if status == "refused":
            self.failed += 1
        if len(self.entries) >= MAX_REPORT_ENTRIES:
            self.truncated = True
            return
        self.entries.append(
            {
                "order": order,
                "line": line,
                "index": index or "",
                "status": status,
                "reason": reason,
                "expected": expected,
            }
        )


class _Run:
    """One run of a job: checks batches of records and stages the accepted rows."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        actor = job.requested_by
        self.actor = actor
        moderator = is_moderator(actor)
        self.index = ArticleIndex(
            actor=actor, forced_article_id=job.article_id, can_create=moderator
        )
        usernames = job.options.get("user_map", {}) if moderator else {}
        ids = dict(
            get_user_model()
            .objects.filter(username__in=set(usernames.values()))
            .values_list("username", "pk")
        )
        self.user_ids = {source: ids[name] for source, name in usernames.items() if name in ids}
        self.keep_approved = (
            moderator and job.options.get("keep_approved", False) and job.format in OWN_FORMATS
        )
        self.proposal = proposal_lookup()
        self.comments: dict[str, str] = {}
        self.cleaned_tags: dict[tuple[str, ...], list[str]] = {}
        self.report = _Report()

    def tags(self, given: Any) -> list[str]:
        """`clean_tags`, once per distinct list of tags (files repeat their labels)."""
        if not isinstance(given, list) or not all(isinstance(t, str) for t in given):
            return clean_tags(given)
        key = tuple(given)
        cleaned = self.cleaned_tags.get(key)
        if cleaned is None:
            cleaned = clean_tags(given)
            if len(self.cleaned_tags) < 10_000:
                self.cleaned_tags[key] = cleaned
        return list(cleaned)

    def stage(self, batch: list[dict[str, Any]]) -> None:
        self.index.prefetch(batch)
        resolved = []
        for record in batch:
            try:
                resolved.append((record, self.index.target_of(record["article"])))
            except RowRefusedError as exc:
                self.report.add(
                    record["n"],
                    "refused",
                    record["line"],
                    record["index"],
                    exc.reason,
                    exc.expected,
                )
        self.index.load_texts({id(t): t for _, t in resolved}.values())
        staged = []
        for record, target in resolved:
            try:
                staged.append(self.check(record, target))
            except RowRefusedError as exc:
                self.report.add(
                    record["n"],
                    "refused",
                    record["line"],
                    record["index"],
                    exc.reason,
                    exc.expected,
                )
            except InvalidInputError as exc:
                self.report.add(
                    record["n"],
                    "refused",
                    record["line"],
                    record["index"],
                    exc.detail,
                    _expected(exc),
                )
        ids = loading.annotation_ids(len(staged))
        loading.staging_copy([(pk, *row) for pk, row in zip(ids, staged, strict=True)])

    def check(self, record: dict[str, Any], target: Any) -> tuple[Any, ...]:
        if target.status == Article.Status.ARCHIVED:
            raise RowRefusedError(_("This source is archived: archived sources are read-only."))
        if target.status != Article.Status.PUBLISHED:
            raise RowRefusedError(_("This source is not published yet: it cannot be annotated."))
        passage = check_passage(target, record["quote"], record["position"])
        comment = clean_comment(record["comment"])
        tags = self.tags(record["tags"])
        links = record["proposals"]
        if not isinstance(links, list):
            raise RowRefusedError(_("proposals must be a list of ids."), _("a list of slugs"))
        proposal_ids = []
        for link in links:
            found = self.proposal(link)
            if found is None:
                raise RowRefusedError(
                    _("Unknown proposal(s): %(ids)s.") % {"ids": link},
                    _("a proposal slug known here"),
                )
            if found not in proposal_ids:
                proposal_ids.append(found)
        user = record["user"]
        author = self.user_ids.get(user, self.actor.pk)
        status = Annotation.Status.SUBMITTED
        reviewers: list[int] = []
        if self.keep_approved and record["approved"]:
            status = Annotation.Status.APPROVED
            for name in record["reviewers"] or [""]:
                reviewer = self.user_ids.get(name, self.actor.pk)
                if reviewer not in reviewers:
                    reviewers.append(reviewer)
        source = {"format": self.job.format}
        for key in ("source_id", "user", "created", "modified"):
            if record[key]:
                source[key.removeprefix("source_")] = record[key]
        if record.get("origin"):
            source["origin"] = record["origin"]
        fields = passage.fields
        if passage.note:  # only for rows that passed every check
            self.report.add(record["n"], "converted", record["line"], record["index"], passage.note)
        return (
            record["n"],
            record["line"],
            record["index"] or "",
            target.id,
            target.revision_id,
            author,
            fields["exact"],
            fields["prefix"],
            fields["suffix"],
            fields["start"],
            fields["end"],
            comment,
            render_comment(comment, self.comments),
            tags,
            status,
            proposal_ids,
            reviewers,
            source,
        )


def _expected(exc: InvalidInputError) -> str:
    return ", ".join(exc.fields) if exc.fields else ""


def _records(run: _Run, path: Path, attempt: int) -> Iterator[list[dict[str, Any]]]:
    """Batches of row records; article and error records handled on the way; progress saved
    (and cancellation noticed) with every progress record of the child."""
    job = run.job
    batch: list[dict[str, Any]] = []
    seen = 0
    announced = 0
    for order, record in enumerate(parse_in_sandbox(path, source_format=job.format)):
        kind = record["t"]
        record["n"] = order
        if kind == "row":
            batch.append(record)
            seen += 1
            if len(batch) >= BATCH:
                yield batch
                batch = []
        elif kind == "article":
            run.index.add_file_article(record)
        elif kind == "error":
            seen += 1
            run.report.add(
                order,
                "refused",
                record["line"],
                record["index"],
                record["reason"],
                record["expected"],
            )
        elif kind == "progress":
            done = min(90, int(record["bytes"] * 90 / max(1, job.size)))
            jobs.job_heartbeat(ImportJob, job.pk, attempt, progress=done, rows_seen=seen)
            if done != announced:  # each whole percent gained, not every record
                announced = done
                _announce(job.pk)
            if settings.IMPORT_TEST_DELAY:
                time.sleep(settings.IMPORT_TEST_DELAY)
    if batch:
        yield batch
    jobs.job_heartbeat(ImportJob, job.pk, attempt, progress=90, rows_seen=seen)
    _announce(job.pk)


def import_run(*, job_id: int) -> ImportJob | None:
    """Parse, check and stage the job's rows, then load them in one transaction (idempotent: a
    re-run starts from the file again). Transient database errors propagate (the task retries
    them); a file that cannot be parsed, or any other error, fails the job with a message."""
    job = jobs.job_claim(
        ImportJob,
        job_id,
        heartbeat_timeout=settings.IMPORT_HEARTBEAT_TIMEOUT,
        reset={
            "progress": 0,
            "rows_seen": 0,
            "created_count": 0,
            "skipped_count": 0,
            "failed_count": 0,
            "report": [],
        },
    )
    if job is None:
        return None
    _announce(job.pk)
    attempt = job.attempts
    try:
        with translation.override(job.language), collector_paused():
            finished = _run(job, attempt)
        _announce(job.pk)
        return finished
    except jobs.JobInterruptedError:
        logger.info("import %s attempt %s: stopped (cancelled or taken over)", job.pk, attempt)
        return None
    except TRANSIENT_ERRORS:
        raise
    except ParseRefused as exc:
        with translation.override(job.language):
            message = (
                _("The file needs more time or memory than an import may use.")
                if exc.reason == "too_complex"
                else _("The file cannot be read as %(format)s: %(reason)s")
                % {"format": job.get_format_display(), "reason": exc.reason}
            )
        if jobs.job_fail(ImportJob, job.pk, attempt=attempt, message=message):
            _announce(job.pk)
        return None
    except loading.ReferenceMissing:
        with translation.override(job.language):
            message = _(
                "An article, an account or a proposal this file refers to was deleted during "
                "the import. Nothing was imported: run it again."
            )
        if jobs.job_fail(ImportJob, job.pk, attempt=attempt, message=message):
            _announce(job.pk)
        return None
    except Exception as exc:
        logger.exception("import %s failed", job.pk)
        failed = jobs.job_fail(
            ImportJob,
            job.pk,
            attempt=attempt,
            message=_("The import failed: %(error)s")
            % {"error": f"{type(exc).__name__}: {exc}"[:500]},
        )
        if failed:
            _announce(job.pk)
        return None
    finally:
        loading.staging_drop()
        _remove_finished_upload(job.pk)


def _remove_finished_upload(job_id: int) -> None:
    """The uploaded file is kept while a run may still need it (queued, running, retried) and
    deleted once the job is finished; the job row keeps its name, size and SHA-256."""
    finished = ImportJob.objects.filter(pk=job_id).exclude(state__in=[State.QUEUED, State.RUNNING])
    job = finished.only("pk", "file_name").first()
    if job is not None:
        job.path.unlink(missing_ok=True)


def _run(job: ImportJob, attempt: int) -> ImportJob:
    run = _Run(job)
    loading.staging_create()
    for batch in _records(run, job.path, attempt):
        run.stage(batch)
    with transaction.atomic():
        current = ImportJob.objects.select_for_update().get(pk=job.pk)
        if current.attempts != attempt or current.state != State.RUNNING:
            raise jobs.JobInterruptedError
        loading.staging_copy_articles(run.index.new_articles)
        savepoint = transaction.savepoint()
        created, skipped, duplicates = loading.load_staged(
            job_id=job.pk,
            actor_id=job.requested_by_id,
            source_format=job.format,
            language=job.language,
            report_limit=MAX_REPORT_ENTRIES,
        )
        if job.dry_run:
            transaction.savepoint_rollback(savepoint)
        else:
            transaction.savepoint_commit(savepoint)
        for order, line, index in duplicates:
            run.report.add(
                order,
                "skipped",
                line,
                index,
                _("Already imported: the same passage, author and comment."),
            )
        current.state = State.SUCCEEDED
        current.progress = 100
        current.created_count = created
        current.skipped_count = skipped
        current.failed_count = run.report.failed
        current.articles_created = 0 if job.dry_run else len(run.index.new_articles)
        current.report = [
            {key: value for key, value in entry.items() if key != "order"}
            for entry in sorted(run.report.entries, key=lambda entry: entry["order"])
        ]
        current.report_truncated = run.report.truncated
        current.finished_at = current.heartbeat_at = timezone.now()
        current.version += 1
        current.save()
    return current


def import_requeue_lost(*, now: Any = None) -> dict[str, int]:
    """Beat task body: re-enqueue imports left queued (broker down, message lost) or whose run
    stopped beating (worker killed); fail those interrupted IMPORT_MAX_ATTEMPTS times."""
    return jobs.job_requeue_lost(
        ImportJob,
        enqueue=lambda pk: import_enqueue(job_id=pk),
        requeue_after=settings.IMPORT_REQUEUE_AFTER,
        heartbeat_timeout=settings.IMPORT_HEARTBEAT_TIMEOUT,
        max_attempts=settings.IMPORT_MAX_ATTEMPTS,
        give_up=lambda attempts: (
            _("The import was interrupted %(count)s times; giving up.") % {"count": attempts}
        ),
        now=now,
    )


def import_fail(*, job_id: int, message: str) -> None:
    if jobs.job_fail(ImportJob, job_id, message=message):
        _announce(job_id)


def import_release(*, job_id: int) -> None:
    jobs.job_release(ImportJob, job_id, TRANSIENT_ERRORS)


def _transient_errors() -> tuple[type[BaseException], ...]:
    from django.db import InterfaceError, OperationalError

    return (OperationalError, InterfaceError)


TRANSIENT_ERRORS = _transient_errors()
