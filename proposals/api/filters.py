import django_filters
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Case, IntegerField, Q, Value, When
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from annotator.articles.models import Article
from annotator.lib import policy
from annotator.lib.filters import StrictFilterSet
from annotator.lib.search import Folded, fold
from proposals.models import Candidacy, Proposal
from proposals.selectors import proposal_filter


def _visible_articles(request):  # type: ignore[no-untyped-def]
    """`for_article` only accepts a source the user may read (policy); another id is a 400."""
    if request is None:
        return Article.objects.none()
    return Article.objects.filter(policy.article_visible_q(request.user))


@extend_schema_field(OpenApiTypes.INT)
class SourceFilter(django_filters.ModelChoiceFilter):
    """A source id, checked against the sources the user may read."""


class ProposalFilter(StrictFilterSet):
    election = django_filters.NumberFilter(field_name="candidacy__election")
    candidate = django_filters.NumberFilter(field_name="candidacy__candidate")
    candidacy = django_filters.NumberFilter(field_name="candidacy")
    theme = django_filters.CharFilter(
        method="filter_theme", help_text="Theme code, primary or secondary"
    )

    verdict = django_filters.CharFilter(
        method="filter_verdict", help_text="Current verdict value, or `none` for no verdict"
    )
    rated = django_filters.BooleanFilter(method="filter_rated", help_text="Has at least one rating")

    search = django_filters.CharFilter(
        method="filter_search",
        help_text="Words of the title, statement, candidate or theme; accents ignored",
    )
    for_article = SourceFilter(
        queryset=_visible_articles,
        method="filter_for_article",
        help_text=(
            "A source id: rank the proposals of the source's own candidacies first, then those "
            "of the same elections, then the others; each group by the French full-text "
            "relevance of `search`, then by title"
        ),
    )

    class Meta:
        model = Proposal
        fields = ["election", "candidate", "candidacy"]

    def filter_theme(self, queryset, name, value):  # type: ignore[no-untyped-def]
        return queryset.filter(
            Q(primary_theme__code=value) | Q(secondary_themes__code=value)
        ).distinct()

    def filter_verdict(self, queryset, name, value):  # type: ignore[no-untyped-def]
        return proposal_filter(queryset, verdict=value)

    def filter_rated(self, queryset, name, value):  # type: ignore[no-untyped-def]
        if value is None:
            return queryset
        return proposal_filter(queryset, rated="yes" if value else "no")

    def filter_for_article(self, queryset, name, article):  # type: ignore[no-untyped-def]
        if article is None:
            return queryset
        candidacies = list(article.candidacies.values_list("pk", "election_id"))
        group = Case(
            When(candidacy_id__in=[pk for pk, _e in candidacies], then=Value(0)),
            When(candidacy__election_id__in=[e for _pk, e in candidacies], then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return queryset.annotate(source_group=group)

    def filter_queryset(self, queryset):  # type: ignore[no-untyped-def]
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("for_article") is None:
            return queryset
        words = (self.form.cleaned_data.get("search") or "").strip()
        if not words:
            return queryset.order_by("source_group", "title", "pk")
        vector = SearchVector("title", weight="A", config="french") + SearchVector(
            "statement", weight="B", config="french"
        )
        query = SearchQuery(words, config="french", search_type="websearch")
        return queryset.annotate(relevance=SearchRank(vector, query)).order_by(
            "source_group", "-relevance", "title", "pk"
        )

    def filter_search(self, queryset, name, value):  # type: ignore[no-untyped-def]
        words = [fold(word) for word in value.split() if word.strip()]
        queryset = queryset.annotate(
            _t=Folded("title"),
            _s=Folded("statement"),
            _c=Folded("candidacy__candidate__last_name"),
            _th=Folded("primary_theme__label_fr"),
            _the=Folded("primary_theme__label_en"),
        )
        for word in words:
            queryset = queryset.filter(
                Q(_t__contains=word)
                | Q(_s__contains=word)
                | Q(_c__contains=word)
                | Q(_th__contains=word)
                | Q(_the__contains=word)
                | Q(primary_theme__code__iexact=word)
            )
        return queryset


class CandidacyFilter(StrictFilterSet):
    election = django_filters.NumberFilter(field_name="election")
    candidate = django_filters.NumberFilter(field_name="candidate")

    class Meta:
        model = Candidacy
        fields = ["election", "candidate"]
