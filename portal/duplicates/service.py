"""Linking a complaint to its master, unlinking it, and what a linked complaint shows of its master.

A linked complaint keeps its own tracking code, receipt and citizen; it leaves the triage queue and no deadline of
its own runs, because the master is the one handled. What it shows of the handling is read from the master when
the page is built (status, bureau, replies), so nothing has to be copied when the master changes. Only the news
is copied: each notable public change of the master (routed, replied, resolved, ...) is recorded on every linked
complaint as ``master_progress``, which puts it on their timelines and tells their citizens (portal.notifications).

Links are one step deep: a master is never linked itself, and a complaint that is a master cannot become a
duplicate, so there are no chains and no cycles. Services flush; the request commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.complaints import second_bureau
from portal.complaints.lookup import find_by_code
from portal.complaints.rounds import start_reply_round
from portal.complaints.similar import similar_open_complaints
from portal.complaints.timeline import describe, status_label
from portal.extensions import db
from portal.features import installed
from portal.models import Complaint, ComplaintStatus, Event, SecondBureau, utcnow
from portal.privacy.public_text import public_text_or_none
from portal.record import events, seals
from portal.refusals import N_, Conflict, ReasonRequired, Refusal, UnknownTarget
from portal.signals import PublicEventRecorded

LINKED = "linked_duplicate"  # on the duplicate
DUPLICATE_ADDED = "duplicate_linked"  # on the master
UNLINKED = "unlinked_duplicate"  # on the former duplicate
DUPLICATE_REMOVED = "duplicate_unlinked"  # on the master
MASTER_PROGRESS = "master_progress"  # on each duplicate, for a notable change of its master
OWN_KINDS = frozenset({LINKED, DUPLICATE_ADDED, UNLINKED, DUPLICATE_REMOVED, MASTER_PROGRESS})
# How many likely duplicates the triage desk offers.
SUGGESTIONS = 5


class UnknownMaster(UnknownTarget):
    code = "unknown_master"
    message = N_("No complaint has this tracking code. Check it and try again.")
    default_field = "master"


class LinkedToItself(Refusal):
    code = "duplicate_of_itself"
    message = N_("A complaint cannot be a duplicate of itself.")
    default_field = "master"


class MasterInOtherDivision(Refusal):
    """The same problem in another division is another bureau's, with another deadline: not one case."""

    code = "master_in_other_division"
    message = N_("The master must be a complaint of the same division: another place is another case.")
    default_field = "master"


class MasterIsDuplicate(Conflict):
    """Links are one step deep: a duplicate's duplicates belong to its master."""

    code = "master_is_duplicate"
    message = N_("That complaint is itself handled together with %(root)s: link to %(root)s instead.")
    default_field = "master"

    def __init__(self, root: str, detail: str = "") -> None:
        super().__init__(detail, root=root)


class LinkWouldCycle(Conflict):
    code = "duplicate_cycle"
    message = N_("That complaint is already linked to this one: linking back would make a circle.")
    default_field = "master"


class HasDuplicates(Conflict):
    code = "has_duplicates"
    message = N_("Other complaints are linked to this one as their master, so it cannot become a duplicate.")
    default_field = "master"


class AlreadyLinked(Conflict):
    code = "already_linked"
    message = N_("This complaint is already handled together with %(master)s: unlink it first.")
    default_field = "master"

    def __init__(self, master: str, detail: str = "") -> None:
        super().__init__(detail, master=master)


class ClosedComplaint(Conflict):
    code = "duplicate_resolved"
    message = N_("A resolved complaint cannot be linked, nor be a master: route the open one on its own.")
    default_field = "master"


class NotLinked(Conflict):
    code = "not_linked"
    message = N_("This complaint is not linked to a master.")
    default_field = "reason"


class HandledWithMaster(Conflict):
    """A duplicate is routed and answered through its master, not on its own."""

    code = "handled_with_master"
    message = N_("This complaint is handled together with %(master)s: act on %(master)s, or unlink it first.")

    def __init__(self, master: str, detail: str = "") -> None:
        super().__init__(detail, master=master)


def refuse_if_duplicate(complaint: Complaint) -> None:
    """Refuse to route or answer a duplicate by itself: its master's handling is its handling."""
    if complaint.duplicate_of is not None:
        raise HandledWithMaster(complaint.duplicate_of.tracking_code)


