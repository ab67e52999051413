"""How the shared vocabulary reads to people, in their language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.domain import PartyMembership, Role, Track

ROLE_LABELS = {
    Role.TRIAGE: _l("triage officer"),
    Role.LIAISON: _l("liaison officer"),
    Role.BUREAU: _l("bureau officer"),
    Role.ADMIN: _l("administrator"),
}
PARTY_LABELS = {
    PartyMembership.YES: _l("Yes"),
    PartyMembership.NO: _l("No"),
    PartyMembership.UNKNOWN: _l("I don't know"),
}
TRACK_LABELS = {
    Track.DISCIPLINE: _l("Discipline Inspection Commission"),
    Track.SUPERVISION: _l("Bureau of Supervision"),
}
