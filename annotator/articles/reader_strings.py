"""Translated strings the reader's JavaScript shows (passed to the page as JSON)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def reader_strings() -> dict[str, str]:
    return {
        "edit": _("Edit"),
        "delete": _("Delete"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "editTitle": _("Edit the annotation"),
        "newTitle": _("New annotation"),
        "submit": _("Submit for review"),
        "discussion": _("Discussion"),
        "confirmDelete": _("Delete this annotation? It stays in the audit trail."),
        "remove": _("Remove"),
        "noResult": _("No proposal found."),
        "staleTitle": _("This annotation was changed by %(name)s meanwhile."),
        "staleHelp": _(
            "Your text is kept in the form. Reload the current version, then save again."
        ),
        "reload": _("Reload the current version"),
        "error": _("The action failed:"),
        "networkError": _("Network error: try again."),
        "emptySelection": _("Select a passage of the text first."),
        "tooLong": _("The passage is too long (5,000 characters at most)."),
        "locked": _("Locked"),
        "you": _("you"),
        "orphanQuote": _("Original quote"),
        "saved": _("Annotation saved."),
        "deleted": _("Annotation deleted."),
        "submitted": _("Submitted for review."),
        "newProposalMissing": _("Give the proposal a title, a statement, a candidacy and a theme."),
        "moreCandidacies": _("Choose a candidacy"),
        "chooseTheme": _("Choose a theme"),
        "reattach": _("Re-attach to the selection"),
        "reattachHelp": _("Select the passage in the text first, then click “Re-attach”."),
        "groupSource": _("This source"),
        "groupElection": _("Same election"),
        "groupOther": _("Other election"),
        "foreignWarning": _(
            "“%(title)s” is a proposal of %(candidate)s (%(election)s), a candidacy this source "
            "is not about. Link it anyway?"
        ),
        "linkAnyway": _("Link anyway"),
        "sourceCandidacies": _("Candidacies of this source"),
        "otherCandidacies": _("Other candidacies"),
        "fieldRequired": _("Required."),
        "proposalNotCreated": _(
            "The new proposal was not created, so the annotation was not saved: correct the "
            "fields marked below."
        ),
    }
