"""What anyone may see of a complaint: one projection for the status page and the public API.

Contact details never appear here. Features add their own sections (escalation cases, evidence, proofs) by
registering a section builder, so the portal does not import them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.models import Complaint, ComplaintStatus
from portal.privacy.redaction import labels_for_locale, redact
from portal.record import events

SectionBuilder = Callable[[Complaint, str], Any]
_sections: dict[str, SectionBuilder] = {}

STATUS_LABELS = {
    ComplaintStatus.RECEIVED: _l("Received"),
    ComplaintStatus.TRIAGE: _l("Awaiting triage"),
    ComplaintStatus.ROUTED: _l("With the bureau"),
    ComplaintStatus.REPLIED: _l("Bureau replied"),
    ComplaintStatus.RESOLVED: _l("Resolved"),
    ComplaintStatus.REOPENED: _l("Reopened by the citizen"),
}


def _redacted(complaint: Complaint, text: str | None, locale: str) -> str | None:
    return public_text(complaint, text, locale) if text else None


def register_section(name: str, builder: SectionBuilder) -> None:
    _sections[name] = builder


def public_text(complaint: Complaint, text: str, locale: str) -> str:
    """Text as the public may read it: phone, ID, e-mail and bank card numbers and staff-marked names removed."""
    return redact(text, private_names=complaint.redactions or (), labels=labels_for_locale(locale))


def public_complaint(complaint: Complaint, locale: str) -> dict[str, Any]:
    category = complaint.category
    bureau = complaint.bureau
    view: dict[str, Any] = {
        "tracking_code": complaint.tracking_code,
        "title": public_text(complaint, complaint.title, locale),
        "body": public_text(complaint, complaint.body, locale),
        "status": complaint.status.value,
        "status_label": str(STATUS_LABELS[complaint.status]),
        "division": {"code": complaint.division.code, "name": complaint.division.name(locale)},
        "address": _redacted(complaint, complaint.address, locale),
        "category": {"key": category.key, "label": category.label(locale)} if category else None,
        "bureau": {"code": bureau.code, "name": bureau.name(locale)} if bureau else None,
        "reply_due_at": complaint.reply_due_at.isoformat() if complaint.reply_due_at else None,
        "misconduct_alleged": complaint.misconduct_alleged,
        "filed_at": complaint.created_at.isoformat(),
        "timeline": [
            {
                "at": event.created_at.isoformat(),
                "kind": event.kind,
                "text": events.describe(event),
                "detail": _redacted(complaint, events.public_detail(event), locale),
            }
            for event in complaint.events
            if event.public
        ],
    }
    for name, builder in _sections.items():
        view[name] = builder(complaint, locale)
    return view
