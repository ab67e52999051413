"""Open complaints of one division that look like the problem a citizen is about to file."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import select

from portal.complaints.likeness import document, most_alike
from portal.complaints.timeline import status_label
from portal.extensions import db
from portal.models import Complaint, ComplaintStatus, Division
from portal.privacy.public_text import public_text
from portal.record import seals

# The most recent open complaints of the division that are compared: bounds the time of one look-up.
CANDIDATES = 500
LIMIT = 5


@functools.lru_cache(maxsize=20_000)
def words_of(_complaint_id: int, title: str, body: str) -> list[str]:
    """A complaint's words, segmented once per process: its text never changes after filing, and segmenting
    is most of a look-up's time (bench/similar_threshold.py)."""
    return document(title, body)


@dataclass(frozen=True)
class Suggestion:
    complaint: Complaint
    score: float


def similar_open_complaints(
    division_code: str, title: str, body: str, *, limit: int = LIMIT
) -> list[Suggestion]:
    """Up to ``limit`` (five) open complaints of exactly this division (never another) most alike to ``title`` and
    ``body``, most alike first; none when the division is unknown or nothing is alike enough."""
    query = document(title, body)
    if not query:
        return []
    candidates = seals.shown(
        db.session.scalars(
            select(Complaint)
            .join(Division, Complaint.division_id == Division.id)
            .where(Division.code == division_code, Complaint.status != ComplaintStatus.RESOLVED)
            .order_by(Complaint.created_at.desc(), Complaint.id.desc())
            .limit(CANDIDATES)
        ).all()
    )
    if not candidates:
        return []
    matches = most_alike(query, [words_of(c.id, c.title, c.body) for c in candidates], limit=limit)
    return [Suggestion(candidates[match.index], round(match.score, 3)) for match in matches]


def public_suggestion(suggestion: Suggestion, locale: str) -> dict[str, object]:
    """What anyone may see of a suggestion: the public, redacted title and the status."""
    complaint = suggestion.complaint
    return {
        "tracking_code": complaint.tracking_code,
        "title": public_text(complaint, complaint.title, locale),
        "status": complaint.status.value,
        "status_label": status_label(complaint),
        "filed_at": complaint.created_at.isoformat(),
        "score": suggestion.score,
    }
