"""Filing a complaint: validate-free business logic that takes plain values (the form has validated them)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from portal import events, jobs, ledger
from portal.codes import new_follow_up_secret, new_tracking_code, normalise_secret, normalise_tracking_code
from portal.extensions import db
from portal.models import Complaint, ComplaintStatus, Division, PartyMembership, Photo, utcnow
from portal.photos import PUBLISH_JOB, Upload, attach

CLASSIFY_JOB = "classify_complaint"
REQUEUE_JOB = "requeue_unprocessed"


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Allegation:
    accused_name: str | None
    accused_unit: str | None
    party_member: PartyMembership


@dataclass(frozen=True)
class ComplaintDraft:
    title: str
    body: str
    division_code: str
    language: str = "zh"
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    anonymous: bool = False
    contact: Contact | None = None
    allegation: Allegation | None = None


@dataclass(frozen=True)
class Receipt:
    complaint_id: int
    tracking_code: str
    follow_up_secret: str
    status: ComplaintStatus
    anonymous: bool
    record: dict[str, Any]  # the record receipt: the entry, its index, the signed head and the audit path
    content_salt: str  # with title and body, recomputes the entry's content_sha256; kept only by the citizen


class UnknownDivision(LookupError):
    pass


def content_digest(salt: str, title: str, body: str) -> str:
    """SHA-256 of the text as filed, salted: recorded publicly so the citizen (who alone gets the salt) can show
    the text was not altered later. Without the salt, anyone could confirm guesses of a redacted phone number
    or name by hashing the public text with each guess filled in."""
    return hashlib.sha256(f"{salt}\n{title}\n{body}".encode()).hexdigest()


def _unused_tracking_code() -> str:
    # 60 random bits make a clash astronomically unlikely; checking costs one indexed look-up.
    while True:
        code = new_tracking_code()
        if db.session.scalar(select(Complaint.id).where(Complaint.tracking_code == code)) is None:
            return code


def file_complaint(draft: ComplaintDraft, uploads: Sequence[Upload] = ()) -> Receipt:
    division = db.session.scalar(select(Division).where(Division.code == draft.division_code))
    if division is None:
        raise UnknownDivision(draft.division_code)
    secret = new_follow_up_secret()
    salt = secrets.token_hex(16)
    contact = None if draft.anonymous else draft.contact
    allegation = draft.allegation
    complaint = Complaint(
        tracking_code=_unused_tracking_code(),
        secret_hash=generate_password_hash(secret),
        title=draft.title,
        body=draft.body,
        language=draft.language,
        division=division,
        address=draft.address,
        latitude=draft.latitude,
        longitude=draft.longitude,
        anonymous=draft.anonymous,
        contact_name=contact.name if contact else None,
        contact_phone=contact.phone if contact else None,
        contact_email=contact.email if contact else None,
        misconduct_alleged=allegation is not None,
        accused_name=allegation.accused_name if allegation else None,
        accused_unit=allegation.accused_unit if allegation else None,
        accused_party_member=allegation.party_member if allegation else None,
        status=ComplaintStatus.RECEIVED,
    )
    db.session.add(complaint)
    db.session.flush()
    photos = attach(complaint, list(uploads), utcnow()) if uploads else []
    received = events.record(
        "received",
        complaint=complaint,
        actor="citizen",
        payload={
            "division": division.code,
            "content_sha256": content_digest(salt, draft.title, draft.body),
            "misconduct_alleged": allegation is not None,
            # The originals' hashes go on the record, so a swapped photo would be detectable.
            "evidence_sha256": [photo.sha256 for photo in photos],
        },
    )
    head = ledger.receipt_head()
    jobs.enqueue(CLASSIFY_JOB, complaint.id)
    return Receipt(
        complaint.id,
        complaint.tracking_code,
        secret,
        complaint.status,
        complaint.anonymous,
        ledger.filing_receipt(received, head),
        salt,
    )


def find_by_code(text: str) -> Complaint | None:
    code = normalise_tracking_code(text)
    if code is None:
        return None
    return db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))


def secret_matches(complaint: Complaint, secret: str) -> bool:
    return check_password_hash(complaint.secret_hash, normalise_secret(secret))


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


RECEIVED_TEXT = _l("Complaint received")
QUEUED_TEXT = _l("Waiting for a triage officer to choose the bureau")
events.register_describer("received", lambda _event: str(RECEIVED_TEXT))
events.register_describer("queued_for_triage", lambda _event: str(QUEUED_TEXT))


def division_choices(locale: str) -> list[tuple[str, str]]:
    """Divisions a complaint can be filed in, labelled with their parents (``A市 · A1区``)."""
    divisions = db.session.scalars(select(Division).order_by(Division.code)).all()
    choices = []
    for division in divisions:
        names = [division.name(locale)]
        parent = division.parent
        while parent is not None and parent.parent is not None:  # the province is implied
            names.insert(0, parent.name(locale))
            parent = parent.parent
        choices.append((division.code, " · ".join(names)))
    return choices
