"""The triage desk's work: the queue of complaints waiting for a human, and the decisions staff take there.

Routing decisions become training data. Misconduct goes to oversight along one path, :func:`refer_misconduct`,
whether the desk confirms a flag or a case is opened directly through the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select

from portal import signals
from portal.complaints import second_bureau
from portal.complaints.routing import route
from portal.complaints.timeline import PUBLIC_VIEW_LOADS
from portal.domain import Track
from portal.duplicates import service as duplicates
from portal.extensions import db
from portal.features import EventText, says
from portal.http.paging import Page, PageRequest
from portal.models import Complaint, ComplaintStatus, Division, RoutedBy, StaffUser, utcnow
from portal.record import events
from portal.refusals import N_, Conflict, ReasonRequired, UnknownTarget
from portal.signals import MisconductReferral
from triage.models import Assessment, ExampleSource, LabelledExample, MisconductReview


class CorrectionNeedsReason(ReasonRequired):
    """Departing from the model's suggestion, or re-routing, needs a reason on the record."""

    message = N_("Give a reason: you are departing from the model's suggestion or re-routing.")


class AlreadyReviewed(Conflict):
    """The misconduct review was already decided (or there is nothing to review)."""

    code = "already_reviewed"
    message = N_("The misconduct review of this complaint is already decided.")
    default_field = "decision"


@dataclass(frozen=True)
class QueueItem:
    complaint: Complaint
    assessment: Assessment | None
    needs_routing: bool
    needs_misconduct_review: bool


def queue(page: PageRequest | None = None) -> Page[QueueItem]:
    """A page of the complaints waiting for a human: flagged misconduct awaiting confirmation first (urgent),
    then unrouted ones; oldest first within each.

    Two indexed queries instead of one ``OR`` across an outer join (which no index serves): the flagged ones
    through the partial index ``ix_triage_assessments_pending``, the unrouted ones through
    ``ix_complaints_status_created_at``.
    Their assessments and what their public views read are then loaded in bulk.
    """
    page = page or PageRequest()
    wanted = page.size + 1
    pending = Assessment.misconduct_review == MisconductReview.PENDING
    flagged_total = db.session.scalar(select(func.count()).select_from(Assessment).where(pending)) or 0
    found: list[Complaint] = []
    if page.offset < flagged_total:
        # Flagged when classified, moments after filing: oldest flag first is oldest complaint first.
        flagged = (
            select(Complaint)
            .join(Assessment, Assessment.complaint_id == Complaint.id)
            .where(pending)
            .order_by(Assessment.created_at, Assessment.id)
            .offset(page.offset)
            .limit(wanted)
        )
        found.extend(db.session.scalars(flagged.options(*PUBLIC_VIEW_LOADS)))
    if len(found) < wanted:
        flagged_too = exists().where(Assessment.complaint_id == Complaint.id, pending)
        unrouted = (
            select(Complaint)
            # A duplicate is routed with its master: it leaves the queue (a pending misconduct flag keeps it).
            .where(
                Complaint.status == ComplaintStatus.TRIAGE, Complaint.duplicate_of_id.is_(None), ~flagged_too
            )
            .order_by(Complaint.created_at, Complaint.id)
            .offset(max(0, page.offset - flagged_total))
            .limit(wanted - len(found))
        )
        found.extend(db.session.scalars(unrouted.options(*PUBLIC_VIEW_LOADS)))
    ids = [complaint.id for complaint in found[: page.size]]
    assessments = (
        {
            assessment.complaint_id: assessment
            for assessment in db.session.scalars(select(Assessment).where(Assessment.complaint_id.in_(ids)))
        }
        if ids
        else {}
    )
    items = [
        QueueItem(
            complaint=complaint,
            assessment=assessments.get(complaint.id),
            needs_routing=complaint.status is ComplaintStatus.TRIAGE,
            needs_misconduct_review=complaint.id in assessments
            and assessments[complaint.id].misconduct_review is MisconductReview.PENDING,
        )
        for complaint in found[: page.size]
    ]
    return Page(items, page, has_next=len(found) > page.size)


