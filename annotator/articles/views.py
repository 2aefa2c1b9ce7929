"""Server-rendered pages of the reader."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from annotator.articles.models import Article
from annotator.articles.selectors import article_get_for, article_list_for


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    articles = article_list_for(actor=request.user)
    return render(request, "articles/article_list.html", {"articles": articles})


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        article = article_get_for(actor=request.user, article_id=pk)
    except Article.DoesNotExist as exc:
        raise Http404 from exc
    paragraphs = [block for block in article.text.split("\n\n") if block.strip()]
    return render(
        request, "articles/article_detail.html", {"article": article, "paragraphs": paragraphs}
    )
