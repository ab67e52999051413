"""A complaint as a GeoReport v2 ``<request>``, built from the public projection so redaction always applies.

The status page and this API show the same facts: :func:`portal.complaints.timeline.public_complaint` is the only
source of text, and only structural facts (the division chain, the requested category) come from the row.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urljoin

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import ColumnElement, case, func, select

from portal.domain import is_english
from portal.models import Category, Complaint, ComplaintStatus, Division
from portal.open311.catalogue import GENERAL, MISCONDUCT, Service
from portal.open311.dates import format_datetime

OPEN, CLOSED = "open", "closed"
# The spec's "closed" means resolved; everything else still waits for someone to act.
CLOSED_STATUSES = frozenset({ComplaintStatus.RESOLVED})
AWAITING_REPLY = frozenset({ComplaintStatus.ROUTED, ComplaintStatus.REOPENED})
DESCRIPTION_MAX = 4000  # spec: "limited to 4,000 characters"
STATUS_NOTES_EVENTS = 10
STATUS_NOTES_MAX = 1000


def open311_status(status: ComplaintStatus) -> str:
    return CLOSED if status in CLOSED_STATUSES else OPEN


def statuses_for(open311: str) -> frozenset[ComplaintStatus]:
    """The complaint statuses behind an Open311 status (``open`` or ``closed``)."""
    closed = open311 == CLOSED
    return frozenset(status for status in ComplaintStatus if (status in CLOSED_STATUSES) == closed)


def service_code_for(*, misconduct: bool, category_key: str | None, requested_key: str | None) -> str:
    """Which service a complaint belongs to: an allegation first, then the routed category, then the
    category the filer chose, else ``general``. :func:`service_code_column` is the same rule in SQL."""
    if misconduct:
        return MISCONDUCT
    return category_key or requested_key or GENERAL


def service_code_column() -> ColumnElement[str]:
    category_key = select(Category.key).where(Category.id == Complaint.category_id).scalar_subquery()
    return case(
        (Complaint.misconduct_alleged.is_(True), MISCONDUCT),
        else_=func.coalesce(category_key, Complaint.requested_category_key, GENERAL),
    )


def _duration(days: int) -> str:
    if current_app.config["DEADLINES_IN_WORKING_DAYS"]:
        return ngettext("%(num)d working day", "%(num)d working days", days)
    return ngettext("%(num)d day", "%(num)d days", days)


def _local_date(value: str, zone: tzinfo) -> str:
    return datetime.fromisoformat(value).astimezone(zone).date().isoformat()


def service_notice(view: Mapping[str, Any], zone: tzinfo) -> str | None:
    """What happens next and by when, from the configured deadlines; nothing once the bureau has answered."""
    config = current_app.config
    if view["misconduct_alleged"]:
        return _(
            "Once the allegation is confirmed, the oversight body must acknowledge it within %(acknowledge)s "
            "and report an outcome within %(outcome)s.",
            acknowledge=_duration(config["ACKNOWLEDGE_DEADLINE_DAYS"]),
            outcome=_duration(config["OUTCOME_DEADLINE_DAYS"]),
        )
    status = ComplaintStatus(view["status"])
    if view["bureau"] is None:
        return _(
            "Being assigned to the responsible bureau, which must reply within %(duration)s of assignment.",
            duration=_duration(config["REPLY_DEADLINE_DAYS"]),
        )
    if status in AWAITING_REPLY and view["reply_due_at"]:
        return _(
            "%(bureau)s must reply by %(date)s; if it does not, the Bureau of Supervision takes the case up.",
            bureau=view["bureau"]["name"],
            date=_local_date(view["reply_due_at"], zone),
        )
    return None


def status_notes(view: Mapping[str, Any], zone: tzinfo, locale: str) -> str | None:
    """The public timeline, oldest first, as ``YYYY-MM-DD text`` entries: the latest that fit."""
    english = is_english(locale)
    separator, colon = ("; ", ": ") if english else ("；", "：")
    entries = []
    for item in view["timeline"][-STATUS_NOTES_EVENTS:]:
        text = f"{_local_date(item['at'], zone)} {item['text']}"
        entries.append(f"{text}{colon}{item['detail']}" if item["detail"] else text)
    notes: list[str] = []
    for entry in reversed(entries):  # keep the most recent when they do not all fit
        if len(separator.join([entry, *notes])) > STATUS_NOTES_MAX:
            if not notes:
                notes.append(entry[: STATUS_NOTES_MAX - 1] + "…")
            break
        notes.insert(0, entry)
    return separator.join(notes) or None


def _description(view: Mapping[str, Any]) -> str:
    """The body, after the title unless the body already starts with it (as Open311 filings do)."""
    title, body = view["title"], view["body"]
    text = body if body.startswith(title.rstrip("…")) else f"{title}\n{body}"
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"


def _address(complaint: Complaint, view: Mapping[str, Any], locale: str) -> str:
    """From the most specific to the most general (spec): the address given, then the division chain."""
    parts = [view["address"]] if view["address"] else []
    division: Division | None = complaint.division
    while division is not None:
        parts.append(division.name(locale))
        division = division.parent
    return ", ".join(parts)


def _media_url(complaint: Complaint, view: Mapping[str, Any], root_url: str) -> str | None:
    photos = (view.get("evidence") or {}).get("photos") or []
    return urljoin(root_url, photos[0]["url"]) if photos else complaint.media_url


def _public_point(complaint: Complaint) -> tuple[float | None, float | None]:
    """The centre of the complaint's division: public, and coarse enough to point at no home (a complaint's own
    coordinates can). Clients that skip requests without coordinates still see the request."""
    division: Division | None = complaint.division
    while division is not None and (division.latitude is None or division.longitude is None):
        division = division.parent
    return (division.latitude, division.longitude) if division is not None else (None, None)


def request_document(
    complaint: Complaint,
    view: Mapping[str, Any],
    catalogue: Mapping[str, Service],
    *,
    zone: tzinfo,
    locale: str,
    root_url: str,
) -> dict[str, Any]:
    """The ``<request>`` fields in the spec's order; ``view`` is the complaint's public projection."""
    category = view["category"]
    service = catalogue[
        service_code_for(
            misconduct=view["misconduct_alleged"],
            category_key=category["key"] if category else None,
            requested_key=complaint.requested_category_key,
        )
    ]
    status = ComplaintStatus(view["status"])
    timeline = view["timeline"]
    updated = timeline[-1]["at"] if timeline else view["filed_at"]
    expected = view["reply_due_at"] if status in AWAITING_REPLY else None
    bureau = view["bureau"]
    return {
        "service_request_id": view["tracking_code"],
        "status": open311_status(status),
        "status_notes": status_notes(view, zone, locale),
        "service_name": service.name,
        "service_code": service.code,
        "description": _description(view),
        "agency_responsible": bureau["name"] if bureau else None,
        "service_notice": service_notice(view, zone),
        "requested_datetime": format_datetime(datetime.fromisoformat(view["filed_at"]), zone),
        "updated_datetime": format_datetime(datetime.fromisoformat(updated), zone),
        "expected_datetime": format_datetime(datetime.fromisoformat(expected), zone) if expected else None,
        "address": _address(complaint, view, locale),
        "address_id": None,
        "zipcode": None,
        "lat": _public_point(complaint)[0],
        "long": _public_point(complaint)[1],
        "media_url": _media_url(complaint, view, root_url),
    }


def extended_attributes(view: Mapping[str, Any]) -> dict[str, Any]:
    """Fields beyond GeoReport v2, sent with ``extensions=true`` (the Open311 "extended_attributes" convention,
    as Chicago's and Bonn's servers do): ``supporters``, the "me too" count, when the support feature counts it."""
    return {"supporters": int(view.get("supporters") or 0)}
