"""The bureau's side: replying to complaints routed to it and marking them resolved."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from portal.complaints.timeline import PUBLIC_VIEW_LOADS
from portal.domain import Role
from portal.extensions import db
from portal.features import EventText
from portal.http.paging import Page, PageRequest
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
    complaint: Complaint, *, staff: StaffUser, text: str, resolve: bool, now: datetime | None = None
) -> Event:
    if not is_officer_of(staff, complaint):
        raise NotYourComplaint
    if complaint.status not in OPEN_FOR_REPLY:
        raise NotOpenForReply(complaint.status)
    now = now or utcnow()
    complaint.first_replied_at = complaint.first_replied_at or now
    complaint.status = ComplaintStatus.RESOLVED if resolve else ComplaintStatus.REPLIED
    complaint.resolved_at = now if resolve else None
    replied = events.record(
        "bureau_replied",
        complaint=complaint,
        actor=staff.actor,
        payload={
            "bureau": staff.bureau.code if staff.bureau else None,
            "text": text,
            "resolved": resolve,
            "late": bool(complaint.reply_due_at and now >= complaint.reply_due_at),
        },
    )
    if resolve and complaint.bureau_id is not None:
        complaint_resolved.send(ComplaintResolved(complaint.id, complaint.bureau_id))
    return replied


def bureau_complaints(staff: StaffUser, page: PageRequest | None = None) -> Page[Complaint]:
    """A page of the complaints the officer's bureau still has to answer, earliest deadline first
    (index ``ix_complaints_bureau_due``), with what their public views read loaded in bulk."""
    page = page or PageRequest()
    query = (
        select(Complaint)
        .where(Complaint.bureau_id == staff.bureau_id, Complaint.status.in_(OPEN_FOR_REPLY))
        .order_by(Complaint.reply_due_at, Complaint.id)
        .offset(page.offset)
        .limit(page.size + 1)
        .options(*PUBLIC_VIEW_LOADS)
    )
    return Page.of(db.session.scalars(query).all(), page)


def _describe_reply(event: Event) -> str:
    if event.payload.get("resolved"):
        return _("The bureau replied and marked the complaint resolved")
    return _("The bureau replied")


TIMELINE = {"bureau_replied": EventText(_describe_reply, detail_key="text", notify=True)}
