from __future__ import annotations

import factory

from proposals.models import FeasibilityRating, Verdict
from tests.factories.core import ProposalFactory, UserFactory

JUSTIFICATION = (
    "La mesure relève de la loi ordinaire et d'une ligne budgétaire modeste ; "
    "aucun obstacle constitutionnel ni européen n'a été identifié."
)


def rating_payload(**overrides):  # type: ignore[no-untyped-def]
    """A valid body for POST /api/proposals/<id>/ratings/."""
    payload = {
        "feasibility": "mostly_feasible",
        "obstacles": {"legal": 1, "budget": 2, "technical": 0, "institutional": 0, "timeline": 1},
        "importance": "high",
        "confidence": "medium",
        "justification": JUSTIFICATION,
        "evidence": [{"url": "https://www.numerama.com/politique/programme.html"}],
    }
    payload.update(overrides)
    return payload


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeasibilityRating

    proposal = factory.SubFactory(ProposalFactory)
    rater = factory.SubFactory(UserFactory, role="fact-checker")
    feasibility = "mostly_feasible"
    obstacles = factory.LazyFunction(
        lambda: {"legal": 1, "budget": 1, "technical": 0, "institutional": 0, "timeline": 0}
    )
    importance = "medium"
    confidence = "medium"
    justification = JUSTIFICATION
    evidence = factory.LazyFunction(lambda: [{"url": "https://example.org/source"}])


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verdict

    proposal = factory.SubFactory(ProposalFactory)
    feasibility = "conditional"
    summary = "Dépend d'un accord européen."
    published_by = factory.SubFactory(UserFactory, role="reviewer")
