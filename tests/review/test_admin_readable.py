"""The admin in French with readable history: translated field labels, choice labels and Yes/No
instead of stored values, and full word diffs of text (never "Prome[14 chars]raineté")."""

from __future__ import annotations

import pytest
from django.test import Client

from annotator.review import services
from proposals.models import Proposal
from tests.factories import ProposalFactory
from tests.factories.review import submitted_annotation

pytestmark = pytest.mark.django_db

LONG_BEFORE = "Promouvoir la souveraineté numérique " * 6
LONG_AFTER = LONG_BEFORE + "par un cloud public européen."


def admin_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(headers={"accept-language": "fr"})
    client.force_login(user)
    return client


def test_the_annotation_change_page_labels_every_field_in_french(moderator):
    annotation = submitted_annotation()
    html = admin_for(moderator).get(f"/admin/annotations/annotation/{annotation.pk}/change/")
    text = html.content.decode()
    for label in ("Auteur", "Étiquettes", "Modifiée par", "État avant la perte du passage"):
        assert label in text, label
    for english in (">Author<", "Modified by", "Status before orphan"):
        assert english not in text, english


def test_the_annotation_history_shows_labels_and_readable_values(moderator):
    annotation = submitted_annotation()
    services.annotation_lock(actor=moderator, annotation_id=annotation.pk, reason="Litige")
    html = admin_for(moderator).get(f"/admin/annotations/annotation/{annotation.pk}/history/")
    text = html.content.decode()
    assert html.status_code == 200
    assert "IS_LOCKED" not in text and "is_locked" not in text
    assert '<th scope="col">Verrouillée</th>' in text or ">Verrouillée<" in text
    assert "Soumise" in text  # the status label, not "submitted"
    assert "Non" in text and "Oui" in text  # locked: Non → Oui


def test_a_proposal_history_shows_the_full_diff_of_a_long_text(moderator):
    proposal = ProposalFactory(statement=LONG_BEFORE)
    proposal.statement = LONG_AFTER
    proposal.save()
    assert Proposal.history.filter(id=proposal.pk).count() == 2
    html = admin_for(moderator).get(f"/admin/proposals/proposal/{proposal.pk}/history/")
    text = html.content.decode()
    assert html.status_code == 200
    assert "chars]" not in text
    assert "<ins>européen.</ins>" in text or "européen.</ins>" in text
    assert "Énoncé" in text
