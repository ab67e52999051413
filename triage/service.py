"""Triage services: classify a complaint (the job), the human queue, and staff decisions.

The engine (``triage.engine``) predicts; this module decides what the prediction means for the complaint and
records every decision as an event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select

from portal import events
from portal.domain import Track
from portal.extensions import db
from portal.models import Complaint, ComplaintStatus, Division, RoutedBy, StaffUser
from portal.routing import NotRoutableError, RoutingError, route
from triage import runtime
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


def classify(complaint_id: int) -> None:
    """The classification job: route confidently classified complaints, queue the rest. Idempotent."""
    # Locked: a duplicate of this job running at the same moment waits, then finds the work done.
    complaint = db.session.get(Complaint, complaint_id, with_for_update=True)
    if complaint is None or complaint.status is not ComplaintStatus.RECEIVED:
        return
    signal = runtime.misconduct_signal(complaint)
    loaded = runtime.active_model()
    assessment = Assessment(
        complaint=complaint,
        misconduct_flag=signal.flag,
        misconduct_track=signal.track if signal.flag else None,
        misconduct_score=signal.score,
        misconduct_evidence=list(signal.evidence),
        misconduct_review=MisconductReview.PENDING if signal.flag else None,
    )
    db.session.add(assessment)
    if signal.flag:
        # Not public: an unreviewed machine flag must not read as an accusation on the public page.
        events.record(
            "misconduct_flagged",
            complaint=complaint,
            actor=_model_actor(loaded),
            public=False,
            payload={"track": signal.track, "evidence": list(signal.evidence), "score": signal.score},
        )
    if loaded is None:
        _queue(complaint, reason="no active model")
        return
    prediction = runtime.predict(loaded, complaint)
    threshold = runtime.threshold(loaded)
    assessment.model_version = loaded.version
    assessment.category_key = prediction.category
    assessment.confidence = prediction.confidence
    assessment.threshold = threshold
    assessment.top = [[key, round(probability, 4)] for key, probability in prediction.top]
    if signal.flag:
        # A human decides where an allegation goes: auto-routing could hand it to the very bureau it accuses,
        # whose officers would then see the complainant's contact details.
        _queue(complaint, reason="misconduct flagged")
    elif prediction.routes_at(threshold):
        assessment.auto_routed = True
        route(
            complaint,
            prediction.category,
            routed_by=RoutedBy.MODEL,
            actor=_model_actor(loaded),
            model_version=loaded.version,
            confidence=prediction.confidence,
        )
    else:
        _queue(complaint, reason="below threshold")


def _model_actor(loaded: runtime.LoadedModel | None) -> str:
    return f"model:{loaded.version}" if loaded else "system"


def _queue(complaint: Complaint, *, reason: str) -> None:
    complaint.status = ComplaintStatus.TRIAGE
    events.record("queued_for_triage", complaint=complaint, actor="system", payload={"reason": reason})


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
