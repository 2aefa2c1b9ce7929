"""Offsets past what PostgreSQL can take as an integer are a 400, not a 500 (found by the long
schemathesis run, issue 15)."""

from __future__ import annotations

import pytest

from tests.factories import ArticleFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "end"), [(119, 2**63), (2**40, 2**40 + 5), (0, 2**31)], ids=["end", "both", "edge"]
)
def test_huge_offsets_are_refused_as_input_errors(fact_checker, start, end):
    article = ArticleFactory()
    body = {
        "article": article.pk,
        "quote": {"exact": "Le candidat"},
        "position": {"start": start, "end": end},
    }
    response = client_for(fact_checker).post("/api/annotations/", body, format="json")
    assert response.status_code == 400
    assert "position" in response.json()["fields"]


def test_the_service_refuses_them_too(fact_checker):
    from annotator.annotations.services import MAX_OFFSET, annotation_create
    from annotator.lib.errors import InvalidInputError

    article = ArticleFactory()
    with pytest.raises(InvalidInputError):
        annotation_create(
            actor=fact_checker,
            article=article.pk,
            quote={"exact": "Le"},
            position={"start": 0, "end": MAX_OFFSET + 1},
        )
