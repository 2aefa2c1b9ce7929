import django_filters
from django.db.models import Q

from proposals.models import Candidacy, Proposal


class ProposalFilter(django_filters.FilterSet):
    election = django_filters.NumberFilter(field_name="candidacy__election")
    candidate = django_filters.NumberFilter(field_name="candidacy__candidate")
    candidacy = django_filters.NumberFilter(field_name="candidacy")
    theme = django_filters.CharFilter(
        method="filter_theme", help_text="Theme code, primary or secondary"
    )

    class Meta:
        model = Proposal
        fields = ["election", "candidate", "candidacy", "theme"]

    def filter_theme(self, queryset, name, value):  # type: ignore[no-untyped-def]
        return queryset.filter(
            Q(primary_theme__code=value) | Q(secondary_themes__code=value)
        ).distinct()


class CandidacyFilter(django_filters.FilterSet):
    election = django_filters.NumberFilter(field_name="election")
    candidate = django_filters.NumberFilter(field_name="candidate")

    class Meta:
        model = Candidacy
        fields = ["election", "candidate"]
