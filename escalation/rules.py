"""The escalation rules: tracks, oversight-body selection, the case state machine, deadlines, the
sweep rule and who may see or act on a case. Pure functions over plain values (enums, str codes,
aware datetimes): no Flask, no database. Services load a case, pass a ``CaseSnapshot`` in, and
persist what comes back.

Decisions, with the reason for each:

- Tracks. Discipline (纪委) when the accused is a Party member or the text signals a cadre
  (a 书记 is a Party post; leading cadres fall under the 纪委); supervision (监察局) otherwise,
  including "unknown" membership. Staff can still open a case on the other track explicitly.
- Body selection. A case goes to the body of its track in the accused unit's division, but never
  to the accused unit itself: then it goes one level up, and at the province (no level above) to
  the province's body of the other track, the only body there that is not the accused. The case
  keeps the track of the allegation, so at the province the body's own track may differ from the
  case's track; no escalation starts from the province anyway.
- State machine. ``open -> acknowledged -> investigating -> acted | declined``; acknowledging and
  investigating are optional steps (a body may act or decline at once). ``overdue`` is a state set
  by the sweep, and sticky: only an outcome (``act`` or ``decline``, recorded as late) clears it,
  so the public keeps seeing the missed deadline until the body answers, and a body cannot flip it
  back with an empty "investigating".
- Escalation is not a state: an overdue case that spawned a case one level up stays ``overdue``
  and carries a link (``CaseSnapshot.escalated``). The original body can still answer late; the
  case above runs on its own deadlines.
- Deadlines. Acknowledge within ``acknowledge_days`` and reach an outcome within
  ``outcome_days``, both counted from the opening of the case, so a slow acknowledgement cannot
  buy time and the citizen sees both dates on day one. An escalated case is a new case: its clock
  starts when it is opened. The sweep computes deadlines from the policy each time; the services
  also store the result with the case as its public due date, so after a change of the holiday
  list the two can differ for a case already open (the stored date is refreshed at its next step).
- The deadline is the deadline, whether or not the sweep has run: an action taken after a deadline
  sees the case as overdue (``effective_state``). Services should apply the sweep decision first,
  so that the overdue event precedes the late answer in the record.
- A bureau's reply is missed when there is none by the deadline; a late reply missed it too.
- Visibility. Nobody whose own body or bureau is the accused unit or the complained-about bureau
  sees the case, whatever the role. Then: admins see every case, liaison officers the cases of
  their own body, everyone else (triage, bureau officers, the public) none; the public projection
  is built elsewhere. Only a liaison officer of the case's body acts on it: an admin acting would
  put a body's answer on the record under the wrong name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from escalation.errors import (
    DeclineNeedsReason,
    InvalidUnitCode,
    OutcomeRequired,
    TransitionNotAllowed,
    UnexpectedOutcome,
    UnknownDivision,
)
from escalation.vocabulary import CaseAction, CaseState, Outcome
from portal.deadlines.workdays import DeadlinePolicy, last_day_of, require_aware
from portal.domain import Role, Track


class DeadlineKind(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    OUTCOME = "outcome"


class SweepAction(StrEnum):
    NOTHING = "nothing"
    MARK_OVERDUE_AND_ESCALATE = "mark_overdue_and_escalate"
    # at the province there is no level above: the case stays overdue and shows publicly as unanswered
    MARK_OVERDUE_AND_STAY = "mark_overdue_and_stay"
    # already overdue but its escalation is missing (e.g. an earlier sweep stopped between the two writes)
    ESCALATE = "escalate"


TERMINAL_STATES: Final = frozenset({CaseState.ACTED, CaseState.DECLINED})

ALLOWED_ACTIONS: Final[Mapping[CaseState, frozenset[CaseAction]]] = MappingProxyType(
    {
        CaseState.OPEN: frozenset(CaseAction),
        CaseState.ACKNOWLEDGED: frozenset({CaseAction.INVESTIGATE, CaseAction.ACT, CaseAction.DECLINE}),
        CaseState.INVESTIGATING: frozenset({CaseAction.ACT, CaseAction.DECLINE}),
        CaseState.OVERDUE: frozenset({CaseAction.ACT, CaseAction.DECLINE}),
        CaseState.ACTED: frozenset(),
        CaseState.DECLINED: frozenset(),
    }
)

_STATE_AFTER: Final[Mapping[CaseAction, CaseState]] = MappingProxyType(
    {
        CaseAction.ACKNOWLEDGE: CaseState.ACKNOWLEDGED,
        CaseAction.INVESTIGATE: CaseState.INVESTIGATING,
        CaseAction.ACT: CaseState.ACTED,
        CaseAction.DECLINE: CaseState.DECLINED,
    }
)

_BODY_SUFFIXES: Final = frozenset(track.value for track in Track)

_OTHER_TRACK: Final[Mapping[Track, Track]] = MappingProxyType(
    {Track.DISCIPLINE: Track.SUPERVISION, Track.SUPERVISION: Track.DISCIPLINE}
)


# --- deadlines ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    due_at: datetime  # exclusive: overdue when now >= due_at (local midnight ending the last day)

    @property
    def last_day(self) -> date:
        """The last local day on which the step is still in time."""
        return last_day_of(self.due_at)


def deadline_for(state: CaseState, opened_at: datetime, policy: DeadlinePolicy) -> Deadline | None:
    """The deadline that applies to a case in ``state``; None once it is answered or already overdue."""
    state = CaseState(state)
    if state is CaseState.OPEN:
        return Deadline(DeadlineKind.ACKNOWLEDGE, policy.due(opened_at, policy.acknowledge_days))
    if state in (CaseState.ACKNOWLEDGED, CaseState.INVESTIGATING):
        return Deadline(DeadlineKind.OUTCOME, policy.due(opened_at, policy.outcome_days))
    return None


# --- codes and bodies ---------------------------------------------------------------------------------------


def _split_unit_code(code: str, expected: str) -> tuple[str, str]:
    division, colon, suffix = code.partition(":")
    if not colon or not division or not suffix or ":" in suffix:
        raise InvalidUnitCode(code, expected)
    return division, suffix


def body_code(division_code: str, track: Track | str) -> str:
    """The code of an oversight body, ``DIVISION:discipline`` or ``DIVISION:supervision``."""
    if not division_code or ":" in division_code:
        raise InvalidUnitCode(division_code, "a division code")
    return f"{division_code}:{Track(track)}"


def division_of(unit_code: str) -> str:
    """The division of a bureau or body code: ``XD-A1`` for ``XD-A1:environment``."""
    return _split_unit_code(unit_code, "a unit code DIVISION:suffix")[0]


def _parent_of(division_code: str, division_parents: Mapping[str, str | None]) -> str | None:
    if division_code not in division_parents:
        raise UnknownDivision(division_code)
    return division_parents[division_code]


def select_body(
    track: Track | str,
    accused_division_code: str,
    division_parents: Mapping[str, str | None],
    accused_unit_code: str | None,
) -> str:
    """The oversight body that takes a misconduct case: the ``track`` body of the accused unit's
    division, never the accused unit itself (then one level up; at the province, the province's
    body of the other track)."""
    track = Track(track)
    parent = _parent_of(accused_division_code, division_parents)
    candidate = body_code(accused_division_code, track)
    if candidate != accused_unit_code:
        return candidate
    if parent is not None:
        return body_code(parent, track)
    return body_code(accused_division_code, _OTHER_TRACK[track])


def select_inaction_body(bureau_code: str, division_parents: Mapping[str, str | None]) -> str:
    """The body that takes a bureau's missed reply deadline (administrative inaction): the
    supervision body of the bureau's division."""
    division, suffix = _split_unit_code(bureau_code, "a bureau code DIVISION:category")
    if suffix in _BODY_SUFFIXES:
        raise InvalidUnitCode(bureau_code, "a bureau code (it names an oversight body)")
    _parent_of(division, division_parents)
    return body_code(division, Track.SUPERVISION)


