"""Finding a complaint by its tracking code, and checking the citizen's follow-up secret."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import check_password_hash

from portal.complaints.codes import normalise_secret, normalise_tracking_code
from portal.extensions import db
from portal.models import Complaint


def find_by_code(text: str) -> Complaint | None:
    code = normalise_tracking_code(text)
    if code is None:
        return None
    return db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))


def secret_matches(complaint: Complaint, secret: str) -> bool:
    return check_password_hash(complaint.secret_hash, normalise_secret(secret))
