"""Showing a complainant's contact details to staff: who may, the reason each reveal needs, and its log.

Contact details are never on a staff page by default. A staff member who may see them asks, giving a reason; the
reveal is logged (who, in which role, when, why) and put on the complaint's private record, and the citizen,
with the follow-up secret, can see how often, when and by which role (never by whom) they were shown.

Who may: triage officers and administrators always; officers of the bureau handling the complaint unless it
alleges misconduct (the allegation may concern their colleagues, and a complainant who can be identified can
be pressured: as with the photos' originals, ``portal.evidence.photos.may_see_originals``); and whoever an
installed feature grants (``Feature.contact_access``: escalation lets the liaison officers of a body holding a
misconduct case on the complaint see them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from portal.complaints.followup import WrongSecret
from portal.complaints.lookup import secret_matches
from portal.domain import Role
from portal.extensions import db
from portal.features import installed
from portal.models import Complaint, StaffUser
from portal.privacy.contacts import read_contact
from portal.privacy.models import ContactReveal
from portal.privacy.sealing import Contact
from portal.record import events
from portal.refusals import N_, Conflict, NotPermitted, ReasonRequired

REVEALED = "contact_revealed"
REASON_MAX = 500


class ContactWithheld(NotPermitted):
    code = "contact_withheld"
    message = N_("Your account may not see this complainant's contact details.")


class NoContactDetails(Conflict):
    code = "no_contact_details"
    message = N_("No contact details are stored for this complaint: it was filed anonymously or without any.")


def may_reveal(staff: StaffUser, complaint: Complaint) -> bool:
    """Whether ``staff`` may have the contact details of ``complaint`` shown (each time with a reason)."""
    if staff.role in (Role.ADMIN, Role.TRIAGE):
        return True
    if staff.role is Role.BUREAU:
        # Never to a bureau when misconduct is alleged, whichever bureau it is.
        return (
            not complaint.misconduct_alleged
            and staff.bureau_id is not None
            and staff.bureau_id in complaint.answering_bureau_ids  # a second bureau too
        )
    return any(grant(staff, complaint) for grant in installed().contact_access)


@dataclass(frozen=True)
class Revealed:
    contact: Contact
    at: datetime


def reveal(complaint: Complaint, *, staff: StaffUser, reason: str) -> Revealed:
    """The contact details of ``complaint`` for ``staff``, logged with ``reason`` (the caller commits)."""
    if not may_reveal(staff, complaint):
        raise ContactWithheld(f"{staff.username} on {complaint.tracking_code}")
    contact = read_contact(complaint)
    if contact is None:
        raise NoContactDetails(complaint.tracking_code)
    reason = reason.strip()
    if not reason:
        raise ReasonRequired
    logged = ContactReveal(complaint=complaint, staff=staff, role=staff.role, reason=reason[:REASON_MAX])
    db.session.add(logged)
    db.session.flush()
    # The fact and the reason go on the complaint's record, privately; the details themselves never do.
    events.record(
        REVEALED,
        complaint=complaint,
        actor=staff.actor,
        public=False,
        payload={"reason": logged.reason, "role": staff.role.value, "reveal": logged.id},
    )
    return Revealed(contact=contact, at=logged.created_at)


@dataclass(frozen=True)
class Seen:
    """One reveal as the citizen is told of it."""

    at: datetime
    role: Role


@dataclass(frozen=True)
class RevealHistory:
    contact_stored: bool
    reveals: list[Seen]


def history_for_citizen(complaint: Complaint, *, secret: str) -> RevealHistory:
    """When, and by which role, the complaint's contact details were shown; for the holder of its secret."""
    if not secret_matches(complaint, secret):
        raise WrongSecret
    rows = db.session.execute(
        select(ContactReveal.created_at, ContactReveal.role)
        .where(ContactReveal.complaint_id == complaint.id)
        .order_by(ContactReveal.created_at, ContactReveal.id)
    ).all()
    return RevealHistory(
        contact_stored=complaint.has_contact, reveals=[Seen(at=at, role=role) for at, role in rows]
    )
