"""Query filters that refuse what they cannot read (issue 15: bad query parameters are 400).

django-filter ignores an empty value (`?election=`) and reads an unknown boolean spelling as
"no filter"; `StrictFilterSet` answers a 400 naming the parameter instead, so a client's typo
never returns an unfiltered list. Text filters may still be empty (an empty search is no search).
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend

BOOLEAN_SPELLINGS = frozenset({"true", "false", "1", "0"})


class StrictFilterSet(django_filters.FilterSet):
    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            raw = self.data.get(name) if hasattr(self.data, "get") else None
            if raw is None:
                continue
            text_filter = isinstance(filter_, django_filters.CharFilter) and not isinstance(
                filter_, django_filters.ChoiceFilter
            )
            if not text_filter and not str(raw).strip():
                self.form.add_error(name, _("This parameter cannot be empty."))
                valid = False
            elif isinstance(filter_, django_filters.BooleanFilter) and (
                str(raw).lower() not in BOOLEAN_SPELLINGS
            ):
                self.form.add_error(name, _("Use true or false."))
                valid = False
        return valid


class StrictFilterBackend(DjangoFilterBackend):
    """The API's filter backend: FilterSets built from `filterset_fields` are strict too."""

    filterset_base = StrictFilterSet
