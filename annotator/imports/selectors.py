"""Reads on import jobs, scoped to the actor: requesters see their own jobs, moderators all."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from annotator.imports.models import ImportJob
from annotator.lib import policy
from annotator.lib.errors import NotFoundError


def import_list_for(*, actor: Any) -> QuerySet[ImportJob]:
    """The jobs the policy lets the actor follow (policy.job_visible_q, as for exports)."""
    jobs = ImportJob.objects.select_related("requested_by", "article")
    return jobs.filter(policy.job_visible_q(actor))


def import_get_for(*, actor: Any, job_id: Any) -> ImportJob:
    """The job if the actor requested it or moderates; NotFoundError (404) otherwise."""
    try:
        return import_list_for(actor=actor).get(pk=int(job_id))
    except (ImportJob.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFoundError(_("No such import.")) from exc
