"""A NUL character in an export filter is a 400 naming the filter, not a 500 (found by the long
schemathesis run, issue 15)."""

from __future__ import annotations

import pytest

from tests.utils import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["election", "candidate", "theme"])
def test_a_nul_character_in_a_filter_is_refused(fact_checker, name):
    response = client_for(fact_checker).post(
        "/api/exports/", {"format": "jsonl", "filters": {name: "a\x00b"}}, format="json"
    )
    assert response.status_code == 400
    assert name in response.json()["fields"]
