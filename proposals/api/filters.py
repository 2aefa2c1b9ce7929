import django_filters
from django.db.models import Q

from annotator.lib.filters import StrictFilterSet
from annotator.lib.search import Folded, fold
from proposals.models import Candidacy, Proposal
from proposals.selectors import proposal_filter


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
