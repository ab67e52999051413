"""Recording events: the only way state changes enter the append-only record.

Every feature records through :func:`record`; the public timeline describes events through the describers that
features register here, so the portal shows triage and escalation events without importing those packages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from portal.extensions import db
from portal.models import Complaint, Event, utcnow
from portal.record import store as record_store

Describer = Callable[[Event], str]
Listener = Callable[[Event], None]
_describers: dict[str, Describer] = {}
_detail_keys: dict[str, str] = {}
_listeners: dict[str, list[Listener]] = {}


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
    # and the ledger's lock is always taken before any row the event touches.
    with db.session.no_autoflush:
        record_store.append(event)
    db.session.add(event)
    db.session.flush()
    for listener in _listeners.get(kind, ()):
        listener(event)
    return event


def subscribe(kind: str, listener: Listener) -> None:
    """Run ``listener`` in the same transaction whenever an event of ``kind`` is recorded.

    This is how a later package reacts to an earlier one (escalation opens a case when triage confirms
    misconduct) without the earlier one importing it.
    """
    if listener not in _listeners.setdefault(kind, []):
        _listeners[kind].append(listener)


def register_describer(kind: str, describer: Describer, *, detail_key: str | None = None) -> None:
    """How the public timeline words events of ``kind`` (called at import time by each feature).

    ``detail_key`` names the payload field whose text the public may read (a reply, a citizen's addition).
    """
    _describers[kind] = describer
    if detail_key is not None:
        _detail_keys[kind] = detail_key


def public_detail(event: Event) -> str | None:
    key = _detail_keys.get(event.kind)
    value = event.payload.get(key) if key else None
    return value if isinstance(value, str) and value else None


def describe(event: Event) -> str:
    describer = _describers.get(event.kind)
    return describer(event) if describer else event.kind
