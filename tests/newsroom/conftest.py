from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Service messages are matched in English here; pages check the French UI explicitly."""
    with translation.override("en"):
        yield
