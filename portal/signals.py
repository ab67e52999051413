"""The declared cross-feature reactions: one signal per fact a later feature may act on, with a typed payload.

A feature that comes earlier in the dependency order (escalation -> triage -> portal) announces what happened;
a later one reacts, without the earlier importing it. Receivers are connected per app by the factory (a
feature lists them in its ``FEATURE.receivers``), and a signal is sent with the current app as its sender, so
an app reacts only through the features it installed. Receivers run synchronously, in the sender's
transaction: a receiver that raises a refusal refuses the whole action, and nothing of it is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from blinker import Namespace
from flask import Flask, current_app

from portal.domain import Track

P = TypeVar("P")
_namespace = Namespace()


class Signal(Generic[P]):
    """A blinker signal whose receivers take one payload of type ``P``."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self._signal = _namespace.signal(name, doc)

    def connect(self, app: Flask, receiver: Callable[[P], object]) -> None:
        def relay(_sender: Flask, *, payload: P) -> None:
            receiver(payload)

        # weak=False: ``relay`` is a closure that nothing else holds; blinker drops it with the app.
        self._signal.connect(relay, sender=app, weak=False)

    def send(self, payload: P) -> None:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        self._signal.send(app, payload=payload)

    def receivers_for(self, app: Flask) -> int:
        return sum(1 for _receiver in self._signal.receivers_for(app))


@dataclass(frozen=True)
class Subscription(Generic[P]):
    """A receiver a feature declares for a signal; connected to one app at installation."""

    signal: Signal[P]
    receiver: Callable[[P], object]  # what it returns is ignored

    def connect(self, app: Flask) -> None:
        self.signal.connect(app, self.receiver)


@dataclass(frozen=True)
class MisconductReferral:
    """A confirmed misconduct allegation, to be placed with an oversight body.

    ``division_code`` is the accused unit's division (the complaint's own if None); ``accused_unit_code`` is
    given when the accused unit is one of ours (a bureau or oversight body), which then never holds the case.
    """

    complaint_id: int
    track: Track
    reason: str
    actor: str
    division_code: str | None = None
    accused_unit_code: str | None = None


misconduct_referred: Signal[MisconductReferral] = Signal(
    "misconduct-referred",
    "Staff referred a misconduct allegation to oversight (the triage desk confirmed a flag, or a case was opened "
    "directly). The escalation feature opens the case with the body the rules select; its refusals (an unknown "
    "division or unit) abort the referral.",
)


@dataclass(frozen=True)
class PublicEventRecorded:
    """An event anyone may read was put on a complaint's record (flushed, in the transaction of the change)."""

    event_id: int
    complaint_id: int
    kind: str


public_event_recorded: Signal[PublicEventRecorded] = Signal(
    "public-event-recorded",
    "A public event was recorded on a complaint. The notifications feature tells the complainant of the changes "
    "the recording feature marked as notable (EventText.notify), after the commit.",
)


@dataclass(frozen=True)
class ComplaintResolved:
    """A bureau marked a complaint resolved (in the transaction of its reply)."""

    complaint_id: int
    bureau_id: int


complaint_resolved: Signal[ComplaintResolved] = Signal(
    "complaint-resolved",
    "A bureau marked a complaint resolved. The feedback feature opens the follow-up visit (回访) for the round.",
)


@dataclass(frozen=True)
class InactionReferral:
    """A bureau's handling of a complaint to be placed with the supervision body as administrative inaction
    (the citizen's follow-up visits failed twice): the complaint's current bureau is the one concerned."""

    complaint_id: int
    reason: str
    actor: str


# The reason of an inaction case the follow-up visits opened: it tells it from a missed deadline (whose cases the
# sweep opens without a reason), so the case is not described as a late reply.
FOLLOW_UP_FAILED = "follow-up visits failed twice"

inaction_referred: Signal[InactionReferral] = Signal(
    "inaction-referred",
    "A complaint's bureau failed the citizen's follow-up visit a second time. The escalation feature opens an "
    "administrative-inaction case with the supervision body the rules select for that bureau.",
)

ALL: tuple[Signal[Any], ...] = (
    misconduct_referred,
    public_event_recorded,
    complaint_resolved,
    inaction_referred,
)
