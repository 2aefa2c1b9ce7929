from __future__ import annotations

import pytest
from django.core.management import call_command

from annotator.annotations.models import Annotation
from annotator.demo import create_demo_activity, create_demo_users
from proposals.models import FeasibilityRating, Verdict

pytestmark = pytest.mark.django_db


def test_demo_activity_goes_through_the_services_once():
    call_command("load_seed")
    create_demo_users("demo-pass-123")
    created = create_demo_activity()
    assert created >= 80
    assert Annotation.objects.count() == created
    statuses = set(Annotation.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "approved"}
    # every demo passage is exactly its proposal's sentence in the stored text
    for annotation in Annotation.objects.select_related("article")[:20]:
        assert annotation.article.text[annotation.start : annotation.end] == annotation.exact
        assert annotation.events.filter(action="create").exists()
    assert FeasibilityRating.objects.count() >= 4
    assert Verdict.objects.filter(is_current=True).count() >= 2
    assert create_demo_activity() == 0
    assert Annotation.objects.count() == created
