"""The citizen's follow-up, authorised by the secret from the receipt: add information, or contest a resolution."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.complaints.lookup import secret_matches
from portal.complaints.rounds import start_reply_round
from portal.features import EventText, says
from portal.models import Complaint, ComplaintStatus, Event, utcnow
from portal.record import events
from portal.refusals import N_, Conflict, NotPermitted

CONTESTABLE = frozenset({ComplaintStatus.RESOLVED, ComplaintStatus.REPLIED})


class WrongSecret(NotPermitted):
    code = "wrong_secret"
    message = N_("The follow-up secret does not match this complaint.")
    default_field = "secret"


class NotContestable(Conflict):
    code = "not_contestable"
    message = N_("Only a complaint the bureau replied to or resolved can be contested.")
    default_field = "contest"


def add_follow_up(complaint: Complaint, *, secret: str, text: str, contest: bool) -> Event:
    if not secret_matches(complaint, secret):
        raise WrongSecret
    if contest:
        if complaint.status not in CONTESTABLE:
            raise NotContestable(complaint.status)
        complaint.status = ComplaintStatus.REOPENED
        start_reply_round(complaint, utcnow())
        return events.record("contested", complaint=complaint, actor="citizen", payload={"text": text})
    return events.record("citizen_update", complaint=complaint, actor="citizen", payload={"text": text})


TIMELINE = {
    "contested": EventText(says(_l("The citizen contested the resolution")), detail_key="text", notify=True),
    "citizen_update": EventText(says(_l("The citizen added information")), detail_key="text"),
}
