"""The follow-up visit (回访): opened when a bureau resolves, answered once by the citizen, closed unanswered.

The citizen answers with the follow-up secret, or from the link in the resolution mail: was it fixed (yes /
partly / no), how satisfied (satisfied / basically / unsatisfied), and optionally why. A failed answer ("no" or
"unsatisfied") reopens the complaint with a new reply round and deadline for the same bureau, up to
``FEEDBACK_REOPEN_LIMIT`` times; the second failed round is referred to the supervision body as administrative
inaction (``portal.signals.inaction_referred``, which the escalation feature turns into a case). Everything is
on the public record. Visits nobody answers close after ``FEEDBACK_VISIT_DAYS`` (the sweep job).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.complaints.followup import WrongSecret
from portal.complaints.lookup import secret_matches
from portal.complaints.rounds import start_reply_round
from portal.extensions import db
from portal.features import EventText, says
from portal.feedback import rules
from portal.feedback.labels import FIXED_LABELS, SATISFACTION_LABELS
from portal.feedback.links import visit_of_token, visit_token
from portal.feedback.models import Visit
from portal.feedback.rules import Fixed, Satisfaction, VisitState
from portal.models import Complaint, ComplaintStatus, Event, utcnow
from portal.record import events
from portal.refusals import N_, Conflict
from portal.signals import FOLLOW_UP_FAILED, ComplaintResolved, InactionReferral, inaction_referred

SWEEP_JOB = "feedback_sweep"
GIVEN, REOPENED, CLOSED_UNANSWERED, LIMIT_REACHED = (
    "feedback_given",
    "feedback_reopened",
    "feedback_closed",
    "feedback_limit_reached",
)


class NotAwaitingFeedback(Conflict):
    code = "not_awaiting_feedback"
    message = N_("This complaint is not waiting for your feedback: the bureau has not resolved it.")
    default_field = "fixed"


class AlreadyAnswered(Conflict):
    code = "feedback_given"
    message = N_("You already answered for this resolution. Add information on the complaint's page instead.")
    default_field = "fixed"


class VisitClosed(Conflict):
    code = "feedback_closed"
    message = N_(
        "The time to answer for this resolution has passed. Add information on the complaint's page."
    )
    default_field = "fixed"


def _latest_visit(complaint: Complaint) -> Visit | None:
    return db.session.scalars(
        select(Visit).where(Visit.complaint_id == complaint.id).order_by(Visit.round.desc()).limit(1)
    ).first()


def open_visit(resolved: ComplaintResolved) -> Visit:
    """Receiver of ``complaint_resolved``: the visit of this round (an older one still open is superseded)."""
    now = utcnow()
    complaint = db.session.get_one(Complaint, resolved.complaint_id)
    latest = _latest_visit(complaint)
    if latest is not None and latest.state is VisitState.OPEN:
        latest.state = VisitState.CLOSED
    visit = Visit(
        complaint=complaint,
        bureau_id=resolved.bureau_id,
        round=(latest.round + 1) if latest else 1,
        state=VisitState.OPEN,
        opened_at=now,
        closes_at=now + timedelta(days=current_app.config["FEEDBACK_VISIT_DAYS"]),
    )
    db.session.add(visit)
    db.session.flush()
    return visit


def open_visit_of(complaint: Complaint) -> Visit | None:
    """The visit waiting for the citizen's answer now, if any."""
    latest = _latest_visit(complaint)
    if (
        latest is None
        or latest.state is not VisitState.OPEN
        or complaint.status is not ComplaintStatus.RESOLVED
    ):
        return None
    return latest


def open_visits_of(complaints: Sequence[Complaint]) -> dict[int, Visit]:
    """:func:`open_visit_of` for a list of complaints in one query (only resolved ones can have one)."""
    resolved = [complaint.id for complaint in complaints if complaint.status is ComplaintStatus.RESOLVED]
    if not resolved:
        return {}
    latest: dict[int, Visit] = {}
    for visit in db.session.scalars(
        select(Visit).where(Visit.complaint_id.in_(resolved)).order_by(Visit.complaint_id, Visit.round)
    ):
        latest[visit.complaint_id] = visit  # the highest round wins
    return {key: visit for key, visit in latest.items() if visit.state is VisitState.OPEN}


def feedback_link_token(complaint: Complaint) -> str | None:
    """For the resolution mail: a token that answers the open visit without the secret."""
    visit = open_visit_of(complaint)
    return visit_token(visit.id, complaint.tracking_code) if visit else None


