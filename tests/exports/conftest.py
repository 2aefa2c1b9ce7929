from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Each test writes its files in its own directory."""
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


@pytest.fixture
def corpus(db, reviewer, fact_checker, fact_checker2, reviewer2):  # type: ignore[no-untyped-def]
    """Two approved annotations, one draft, one hidden; proposals with verdicts and ratings."""
    from tests.factories import ArticleFactory, CandidacyFactory, ProposalFactory, theme
    from tests.factories.annotations import AnnotationFactory
    from tests.factories.exports import RatingFactory, VerdictFactory, approved_annotation

    candidacy = CandidacyFactory(
        key="macron-2022",
        candidate__key="macron",
        candidate__first_name="Emmanuel",
        candidate__last_name="Macron",
        election__key="presidentielle-2022",
    )
    other = CandidacyFactory(
        key="melenchon-2022", candidate__key="melenchon", election=candidacy.election
    )
    fibre = ProposalFactory(
        candidacy=candidacy,
        title="Fibre partout",
        statement="La fibre pour tous en 2025.",
        primary_theme=theme("INFRA"),
    )
    cyber = ProposalFactory(
        candidacy=other, title="Cyber-réserve", statement="Créer une cyber-réserve citoyenne."
    )
    VerdictFactory(
        proposal=fibre,
        published_by=reviewer,
        feasibility="mostly_feasible",
        summary="Plutôt réalisable, « sous réserve » de financement.",
    )
    VerdictFactory(
        proposal=cyber,
        published_by=reviewer,
        feasibility="not_assessable",
        summary="Trop vague pour être évalué.",
    )
    raters = [
        RatingFactory(proposal=p, rater=u, feasibility=f)
        for p, u, f in (
            (fibre, fact_checker, "mostly_feasible"),
            (fibre, fact_checker2, "feasible"),
            (cyber, reviewer2, "conditional"),
        )
    ]
    article = ArticleFactory(
        title="Le numérique dans les programmes",
        outlet="Le Monde",
        text="# Programmes\n\nLe candidat promet « la fibre partout » et une cyber-réserve. Été 2022 — 🇫🇷 émoji.\n",
    )
    first = approved_annotation(
        article=article,
        author=fact_checker,
        exact="la fibre partout",
        reviewer=reviewer,
        proposals=[fibre],
        tags=["fibre", "très-haut-débit"],
        comment="Promesse chiffrée ; à vérifier.",
    )
    second = approved_annotation(
        article=article,
        author=fact_checker2,
        exact="🇫🇷 émoji",
        reviewer=reviewer,
        proposals=[fibre, cyber],
    )
    draft = AnnotationFactory(
        article=article,
        author=fact_checker,
        exact="cyber-réserve",
        status="draft",
        proposals=[cyber],
    )
    hidden = approved_annotation(
        article=article, author=fact_checker, reviewer=reviewer, exact="Été 2022", proposals=[cyber]
    )
    from django.utils import timezone

    hidden.hidden_at = timezone.now()
    hidden.save(update_fields=["hidden_at"])
    return {
        "article": article,
        "fibre": fibre,
        "cyber": cyber,
        "approved": [first, second],
        "draft": draft,
        "hidden": hidden,
        "ratings": raters,
        "candidacy": candidacy,
    }
