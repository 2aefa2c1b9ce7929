"""Writes on proposals, ratings and verdicts. Keyword-only, actor explicit, one transaction each."""

from proposals.services.proposals import proposal_create, proposal_merge, proposal_update
from proposals.services.ratings import rating_submit
from proposals.services.verdicts import verdict_publish

__all__ = [
    "proposal_create",
    "proposal_merge",
    "proposal_update",
    "rating_submit",
    "verdict_publish",
]