def select_retaliation_body(accused_division_code: str, division_parents: Mapping[str, str | None]) -> str:
    """The body that takes a report of retaliation against whoever reported misconduct: the supervision body
    one level above the accused unit's division (the level that handled the allegation may be the one
    retaliating), or the province's own at the top."""
    above = _parent_of(accused_division_code, division_parents)
    return body_code(above or accused_division_code, Track.SUPERVISION)


# --- the case state machine ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseSnapshot:
    """What the rules need to know about a stored case."""

    state: CaseState
    track: Track
    body_code: str
    opened_at: datetime
    accused_unit_code: str | None = None
    escalated: bool = False  # a case one level up has been opened from this one

    def __post_init__(self) -> None:
        # accept the plain strings a database column or a form gives, and fail early on anything else
        object.__setattr__(self, "state", CaseState(self.state))
        object.__setattr__(self, "track", Track(self.track))
        require_aware(self.opened_at, "opened_at")
        if _split_unit_code(self.body_code, "an oversight body code")[1] not in _BODY_SUFFIXES:
            raise InvalidUnitCode(self.body_code, "an oversight body code")
        if self.escalated and self.state not in (CaseState.OVERDUE, *TERMINAL_STATES):
            raise ValueError(f"only an overdue case is escalated; this one is {self.state}")


