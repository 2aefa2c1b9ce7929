"""The admin history list's extra columns: the field's translated label and a readable value."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

from annotator.lib.history_admin import display_value

register = template.Library()


@register.simple_tag
def history_column_label(opts: Any, column: str) -> str:
    try:
        return capfirst(opts.get_field(column).verbose_name)
    except FieldDoesNotExist:
        return capfirst(column.replace("_", " "))


@register.simple_tag
def history_column_value(opts: Any, record: Any, column: str) -> str:
    try:
        field = opts.get_field(column)
    except FieldDoesNotExist:
        return str(getattr(record, column, ""))
    return display_value(field, getattr(record, column, None))