def _payload(complaint: Complaint, master: Complaint, reason: str) -> dict[str, str]:
    return {"duplicate": complaint.tracking_code, "master": master.tracking_code, "reason": reason}


def link(complaint: Complaint, master_code: str, *, reason: str, actor: str) -> Complaint:
    """Handle ``complaint`` together with the complaint ``master_code`` names, for ``reason``; on both records."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired
    master = find_by_code(master_code or "")
    if master is None:
        raise UnknownMaster((master_code or "")[:64])
    if master.id == complaint.id:
        raise LinkedToItself(complaint.tracking_code)
    if complaint.duplicate_of is not None:
        raise AlreadyLinked(complaint.duplicate_of.tracking_code)
    if master.duplicate_of is not None:
        if master.duplicate_of_id == complaint.id:
            raise LinkWouldCycle(f"{master.tracking_code} is a duplicate of {complaint.tracking_code}")
        raise MasterIsDuplicate(master.duplicate_of.tracking_code)
    if db.session.scalar(select(Complaint.id).where(Complaint.duplicate_of_id == complaint.id).limit(1)):
        raise HasDuplicates(complaint.tracking_code)
    if master.division_id != complaint.division_id:
        raise MasterInOtherDivision(f"{master.division.code} is not {complaint.division.code}")
    if ComplaintStatus.RESOLVED in (complaint.status, master.status):
        raise ClosedComplaint
    complaint.duplicate_of = master
    payload = _payload(complaint, master, reason)
    events.record(LINKED, complaint=complaint, actor=actor, payload=payload)
    events.record(DUPLICATE_ADDED, complaint=master, actor=actor, payload=payload)
    return master


def unlink(complaint: Complaint, *, reason: str, actor: str) -> Complaint:
    """Handle ``complaint`` on its own again, for ``reason``; on both records. Returns the former master."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired
    master = complaint.duplicate_of
    if master is None:
        raise NotLinked(complaint.tracking_code)
    complaint.duplicate_of = None
    if complaint.bureau_id is not None and complaint.status is not ComplaintStatus.RESOLVED:
        # Its bureau could not answer it while it was linked: it gets a full round of its own from now, not the
        # deadline that ran out meanwhile.
        start_reply_round(complaint, utcnow())
    payload = _payload(complaint, master, reason)
    events.record(UNLINKED, complaint=complaint, actor=actor, payload=payload)
    events.record(DUPLICATE_REMOVED, complaint=master, actor=actor, payload=payload)
    return master


def on_public_event(recorded: PublicEventRecorded) -> None:
    """Receiver of ``public_event_recorded``: a notable change of a master is news for each of its duplicates
    (recorded on theirs, in the same transaction, so their citizens are told as the master's is)."""
    if recorded.kind in OWN_KINDS:
        return
    text = installed().timeline.get(recorded.kind)
    if text is None or not text.notify:
        return
    duplicates = db.session.scalars(
        select(Complaint).where(Complaint.duplicate_of_id == recorded.complaint_id).order_by(Complaint.id)
    ).all()
    if not duplicates:
        return
    master = db.session.get(Complaint, recorded.complaint_id)
    assert master is not None
    for duplicate in duplicates:
        events.record(
            MASTER_PROGRESS,
            complaint=duplicate,
            actor="system",
            payload={"master": master.tracking_code, "event": recorded.event_id, "kind": recorded.kind},
        )


@dataclass(frozen=True)
class LikelyDuplicate:
    complaint: Complaint
    score: float


def likely_masters(complaint: Complaint) -> list[LikelyDuplicate]:
    """Open complaints of the same division that look like the same problem and could be its master: never
    itself, never one that is a duplicate already (its master is offered instead, when alike enough)."""
    found = similar_open_complaints(
        complaint.division.code, complaint.title, complaint.body, limit=SUGGESTIONS + 4
    )
    return [
        LikelyDuplicate(suggestion.complaint, suggestion.score)
        for suggestion in found
        if suggestion.complaint.id != complaint.id and suggestion.complaint.duplicate_of_id is None
    ][:SUGGESTIONS]


def duplicates_of(master: Complaint) -> list[Complaint]:
    return list(
        db.session.scalars(
            select(Complaint).where(Complaint.duplicate_of_id == master.id).order_by(Complaint.id)
        )
    )


# What the public view says about links: the master's handling, for a duplicate; the duplicates, for a master.


