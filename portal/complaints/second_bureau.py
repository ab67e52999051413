"""Two-bureau complaints: a second bureau answering beside the first, each in its own reply round.

The triage desk assigns the second bureau when a complaint is about two bureaus' work. Each bureau has its own
deadline, replies on its own desk and is held to its own round by the sweep and the figures. The complaint is
resolved when both bureaus have resolved it: the first bureau's resolution alone leaves it "replied" until the
second one resolves too (and the other way round). A contest or a failed follow-up starts a new round for both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from portal.complaints.routing import AccusedBureau, bureau_named
from portal.deadlines.policy import deadline_policy
from portal.extensions import db
from portal.features import EventText
from portal.http.i18n import current_language
from portal.jurisdiction.naming import names_bureau
from portal.models import Bureau, Complaint, Event, SecondBureau, StaffUser
from portal.record import events, seals
from portal.refusals import N_, Refusal, UnknownTarget


class SameBureauTwice(Refusal):
    """The second bureau is the first one again."""

    code = "same_bureau_twice"
    message = N_("The second bureau must differ from the first.")
    default_field = "second_bureau"


class SecondBureauElsewhere(Refusal):
    """Both bureaus answer for the same place: the second must be of the division the complaint goes to."""

    code = "second_bureau_elsewhere"
    message = N_("The second bureau must be of the same division as the first (%(division)s).")
    default_field = "second_bureau"

    def __init__(self, division: str, detail: str = "") -> None:
        super().__init__(detail, division=division)


class UnknownSecondBureau(UnknownTarget):
    code = "unknown_second_bureau"
    message = N_("Unknown bureau code. Use a code such as XD-A1:transport.")
    default_field = "second_bureau"


def find_bureau(code: str) -> Bureau:
    bureau = db.session.scalar(select(Bureau).where(Bureau.code == code))
    if bureau is None:
        raise UnknownSecondBureau(f"no bureau {code!r}")
    return bureau


def check(complaint: Complaint, first: Bureau, second_code: str) -> Bureau:
    """The second bureau ``second_code`` names, refused if it is the first, of another division, or the bureau
    the complaint accuses."""
    second = find_bureau(second_code)
    if complaint.misconduct_alleged and names_bureau(complaint.accused_unit, second):
        raise AccusedBureau(f"{complaint.tracking_code} accuses {second.code}", field="second_bureau")
    if second.id == first.id:
        raise SameBureauTwice(f"{second.code} twice")
    if second.division_id != first.division_id:
        raise SecondBureauElsewhere(first.division.code, f"{second.code} is not in {first.division.code}")
    return second


def assign(complaint: Complaint, second: Bureau | None, *, actor: str, now: datetime) -> None:
    """Give the (just routed) complaint ``second`` as its second bureau, in a round starting ``now``; ``None``
    withdraws a second bureau it had. Both go on the public record."""
    current = complaint.second_bureau
    if second is None:
        if current is not None:
            events.record(
                "second_bureau_withdrawn",
                complaint=complaint,
                actor=actor,
                payload={"bureau": current.bureau.code},
            )
            complaint.second_bureau = None
            db.session.flush()
        return
    if current is not None:
        complaint.second_bureau = None
        db.session.flush()  # the unique complaint_id: the old row goes before the new one comes
    assignment = SecondBureau(bureau=second, routed_at=now, reply_due_at=_due(now))
    complaint.second_bureau = assignment
    events.record(
        "second_bureau_assigned",
        complaint=complaint,
        actor=actor,
        payload={
            "bureau": second.code,
            "first_bureau": complaint.bureau.code if complaint.bureau else None,
            "reply_due_at": assignment.reply_due_at.isoformat(),
        },
    )


def _due(now: datetime) -> datetime:
    policy = deadline_policy()
    return policy.due(now, policy.bureau_reply_days)


def answers_as_second(staff: StaffUser, complaint: Complaint) -> bool:
    """Whether ``staff`` speaks for the complaint's second bureau (and not its first)."""
    assignment = complaint.second_bureau
    return (
        assignment is not None
        and staff.bureau_id is not None
        and staff.bureau_id == assignment.bureau_id
        and staff.bureau_id != complaint.bureau_id
    )


def record_reply(assignment: SecondBureau, *, resolve: bool, now: datetime) -> None:
    assignment.first_replied_at = assignment.first_replied_at or now
    assignment.resolved_at = now if resolve else None


def still_open(complaint: Complaint) -> bool:
    """Whether the complaint's second bureau has yet to resolve it."""
    return complaint.second_bureau is not None and complaint.second_bureau.resolved_at is None


def section(complaint: Complaint, locale: str) -> dict[str, Any] | None:
    """The second bureau on the public page and API: who, its deadline, and when it replied and resolved."""
    assignment = complaint.second_bureau
    if assignment is None:
        return None
    seals.require_intact(assignment)  # a round rewritten in the database is refused, not shown
    return {
        "bureau": {"code": assignment.bureau.code, "name": assignment.bureau.name(locale)},
        "reply_due_at": assignment.reply_due_at.isoformat(),
        "replied_at": assignment.first_replied_at.isoformat() if assignment.first_replied_at else None,
        "resolved_at": assignment.resolved_at.isoformat() if assignment.resolved_at else None,
        # The first bureau's own round, beside it (its deadline is the complaint's ``reply_due_at``).
        "first": {
            "replied_at": complaint.first_replied_at.isoformat() if complaint.first_replied_at else None,
            "resolved_at": complaint.resolved_at.isoformat() if complaint.resolved_at else None,
        },
    }


def sections(complaints: Sequence[Complaint], locale: str) -> dict[int, dict[str, Any] | None]:
    """The same for a list (public views load the assignments with the complaints)."""
    return {complaint.id: section(complaint, locale) for complaint in complaints}


def _bureau_name(event: Event) -> str:
    return bureau_named(event.payload.get("bureau"), current_language())


def _describe_assigned(event: Event) -> str:
    return _("Also sent to %(bureau)s, which replies on its own deadline", bureau=_bureau_name(event))


def _describe_withdrawn(event: Event) -> str:
    return _("%(bureau)s no longer handles this complaint", bureau=_bureau_name(event))


TIMELINE = {
    "second_bureau_assigned": EventText(_describe_assigned, notify=True),
    "second_bureau_withdrawn": EventText(_describe_withdrawn, notify=True),
}
