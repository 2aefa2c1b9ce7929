from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.live.servers import WebProcess, start_web


@pytest.fixture
def web(transactional_db) -> Iterator[WebProcess]:  # type: ignore[no-untyped-def]
    process = start_web()
    yield process
    process.stop()


@pytest.fixture
def streams() -> Iterator[list]:
    """Streams opened by a test, closed after it."""
    opened: list = []
    yield opened
    for stream in opened:
        stream.close()
