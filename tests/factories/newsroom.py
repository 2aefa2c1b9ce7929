"""Factories and sample source files for the newsroom set-up (intake, team)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from fpdf import FPDF

from annotator.review.models import AnnotationEvent
from annotator.team.models import Invitation
from annotator.team.selectors import token_hash
from proposals.models import FeasibilityRating
from tests.factories.annotations import AnnotationFactory
from tests.factories.core import ProposalFactory, UserFactory


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation whose link token is `token` (the factory knows it, the DB does not)."""

    class Meta:
        model = Invitation
        exclude = ("token",)

    token = factory.Sequence(lambda n: f"invitation-token-{n:04d}-abcdefghijklmnop")
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    role = "fact-checker"
    token_hash = factory.LazyAttribute(lambda i: token_hash(i.token))
    invited_by = factory.SubFactory(UserFactory, role="moderator")
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class FeasibilityRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeasibilityRating

    proposal = factory.SubFactory(ProposalFactory)
    rater = factory.SubFactory(UserFactory, role="fact-checker")
    feasibility = "feasible"
    importance = "high"
    confidence = "medium"
    justification = "Le coût est chiffré dans le projet de loi de finances."


class AnnotationEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnotationEvent

    annotation = factory.SubFactory(AnnotationFactory)
    actor = factory.SubFactory(UserFactory, role="reviewer")
    action = AnnotationEvent.Action.APPROVE
    from_state = "submitted"
    to_state = "approved"


ARTICLE_HTML = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Le numérique selon la candidate</title></head>
<body>
<nav><a href="/">Accueil</a> · <a href="/politique">Politique</a> · <a href="/sport">Sport</a></nav>
<header><p>Journal du soir — édition numérique</p></header>
<article>
<h1>La candidate veut un ministère du numérique</h1>
<p>La candidate a présenté mardi son programme numérique, qui prévoit la création d'un ministère
dédié et un plan d'investissement dans la fibre optique pour tous les foyers.</p>
<p>Selon son équipe, ce ministère serait autonome et disposerait d'un budget propre de plusieurs
milliards d'euros sur le quinquennat, financé par une taxe sur les grandes plateformes.</p>
<h2>La 5G au programme</h2>
<p>Elle propose aussi un observatoire du déploiement de la 5G, chargé de publier chaque année un
rapport public sur la couverture du territoire et sur l'exposition aux ondes.</p>
</article>
<footer>© 2022 Journal du soir — Mentions légales — Gestion des cookies</footer>
</body></html>
"""

PDF_LINES = [
    "Construire une gouvernance du numérique",
    "",
    "Nos services gouvernementaux souffrent d'un manque de",
    "coordination quant à la gestion du numérique. Nous créerons",
    "un ministère du numérique, autonome et puissant.",
]


def text_pdf(lines: list[str] | None = None, *, title: str = "Programme numérique") -> bytes:
    """A PDF with a real text layer, one line of text per entry."""
    pdf = FPDF()
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for line in PDF_LINES if lines is None else lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def image_only_pdf() -> bytes:
    """A PDF with drawings but no text layer, like a scan."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(30, 30, 30)
    for row in range(10):
        pdf.rect(20, 20 + row * 12, 150 - row * 7, 6, style="F")
    return bytes(pdf.output())
