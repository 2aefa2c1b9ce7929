"""The sources list's rows, read in one statement and written in Python
(`annotator/articles/list_rows.py`), are the HTML the template wrote from model instances and the
ORM's policy rules before: the replaced template fragment is kept here and both are rendered for
awkward rows (markup in titles, outlets and names, no date, no outlet, unpublished, several
candidacies, counts of every kind of annotation), in French and in English. Then the statement's
filters, pages and options against the ORM's answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from annotator.annotations.models import Annotation
from annotator.articles.list_rows import (
    COUNTED_STATUSES,
    PER_PAGE,
    article_rows_html,
    list_page,
    page_filters,
)
from annotator.articles.models import Article
from annotator.articles.selectors import article_list_for
from annotator.lib import policy
from proposals.models import Candidate, Election
from tests.factories import AnnotationFactory, ArticleFactory, UserFactory
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


ORDER = ("-published_on", "title", "id")


def _instances(actor, author):  # type: ignore[no-untyped-def]
    plain = ArticleFactory(title="Une <b>promesse</b> & « guillemets »", outlet='Le "Monde"')
    ArticleFactory(title="Sans date", outlet="", published_on=None, kind=Article.Kind.PROGRAMME)
    # Another member's draft: moderators see it, fact-checkers do not.
    draft = ArticleFactory(title="En préparation", published_on=dt.date(2017, 4, 23))
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.DRAFT, imported_by=author)
    with_candidacies = ArticleFactory(title="Deux candidatures")
    with_candidacies.candidacies.add(
        CandidacyFactory(candidate__last_name="<Zola>", election__date=dt.date(2022, 4, 10)),
        CandidacyFactory(candidate__last_name="Arthaud", election__date=dt.date(2017, 4, 23)),
        CandidacyFactory(candidate__last_name="Besancenot", election__date=dt.date(2022, 4, 10)),
    )
    for status in ("submitted", "approved", "approved", "rejected", "changes_requested"):
        AnnotationFactory(article=plain, status=status)
    # Drafts (the actor's own and another's), orphans of both kinds, hidden and deleted.
    AnnotationFactory(article=plain, status="draft", author=actor)
    AnnotationFactory(article=plain, status="draft", author=author)
    AnnotationFactory(article=draft, status="orphaned", status_before_orphan="draft", author=author)
    AnnotationFactory(article=draft, status="orphaned", status_before_orphan="submitted")
    AnnotationFactory(article=draft, status="submitted", hidden_at=dt.datetime.now(dt.UTC))
    AnnotationFactory(article=draft, status="approved", deleted_at=dt.datetime.now(dt.UTC))
    articles = list(article_list_for(actor=actor).order_by(*ORDER))
    visible = Annotation.objects.filter(policy.annotation_visible_q(actor))
    for article in articles:
        mine = {
            status: visible.filter(article=article, status=status).count()
            for status in COUNTED_STATUSES
        }
        article.status_counts = [
            (status, Annotation.Status(status).label, mine[status])
            for status in COUNTED_STATUSES
            if mine.get(status)
        ]
    return articles


@pytest.mark.parametrize("role", ["moderator", "fact-checker"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_rows_are_the_html_the_template_wrote(role, language):
    actor = UserFactory(role=role)
    articles = _instances(actor, UserFactory(role="fact-checker"))
    assert len(articles) == (4 if role == "moderator" else 3)
    with translation.override(language):
        expected = Template(TEMPLATE_BEFORE).render(Context({"articles": articles}))
        page = list_page(actor=actor, filters={}, page=None)
        written = article_rows_html(page.rows)
    assert [row["id"] for row in page.rows] == [a.pk for a in articles]
    # The template's own lines before the rows (comment, label definitions) aside.
    assert str(written).rstrip() == expected[expected.index("\n    <tr>") :].rstrip()
    assert "&lt;b&gt;promesse&lt;/b&gt; &amp;" in written and "Le &quot;Monde&quot;" in written
    assert "&lt;Zola&gt; · 2022" in written
    assert ("En préparation" in written) is (role == "moderator")


def test_the_filters_pages_and_options_are_the_orm_s(fact_checker):
    first, second = CandidacyFactory(), CandidacyFactory()
    for i in range(PER_PAGE + 7):
        article = ArticleFactory(
            title=f"Source {i:03}",
            outlet=["Numerama", "Les Echos", "numerama", ""][i % 4],
            kind=["article", "opinion"][i % 2],
            published_on=None if i % 9 == 0 else dt.date(2022, 1, 1) + dt.timedelta(days=i % 5),
        )
        article.candidacies.set([first] if i % 3 else [first, second])
    hidden = ArticleFactory(title="Brouillon d'un autre", outlet="Secret")
    Article.objects.filter(pk=hidden.pk).update(status="draft")
    queryset = article_list_for(actor=fact_checker).order_by(*ORDER)
    cases = [
        ({}, queryset),
        ({"election": str(second.election_id)}, queryset.filter(candidacies__election=second.election_id)),
        ({"candidate": str(second.candidate_id)}, queryset.filter(candidacies__candidate=second.candidate_id)),
        ({"outlet": "NUMERAMA"}, queryset.filter(outlet__iexact="numerama")),
        ({"kind": "opinion", "outlet": "Les Echos"}, queryset.filter(kind="opinion", outlet="Les Echos")),
        ({"election": "", "candidate": "abc", "kind": "nope"}, queryset),
        ({"election": "999999"}, queryset.none()),
        ({"candidate": "9" * 30}, queryset.none()),  # no row has such an id
        ({"election": "2147483648"}, queryset.none()),
    ]  # fmt: skip
    for params, expected in cases:
        ids = list(expected.distinct().values_list("id", flat=True))
        page = list_page(actor=fact_checker, filters=page_filters(params), page=None)
        assert page.count == len(ids), params
        assert [row["id"] for row in page.rows] == ids[:PER_PAGE], params
    every = list(queryset.values_list("id", flat=True))
    assert len(every) == PER_PAGE + 7
    # Paginator.get_page's reading of the page number.
    for raw, number in [("2", 2), ("1", 1), (None, 1), ("x", 1), ("2.0", 1), ("0", 2), ("-4", 2),
                        ("99", 2), ("9" * 30, 2)]:  # fmt: skip
        page = list_page(actor=fact_checker, filters={}, page=raw)
        assert (page.number, page.num_pages) == (number, 2), raw
        start = (number - 1) * PER_PAGE
        assert [row["id"] for row in page.rows] == every[start : start + PER_PAGE], raw
    assert page.has_previous and not page.has_next and page.previous_page_number == 1
    empty = list_page(actor=fact_checker, filters={"election": 999999}, page="3")
    assert (empty.count, empty.number, empty.num_pages, empty.rows) == (0, 1, 1, [])
    # The options: outlets of what the actor may see (filters aside), elections, candidates.
    assert page.outlets == sorted(set(queryset.exclude(outlet="").values_list("outlet", flat=True)))
    assert "Secret" not in page.outlets
    assert page.elections == [(e.pk, e.name) for e in Election.objects.all()]
    assert page.candidates == [(c.pk, c.full_name) for c in Candidate.objects.all()]


def test_the_page_reads_a_constant_number_of_queries_and_shows_the_rows(
    moderator, fact_checker, client, django_assert_num_queries
):
    _instances(moderator, fact_checker)
    client.force_login(moderator)
    client.get("/articles/")
    # The session, the page (rows, counts, candidacies, options), the navigation.
    with django_assert_num_queries(3):
        response = client.get("/articles/")
    html = response.content.decode()
    assert "&lt;b&gt;promesse&lt;/b&gt;" in html and "En préparation" in html
    assert 'class="badge status-approved" title="Approuvée">2 approuvée</span>' in html
