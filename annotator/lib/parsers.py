"""The API's JSON parser: a body's shape is bounded before any view or serializer sees it.

A body nested deeper than `API_MAX_JSON_DEPTH`, or holding a list longer than
`API_MAX_JSON_LIST_LENGTH`, is refused with a 400 (`too_deep` / `too_long`); a body the decoder
cannot even nest (Python's recursion limit) is a `too_deep` 400 too, never a 500.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser


class BodyTooDeepError(exceptions.ParseError):
    default_code = "too_deep"


class BodyListTooLongError(exceptions.ParseError):
    default_code = "too_long"


def _too_deep(limit: int) -> BodyTooDeepError:
    return BodyTooDeepError(
        _("The JSON body is nested too deeply (at most %(limit)d levels).") % {"limit": limit},
        code="too_deep",
    )


def check_json_shape(data: Any, *, max_depth: int, max_list_length: int) -> None:
    """Walk the decoded body without recursion; raise at the first limit crossed."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            if len(value) > max_list_length:
                raise BodyListTooLongError(
                    _(
                        "A list in the JSON body has %(count)d items; at most %(limit)d are accepted."
                    )
                    % {"count": len(value), "limit": max_list_length},
                    code="too_long",
                )
            children = value
        else:
            continue
        if depth > max_depth:
            raise _too_deep(max_depth)
        stack.extend((child, depth + 1) for child in children)


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, then the depth and list-length checks."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        max_depth = int(settings.API_MAX_JSON_DEPTH)
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise _too_deep(max_depth) from exc
        check_json_shape(
            data, max_depth=max_depth, max_list_length=int(settings.API_MAX_JSON_LIST_LENGTH)
        )
        return data
