"""Readable admin history pages (django-simple-history) for every model that keeps a history.

Each change reads "Label: old → new" with the field's translated label, choice labels instead of
stored values, Yes/No for booleans, related objects by name, and text changes as a full word
diff (never shortened to "Prome[14 chars]raineté"). The history list's extra columns get their
field labels and display values (templates/simple_history/object_history_list.html).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay

from annotator.lib.textdiff import word_diff

NO_LIMIT = 1_000_000


def display_value(field: models.Field | None, value: Any) -> str:
    """A stored value as a person reads it (choice label, Yes/No, related name, "—")."""
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)


class ReadableHistoryContextHelper(HistoricalRecordContextHelper):
    def get_obj_diff_display(self) -> ObjDiffDisplay:
        return ObjDiffDisplay(max_length=NO_LIMIT)

    def stringify_delta_change_values(
        self, change: Any, old: Any, new: Any
    ) -> tuple[SafeString, SafeString]:
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField):
            return (
                conditional_escape(", ".join(map(str, old)) or "—"),
                conditional_escape(", ".join(map(str, new)) or "—"),
            )
        if isinstance(field, models.TextField) and isinstance(old, str) and isinstance(new, str):
            return conditional_escape(old) if old else SafeString("—"), (
                word_diff(old, new) or escape(new)
            )
        concrete = field if isinstance(field, models.Field) else None
        return (
            conditional_escape(display_value(concrete, old)),
            conditional_escape(display_value(concrete, new)),
        )


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history page is readable (see the module docstring). Related
    objects come as objects (simple_history's `foreign_keys_are_objs`), shown by name."""

    def get_historical_record_context_helper(self, request: Any, historical_record: Any) -> Any:
        return ReadableHistoryContextHelper(self.model, historical_record)
