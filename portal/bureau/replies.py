"""The bureau's side: replying to complaints routed to it and marking them resolved."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, union_all

from portal.bureau.quality import ReplyQuality, assess_reply
from portal.complaints import second_bureau
from portal.complaints.routing import bureau_named
from portal.complaints.timeline import PUBLIC_VIEW_LOADS
from portal.domain import Role
from portal.duplicates import service as duplicates
from portal.evidence import fix_photos
from portal.evidence.photos import Upload
from portal.extensions import db
from portal.features import EventText
from portal.http.i18n import current_language
from portal.http.paging import Page, PageRequest
from portal.models import Complaint, ComplaintStatus, Event, SecondBureau, StaffUser, utcnow
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
    """An officer of the complaint's bureau, or of its second bureau (portal.complaints.second_bureau)."""
    # Not even an admin answers for a bureau: the record must show the bureau's own officers speaking.
    return (
        staff.role is Role.BUREAU
        and staff.bureau_id is not None
        and (staff.bureau_id == complaint.bureau_id or second_bureau.answers_as_second(staff, complaint))
    )


def due_for(staff: StaffUser, complaint: Complaint) -> datetime | None:
    """The reply deadline of the officer's own bureau: the second bureau has its own."""
    if second_bureau.answers_as_second(staff, complaint):
        assert complaint.second_bureau is not None
        return complaint.second_bureau.reply_due_at
    return complaint.reply_due_at


# The bureau's replies a new one is compared with, to recognise a form letter: its most recent ones.
BOILERPLATE_HISTORY = 300


def _earlier_replies(bureau_code: str | None, complaint: Complaint) -> list[str]:
    if bureau_code is None:
        return []
    query = (
        select(Event.payload)
        .where(Event.kind == "bureau_replied", Event.complaint_id != complaint.id)
        .order_by(Event.id.desc())
        .limit(BOILERPLATE_HISTORY * 5)
    )
    texts = [
        payload.get("text", "")
        for payload in db.session.scalars(query)
        if payload.get("bureau") == bureau_code and isinstance(payload.get("text"), str)
    ]
    return texts[:BOILERPLATE_HISTORY]


