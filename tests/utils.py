"""Helpers for tests (importable, unlike conftest)."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from tests.factories.core import PASSWORD


def client_for(user: Any) -> APIClient:
    """An API client authenticated as `user` (session-less, like a token client)."""
    client = APIClient()
    client.force_authenticate(user=user)
    return client


__all__ = ["PASSWORD", "client_for"]
