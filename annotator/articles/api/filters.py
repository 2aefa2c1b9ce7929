import django_filters

from annotator.articles.models import Article
from annotator.lib.filters import StrictFilterSet


class ArticleFilter(StrictFilterSet):
    election = django_filters.NumberFilter(field_name="candidacies__election", distinct=True)
    candidate = django_filters.NumberFilter(field_name="candidacies__candidate", distinct=True)
    candidacy = django_filters.NumberFilter(field_name="candidacies", distinct=True)
    outlet = django_filters.CharFilter(field_name="outlet", lookup_expr="iexact")
    kind = django_filters.ChoiceFilter(choices=Article.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Article.Status.choices)
    published_after = django_filters.DateFilter(field_name="published_on", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published_on", lookup_expr="lte")

    class Meta:
        model = Article
        fields = ["election", "candidate", "candidacy", "outlet", "kind", "status"]
