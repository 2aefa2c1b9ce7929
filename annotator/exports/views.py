"""The /exports/ page: request an export, follow its progress, download or cancel it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from annotator.articles.models import Article
from annotator.articles.selectors import article_visible_q
from annotator.exports import services
from annotator.exports.models import ExportJob
from annotator.exports.selectors import export_list_for
from annotator.lib.errors import DomainError, NotFoundError
from annotator.lib.roles import is_fact_checker, is_reviewer
from proposals.models import Candidate, Election, Theme

PAGE_SIZE = 50
FILTER_LABELS = {
    "election": gettext_lazy("Election"),
    "candidate": gettext_lazy("Candidate"),
    "theme": gettext_lazy("Theme"),
    "article": gettext_lazy("Article"),
    "date_from": gettext_lazy("From"),
    "date_to": gettext_lazy("To"),
}


def _chips(job: ExportJob) -> list[tuple[str, Any]]:
    chips = [
        (str(label), job.filters[key])
        for key, label in FILTER_LABELS.items()
        if job.filters.get(key)
    ]
    if not job.filters.get("verified_only", True):
        chips.append((_("Including unverified"), ""))
    if job.options.get("bom"):
        chips.append(("BOM", "Excel"))
    return chips


def _form_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "formats": ExportJob.Format.choices,
        "elections": Election.objects.only("key", "name"),
        "candidates": Candidate.objects.only("key", "first_name", "last_name"),
        "themes": Theme.objects.only("code", "label_fr", "label_en"),
        "articles": Article.objects.filter(article_visible_q(request.user)).only("pk", "title"),
        "can_export_unverified": is_reviewer(request.user),
    }


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    if not is_fact_checker(request.user):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    form_error = ""
    submitted: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        submitted = request.POST.dict()
        filters: dict[str, Any] = {
            key: submitted.get(key, "")
            for key in ("election", "candidate", "theme", "article", "date_from", "date_to")
        }
        filters["verified_only"] = "include_unverified" not in request.POST
        try:
            job = services.export_request(
                actor=request.user,
                format=submitted.get("format", ""),
                filters=filters,
                options={"bom": "bom" in request.POST},
            )
        except DomainError as exc:
            errors, form_error = exc.fields, exc.detail
            status = exc.status_code
        else:
            if services.export_waits_for_broker(job):
                messages.warning(request, services.broker_down_notice(job))
            else:
                messages.success(request, _("Export #%(id)s requested.") % {"id": job.pk})
            return redirect("exports:list")
    jobs = list(export_list_for(actor=request.user)[:PAGE_SIZE])
    rows = [{"job": job, "chips": _chips(job)} for job in jobs]
    context = {
        "rows": rows,
        "errors": errors,
        "form_error": form_error,
        "submitted": submitted,
        **_form_context(request),
    }
    return render(request, "exports/export_list.html", context, status=status)


@login_required
@require_POST
def export_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.export_cancel(actor=request.user, job_id=pk)
    except NotFoundError as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Export #%(id)s cancelled.") % {"id": pk})
    return redirect("exports:list")