@dataclass(frozen=True)
class Transition:
    """The result of an action: the state it leads to and the deadline that applies from then on."""

    action: CaseAction
    from_state: CaseState  # the effective state the action was taken in (overdue if a deadline had passed)
    state: CaseState
    deadline: Deadline | None
    late: bool  # taken after a missed deadline
    outcome: Outcome | None
    text: str | None  # the reason of a decline, the description of an "other" outcome, or an optional note


def case_deadline(case: CaseSnapshot, policy: DeadlinePolicy) -> Deadline | None:
    """The deadline that applies to the case in its stored state."""
    return deadline_for(case.state, case.opened_at, policy)


def effective_state(case: CaseSnapshot, now: datetime, policy: DeadlinePolicy) -> CaseState:
    """The stored state, or ``overdue`` when its deadline has passed and the sweep has not caught up yet."""
    require_aware(now, "now")
    deadline = case_deadline(case, policy)
    if deadline is not None and now >= deadline.due_at:
        return CaseState.OVERDUE
    return case.state


def _clean_text(text: str | None) -> str | None:
    if text is None:
        return None
    return text.strip() or None


def apply_action(
    case: CaseSnapshot,
    action: CaseAction | str,
    now: datetime,
    policy: DeadlinePolicy,
    *,
    outcome: Outcome | str | None = None,
    text: str | None = None,
) -> Transition:
    """Check that a body may take ``action`` on the case now, and say where it leads.

    Raises ``TransitionNotAllowed`` for an action the (effective) state does not allow,
    ``OutcomeRequired`` for ``act`` without an outcome (or ``other`` without a text),
    ``DeclineNeedsReason`` for ``decline`` without a reason and ``UnexpectedOutcome`` for an outcome
    on any other action.
    """
    action = CaseAction(action)
    chosen_outcome = None if outcome is None else Outcome(outcome)
    require_aware(now, "now")
    if now < case.opened_at:
        raise ValueError("an action cannot precede the opening of its case")
    from_state = effective_state(case, now, policy)
    if action not in ALLOWED_ACTIONS[from_state]:
        raise TransitionNotAllowed(from_state, action)

    cleaned = _clean_text(text)
    if action is CaseAction.ACT:
        if chosen_outcome is None:
            raise OutcomeRequired("acting on a case needs an outcome")
        if chosen_outcome is Outcome.OTHER and cleaned is None:
            raise OutcomeRequired("the outcome 'other' needs a text saying what was done")
    elif chosen_outcome is not None:
        raise UnexpectedOutcome(f"only 'act' takes an outcome, not '{action}'")
    if action is CaseAction.DECLINE and cleaned is None:
        raise DeclineNeedsReason("declining a case needs a reason")

    state = _STATE_AFTER[action]
    return Transition(
        action=action,
        from_state=from_state,
        state=state,
        deadline=deadline_for(state, case.opened_at, policy),
        late=from_state is CaseState.OVERDUE,
        outcome=chosen_outcome,
        text=cleaned,
    )


