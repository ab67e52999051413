"""The bureau's side: replying to complaints routed to it and marking them resolved."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from portal.domain import Role
from portal.evidence import fix_photos
from portal.evidence.photos import Upload
from portal.extensions import db
from portal.features import EventText
from portal.models import Complaint, ComplaintStatus, Event, StaffUser, utcnow
from portal.record import events
from portal.refusals import N_, Conflict, NotPermitted
from portal.signals import ComplaintResolved, complaint_resolved

OPEN_FOR_REPLY = frozenset({ComplaintStatus.ROUTED, ComplaintStatus.REPLIED, ComplaintStatus.REOPENED})


class NotYourComplaint(NotPermitted):
    """Only officers of the bureau a complaint is routed to may answer for it."""

    code = "not_your_bureau"
    message = N_("Only officers of the responsible bureau may reply.")


class NotOpenForReply(Conflict):
    code = "closed"
    message = N_("This complaint is closed; it can be answered again if the citizen contests.")
    default_field = "text"


def is_officer_of(staff: StaffUser, complaint: Complaint) -> bool:
    # Not even an admin answers for a bureau: the record must show the bureau's own officers speaking.
    return (
        staff.role is Role.BUREAU and staff.bureau_id is not None and staff.bureau_id == complaint.bureau_id
    )


def post_reply(
    complaint: Complaint,
    *,
    staff: StaffUser,
    text: str,
    resolve: bool,
    photos: Sequence[Upload] = (),
    now: datetime | None = None,
) -> Event:
    """Publish a reply (with fix photos, checked in public beside it), resolving the complaint if asked."""
    if not is_officer_of(staff, complaint):
        raise NotYourComplaint
    if complaint.status not in OPEN_FOR_REPLY:
        raise NotOpenForReply(complaint.status)
    now = now or utcnow()
    assessed = fix_photos.assess(complaint, photos, now)
    if resolve:
        fix_photos.require_for_resolution(complaint, assessed)
    complaint.first_replied_at = complaint.first_replied_at or now
    complaint.status = ComplaintStatus.RESOLVED if resolve else ComplaintStatus.REPLIED
    complaint.resolved_at = now if resolve else None
    payload: dict[str, Any] = {
        "bureau": staff.bureau.code if staff.bureau else None,
        "text": text,
        "resolved": resolve,
        "late": bool(complaint.reply_due_at and now >= complaint.reply_due_at),
    }
    if assessed:
        payload["fix_photos"] = fix_photos.record_entry(assessed)
    event = events.record("bureau_replied", complaint=complaint, actor=staff.actor, payload=payload)
    fix_photos.attach(complaint, event, assessed)
    if resolve and complaint.bureau_id is not None:
        complaint_resolved.send(ComplaintResolved(complaint.id, complaint.bureau_id))
    return event


def bureau_complaints(staff: StaffUser) -> list[Complaint]:
    """The complaints the officer's bureau still has to answer, earliest deadline first."""
    query = select(Complaint).where(
        Complaint.bureau_id == staff.bureau_id, Complaint.status.in_(OPEN_FOR_REPLY)
    )
    return list(db.session.scalars(query.order_by(Complaint.reply_due_at, Complaint.id)))


def _describe_reply(event: Event) -> str:
    if event.payload.get("resolved"):
        return _("The bureau replied and marked the complaint resolved")
    return _("The bureau replied")


TIMELINE = {"bureau_replied": EventText(_describe_reply, detail_key="text", notify=True)}
