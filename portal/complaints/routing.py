"""Routing a complaint to a bureau: by the model or by staff, always recorded with who decided and why."""

from __future__ import annotations

from datetime import datetime

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select

from portal.complaints.rounds import start_reply_round
from portal.extensions import db
from portal.features import EventText
from portal.http.i18n import current_language
from portal.jurisdiction.naming import names_bureau
from portal.models import Bureau, Category, Complaint, ComplaintStatus, Division, Event, RoutedBy, utcnow
from portal.record import events
from portal.refusals import N_, Conflict, Refusal, UnknownTarget

ROUTABLE = frozenset(
    {ComplaintStatus.RECEIVED, ComplaintStatus.TRIAGE, ComplaintStatus.ROUTED, ComplaintStatus.REOPENED}
)


class AccusedBureau(Refusal):
    """A complaint may not go to the bureau it accuses: its officers would see the complainant's details."""

    code = "accused_bureau"
    message = N_(
        "This complaint accuses that bureau of misconduct: route it elsewhere or refer it to oversight."
    )
    default_field = "category"


class NotRoutable(Conflict):
    """The complaint is no longer routed (the bureau replied or resolved it)."""

    code = "not_routable"
    message = N_("This complaint is closed: it can be routed again only if the citizen contests.")
    default_field = "category"


def bureau_for(division: Division, category_key: str) -> Bureau:
    bureau = db.session.scalar(
        select(Bureau).join(Category).where(Bureau.division_id == division.id, Category.key == category_key)
    )
    if bureau is None:
        raise UnknownTarget(f"no bureau for {category_key!r} in {division.code}")
    return bureau


def route(
    complaint: Complaint,
    category_key: str,
    *,
    routed_by: RoutedBy,
    actor: str,
    division: Division | None = None,
    model_version: str | None = None,
    confidence: float | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> Bureau:
    """Assign ``complaint`` to the bureau for ``category_key`` in ``division`` (default: the complaint's own)
    and start the bureau's reply deadline."""
    if complaint.status not in ROUTABLE:
        raise NotRoutable(f"a {complaint.status.value} complaint cannot be rerouted")
    now = now or utcnow()
    previous = complaint.bureau
    bureau = bureau_for(division or complaint.division, category_key)
    if complaint.misconduct_alleged and names_bureau(complaint.accused_unit, bureau):
        raise AccusedBureau(f"{complaint.tracking_code} accuses {bureau.code}")
    complaint.category = bureau.category
    complaint.bureau = bureau
    complaint.routed_by = routed_by
    complaint.model_version = model_version
    complaint.confidence = confidence
    complaint.status = ComplaintStatus.ROUTED
    # A new round: the (new) bureau's clock starts now, and a reply from a previous round is not its reply.
    reply_due_at = start_reply_round(complaint, now)
    events.record(
        "routed" if previous is None else "rerouted",
        complaint=complaint,
        actor=actor,
        payload={
            "bureau": bureau.code,
            "category": category_key,
            "by": routed_by.value,
            "model_version": model_version,
            "confidence": None if confidence is None else round(confidence, 4),
            "reason": reason,
            "previous_bureau": previous.code if previous else None,
            "reply_due_at": reply_due_at.isoformat(),
        },
    )
    return bureau


def _bureaus_by_code() -> dict[str, Bureau]:
    """Every bureau by code, read once per request: a timeline of many complaints names many bureaus."""
    if "bureaus_by_code" not in g:
        g.bureaus_by_code = {bureau.code: bureau for bureau in db.session.scalars(select(Bureau))}
    found: dict[str, Bureau] = g.bureaus_by_code
    return found


def bureau_named(code: object, locale: str) -> str:
    """The name of the bureau ``code`` (from an event's payload) in ``locale``, or the code if unknown."""
    bureau = _bureaus_by_code().get(code) if isinstance(code, str) else None
    return bureau.name(locale) if bureau else str(code or "")


def _describe_routing(event: Event) -> str:
    name = bureau_named(event.payload.get("bureau"), current_language())
    if event.payload.get("by") == RoutedBy.MODEL.value:
        return _("Sent to %(bureau)s automatically", bureau=name)
    return _("Sent to %(bureau)s by a triage officer", bureau=name)


TIMELINE = {
    "routed": EventText(_describe_routing, notify=True),
    "rerouted": EventText(_describe_routing, notify=True),
}
