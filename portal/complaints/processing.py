"""What happens to a complaint after filing until triage takes it, and the sweep that catches lost jobs.

Until a classifier is installed (the triage feature replaces the classification job), every complaint waits for
a human. The sweep re-enqueues work whose job was lost, e.g. while Redis was down.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import jobs
from portal.evidence.models import Photo
from portal.evidence.photos import PUBLISH_JOB
from portal.extensions import db
from portal.features import EventText, says
from portal.models import Complaint, ComplaintStatus, utcnow
from portal.record import events

CLASSIFY_JOB = "classify_complaint"
REQUEUE_JOB = "requeue_unprocessed"


def await_triage(complaint_id: int) -> None:
    """Default classification job until a classifier is installed: every complaint goes to a human."""
    # Locked: a duplicate of this job running at the same moment waits, then finds the work done.
    complaint = db.session.get(Complaint, complaint_id, with_for_update=True)
    if complaint is None or complaint.status is not ComplaintStatus.RECEIVED:
        return  # already handled: jobs are idempotent
    complaint.status = ComplaintStatus.TRIAGE
    events.record("queued_for_triage", complaint=complaint, actor="system", payload={})


def requeue_unprocessed(now: datetime | None = None, *, older_than_seconds: int) -> int:
    """Enqueue again the work whose job was lost (e.g. while Redis was down): classification of complaints still
    "received", and publication of photos neither published nor refused. Returns how many jobs."""
    cutoff = (now or utcnow()) - timedelta(seconds=older_than_seconds)
    complaints = db.session.scalars(
        select(Complaint.id)
        .where(Complaint.status == ComplaintStatus.RECEIVED, Complaint.created_at <= cutoff)
        .order_by(Complaint.id)
    ).all()
    for complaint_id in complaints:
        jobs.enqueue(CLASSIFY_JOB, complaint_id)
    photos = db.session.scalars(
        select(Photo.id)
        .where(Photo.published.is_(False), Photo.publish_error.is_(None), Photo.created_at <= cutoff)
        .order_by(Photo.id)
    ).all()
    for photo_id in photos:
        jobs.enqueue(PUBLISH_JOB, photo_id)
    return len(complaints) + len(photos)


def requeue_stale() -> int:
    """The periodic sweep: work left unprocessed for longer than the configured grace period."""
    return requeue_unprocessed(older_than_seconds=current_app.config["JOBS_REQUEUE_AFTER_SECONDS"])


TIMELINE = {"queued_for_triage": EventText(says(_l("Waiting for a triage officer to choose the bureau")))}
