from __future__ import annotations

import pytest

from tests.factories import ArticleFactory, ProposalFactory

TEXT = (
    "# Le programme numérique\n\n"
    "Le candidat veut **créer un ministère du numérique** autonome et puissant.\n"
    "Il promet aussi la fibre partout avant 2027, et un observatoire de la 5G.\n\n"
    "Enfin, il propose de *taxer les géants du numérique* en France.\n"
)


@pytest.fixture
def article(db):  # type: ignore[no-untyped-def]
    return ArticleFactory(text=TEXT)


@pytest.fixture
def proposal(db):  # type: ignore[no-untyped-def]
    return ProposalFactory(title="Créer un ministère du numérique")
