"""How the shared vocabulary reads to people, in their language (translated lazily, when shown)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from portal.domain import PartyMembership, Role, Track
from portal.models import ComplaintStatus, DivisionLevel

K = TypeVar("K")

ROLE_LABELS = {
    Role.TRIAGE: _l("triage officer"),
    Role.LIAISON: _l("liaison officer"),
    Role.BUREAU: _l("bureau officer"),
    Role.ADMIN: _l("administrator"),
}
# In the order a citizen is asked: most do not know.
PARTY_LABELS = {
    PartyMembership.UNKNOWN: _l("I don't know"),
    PartyMembership.YES: _l("Yes"),
    PartyMembership.NO: _l("No"),
}
TRACK_LABELS = {
    Track.DISCIPLINE: _l("Discipline Inspection Commission"),
    Track.SUPERVISION: _l("Bureau of Supervision"),
}
STATUS_LABELS = {
    ComplaintStatus.RECEIVED: _l("Received"),
    ComplaintStatus.TRIAGE: _l("Awaiting triage"),
    ComplaintStatus.ROUTED: _l("With the bureau"),
    ComplaintStatus.REPLIED: _l("Bureau replied"),
    ComplaintStatus.RESOLVED: _l("Resolved"),
    ComplaintStatus.REOPENED: _l("Reopened by the citizen"),
}
LEVEL_LABELS = {
    DivisionLevel.PROVINCE: _l("province"),
    DivisionLevel.CITY: _l("city"),
    DivisionLevel.COUNTY: _l("county"),
}


def lazy_labels(names: Mapping[K, str]) -> dict[K, LazyString]:
    """Labels from message ids that a pure module names (and marks for extraction)."""
    return {key: _l(name) for key, name in names.items()}
