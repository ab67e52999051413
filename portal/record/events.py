"""Recording events: the only way state changes enter the append-only record.

Every feature records through :func:`record`, in the transaction of the change itself. How the public timeline
words each kind of event is declared by the feature that records it (``FEATURE.timeline``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.extensions import db
from portal.models import Complaint, Event, utcnow
from portal.record import store as record_store
from portal.signals import PublicEventRecorded, public_event_recorded


def record(
    kind: str,
    *,
    complaint: Complaint | None,
    actor: str,
    public: bool = True,
    payload: Mapping[str, Any] | None = None,
) -> Event:
    # The time is set here, not by the column default, because it is part of the entry hashed into the record.
    event = Event(
        kind=kind,
        complaint=complaint,
        actor=actor,
        public=public,
        payload=dict(payload or {}),
        created_at=utcnow(),
    )
    # Appended before it is flushed, so the row is inserted once and complete (events are never updated),
    # and the record's lock is always taken before any row the event touches.
    with db.session.no_autoflush:
        record_store.append(event)
    db.session.add(event)
    db.session.flush()
    if public and complaint is not None:
        public_event_recorded.send(PublicEventRecorded(event.id, complaint.id, kind))
    return event
