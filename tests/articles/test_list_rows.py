"""The sources list's rows, read as plain rows and written in Python
(`annotator/articles/list_rows.py`), are the HTML the template wrote from model instances before:
the replaced template fragment is kept here and both are rendered for awkward rows (markup in
titles, outlets and names, no date, no outlet, unpublished, several candidacies, counts), in
French and in English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from annotator.annotations.models import Annotation
from annotator.articles.list_rows import (
    COUNTED_STATUSES,
    LIST_FIELDS,
    annotation_counts,
    article_rows_html,
    list_rows,
)
from annotator.articles.models import Article
from annotator.articles.selectors import article_list_for
from tests.factories import AnnotationFactory, ArticleFactory
from tests.factories.core import CandidacyFactory

pytestmark = pytest.mark.django_db

TEMPLATE_BEFORE = """{% load i18n %}
  {# The labels translated once, not once per row (50 rows: 250 look-ups less). #}
  {% translate 'Outlet' as label_outlet %}{% translate 'Date' as label_date %}{% translate 'Candidates' as label_candidates %}{% translate 'Annotations' as label_annotations %}{% translate "none yet" as none_yet %}
  {% for article in articles %}
    <tr>
      <td><a class="source-title" href="{{ article.get_absolute_url }}">{{ article.title }}</a>
        <div class="source-meta"><span class="badge">{{ article.get_kind_display }}</span>{% if article.status != "published" %} <span class="badge status-{{ article.status }}">{{ article.get_status_display }}</span>{% endif %}</div></td>
      <td data-label="{{ label_outlet }}">{{ article.outlet|default:"—" }}</td>
      <td class="nowrap" data-label="{{ label_date }}">{% if article.published_on %}<time datetime="{{ article.published_on|date:'Y-m-d' }}">{{ article.published_on|date:"j F Y" }}</time>{% else %}—{% endif %}</td>
      <td data-label="{{ label_candidates }}">{% for c in article.candidacies.all %}<span class="chip">{{ c.candidate.full_name }} · {{ c.election.date|date:"Y" }}</span>{% endfor %}</td>
      <td class="status-counts" data-label="{{ label_annotations }}">{% for status, label, n in article.status_counts %}<span class="badge status-{{ status }}" title="{{ label }}">{{ n }} {{ label|lower }}</span> {% empty %}<span class="muted">{{ none_yet }}</span>{% endfor %}</td>
    </tr>
  {% empty %}
    <tr><td colspan="5" class="empty">{% if filters_active %}{% translate "No source matches these filters." %}{% else %}{% translate "No source yet." %}{% endif %}</td></tr>
  {% endfor %}
"""


def _instances(moderator):  # type: ignore[no-untyped-def]
    plain = ArticleFactory(title="Une <b>promesse</b> & « guillemets »", outlet='Le "Monde"')
    ArticleFactory(title="Sans date", outlet="", published_on=None, kind=Article.Kind.PROGRAMME)
    draft = ArticleFactory(title="Brouillon", published_on=dt.date(2017, 4, 23))
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.DRAFT, imported_by=moderator)
    with_candidacies = ArticleFactory(title="Deux candidatures")
    with_candidacies.candidacies.add(
        CandidacyFactory(candidate__last_name="<Zola>", election__date=dt.date(2022, 4, 10)),
        CandidacyFactory(candidate__last_name="Arthaud", election__date=dt.date(2017, 4, 23)),
        CandidacyFactory(candidate__last_name="Besancenot", election__date=dt.date(2022, 4, 10)),
    )
    for status in ("submitted", "approved", "approved", "rejected"):
        AnnotationFactory(article=plain, status=status)
    articles = list(article_list_for(actor=moderator).order_by("title"))
    counts = annotation_counts([a.pk for a in articles], moderator)
    for article in articles:
        mine = counts.get(article.pk, {})
        article.status_counts = [
            (status, Annotation.Status(status).label, mine[status])
            for status in COUNTED_STATUSES
            if mine.get(status)
        ]
    return articles


@pytest.mark.parametrize("language", ["fr", "en"])
def test_rows_are_the_html_the_template_wrote(moderator, language):
    articles = _instances(moderator)
    assert len(articles) >= 4
    queryset = article_list_for(actor=moderator).order_by("title").prefetch_related(None)
    with translation.override(language):
        expected = Template(TEMPLATE_BEFORE).render(Context({"articles": articles}))
        written = article_rows_html(list_rows(list(queryset.values(*LIST_FIELDS)), actor=moderator))
    # The template's own lines before the rows (comment, label definitions) aside.
    assert str(written).rstrip() == expected[expected.index("\n    <tr>") :].rstrip()
    assert "&lt;b&gt;promesse&lt;/b&gt; &amp;" in written and "Le &quot;Monde&quot;" in written
    assert "&lt;Zola&gt; · 2022" in written


def test_the_page_reads_a_constant_number_of_queries_and_shows_the_rows(
    moderator, client, django_assert_max_num_queries
):
    _instances(moderator)
    client.force_login(moderator)
    client.get("/articles/")
    with django_assert_max_num_queries(12):
        response = client.get("/articles/")
    html = response.content.decode()
    assert "&lt;b&gt;promesse&lt;/b&gt;" in html and "Brouillon" in html
    assert 'class="badge status-approved" title="Approuvée">2 approuvée</span>' in html
