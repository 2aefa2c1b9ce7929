"""factory_boy factories. One module per domain; import from here."""

from tests.factories.annotations import AnnotationFactory, passage
from tests.factories.core import (
    ArticleFactory,
    CandidacyFactory,
    CandidateFactory,
    ElectionFactory,
    PartyFactory,
    ProposalFactory,
    UserFactory,
    theme,
)

__all__ = [
    "AnnotationFactory",
    "ArticleFactory",
    "CandidacyFactory",
    "CandidateFactory",
    "ElectionFactory",
    "PartyFactory",
    "ProposalFactory",
    "UserFactory",
    "passage",
    "theme",
]
