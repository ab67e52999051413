"""Filing a complaint: validate-free business logic that takes plain values (the form has validated them)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import jobs
from portal.complaints.codes import (
    new_follow_up_secret,
    new_tracking_code,
)
from portal.complaints.lookup import hash_secret
from portal.complaints.processing import CLASSIFY_JOB
from portal.domain import Allegation
from portal.evidence.photos import Upload, attach
from portal.extensions import db
from portal.features import EventText, says
from portal.models import Complaint, ComplaintStatus, Division, utcnow
from portal.privacy.contacts import seal_contact
from portal.privacy.sealing import Contact
from portal.record import events
from portal.record import store as record_store
from portal.record.proofs import Receipt
from portal.refusals import UnknownTarget


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
    # Notices of every public change (portal.notifications): only with contact details, never anonymously.
    notify: bool = False
    allegation: Allegation | None = None


@dataclass(frozen=True)
class FilingReceipt:
    """What the citizen is shown once, right after filing."""

    complaint_id: int
    tracking_code: str
    follow_up_secret: str
    status: ComplaintStatus
    anonymous: bool
    record: Receipt  # the complaint's entry in the record: its index, the signed head and the audit path
    content_salt: str  # with title and body, recomputes the entry's content_sha256; kept only by the citizen
    title: str
    body: str

    def to_json(self) -> dict[str, object]:
        """The receipt as the API answers it and as the receipt page keeps it for its short window."""
        return {
            "tracking_code": self.tracking_code,
            "follow_up_secret": self.follow_up_secret,
            "status": self.status.value,
            "anonymous": self.anonymous,
            "record": self.record.to_json(),
            "content_salt": self.content_salt,
            # The text exactly as filed: with the salt it is what the record's fingerprint covers, so the citizen
            # can show later that the public text is theirs (less what the portal hid) and unaltered.
            "filed_text": {"title": self.title, "body": self.body},
        }


def receipt_file(document: dict[str, Any], portal_url: str, language: str) -> dict[str, Any]:
    """The file the citizen saves from the receipt page: the record receipt itself (what the stand-alone verifier
    reads, as it is) with the tracking code, the salt, the text as filed, the record's key and the portal it
    came from, so that ``python3 verify_receipt.py receipt.json`` needs nothing else. Never the follow-up
    secret: the file is meant to be shown to others as proof of filing."""
    record = document["record"]
    return {
        **record,
        "tracking_code": document["tracking_code"],
        "content_salt": document["content_salt"],
        "filed_text": document.get("filed_text"),
        "public_key": record_store.public_key(),
        "portal": portal_url,
        "language": language,
    }


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


def file_complaint(draft: ComplaintDraft, uploads: Sequence[Upload] = ()) -> FilingReceipt:
    division = db.session.scalar(select(Division).where(Division.code == draft.division_code))
    if division is None:
        raise UnknownTarget(f"no division {draft.division_code!r}")
    secret = new_follow_up_secret()
    salt = secrets.token_hex(16)
    contact = None if draft.anonymous else draft.contact
    allegation = draft.allegation
    complaint = Complaint(
        tracking_code=_unused_tracking_code(),
        secret_hash=hash_secret(secret),
        title=draft.title,
        body=draft.body,
        language=draft.language,
        division=division,
        address=draft.address,
        latitude=draft.latitude,
        longitude=draft.longitude,
        anonymous=draft.anonymous,
        notify=draft.notify and not draft.anonymous and contact is not None and not contact.is_empty,
        misconduct_alleged=allegation is not None,
        accused_name=allegation.accused_name if allegation else None,
        accused_unit=allegation.accused_unit if allegation else None,
        accused_party_member=allegation.party_member if allegation else None,
        status=ComplaintStatus.RECEIVED,
    )
    # Sealed, never stored in clear: staff see the details only through a logged reveal (portal.privacy).
    seal_contact(complaint, contact)
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
    head = record_store.receipt_head()
    jobs.enqueue(CLASSIFY_JOB, complaint.id)
    return FilingReceipt(
        complaint.id,
        complaint.tracking_code,
        secret,
        complaint.status,
        complaint.anonymous,
        record_store.filing_receipt(received, head),
        salt,
        draft.title,
        draft.body,
    )


TIMELINE = {"received": EventText(says(_l("Complaint received")))}
