"""Pages of source intake: add a source (/articles/new/) and change an article's status."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from annotator.articles.intake import PreparedSource, source_prepare_from_request
from annotator.articles.intake_forms import SourceForm, sign_prepared
from annotator.articles.intake_services import can_add_source, source_add
from annotator.articles.lifecycle import (
    allowed_transitions,
    article_archive,
    article_publish,
    can_change_status,
)
from annotator.articles.models import Article, sha256_text
from annotator.articles.selectors import article_get_for
from annotator.lib.errors import DomainError, DuplicateError, InvalidInputError
from annotator.lib.roles import is_moderator


def _prepare(request: HttpRequest, form: SourceForm) -> PreparedSource:
    """The source the form designates: the previewed one, else the chosen input."""
    carried = form.prepared_source()
    if carried is not None:
        return carried
    mode = form.cleaned_data["mode"]
    if mode == SourceForm.MODE_UPLOAD:
        upload = form.cleaned_data.get("file")
        if upload is None:
            raise InvalidInputError(
                _("Choose a file to upload."), fields={"file": [_("Choose a file to upload.")]}
            )
        return source_prepare_from_request(text=None, upload=upload)
    if mode == SourceForm.MODE_FETCH:
        address = form.cleaned_data.get("source_url", "")
        if not address.strip():
            message = _("Give the address of the page to fetch.")
            raise InvalidInputError(message, fields={"source_url": [message]})
        return source_prepare_from_request(text=None, upload=None, source_url=address)
    # Browsers send a textarea's line breaks as CRLF: store the LF the person typed or pasted.
    text = (form.cleaned_data.get("text") or "").replace("\r\n", "\n")
    return source_prepare_from_request(text=text, upload=None)


def _add_errors(form: SourceForm, error: DomainError) -> None:
    placed = False
    for field, problems in error.fields.items():
        if field in form.fields:
            for problem in problems:
                form.add_error(field, str(problem))
            placed = True
    if not placed:
        form.add_error(None, error.detail)


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    """Paste, upload or fetch a source, preview the exact text, then save it."""
    if not can_add_source(request.user):
        raise PermissionDenied
    can_publish = is_moderator(request.user)
    preview: PreparedSource | None = None
    duplicate: DuplicateError | None = None
    if request.method == "POST":
        form = SourceForm(request.POST, request.FILES, can_publish=can_publish)
        if form.is_valid():
            try:
                prepared = _prepare(request, form)
                if request.POST.get("action") == "save":
                    data = form.cleaned_data
                    article = source_add(
                        actor=request.user,
                        prepared=prepared,
                        title=data["title"],
                        outlet=data["outlet"],
                        author=data["author"],
                        kind=data["kind"],
                        url=data["url"],
                        published_on=data["published_on"],
                        language=data["language"],
                        candidacy_ids=[c.pk for c in data["candidacies"]],
                        status=Article.Status.PUBLISHED
                        if data.get("publish")
                        else Article.Status.DRAFT,
                    )
                    messages.success(
                        request,
                        _("Source saved (%(status)s).") % {"status": article.get_status_display()},
                    )
                    return redirect(article.get_absolute_url())
                preview = prepared
                data = request.POST.copy()
                data["prepared"] = sign_prepared(prepared)
                if not data.get("title"):
                    data["title"] = prepared.suggested_title
                form = SourceForm(data, can_publish=can_publish)
                form.is_valid()
            except DuplicateError as exc:
                duplicate = exc
                form.add_error(None, exc.detail)
            except DomainError as exc:
                _add_errors(form, exc)
    else:
        form = SourceForm(can_publish=can_publish)
    context = {
        "form": form,
        "preview": preview,
        "preview_sha256": sha256_text(preview.text) if preview else "",
        "duplicate": duplicate,
        "max_mb": settings.MAX_SOURCE_BYTES // (1024 * 1024),
    }
    return render(request, "articles/article_new.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def article_status(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the article's lifecycle controls. POST `to=published|archived` with `version`."""
    try:
        article = article_get_for(actor=request.user, article_id=pk)
    except Article.DoesNotExist as exc:
        raise Http404 from exc
    if request.method == "POST":
        services: dict[str, Callable[..., Article]] = {
            "published": article_publish,
            "archived": article_archive,
        }
        service = services.get(request.POST.get("to", ""))
        try:
            if service is None:
                raise InvalidInputError(_("Unknown status."))
            version_raw = request.POST.get("version", "")
            article = service(
                actor=request.user,
                article_id=article.pk,
                version=int(version_raw) if version_raw.isdigit() else None,
                reason=request.POST.get("reason", "")[:500],
            )
            messages.success(
                request,
                _("The source is now %(status)s.") % {"status": article.get_status_display()},
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
        next_url = request.POST.get("next", "")
        if next_url.startswith("/") and not next_url.startswith("//"):
            return redirect(next_url)
        return redirect("intake:status", pk=article.pk)
    return render(request, "articles/article_status.html", {"article": article})


def lifecycle_context(user: object, article: Article) -> dict[str, object]:
    return {
        "can_change_status": can_change_status(user),
        "next_statuses": allowed_transitions(article.status),
    }
