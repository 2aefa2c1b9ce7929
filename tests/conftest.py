"""Shared fixtures. Tests run on real PostgreSQL and Redis (embedded or from the environment)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def fact_checker(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="fc", role="fact-checker")


@pytest.fixture
def fact_checker2(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="fc2", role="fact-checker")


@pytest.fixture
def reviewer(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="rev", role="reviewer")


@pytest.fixture
def reviewer2(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="rev2", role="reviewer")


@pytest.fixture
def moderator(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="mod", role="moderator")


@pytest.fixture
def outsider(db):  # type: ignore[no-untyped-def]
    """A signed-in account with no newsroom role."""
    return UserFactory(username="nobody")


@pytest.fixture
def celery_worker_app(transactional_db) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A real Celery worker thread consuming this test process's queue through Redis."""
    from celery.contrib.testing.worker import start_worker

    from annotator.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield app


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