def _handling(master: Complaint, locale: str) -> dict[str, Any]:
    seals.require_intact(
        master
    )  # the master's handling, rewritten in the database, is not shown on a duplicate
    category = master.category
    bureau = master.bureau
    return {
        "tracking_code": master.tracking_code,
        "status": master.status.value,
        "status_label": status_label(master),
        "category": {"key": category.key, "label": category.label(locale)} if category else None,
        "bureau": {"code": bureau.code, "name": bureau.name(locale)} if bureau else None,
        "reply_due_at": master.reply_due_at.isoformat() if master.reply_due_at else None,
        # Resolved as a whole: a two-bureau master whose first bureau alone resolved its part is not.
        "resolved_at": master.resolved_at.isoformat()
        if master.resolved_at and master.status is ComplaintStatus.RESOLVED
        else None,
        # The master's second bureau, with its own round, when it has one (portal.complaints.second_bureau).
        "second_bureau": second_bureau.section(master, locale),
        "replies": [
            {
                "at": event.created_at.isoformat(),
                "text": describe(event),
                "detail": public_text_or_none(master, event.payload.get("text"), locale),
                "resolved": bool(event.payload.get("resolved")),
            }
            for event in master.events
            if event.public and event.kind == "bureau_replied"
        ],
    }


def public_links_many(complaints: Sequence[Complaint], locale: str) -> dict[int, dict[str, Any]]:
    """The ``duplicates`` section of many public views at once: two queries at most, whatever their number."""
    master_ids = {c.duplicate_of_id for c in complaints if c.duplicate_of_id is not None}
    masters: dict[int, Complaint] = {}
    if master_ids:
        masters = {
            master.id: master
            for master in db.session.scalars(
                select(Complaint)
                .where(Complaint.id.in_(master_ids))
                .options(
                    selectinload(Complaint.category),
                    selectinload(Complaint.bureau),
                    selectinload(Complaint.events),
                    joinedload(Complaint.second_bureau).joinedload(SecondBureau.bureau),
                )
            )
        }
    linked: dict[int, list[str]] = {c.id: [] for c in complaints}
    ids = list(linked)
    if ids:
        rows = db.session.execute(
            select(Complaint.duplicate_of_id, Complaint.tracking_code)
            .where(Complaint.duplicate_of_id.in_(ids))
            .order_by(Complaint.id)
        )
        for master_id, code in rows:
            if master_id is not None:
                linked[master_id].append(code)
    return {
        c.id: {
            "handled_with": _handling(masters[c.duplicate_of_id], locale) if c.duplicate_of_id else None,
            "linked": linked[c.id],
        }
        for c in complaints
    }


def public_links(complaint: Complaint, locale: str) -> dict[str, Any]:
    return public_links_many([complaint], locale)[complaint.id]


def linked_status_label(complaint: Complaint) -> str | None:
    """A duplicate's status is its master's: "Handled together with FA-...: <the master's status>"."""
    master = complaint.duplicate_of if complaint.duplicate_of_id is not None else None
    if master is None:
        return None
    return _(
        "Handled together with %(code)s: %(status)s", code=master.tracking_code, status=status_label(master)
    )


# How the public timeline words the events of links.


def _code(event: Event, key: str) -> str:
    value = event.payload.get(key)
    return value if isinstance(value, str) else ""


def describe_linked(event: Event) -> str:
    return _(
        "A triage officer found this is the same problem as %(code)s: it is handled together with it from now on",
        code=_code(event, "master"),
    )


def describe_duplicate_added(event: Event) -> str:
    return _(
        "A triage officer found %(code)s is the same problem: it is handled together with this complaint",
        code=_code(event, "duplicate"),
    )


def describe_unlinked(event: Event) -> str:
    return _(
        "A triage officer unlinked this complaint from %(code)s: it is handled on its own again",
        code=_code(event, "master"),
    )


def describe_duplicate_removed(event: Event) -> str:
    return _(
        "A triage officer unlinked %(code)s: it is no longer handled together with this complaint",
        code=_code(event, "duplicate"),
    )


def describe_master_progress(event: Event) -> str:
    number = event.payload.get("event")
    source = db.session.get(Event, number) if isinstance(number, int) else None
    what = describe(source) if source is not None else _code(event, "kind")
    return _(
        "In %(code)s, handled together with this complaint: %(what)s", code=_code(event, "master"), what=what
    )
