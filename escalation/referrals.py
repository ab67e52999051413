"""How escalation hooks into the portal: cases open when triage confirms misconduct, and show on the status page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from escalation.cases import open_case
from escalation.models import Case, CaseKind
from escalation.public import public_case
from portal.domain import Track
from portal.extensions import db
from portal.models import Complaint, Event
from portal.record import events


def open_case_for_confirmed_misconduct(event: Event) -> None:
    """Triage confirmed an allegation: open the case with the body the rules select for the accused unit."""
    payload = event.payload
    complaint = event.complaint
    assert complaint is not None  # triage records this event on a complaint
    open_case(
        complaint,
        track=Track(payload["track"]),
        kind=CaseKind.MISCONDUCT,
        actor=event.actor,
        reason=payload.get("reason"),
        accused_division_code=payload.get("division"),
        accused_unit_code=payload.get("accused_unit_code"),
    )


def public_cases(complaint: Complaint, locale: str) -> list[dict[str, Any]]:
    found = db.session.scalars(select(Case).where(Case.complaint_id == complaint.id).order_by(Case.id))
    return [public_case(case, locale) for case in found]


events.subscribe("misconduct_confirmed", open_case_for_confirmed_misconduct)
