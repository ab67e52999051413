"""Adding and reading support. Services flush; the request commits."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import Complaint, ComplaintStatus
from portal.models.types import utcnow
from portal.refusals import N_, Conflict
from portal.support.models import SupportMark, SupportTally

FORGET_JOB = "support_forget_marks"


class ComplaintClosed(Conflict):
    code = "complaint_resolved"
    message = N_(
        "This complaint is resolved, so it takes no more support. If the problem is back, file a new complaint."
    )


@dataclass(frozen=True)
class Supported:
    supporters: int
    counted: bool  # False: this address had already supported this complaint today


def _day_end(now: datetime) -> datetime:
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return start + timedelta(days=1)


def mark_digest(code: str, client: str, now: datetime) -> str:
    """The day's mark of ``client`` on complaint ``code``: an HMAC under the portal's secret."""
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    message = f"support\0{now.date().isoformat()}\0{code}\0{client}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def add_support(complaint: Complaint, client: str) -> Supported:
    """Count ``client`` (a client address) once per day for ``complaint``; resolved complaints take none."""
    if complaint.status is ComplaintStatus.RESOLVED:
        raise ComplaintClosed(complaint.tracking_code)
    now = utcnow()
    try:
        with db.session.begin_nested():
            db.session.add(
                SupportMark(
                    digest=mark_digest(complaint.tracking_code, client, now), expires_at=_day_end(now)
                )
            )
    except IntegrityError:
        return Supported(supporters_of(complaint), counted=False)
    _increment(complaint.id, now)
    return Supported(supporters_of(complaint), counted=True)


def _increment(complaint_id: int, now: datetime) -> None:
    raised = update(SupportTally).where(SupportTally.complaint_id == complaint_id)
    values = {"supporters": SupportTally.supporters + 1, "last_at": now}
    if db.session.execute(raised.values(**values)).rowcount:  # type: ignore[attr-defined]
        return
    try:
        with db.session.begin_nested():
            db.session.add(SupportTally(complaint_id=complaint_id, supporters=1, last_at=now))
    except IntegrityError:  # another request made the row first
        db.session.execute(raised.values(**values))


def supporters_of(complaint: Complaint) -> int:
    return supporters_by_id([complaint.id]).get(complaint.id, 0)


def supporters_by_id(ids: Iterable[int]) -> dict[int, int]:
    wanted = list(ids)
    if not wanted:
        return {}
    rows = db.session.execute(
        select(SupportTally.complaint_id, SupportTally.supporters).where(
            SupportTally.complaint_id.in_(wanted)
        )
    )
    return {int(complaint_id): int(count) for complaint_id, count in rows.all()}


def forget_expired_marks() -> int:
    """Delete the marks of days that are over (a job, every hour): afterwards nothing links an address to a
    complaint it supported."""
    result = db.session.execute(delete(SupportMark).where(SupportMark.expires_at <= utcnow()))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
