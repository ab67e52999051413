"""Finding a complaint by its tracking code, and checking the citizen's follow-up secret."""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.passwords import matches
from portal.complaints.codes import normalise_secret, normalise_tracking_code
from portal.extensions import db
from portal.models import Complaint
from portal.refusals import N_, Refusal


def find_by_code(text: str) -> Complaint | None:
    code = normalise_tracking_code(text)
    if code is None:
        return None
    return db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))


def secret_matches(complaint: Complaint, secret: str) -> bool:
    return matches(complaint.secret_hash, normalise_secret(secret))


class UnknownComplaint(Refusal):
    code = "not_found"
    status = 404
    message = N_("No complaint has this tracking code. Check it and try again.")


def require_complaint(code: str) -> Complaint:
    """The complaint with this tracking code, or a refusal (404)."""
    complaint = find_by_code(code)
    if complaint is None:
        raise UnknownComplaint(code[:64])
    return complaint
