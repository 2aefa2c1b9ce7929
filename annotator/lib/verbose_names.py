"""Field names the admin shows, in the active language.

A field declared without `verbose_name` gets Django's automatic English name ("modified by")
as a plain string, which gettext never sees. At start-up the project's fields get that same
name as a lazy translation (msgids in annotator/locale), so the admin's labels, column heads,
filters and history read in French. Only the runtime attribute changes: `deconstruct()` reads
the declared `_verbose_name`, so no migration follows.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy

PROJECT_PACKAGES = ("annotator.", "proposals.")


def translate_automatic_verbose_names() -> int:
    """Make every automatic verbose name of the project's models translatable; returns how many."""
    changed = 0
    for model in apps.get_models(include_auto_created=True):
        if not model.__module__.startswith(PROJECT_PACKAGES):
            continue
        for field in model._meta.local_fields + model._meta.local_many_to_many:
            if getattr(field, "_verbose_name", "") is None and isinstance(field.verbose_name, str):
                field.verbose_name = gettext_lazy(field.verbose_name)
                changed += 1
    return changed
