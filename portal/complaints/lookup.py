"""Finding a complaint by its tracking code, and checking the citizen's follow-up secret."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.auth.passwords import matches
from portal.complaints import secret_digest
from portal.complaints.codes import normalise_secret, normalise_tracking_code
from portal.extensions import db
from portal.models import Complaint
from portal.refusals import N_, Refusal

# What every page of one complaint reads of it, joined into the look-up instead of loaded one query each.
_ONE_COMPLAINT_LOADS = (
    joinedload(Complaint.division),
    joinedload(Complaint.category),
    joinedload(Complaint.bureau),
    joinedload(Complaint.second_bureau),
)


def find_by_code(text: str) -> Complaint | None:
    code = normalise_tracking_code(text)
    if code is None:
        return None
    query = select(Complaint).where(Complaint.tracking_code == code).options(*_ONE_COMPLAINT_LOADS)
    return db.session.scalar(query)


def follow_up_key() -> bytes:
    """The server key of follow-up secrets: FOLLOW_UP_SECRET_KEY if set, otherwise derived from SECRET_KEY."""
    configured = current_app.config.get("FOLLOW_UP_SECRET_KEY")
    if configured:
        return str(configured).encode()
    return secret_digest.derive_key(current_app.config["SECRET_KEY"])


def hash_secret(secret: str) -> str:
    """What is stored for a new follow-up secret (a keyed HMAC: the secret is random, see secret_digest)."""
    return secret_digest.digest(follow_up_key(), normalise_secret(secret))


def secret_matches(complaint: Complaint, secret: str) -> bool:
    stored = complaint.secret_hash
    if secret_digest.is_keyed(stored):
        return secret_digest.keyed_matches(follow_up_key(), stored, normalise_secret(secret))
    return matches(stored, normalise_secret(secret))  # filed before keyed hashes: a werkzeug scrypt hash


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
