"""Triage services: classify a complaint (the job), the human queue, and staff decisions.

The engine (``triage.engine``) predicts; this module decides what the prediction means for the complaint and
records every decision as an event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select

from portal.complaints.routing import NotRoutableError, RoutingError, route
from portal.domain import Track
from portal.extensions import db
from portal.models import Complaint, ComplaintStatus, Division, RoutedBy, StaffUser
from portal.record import events
from triage.models import Assessment, ExampleSource, LabelledExample, MisconductReview


class TriageError(ValueError):
    """A staff decision that cannot be applied."""


class ReasonRequired(TriageError):
    """Departing from the model, re-routing, or reviewing misconduct needs a reason on the record."""


class UnknownTarget(TriageError):
    """No such division, bureau or unit."""


class NotRoutable(TriageError):
    """The complaint is closed (resolved or answered): it is no longer routed."""


class AlreadyReviewed(TriageError):
    """The misconduct review was already decided (or there is nothing to review)."""


@dataclass(frozen=True)
class QueueItem:
    complaint: Complaint
    assessment: Assessment | None
    needs_routing: bool
    needs_misconduct_review: bool


def queue(limit: int = 200) -> list[QueueItem]:
    """Complaints waiting for a human: unrouted ones, and flagged misconduct awaiting confirmation.

    Urgent first (a possible misconduct case), then oldest first.
    """
    pending_review = Assessment.misconduct_review == MisconductReview.PENDING
    rows = db.session.execute(
        select(Complaint, Assessment)
        .outerjoin(Assessment, Assessment.complaint_id == Complaint.id)
        .where(or_(Complaint.status == ComplaintStatus.TRIAGE, pending_review))
        .order_by(case((pending_review, 0), else_=1), Complaint.created_at, Complaint.id)
        .limit(limit)
    ).all()
    return [
        QueueItem(
            complaint=complaint,
            assessment=assessment,
            needs_routing=complaint.status is ComplaintStatus.TRIAGE,
            needs_misconduct_review=assessment is not None
            and assessment.misconduct_review is MisconductReview.PENDING,
        )
        for complaint, assessment in rows
    ]


def assessment_of(complaint: Complaint) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.complaint_id == complaint.id))


def decide_routing(
    complaint: Complaint,
    *,
    category_key: str,
    staff: StaffUser,
    division_code: str | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> LabelledExample:
    """A triage officer confirms or corrects the category (and bureau). The decision becomes training data.

    A reason is required whenever the officer departs from the model or re-routes a routed complaint.
    """
    assessment = assessment_of(complaint)
    suggested = assessment.category_key if assessment else None
    division = complaint.division
    if division_code and division_code != division.code:
        division = db.session.scalar(select(Division).where(Division.code == division_code))
        if division is None:
            raise UnknownTarget(division_code)
    is_correction = (
        category_key != suggested or complaint.bureau is not None or division is not complaint.division
    )
    if is_correction and not (reason and reason.strip()):
        raise ReasonRequired
    try:
        route(
            complaint,
            category_key,
            routed_by=RoutedBy.STAFF,
            actor=staff.actor,
            division=division,
            reason=reason,
            now=now,
        )
    except NotRoutableError as exc:
        raise NotRoutable(str(exc)) from exc
    except RoutingError as exc:
        raise UnknownTarget(str(exc)) from exc
    example = LabelledExample(
        complaint_id=complaint.id,
        title=complaint.title,
        body=complaint.body,
        category_key=category_key,
        source=ExampleSource.CORRECTION if category_key != suggested else ExampleSource.CONFIRMATION,
        reason=reason,
        created_by=staff,
    )
    db.session.add(example)
    return example


def review_misconduct(
    complaint: Complaint,
    *,
    confirm: bool,
    staff: StaffUser,
    reason: str,
    track: Track | None = None,
    division_code: str | None = None,
    accused_unit_code: str | None = None,
) -> None:
    """Confirm a flagged (or alleged) misconduct, which opens an oversight case, or dismiss it. Once only:
    a second confirmation would open a second case, and a late dismissal would contradict the open one."""
    if not reason.strip():
        raise ReasonRequired
    assessment = assessment_of(complaint)
    if assessment is None or assessment.misconduct_review is not MisconductReview.PENDING:
        raise AlreadyReviewed
    assessment.misconduct_review = MisconductReview.CONFIRMED if confirm else MisconductReview.DISMISSED
    if not confirm:
        events.record(
            "misconduct_dismissed",
            complaint=complaint,
            actor=staff.actor,
            public=False,
            payload={"reason": reason},
        )
        return
    chosen = track or Track(
        assessment.misconduct_track if assessment and assessment.misconduct_track else Track.SUPERVISION
    )
    events.record(
        "misconduct_confirmed",
        complaint=complaint,
        actor=staff.actor,
        payload={
            "track": chosen.value,
            "division": division_code or complaint.division.code,
            "accused_unit_code": accused_unit_code or None,
            "reason": reason,
        },
    )


def mark_referred(complaint: Complaint) -> None:
    """A case was opened directly (through the API): the pending review, if any, is settled."""
    assessment = assessment_of(complaint)
    if assessment is not None and assessment.misconduct_review is MisconductReview.PENDING:
        assessment.misconduct_review = MisconductReview.CONFIRMED


def labelled_examples() -> list[tuple[str, str, str]]:
    """Staff decisions as (title, body, category key), oldest first, for the next training run.

    Only the latest decision per complaint counts: a correction replaces the earlier routing of the same text
    instead of teaching the model two labels for it.
    """
    latest = select(func.max(LabelledExample.id)).group_by(LabelledExample.complaint_id).scalar_subquery()
    rows = db.session.execute(
        select(LabelledExample.title, LabelledExample.body, LabelledExample.category_key)
        .where(or_(LabelledExample.complaint_id.is_(None), LabelledExample.id.in_(latest)))
        .order_by(LabelledExample.id)
    )
    return [(row.title, row.body, row.category_key) for row in rows]


CONFIRMED_TEXT = _l("A triage officer referred the misconduct allegation to an oversight body")
events.register_describer("misconduct_confirmed", lambda _event: str(CONFIRMED_TEXT))
