"""Server-rendered pages: proposals list and detail (rating, verdict, merge forms), comparison,
agreement statistics and the public methodology."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from annotator.lib import roles
from annotator.lib.errors import DomainError, NotFoundError, PermissionDeniedError
from proposals import scale, selectors, services
from proposals.models import Proposal

PAGE_SIZE = 50


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    filters: dict[str, Any] = {
        "election": _int(params.get("election")),
        "candidate": _int(params.get("candidate")),
        "theme": params.get("theme") or None,
        "verdict": params.get("verdict") or None,
        "rated": params.get("rated") or None,
        "search": (params.get("q") or "").strip() or None,
    }
    queryset = selectors.proposal_filter(selectors.proposal_list_for(actor=request.user), **filters)
    if not filters["search"]:
        queryset = queryset.order_by(
            "-candidacy__election__date", "primary_theme__position", "title"
        )
    page = Paginator(queryset, PAGE_SIZE).get_page(params.get("page"))
    query_without_page = params.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "proposals/proposal_list.html",
        {
            "page": page,
            "filters": filters,
            "elections": selectors.election_list(),
            "candidates": selectors.candidate_list(),
            "themes": selectors.theme_list(),
            "scale": scale.FEASIBILITY_SCALE,
            "querystring": query_without_page.urlencode(),
            "can_create": roles.is_fact_checker(request.user),
        },
    )


def _get_or_404(request: HttpRequest, slug: str) -> Proposal:
    try:
        return selectors.proposal_get_by_slug_for(actor=request.user, slug=slug)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc


def _rating_form_initial(own: Any) -> dict[str, Any]:
    if own is None:
        return {
            "obstacles": dict.fromkeys(scale.OBSTACLE_KEYS, 0),
            "evidence_urls": "",
            "evidence_annotations": [],
        }
    return {
        "feasibility": own.feasibility,
        "importance": own.importance,
        "confidence": own.confidence,
        "justification": own.justification,
        "obstacles": {key: own.obstacles.get(key, 0) for key in scale.OBSTACLE_KEYS},
        "evidence_urls": "\n".join(e["url"] for e in own.evidence if "url" in e),
        "evidence_annotations": [e["annotation"] for e in own.evidence if "annotation" in e],
        "version": own.version,
    }


def _rating_form_posted(post: Any) -> dict[str, Any]:
    return {
        "feasibility": post.get("feasibility", ""),
        "importance": post.get("importance", ""),
        "confidence": post.get("confidence", ""),
        "justification": post.get("justification", ""),
        "obstacles": {key: _int(post.get(f"obstacle_{key}")) or 0 for key in scale.OBSTACLE_KEYS},
        "evidence_urls": post.get("evidence_urls", ""),
        "evidence_annotations": [i for i in map(_int, post.getlist("evidence_annotation")) if i],
        "version": _int(post.get("version")),
    }


def _detail_context(request: HttpRequest, proposal: Proposal, **extra: Any) -> dict[str, Any]:
    actor = request.user
    ratings = selectors.ratings_for(actor=actor, proposal=proposal)
    passages = selectors.linked_annotations_for(actor=actor, proposal=proposal)
    passage_by_id = {a.pk: a for a in passages}
    cited = {
        e["annotation"]
        for r in ratings.visible
        for e in r.evidence
        if "annotation" in e and e["annotation"] not in passage_by_id
    }
    if cited:
        for annotation in selectors.visible_annotations_by_ids(actor=actor, ids=cited):
            passage_by_id[annotation.pk] = annotation
    verdicts = getattr(proposal, "all_verdicts", [])  # prefetched by the selector
    current = next((v for v in verdicts if v.is_current), None)
    proposed = None if ratings.blind else selectors.verdict_proposal(ratings.visible)
    context = {
        "proposal": proposal,
        "ratings": ratings,
        "passages": passages,
        "passage_by_id": passage_by_id,
        "current_verdict": current,
        "past_verdicts": [v for v in verdicts if not v.is_current],
        "proposed": proposed,
        "scale": scale.FEASIBILITY_SCALE,
        "obstacle_dimensions": scale.obstacle_dimensions(),
        "obstacle_levels": scale.obstacle_levels(),
        "level_choices": scale.level_choices(),
        "justification_min": scale.JUSTIFICATION_MIN_LENGTH,
        "can_rate": selectors.can_rate(actor),
        "can_publish": roles.is_reviewer(actor),
        "can_merge": roles.is_moderator(actor),
        "can_edit": roles.is_fact_checker(actor),
        "rating_form": _rating_form_initial(ratings.own),
        "rating_errors": {},
        "verdict_errors": {},
        "merge_errors": {},
    }
    if context["can_merge"]:
        context["merge_candidates"] = (
            Proposal.objects.filter(candidacy_id=proposal.candidacy_id, merged_into__isnull=True)
            .exclude(pk=proposal.pk)
            .only("pk", "title")
            .order_by("title")
        )
    context.update(extra)
    return context


@login_required
def proposal_detail(request: HttpRequest, slug: str) -> HttpResponse:
    proposal = _get_or_404(request, slug)
    if proposal.merged_into_id is not None:
        return redirect(selectors.live_proposal(proposal).get_absolute_url(), permanent=True)
    return render(request, "proposals/proposal_detail.html", _detail_context(request, proposal))


def _live_or_redirect(request: HttpRequest, slug: str) -> Proposal:
    proposal = _get_or_404(request, slug)
    if proposal.merged_into_id is not None:
        raise Http404(_("This proposal was merged."))
    return proposal


@login_required
@require_POST
def proposal_rate(request: HttpRequest, slug: str) -> HttpResponse:
    proposal = _live_or_redirect(request, slug)
    form = _rating_form_posted(request.POST)
    evidence: list[dict[str, Any]] = [
        {"url": line.strip()} for line in form["evidence_urls"].splitlines() if line.strip()
    ]
    evidence += [{"annotation": pk} for pk in form["evidence_annotations"]]
    try:
        _rating, created = services.rating_submit(
            actor=request.user,
            proposal_id=proposal.pk,
            feasibility=form["feasibility"],
            obstacles=form["obstacles"],
            importance=form["importance"],
            confidence=form["confidence"],
            justification=form["justification"],
            evidence=evidence,
            version=form["version"],
        )
    except PermissionDeniedError as exc:
        messages.error(request, exc.detail)
        return redirect(proposal.get_absolute_url())
    except DomainError as exc:
        context = _detail_context(
            request, proposal, rating_form=form, rating_errors={**exc.fields, "form": exc.detail}
        )
        return render(request, "proposals/proposal_detail.html", context, status=400)
    messages.success(
        request, _("Your rating was saved.") if created else _("Your rating was updated.")
    )
    return redirect(f"{proposal.get_absolute_url()}#ratings")


@login_required
@require_POST
def proposal_publish_verdict(request: HttpRequest, slug: str) -> HttpResponse:
    proposal = _live_or_redirect(request, slug)
    try:
        services.verdict_publish(
            actor=request.user,
            proposal_id=proposal.pk,
            summary=request.POST.get("summary", ""),
            feasibility=request.POST.get("feasibility") or None,
        )
    except PermissionDeniedError as exc:
        messages.error(request, exc.detail)
        return redirect(proposal.get_absolute_url())
    except DomainError as exc:
        context = _detail_context(
            request,
            proposal,
            verdict_errors={**exc.fields, "form": exc.detail},
            verdict_form=request.POST,
        )
        return render(request, "proposals/proposal_detail.html", context, status=400)
    messages.success(request, _("The verdict was published."))
    return redirect(f"{proposal.get_absolute_url()}#verdict")


@login_required
@require_POST
def proposal_merge(request: HttpRequest, slug: str) -> HttpResponse:
    proposal = _live_or_redirect(request, slug)
    try:
        merge = services.proposal_merge(
            actor=request.user, duplicate_id=proposal.pk, kept_id=_int(request.POST.get("into"))
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect(proposal.get_absolute_url())
    messages.success(request, _("The duplicate was merged into this proposal."))
    return redirect(merge.kept.get_absolute_url())


def _proposal_form_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "candidacies": selectors.candidacy_list().order_by(
            "-election__date", "candidate__last_name"
        ),
        "themes": selectors.theme_list(),
        "errors": {},
        **extra,
    }


def _posted_proposal(post: Any) -> dict[str, Any]:
    return {
        "candidacy": post.get("candidacy"),
        "primary_theme": post.get("primary_theme"),
        "secondary_themes": post.getlist("secondary_themes"),
        "title": post.get("title", ""),
        "statement": post.get("statement", ""),
    }


@login_required
def proposal_create(request: HttpRequest) -> HttpResponse:
    if not roles.is_fact_checker(request.user):
        raise PermissionDenied(_("Only the newsroom team creates proposals."))
    form: dict[str, Any] = {"candidacy": request.GET.get("candidacy"), "secondary_themes": []}
    if request.method == "POST":
        form = _posted_proposal(request.POST)
        try:
            proposal = services.proposal_create(actor=request.user, **form)
        except DomainError as exc:
            context = _proposal_form_context(
                request, form=form, errors={**exc.fields, "form": exc.detail}
            )
            return render(request, "proposals/proposal_form.html", context, status=400)
        messages.success(request, _("The proposal was created."))
        return redirect(proposal.get_absolute_url())
    return render(
        request, "proposals/proposal_form.html", _proposal_form_context(request, form=form)
    )


@login_required
def proposal_edit(request: HttpRequest, slug: str) -> HttpResponse:
    proposal = _live_or_redirect(request, slug)
    if not roles.is_fact_checker(request.user):
        raise PermissionDenied(_("Only the newsroom team edits proposals."))
    form: dict[str, Any] = {
        "candidacy": proposal.candidacy_id,
        "primary_theme": proposal.primary_theme.code,
        "secondary_themes": [t.code for t in proposal.secondary_themes.all()],
        "title": proposal.title,
        "statement": proposal.statement,
        "version": proposal.version,
    }
    if request.method == "POST":
        form = {**_posted_proposal(request.POST), "version": _int(request.POST.get("version"))}
        try:
            services.proposal_update(
                actor=request.user,
                proposal_id=proposal.pk,
                **form,
            )
        except DomainError as exc:
            context = _proposal_form_context(
                request, form=form, proposal=proposal, errors={**exc.fields, "form": exc.detail}
            )
            return render(
                request,
                "proposals/proposal_form.html",
                context,
                status=400 if exc.status_code == 400 else 409,
            )
        messages.success(request, _("The proposal was updated."))
        return redirect(proposal.get_absolute_url())
    return render(
        request,
        "proposals/proposal_form.html",
        _proposal_form_context(request, form=form, proposal=proposal),
    )