def may_answer(complaint: Complaint, *, secret: str | None, token: str | None) -> Visit | None:
    """The visit a token opens (None when there is no token); a refusal for a wrong secret."""
    if token:
        visit_id = visit_of_token(token, complaint.tracking_code)
        if visit_id is not None:
            return db.session.get(Visit, visit_id)
    if not secret or not secret_matches(complaint, secret):
        raise WrongSecret
    return None


@dataclass(frozen=True)
class Answered:
    visit: Visit
    reopened: bool
    referred: bool


def give_feedback(
    complaint: Complaint,
    *,
    fixed: Fixed,
    satisfaction: Satisfaction,
    comment: str | None,
    secret: str | None = None,
    token: str | None = None,
    now: datetime | None = None,
) -> Answered:
    """Record the citizen's answer to the open visit, and what follows from it (the caller commits)."""
    now = now or utcnow()
    by_token = may_answer(complaint, secret=secret, token=token)
    latest = _latest_visit(complaint)
    if by_token is not None and (latest is None or by_token.id != latest.id):
        raise AlreadyAnswered(complaint.tracking_code)  # a link from an earlier round's mail
    if latest is None or (
        latest.state is VisitState.OPEN and complaint.status is not ComplaintStatus.RESOLVED
    ):
        raise NotAwaitingFeedback(complaint.status)
    if latest.state is VisitState.ANSWERED:
        raise AlreadyAnswered(complaint.tracking_code)
    if latest.state is VisitState.CLOSED or now >= latest.closes_at:
        raise VisitClosed(complaint.tracking_code)
    visit = latest
    visit.state = VisitState.ANSWERED
    visit.answered_at = now
    visit.fixed = fixed
    visit.satisfaction = satisfaction
    visit.comment = comment or None
    visit.failed = rules.failed(fixed, satisfaction)
    db.session.flush()
    events.record(
        GIVEN,
        complaint=complaint,
        actor="citizen",
        payload={
            "round": visit.round,
            "bureau": visit.bureau.code,
            "fixed": fixed.value,
            "satisfaction": satisfaction.value,
            "text": visit.comment,
        },
    )
    failed_rounds = db.session.scalar(
        select(func.count())
        .select_from(Visit)
        .where(Visit.complaint_id == complaint.id, Visit.failed.is_(True))
    )
    outcome = rules.consequence(
        failed_rounds=failed_rounds or 0,
        reopen_limit=current_app.config["FEEDBACK_REOPEN_LIMIT"],
        this_round_failed=visit.failed,
    )
    if outcome.refer_inaction:
        inaction_referred.send(
            InactionReferral(
                complaint.id,
                reason=FOLLOW_UP_FAILED,
                actor="citizen",
            )
        )
    if outcome.reopen:
        complaint.status = ComplaintStatus.REOPENED
        due = start_reply_round(complaint, now)
        events.record(
            REOPENED,
            complaint=complaint,
            actor="system",
            payload={"round": visit.round, "bureau": visit.bureau.code, "reply_due_at": due.isoformat()},
        )
    elif outcome.limit_reached:
        events.record(LIMIT_REACHED, complaint=complaint, actor="system", payload={"round": visit.round})
    return Answered(visit=visit, reopened=outcome.reopen, referred=outcome.refer_inaction)


def sweep(now: datetime | None = None) -> int:
    """Close the visits whose time to answer has passed; returns how many."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Visit)
        .where(Visit.state == VisitState.OPEN, Visit.closes_at <= now)
        .order_by(Visit.id)
        .with_for_update(skip_locked=True)
    ).all()
    for visit in due:
        visit.state = VisitState.CLOSED
        events.record(
            CLOSED_UNANSWERED, complaint=visit.complaint, actor="system", payload={"round": visit.round}
        )
    return len(due)


def _describe_given(event: Event) -> str:
    fixed = FIXED_LABELS.get(Fixed(event.payload.get("fixed", "no")))
    satisfaction = SATISFACTION_LABELS.get(Satisfaction(event.payload.get("satisfaction", "unsatisfied")))
    return _("Follow-up visit: %(fixed)s; %(satisfaction)s", fixed=fixed, satisfaction=satisfaction)


TIMELINE = {
    GIVEN: EventText(_describe_given, detail_key="text"),
    REOPENED: EventText(
        says(_l("Reopened after the follow-up visit: the bureau owes a new answer")), notify=True
    ),
    LIMIT_REACHED: EventText(says(_l("The follow-up visit failed again; no reopening is left"))),
    CLOSED_UNANSWERED: EventText(says(_l("The follow-up visit closed without an answer"))),
}
