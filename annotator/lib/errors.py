"""Domain exceptions raised by services; `annotator.lib.api.exception_handler` maps them to HTTP."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every business-rule failure. `code` is stable and machine-readable."""

    code = "invalid"
    status_code = 400

    def __init__(self, detail: str, *, fields: dict[str, list[str]] | None = None, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        self.fields = fields or {}
        self.extra = extra


class InvalidInputError(DomainError):
    code = "invalid"
    status_code = 400


class PermissionDeniedError(DomainError):
    """The actor may not do this (403)."""

    code = "forbidden"
    status_code = 403


class NotFoundError(DomainError):
    code = "not_found"
    status_code = 404


class ConflictError(DomainError):
    """The write was based on a stale version, or the object is in a state that forbids it (409)."""

    code = "conflict"
    status_code = 409


class StaleVersionError(ConflictError):
    code = "stale_version"


class InvalidTransitionError(ConflictError):
    code = "invalid_transition"


class DuplicateError(ConflictError):
    code = "duplicate"
