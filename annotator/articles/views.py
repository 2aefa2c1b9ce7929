"""Server-rendered pages of the reader: the list of sources and one source with its annotations."""

from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from annotator.annotations.selectors import (
    annotation_page_json_for_article,
    annotation_records_for_article,
)
from annotator.articles.list_rows import FILTERS, article_rows_html, list_page, page_filters
from annotator.articles.models import Article
from annotator.articles.reader_strings import reader_strings
from annotator.articles.rendering import render_article_text_cached
from annotator.articles.selectors import article_get_for
from annotator.lib.roles import is_fact_checker, is_moderator
from annotator.templatetags.json_data import JsonText


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    """Sources with candidates and annotation counts by status; filters by election, candidate,
    outlet and kind. One query for the page, whatever the number of rows
    (`annotator/articles/list_rows.py`)."""
    filters = page_filters(request.GET)
    page = list_page(actor=request.user, filters=filters, page=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "articles": page.rows,
        "rows_html": article_rows_html(page.rows),
        "page": page,
        "page_query": query.urlencode(),
        "elections": page.elections,
        "candidates": page.candidates,
        "outlets": page.outlets,
        "kinds": Article.Kind.choices,
        "selected": {key: request.GET.get(key, "") for key in FILTERS},
        "filters_active": any(request.GET.get(key) for key in FILTERS),
    }
    return render(request, "articles/article_list.html", context)


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The text as readable paragraphs, every visible annotation as JSON for the highlighter.

    Queries do not grow with the number of annotations (one query for them and their
    proposals); the annotations are the read model's records, written by PostgreSQL as the API
    sends them and the text's HTML is rendered once per text (`render_article_text_cached`)."""
    try:
        article = article_get_for(actor=request.user, article_id=pk)
    except Article.DoesNotExist as exc:
        raise Http404 from exc
    # The read model's records as PostgreSQL writes them for the API (one prepared statement);
    # in Python when a row needs it (annotation_page_json_for_article says when).
    written = annotation_page_json_for_article(
        actor=request.user, article_id=article.pk, page_size=sys.maxsize
    )
    annotations: JsonText | list[dict[str, Any]]
    if written is not None:
        annotation_count, annotations = written[0], JsonText(written[1])
    else:
        records = annotation_records_for_article(actor=request.user, article=article)
        annotation_count, annotations = len(records), records
    can_annotate = is_fact_checker(request.user) and article.status == Article.Status.PUBLISHED
    context = {
        "article": article,
        "text_html": render_article_text_cached(article.text, article.text_sha256),
        "annotations_data": annotations,
        "annotation_count": annotation_count,
        "reader_config": {
            "articleId": article.pk,
            "articleVersion": article.version,
            "username": request.user.get_username(),
            "canAnnotate": can_annotate,
            "isModerator": is_moderator(request.user),
            "text": article.text,
            # The picker ranks and warns with the source's candidacies (prefetched above).
            "candidacies": [
                {"id": c.pk, "election": c.election_id} for c in article.candidacies.all()
            ],
        },
        "can_annotate": can_annotate,
        "reader_strings": reader_strings(),
    }
    return render(request, "articles/article_detail.html", context)
