"""What anyone may see of a complaint: one projection for the status page and the public API.

Contact details never appear here. The timeline words each event as the feature that recorded it declared
(``FEATURE.timeline``), and the installed features add their own sections (evidence, escalation cases).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from portal.features import installed
from portal.labels import STATUS_LABELS
from portal.models import Complaint, Event, SecondBureau
from portal.privacy.public_text import public_text, public_text_or_none
from portal.record import seals


def describe(event: Event) -> str:
    text = installed().timeline.get(event.kind)
    return text.describe(event) if text else event.kind


def public_detail(event: Event) -> str | None:
    """The text of an event the public may read (a reply, a citizen's addition), if its kind has one."""
    text = installed().timeline.get(event.kind)
    value = event.payload.get(text.detail_key) if text and text.detail_key else None
    return value if isinstance(value, str) and value else None


# What a public view reads, loaded in bulk by any query whose rows become public views (a few queries a list).
PUBLIC_VIEW_LOADS: tuple[LoaderOption, ...] = (
    selectinload(Complaint.division),
    selectinload(Complaint.category),
    selectinload(Complaint.bureau),
    selectinload(Complaint.events),
    # Joined, not a query of its own: a list page's query budget is fixed (tests/queries.py).
    joinedload(Complaint.second_bureau).joinedload(SecondBureau.bureau),
)


def public_complaint(complaint: Complaint, locale: str) -> dict[str, Any]:
    sections = {name: builder(complaint, locale) for name, builder in installed().public_sections.items()}
    return _view(complaint, locale, sections)


def public_complaints(complaints: Sequence[Complaint], locale: str) -> list[dict[str, Any]]:
    """The public views of many complaints: each feature builds its section for the whole list at once."""
    many = installed().public_sections_many
    by_section: dict[str, Mapping[int, Any]] = {
        name: many[name](complaints, locale)
        if name in many
        else {complaint.id: one(complaint, locale) for complaint in complaints}
        for name, one in installed().public_sections.items()
    }
    return [
        _view(complaint, locale, {name: found[complaint.id] for name, found in by_section.items()})
        for complaint in complaints
    ]


def _view(complaint: Complaint, locale: str, sections: Mapping[str, Any]) -> dict[str, Any]:
    seals.require_intact(complaint)  # a row rewritten in the database is never shown as the portal's word
    category = complaint.category
    bureau = complaint.bureau
    view: dict[str, Any] = {
        "tracking_code": complaint.tracking_code,
        "title": public_text(complaint, complaint.title, locale),
        "body": public_text(complaint, complaint.body, locale),
        "status": complaint.status.value,
        "division": {"code": complaint.division.code, "name": complaint.division.name(locale)},
        "address": public_text_or_none(complaint, complaint.address, locale),
        "category": {"key": category.key, "label": category.label(locale)} if category else None,
        "bureau": {"code": bureau.code, "name": bureau.name(locale)} if bureau else None,
        "reply_due_at": complaint.reply_due_at.isoformat() if complaint.reply_due_at else None,
        "misconduct_alleged": complaint.misconduct_alleged,
        "filed_at": complaint.created_at.isoformat(),
        "timeline": [
            {
                "at": event.created_at.isoformat(),
                "kind": event.kind,
                "text": describe(event),
                "detail": public_text_or_none(complaint, public_detail(event), locale),
            }
            for event in complaint.events
            if event.public
        ],
    }
    view.update(sections)
    view["status_label"] = status_label(complaint)
    return view


def status_label(complaint: Complaint) -> str:
    """The complaint's status in words: its own, unless a feature holds it (oversight for an allegation alone)."""
    for labeller in installed().status_labels:
        label = labeller(complaint)
        if label is not None:
            return label
    return str(STATUS_LABELS[complaint.status])


def staff_history(complaint: Complaint, *, events: list[Event] | None = None) -> list[dict[str, Any]]:
    """The complaint's public history as staff read it: every public event worded, with its text as stored
    (the citizen's additions, the contest reason, the bureau's own replies), oldest first.

    Staff are authorised to read the stored text, so nothing is redacted; private events (reviews, contact
    reveals) are left out, so a page showing this reveals nothing the public timeline does not say already."""
    chosen = complaint.events if events is None else events
    return [
        {"at": event.created_at, "kind": event.kind, "text": describe(event), "detail": public_detail(event)}
        for event in chosen
        if event.public
    ]
