"""Reads on import jobs, scoped to the actor: requesters see their own jobs, moderators all."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from annotator.imports.models import ImportJob
from annotator.lib.errors import NotFoundError
from annotator.lib.roles import is_moderator


def import_list_for(*, actor: Any) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.select_related("requested_by", "article")
    if is_moderator(actor):
        return jobs
    if not getattr(actor, "is_authenticated", False):
        return jobs.none()
    return jobs.filter(requested_by=actor)


def import_get_for(*, actor: Any, job_id: Any) -> ImportJob:
    """The job if the actor requested it or moderates; NotFoundError (404) otherwise."""
    try:
        return import_list_for(actor=actor).get(pk=int(job_id))
    except (ImportJob.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFoundError(_("No such import.")) from exc
