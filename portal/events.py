"""Recording events: the only way state changes enter the append-only record.

Every feature records through :func:`record`; the public timeline describes events through the describers that
features register here, so the portal shows triage and escalation events without importing those packages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from portal.extensions import db
from portal.models import Complaint, Event

Describer = Callable[[Event], str]
_describers: dict[str, Describer] = {}


def record(
    kind: str,
    *,
    complaint: Complaint | None,
    actor: str,
    public: bool = True,
    payload: Mapping[str, Any] | None = None,
) -> Event:
    event = Event(kind=kind, complaint=complaint, actor=actor, public=public, payload=dict(payload or {}))
    db.session.add(event)
    db.session.flush()  # assigns the sequence number the record is ordered by
    return event


def register_describer(kind: str, describer: Describer) -> None:
    """How the public timeline words events of ``kind`` (called at import time by each feature)."""
    _describers[kind] = describer


def describe(event: Event) -> str:
    describer = _describers.get(event.kind)
    return describer(event) if describer else event.kind