# --- the sweep ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepDecision:
    action: SweepAction
    missed: Deadline | None = None  # the deadline that has just passed, when the sweep marks the case overdue
    escalate_to: str | None = None  # the body of the new case one level up

    @property
    def marks_overdue(self) -> bool:
        return self.action in (SweepAction.MARK_OVERDUE_AND_ESCALATE, SweepAction.MARK_OVERDUE_AND_STAY)


_NOTHING: Final = SweepDecision(SweepAction.NOTHING)


def _escalation_target(case: CaseSnapshot, division_parents: Mapping[str, str | None]) -> str | None:
    parent = _parent_of(division_of(case.body_code), division_parents)
    if parent is None:
        return None
    return select_body(case.track, parent, division_parents, case.accused_unit_code)


def sweep_decision(
    case: CaseSnapshot, now: datetime, policy: DeadlinePolicy, division_parents: Mapping[str, str | None]
) -> SweepDecision:
    """What the periodic sweep does with one case at ``now``. Idempotent: once the decision is applied (state
    ``overdue``, ``escalated`` set when a case was opened above), the same call returns ``nothing``.

    The new case above has the same track and the same accused unit, and is opened at ``now``.
    """
    require_aware(now, "now")
    if case.escalated or case.state in TERMINAL_STATES:
        return _NOTHING
    if case.state is CaseState.OVERDUE:
        target = _escalation_target(case, division_parents)
        return _NOTHING if target is None else SweepDecision(SweepAction.ESCALATE, escalate_to=target)
    deadline = case_deadline(case, policy)
    if deadline is None or now < deadline.due_at:
        return _NOTHING
    target = _escalation_target(case, division_parents)
    if target is None:
        return SweepDecision(SweepAction.MARK_OVERDUE_AND_STAY, missed=deadline)
    return SweepDecision(SweepAction.MARK_OVERDUE_AND_ESCALATE, missed=deadline, escalate_to=target)


# --- bureau replies -----------------------------------------------------------------------------------------


# --- visibility ---------------------------------------------------------------------------------------------


def can_view_case(
    viewer_role: Role | str | None,
    *,
    viewer_body_code: str | None,
    viewer_bureau_code: str | None,
    case_body_code: str,
    accused_unit_code: str | None,
    complained_bureau_code: str | None,
) -> bool:
    """Whether a staff member sees a case's internals. ``viewer_role`` None is the public, which
    only ever sees the public projection, built elsewhere."""
    if viewer_role is None:
        return False
    role = Role(viewer_role)
    own_units = {viewer_body_code, viewer_bureau_code} - {None}
    if own_units & {accused_unit_code, complained_bureau_code}:
        return False
    if role is Role.ADMIN:
        return True
    if role is Role.LIAISON:
        return viewer_body_code is not None and viewer_body_code == case_body_code
    return False


def can_act_on_case(
    viewer_role: Role | str | None,
    *,
    viewer_body_code: str | None,
    viewer_bureau_code: str | None,
    case_body_code: str,
    accused_unit_code: str | None,
    complained_bureau_code: str | None,
) -> bool:
    """Whether a staff member may acknowledge, investigate, act on or decline the case: a liaison
    officer of the case's body, unless their body or bureau is the accused. Which actions the
    case's state allows is a separate question (``allowed_actions``)."""
    if viewer_role is None or Role(viewer_role) is not Role.LIAISON:
        return False
    return can_view_case(
        viewer_role,
        viewer_body_code=viewer_body_code,
        viewer_bureau_code=viewer_bureau_code,
        case_body_code=case_body_code,
        accused_unit_code=accused_unit_code,
        complained_bureau_code=complained_bureau_code,
    )


# --- public figures -----------------------------------------------------------------------------------------
