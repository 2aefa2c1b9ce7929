"""The /imports/ pages: upload a file (drag and drop or the file picker), follow the job's
progress, read its report (table and CSV)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from annotator.articles.models import Article
from annotator.imports import services
from annotator.imports.models import ImportJob
from annotator.imports.selectors import import_get_for, import_list_for
from annotator.lib import policy
from annotator.lib.errors import DomainError, NotFoundError
from annotator.lib.roles import is_fact_checker, is_moderator

PAGE_SIZE = 50


def parse_user_map(text: str) -> dict[str, str]:
    """`source user = username` per line (the form's plain-text way of writing user_map)."""
    mapping = {}
    for line in text.splitlines():
        if line.strip():
            source, _sep, target = line.partition("=")
            mapping[source.strip()] = target.strip()
    return mapping


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    if not is_fact_checker(request.user):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    form_error = ""
    submitted: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        submitted = request.POST.dict()
        options: dict[str, Any] = {}
        if submitted.get("user_map", "").strip():
            options["user_map"] = parse_user_map(submitted["user_map"])
        if "keep_approved" in request.POST:
            options["keep_approved"] = True
        try:
            job = services.import_request(
                actor=request.user,
                upload=request.FILES.get("file"),
                format=submitted.get("format", ""),
                article=submitted.get("article") or None,
                dry_run="dry_run" in request.POST,
                options=options,
            )
        except DomainError as exc:
            errors, form_error = exc.fields, exc.detail
            status = exc.status_code
        else:
            if services.import_waits_for_broker(job):
                messages.warning(request, services.broker_down_notice(job))
            return redirect("imports:detail", pk=job.pk)
    context = {
        "jobs": list(import_list_for(actor=request.user)[:PAGE_SIZE]),
        "formats": ImportJob.Format.choices,
        "articles": Article.objects.filter(
            policy.article_visible_q(request.user), status=Article.Status.PUBLISHED
        ).only("pk", "title"),
        "is_moderator": is_moderator(request.user),
        "errors": errors,
        "form_error": form_error,
        "submitted": submitted,
    }
    return render(request, "imports/import_list.html", context, status=status)


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        job = import_get_for(actor=request.user, job_id=pk)
    except NotFoundError as exc:
        raise Http404 from exc
    return render(request, "imports/import_detail.html", {"job": job})


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.import_cancel(actor=request.user, job_id=pk)
    except NotFoundError as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Import #%(id)s cancelled.") % {"id": pk})
    return redirect("imports:detail", pk=pk)
