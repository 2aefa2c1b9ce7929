from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from tests.utils import client_for


def english_client(user: Any) -> APIClient:
    """An authenticated API client asking for English messages (the default is French)."""
    client = client_for(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
