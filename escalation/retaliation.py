"""The retaliation check-in: some days after a misconduct case closes (``RETALIATION_CHECK_DAYS``, 30 and 90 by
default), the person who reported it is asked whether they have faced retaliation.

The sweep asks each check-in once it is due: a public event (so a reporter who opted in gets a mail, and the
track page shows the question to the holder of the secret). "Yes", with an optional description, opens a
supervision case one level above the accused unit's division, of kind ``retaliation``, on the public record and
counted on the accountability board; "no" is recorded too. Each check-in is answered once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from escalation import rules
from escalation.cases import ASKED, division_parents, open_case
from escalation.models import Case, RetaliationCheckIn
from escalation.vocabulary import CaseKind
from portal.complaints.followup import WrongSecret
from portal.complaints.lookup import secret_matches
from portal.domain import Track
from portal.extensions import db
from portal.features import EventText, says
from portal.models import Complaint, utcnow
from portal.record import events
from portal.refusals import N_, Conflict

REPORTED, DENIED = "retaliation_reported", "retaliation_denied"


class NothingAsked(Conflict):
    code = "no_retaliation_question"
    message = N_("No question about retaliation is waiting for an answer on this complaint.")
    default_field = "retaliation"


def waiting(complaint: Complaint) -> RetaliationCheckIn | None:
    """The check-in asked and not yet answered, if any (the oldest first)."""
    return db.session.scalars(
        select(RetaliationCheckIn)
        .where(
            RetaliationCheckIn.complaint_id == complaint.id,
            RetaliationCheckIn.asked_at.is_not(None),
            RetaliationCheckIn.answered_at.is_(None),
        )
        .order_by(RetaliationCheckIn.id)
        .limit(1)
    ).first()


def waiting_for(complaint_ids: Sequence[int]) -> dict[int, RetaliationCheckIn]:
    """:func:`waiting` for many complaints at once: the oldest open check-in of each that has one."""
    if not complaint_ids:
        return {}
    found: dict[int, RetaliationCheckIn] = {}
    for check_in in db.session.scalars(
        select(RetaliationCheckIn)
        .where(
            RetaliationCheckIn.complaint_id.in_(complaint_ids),
            RetaliationCheckIn.asked_at.is_not(None),
            RetaliationCheckIn.answered_at.is_(None),
        )
        .order_by(RetaliationCheckIn.id)
    ):
        found.setdefault(check_in.complaint_id, check_in)
    return found


def _accused_division(case: Case) -> str:
    """The accused unit's division, from the first case of the allegation (the one opened at its level)."""
    root = case
    while root.parent is not None:
        root = root.parent
    if root.accused_unit_code:
        return rules.division_of(root.accused_unit_code)
    return root.body.division.code


def answer(
    complaint: Complaint,
    *,
    secret: str,
    retaliated: bool,
    description: str | None,
    now: datetime | None = None,
) -> Case | None:
    """The reporter's answer to the waiting check-in; the retaliation case it opened, if "yes" (caller commits)."""
    if not secret_matches(complaint, secret):
        raise WrongSecret
    check_in = waiting(complaint)
    if check_in is None:
        raise NothingAsked(complaint.tracking_code)
    now = max(now or utcnow(), check_in.asked_at or check_in.due_at)
    check_in.answered_at = now
    check_in.retaliated = retaliated
    if not retaliated:
        events.record(DENIED, complaint=complaint, actor="citizen", payload={"check_in": check_in.id})
        return None
    events.record(
        REPORTED,
        complaint=complaint,
        actor="citizen",
        payload={"check_in": check_in.id, "case": check_in.case_id, "text": description or None},
    )
    body = rules.select_retaliation_body(_accused_division(check_in.case), division_parents())
    case = open_case(
        complaint,
        track=Track.SUPERVISION,
        kind=CaseKind.RETALIATION,
        actor="citizen",
        reason=description or None,
        body_code=body,
        parent=None,
        now=now,
    )
    check_in.new_case_id = case.id
    return case


TIMELINE = {
    ASKED: EventText(
        says(
            _l(
                "Check-in: has the person who reported the misconduct faced retaliation since the case closed?"
            )
        ),
        notify=True,
    ),
    REPORTED: EventText(says(_l("The reporter says they faced retaliation")), detail_key="text"),
    DENIED: EventText(says(_l("The reporter says they faced no retaliation"))),
}