def assess(complaint: Complaint, *, staff: StaffUser, text: str, now: datetime | None = None) -> ReplyQuality:
    """How the reply reads: shown to the officer before it is published, and to the public after."""
    now = now or utcnow()
    due = due_for(staff, complaint)
    late_days = (now - due).total_seconds() / 86400 if due else 0.0
    return assess_reply(
        text,
        complaint_title=complaint.title,
        complaint_body=complaint.body,
        other_replies=_earlier_replies(staff.bureau.code if staff.bureau else None, complaint),
        days_late=late_days,
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
    duplicates.refuse_if_duplicate(complaint)
    if complaint.status not in OPEN_FOR_REPLY:
        raise NotOpenForReply(complaint.status)
    now = now or utcnow()
    assessed = fix_photos.assess(complaint, photos, now)
    if resolve:
        fix_photos.require_for_resolution(complaint, assessed)
    due = due_for(staff, complaint)
    # Each bureau answers its own round; the complaint is resolved once every bureau on it has resolved it.
    second = complaint.second_bureau
    if second_bureau.answers_as_second(staff, complaint):
        assert second is not None
        second_bureau.record_reply(second, resolve=resolve, now=now)
        all_resolved = resolve and complaint.resolved_at is not None
    else:
        complaint.first_replied_at = complaint.first_replied_at or now
        complaint.resolved_at = now if resolve else None
        all_resolved = resolve and not second_bureau.still_open(complaint)
    complaint.status = ComplaintStatus.RESOLVED if all_resolved else ComplaintStatus.REPLIED
    payload: dict[str, Any] = {
        "bureau": staff.bureau.code if staff.bureau else None,
        "text": text,
        "resolved": resolve,
        "late": bool(due and now >= due),
    }
    if second is not None:
        # Two bureaus answer: the timeline names which one spoke, and whether the complaint is now resolved.
        payload["of_two"] = True
        payload["complaint_resolved"] = all_resolved
    payload["quality"] = assess(complaint, staff=staff, text=text, now=now).as_json()
    if assessed:
        payload["fix_photos"] = fix_photos.record_entry(assessed)
    event = events.record("bureau_replied", complaint=complaint, actor=staff.actor, payload=payload)
    fix_photos.attach(complaint, event, assessed)
    if all_resolved and complaint.bureau_id is not None:
        complaint_resolved.send(ComplaintResolved(complaint.id, complaint.bureau_id))
    return event


def bureau_complaints(staff: StaffUser, page: PageRequest | None = None) -> Page[Complaint]:
    """A page of the complaints the officer's bureau still has to answer, earliest deadline first
    (index ``ix_complaints_bureau_due``), with what their public views read loaded in bulk.

    A complaint the bureau answers as its second bureau is here until that bureau resolved its part; one whose
    first bureau resolved its part leaves that bureau's list while the second bureau still works on it."""
    page = page or PageRequest()
    still_open = (Complaint.status.in_(OPEN_FOR_REPLY), Complaint.duplicate_of_id.is_(None))  # a duplicate is
    # answered through its master. Two index-friendly halves, not an OR across them (which no index serves):
    # the bureau's own rounds by ix_complaints_bureau_due, its second-bureau rounds by ix_second_bureaus_bureau_due,
    # each with its own deadline.
    # Each half is read in deadline order and cut at the page's end, so each walks its index in order and stops.
    enough = page.offset + page.size + 1
    own = (
        select(Complaint.id.label("id"), Complaint.reply_due_at.label("due"))
        .where(Complaint.bureau_id == staff.bureau_id, Complaint.resolved_at.is_(None), *still_open)
        .order_by(Complaint.reply_due_at, Complaint.id)
        .limit(enough)
        .subquery()
    )
    as_second = (
        select(SecondBureau.complaint_id.label("id"), SecondBureau.reply_due_at.label("due"))
        .join(Complaint, Complaint.id == SecondBureau.complaint_id)
        .where(SecondBureau.bureau_id == staff.bureau_id, SecondBureau.resolved_at.is_(None), *still_open)
        .order_by(SecondBureau.reply_due_at, SecondBureau.complaint_id)
        .limit(enough)
        .subquery()
    )
    rounds = union_all(select(own.c.id, own.c.due), select(as_second.c.id, as_second.c.due)).subquery()
    query = (
        select(Complaint)
        .join(rounds, rounds.c.id == Complaint.id)
        .order_by(rounds.c.due, rounds.c.id)
        .offset(page.offset)
        .limit(page.size + 1)
        .options(*PUBLIC_VIEW_LOADS)
    )
    return Page.of(db.session.scalars(query).all(), page)


def _describe_reply(event: Event) -> str:
    if event.payload.get("of_two"):
        name = bureau_named(event.payload.get("bureau"), current_language())
        if event.payload.get("complaint_resolved"):
            return _("%(bureau)s replied and resolved its part: the complaint is resolved", bureau=name)
        if event.payload.get("resolved"):
            return _("%(bureau)s replied and resolved its part; the other bureau has yet to", bureau=name)
        return _("%(bureau)s replied", bureau=name)
    if event.payload.get("resolved"):
        return _("The bureau replied and marked the complaint resolved")
    return _("The bureau replied")


def quality_section(complaint: Complaint, _locale: str) -> list[dict[str, Any]]:
    """Each reply's assessment, naming the reply by its time in the timeline."""
    return [
        {"reply_at": event.created_at.isoformat(), **event.payload["quality"]}
        for event in complaint.events
        if event.kind == "bureau_replied" and event.public and isinstance(event.payload.get("quality"), dict)
    ]


def quality_sections(complaints: Sequence[Complaint], locale: str) -> dict[int, list[dict[str, Any]]]:
    """The same for a list: it reads only the events, which public views load with the complaints."""
    return {complaint.id: quality_section(complaint, locale) for complaint in complaints}


TIMELINE = {"bureau_replied": EventText(_describe_reply, detail_key="text", notify=True)}