def assessment_of(complaint: Complaint) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.complaint_id == complaint.id))


def decide_routing(
    complaint: Complaint,
    *,
    category_key: str,
    staff: StaffUser,
    division_code: str | None = None,
    reason: str | None = None,
    second_bureau_code: str | None = None,
    now: datetime | None = None,
) -> LabelledExample:
    """A triage officer confirms or corrects the category (and bureau), optionally giving the complaint to a
    second bureau of the same division, with its own reply round. The decision becomes training data (the first
    category only: the model learns one category a complaint).

    A reason is required whenever the officer departs from the model or re-routes a routed complaint.
    """
    duplicates.refuse_if_duplicate(complaint)
    assessment = assessment_of(complaint)
    suggested = assessment.category_key if assessment else None
    division = complaint.division
    if division_code and division_code != division.code:
        chosen = db.session.scalar(select(Division).where(Division.code == division_code))
        if chosen is None:
            raise UnknownTarget(f"no division {division_code!r}")
        division = chosen
    is_correction = (
        category_key != suggested or complaint.bureau is not None or division is not complaint.division
    )
    if is_correction and not (reason and reason.strip()):
        raise CorrectionNeedsReason
    now = now or utcnow()
    first = route(
        complaint,
        category_key,
        routed_by=RoutedBy.STAFF,
        actor=staff.actor,
        division=division,
        reason=reason,
        now=now,
    )
    second = second_bureau.check(complaint, first, second_bureau_code) if second_bureau_code else None
    second_bureau.assign(complaint, second, actor=staff.actor, now=now)
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


@dataclass(frozen=True)
class Referral:
    """Where staff send an allegation: the track, the accused unit's division or code, and why."""

    reason: str
    track: Track | None = None  # None: as the flag (or the citizen's answer) suggests
    division_code: str | None = None
    accused_unit_code: str | None = None


def review_misconduct(complaint: Complaint, *, confirm: bool, staff: StaffUser, referral: Referral) -> None:
    """Confirm a flagged (or alleged) misconduct, which refers it to oversight, or dismiss it. Once only: a
    second confirmation would open a second case, and a late dismissal would contradict the open one."""
    if not referral.reason.strip():
        raise ReasonRequired
    assessment = assessment_of(complaint)
    if assessment is None or assessment.misconduct_review is not MisconductReview.PENDING:
        raise AlreadyReviewed
    if confirm:
        refer_misconduct(complaint, staff=staff, referral=referral)
        return
    assessment.misconduct_review = MisconductReview.DISMISSED
    events.record(
        "misconduct_dismissed",
        complaint=complaint,
        actor=staff.actor,
        public=False,
        payload={"reason": referral.reason},
    )


def refer_misconduct(complaint: Complaint, *, staff: StaffUser, referral: Referral) -> None:
    """The one path of a misconduct allegation to oversight: a pending review is settled, the referral goes on
    the record, and the oversight feature places the case (its refusals, such as an unknown unit, refuse the
    referral: nothing of it is kept)."""
    if not referral.reason.strip():
        raise ReasonRequired
    assessment = assessment_of(complaint)
    if assessment is not None and assessment.misconduct_review is MisconductReview.PENDING:
        assessment.misconduct_review = MisconductReview.CONFIRMED
    flagged = assessment.misconduct_track if assessment is not None else None
    track = referral.track or flagged or Track.SUPERVISION
    division_code = referral.division_code or complaint.division.code
    events.record(
        "misconduct_confirmed",
        complaint=complaint,
        actor=staff.actor,
        payload={
            "track": track.value,
            "division": division_code,
            "accused_unit_code": referral.accused_unit_code or None,
            "reason": referral.reason,
        },
    )
    signals.misconduct_referred.send(
        MisconductReferral(
            complaint_id=complaint.id,
            track=track,
            reason=referral.reason,
            actor=staff.actor,
            division_code=division_code,
            accused_unit_code=referral.accused_unit_code or None,
        )
    )


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


TIMELINE = {
    "misconduct_confirmed": EventText(
        says(_l("A triage officer referred the misconduct allegation to an oversight body"))
    )
}
