"""The citizen's follow-up, authorised by the secret from the receipt: add information, or contest a resolution."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired

from portal.complaints.lookup import secret_matches
from portal.deadlines.policy import deadline_policy
from portal.http.forms import free_text
from portal.models import Complaint, ComplaintStatus, Event, utcnow
from portal.record import events

CONTESTABLE = frozenset({ComplaintStatus.RESOLVED, ComplaintStatus.REPLIED})


class WrongSecret(PermissionError):
    pass


class NotContestable(ValueError):
    pass


class FollowUpForm(FlaskForm):
    secret = StringField(
        _l("Follow-up secret from your receipt"),
        validators=[InputRequired(message=_l("This field is required."))],
    )
    text = free_text(_l("What you want to add"), maximum=5000)
    contest = BooleanField(_l("The problem is not solved: I contest the resolution"))


def add_follow_up(complaint: Complaint, *, secret: str, text: str, contest: bool) -> Event:
    if not secret_matches(complaint, secret):
        raise WrongSecret
    if contest:
        if complaint.status not in CONTESTABLE:
            raise NotContestable(complaint.status)
        complaint.status = ComplaintStatus.REOPENED
        # A new round: the bureau owes a new answer on a fresh deadline, and its figures count this round only
        # (missing this deadline opens an inaction case of its own).
        now = utcnow()
        policy = deadline_policy()
        complaint.routed_at = now
        complaint.first_replied_at = None
        complaint.resolved_at = None
        complaint.reply_due_at = policy.due(now, policy.bureau_reply_days)
        return events.record("contested", complaint=complaint, actor="citizen", payload={"text": text})
    return events.record("citizen_update", complaint=complaint, actor="citizen", payload={"text": text})


CONTESTED_TEXT = _l("The citizen contested the resolution")
UPDATE_TEXT = _l("The citizen added information")
events.register_describer("contested", lambda _event: str(CONTESTED_TEXT), detail_key="text")
events.register_describer("citizen_update", lambda _event: str(UPDATE_TEXT), detail_key="text")
