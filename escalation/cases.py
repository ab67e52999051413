"""Case services: open a case, record a body's action, and the sweep. The rules decide; this module persists.

Every change is an event on the public record, in the same transaction as the change itself.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict

from flask import current_app
from sqlalchemy import and_, exists, or_, select

from escalation import rules
from escalation.models import Case, RetaliationCheckIn
from escalation.public import CASE_VIEW_LOADS
from escalation.rules import CaseSnapshot, SweepAction
from escalation.vocabulary import CaseAction, CaseKind, CaseState, Outcome
from portal.deadlines.policy import deadline_policy
from portal.domain import Role, Track
from portal.extensions import db
from portal.http.paging import Page, PageRequest
from portal.models import Bureau, Complaint, Division, Event, OversightBody, SecondBureau, StaffUser, utcnow
from portal.record import events
from portal.refusals import N_, NotPermitted, UnknownTarget

SWEEP_JOB = "escalation_sweep"
# The retaliation check-in (escalation.retaliation): asked by the sweep, some days after a misconduct case closed.
ASKED = "retaliation_check_in"


class NotYourCase(NotPermitted):
    """The staff member may not act on this case."""

    message = N_("Only officers of the body holding the case may act on it.")
    default_field = "action"


def division_parents() -> dict[str, str | None]:
    rows = db.session.execute(select(Division.code, Division.parent_id, Division.id)).all()
    code_by_id = {row.id: row.code for row in rows}
    return {row.code: code_by_id.get(row.parent_id) for row in rows}


def snapshot(case: Case) -> CaseSnapshot:
    return CaseSnapshot(
        state=case.state,
        track=case.track,
        body_code=case.body.code,
        opened_at=case.opened_at,
        accused_unit_code=case.accused_unit_code,
        escalated=case.escalated,
    )


def _body(code: str) -> OversightBody:
    body = db.session.scalar(select(OversightBody).where(OversightBody.code == code))
    if body is None:
        raise UnknownTarget(f"no oversight body {code!r}")
    return body


def known_unit_code(code: str) -> str:
    """The canonical code of one of our bureaus or oversight bodies, as typed by a person: full-width colons,
    spaces and letter case forgiven. A code that names no unit is refused, never stored: an accused unit that
    was mistyped would otherwise not be recognised, and could end up holding the case about itself."""
    division, _colon, suffix = unicodedata.normalize("NFKC", code).replace(" ", "").partition(":")
    canonical = f"{division.upper()}:{suffix.lower()}"
    for model in (Bureau, OversightBody):
        if db.session.scalar(select(model.id).where(model.code == canonical)) is not None:
            return canonical
    raise UnknownTarget(f"no bureau or oversight body {code!r}", field="accused_unit_code")


def _case_payload(case: Case, **extra: object) -> dict[str, object]:
    return {
        "case": case.id,
        "body": case.body.code,
        "track": case.track.value,
        "kind": case.kind.value,
        "level": case.body.division.level.value,
        **extra,
    }


def open_case(
    complaint: Complaint,
    *,
    track: Track,
    kind: CaseKind,
    actor: str,
    reason: str | None = None,
    accused_division_code: str | None = None,
    accused_unit_code: str | None = None,
    body_code: str | None = None,
    parent: Case | None = None,
    now: datetime | None = None,
) -> Case:
    """Open a case with the body the rules select (or ``body_code``, for an escalation already decided)."""
    now = now or utcnow()
    parents = division_parents()
    if accused_unit_code is not None:
        accused_unit_code = known_unit_code(accused_unit_code)
        unit_division = rules.division_of(accused_unit_code)
        if accused_division_code not in (None, unit_division):
            raise UnknownTarget(
                f"{accused_unit_code} is not in {accused_division_code}", field="accused_unit_code"
            )
        accused_division_code = unit_division
    division_code = accused_division_code or complaint.division.code
    if division_code not in parents:
        raise UnknownTarget(f"unknown division {division_code!r}")
    target = body_code or rules.select_body(track, division_code, parents, accused_unit_code)
    case = Case(
        complaint=complaint,
        body=_body(target),
        track=track,
        kind=kind,
        state=CaseState.OPEN,
        reason=reason,
        accused_name=complaint.accused_name if kind is CaseKind.MISCONDUCT else None,
        accused_unit=complaint.accused_unit if kind is CaseKind.MISCONDUCT else None,
        accused_unit_code=accused_unit_code,
        parent=parent,
        opened_at=now,
    )
    deadline = rules.deadline_for(CaseState.OPEN, now, deadline_policy())
    case.due_at = deadline.due_at if deadline else None
    db.session.add(case)
    db.session.flush()
    events.record(
        "case_opened",
        complaint=complaint,
        actor=actor,
        payload=_case_payload(
            case,
            due_at=case.due_at.isoformat() if case.due_at else None,
            parent_case=parent.id if parent else None,
        ),
    )
    return case


class _Codes(TypedDict):
    viewer_body_code: str | None
    viewer_bureau_code: str | None
    case_body_code: str
    accused_unit_code: str | None
    complained_bureau_code: str | None


def _who_and_what(staff: StaffUser, case: Case) -> _Codes:
    """The codes the visibility rules compare: the viewer's own units and the units the case is about."""
    complaint = case.complaint
    return {
        "viewer_body_code": staff.oversight_body.code if staff.oversight_body else None,
        "viewer_bureau_code": staff.bureau.code if staff.bureau else None,
        "case_body_code": case.body.code,
        "accused_unit_code": case.accused_unit_code,
        "complained_bureau_code": complaint.bureau.code if complaint.bureau else None,
    }


def can_view(staff: StaffUser, case: Case) -> bool:
    return rules.can_view_case(staff.role, **_who_and_what(staff, case))


def can_act(staff: StaffUser, case: Case) -> bool:
    return rules.can_act_on_case(staff.role, **_who_and_what(staff, case))


def may_see_contact(staff: StaffUser, complaint: Complaint) -> bool:
    """Liaison officers may have the complainant's contact details revealed for a misconduct case their body
    holds (and may view): to investigate an allegation they may need to hear the witness."""
    if staff.role is not Role.LIAISON or staff.oversight_body_id is None:
        return False
    held = db.session.scalars(
        select(Case).where(
            Case.complaint_id == complaint.id,
            Case.kind == CaseKind.MISCONDUCT,
            Case.body_id == staff.oversight_body_id,
        )
    )
    return any(can_view(staff, case) for case in held)


def record_action(
    case: Case,
    action: CaseAction,
    *,
    staff: StaffUser,
    outcome: Outcome | None = None,
    text: str | None = None,
    now: datetime | None = None,
) -> Case:
    """A body's action on one of its cases. A passed deadline is recorded first, so the record shows the
    missed deadline before the late answer."""
    if not can_act(staff, case):
        raise NotYourCase
    # Locked for the rest of the transaction: a sweep running now skips this case instead of escalating it
    # under an answer it has not seen.
    db.session.refresh(case, with_for_update=True)
    # Never before the opening: a sweep run with a moved clock (`--now`) or skewed server clocks can open a
    # case "later" than a real-time action on it.
    now = max(now or utcnow(), case.opened_at)
    sweep_case(case, now, division_parents())
    transition = rules.apply_action(
        snapshot(case), action, now, deadline_policy(), outcome=outcome, text=text
    )
    case.state = transition.state
    case.due_at = transition.deadline.due_at if transition.deadline else None
    if transition.state in rules.TERMINAL_STATES:
        case.closed_at = now
        case.outcome = transition.outcome
        case.answer = transition.text
        case.late = transition.late
        schedule_check_ins(case, now)
    events.record(
        f"case_{transition.state.value}",
        complaint=case.complaint,
        actor=staff.actor,
        payload=_case_payload(
            case,
            outcome=transition.outcome.value if transition.outcome else None,
            text=transition.text,
            late=transition.late,
        ),
    )
    return case


def sweep_case(case: Case, now: datetime, parents: Mapping[str, str | None]) -> Case | None:
    """Apply the sweep rule to one case. Returns the case opened one level up, if any."""
    decision = rules.sweep_decision(snapshot(case), now, deadline_policy(), parents)
    if decision.action is SweepAction.NOTHING:
        return None
    if decision.marks_overdue:
        case.state = CaseState.OVERDUE
        case.overdue_at = now
        case.due_at = None
        events.record(
            "case_overdue",
            complaint=case.complaint,
            actor="system",
            payload=_case_payload(
                case,
                missed=decision.missed.kind.value if decision.missed else None,
                unanswered_at_top=decision.action is SweepAction.MARK_OVERDUE_AND_STAY,
            ),
        )
    if decision.escalate_to is None:
        return None
    case.escalated = True
    return open_case(
        case.complaint,
        track=case.track,
        kind=case.kind,
        actor="system",
        reason=case.reason,
        accused_unit_code=case.accused_unit_code,
        body_code=decision.escalate_to,
        parent=case,
        now=now,
    )


def schedule_check_ins(case: Case, closed_at: datetime) -> list[RetaliationCheckIn]:
    """As a misconduct case closes: one retaliation check-in per configured number of days."""
    if case.kind is not CaseKind.MISCONDUCT:
        return []
    made = [
        RetaliationCheckIn(
            complaint_id=case.complaint_id,
            case_id=case.id,
            days_after=days,
            due_at=closed_at + timedelta(days=days),
        )
        for days in current_app.config["RETALIATION_CHECK_DAYS"]
    ]
    db.session.add_all(made)
    return made


def ask_due(now: datetime) -> int:
    """Ask every retaliation check-in that has fallen due (part of the sweep); returns how many."""
    due = db.session.scalars(
        select(RetaliationCheckIn)
        .where(RetaliationCheckIn.asked_at.is_(None), RetaliationCheckIn.due_at <= now)
        .order_by(RetaliationCheckIn.id)
        .with_for_update(skip_locked=True)
    ).all()
    for check_in in due:
        check_in.asked_at = now
        events.record(
            ASKED,
            complaint=check_in.complaint,
            actor="system",
            payload={"check_in": check_in.id, "case": check_in.case_id, "days_after": check_in.days_after},
        )
    return len(due)


@dataclass(frozen=True)
class SweepReport:
    overdue: int
    escalated: int
    inaction_opened: int
    check_ins_asked: int = 0


def _open_inaction_cases(now: datetime) -> int:
    """Open a supervision case for each round in which a bureau let its reply deadline pass: no reply by the
    deadline, or a reply after it (a late reply is still a missed deadline). A contest starts a new round.

    A complaint's second bureau (``SecondBureau``) is held to its own round the same way: the case names the
    bureau that missed its deadline, and a case against one bureau does not count as the other's."""
    this_round = exists().where(
        Case.complaint_id == Complaint.id,
        Case.kind == CaseKind.INACTION,
        Case.opened_at >= Complaint.routed_at,
        Case.accused_unit_code == Bureau.code,
    )
    missed = or_(Complaint.first_replied_at.is_(None), Complaint.first_replied_at >= Complaint.reply_due_at)
    late = db.session.execute(
        select(Complaint, Bureau.code)
        .join(Bureau, Bureau.id == Complaint.bureau_id)
        .where(
            Complaint.reply_due_at <= now,
            missed,
            ~this_round,
            Complaint.duplicate_of_id.is_(None),  # a duplicate's deadline is its master's
        )
        .order_by(Complaint.id)
        # Concurrent sweeps (every worker runs one) skip the complaints another is already handling.
        .with_for_update(skip_locked=True, of=Complaint)
    ).all()
    second_round = exists().where(
        Case.complaint_id == SecondBureau.complaint_id,
        Case.kind == CaseKind.INACTION,
        Case.opened_at >= SecondBureau.routed_at,
        Case.accused_unit_code == Bureau.code,
    )
    second_missed = or_(
        SecondBureau.first_replied_at.is_(None), SecondBureau.first_replied_at >= SecondBureau.reply_due_at
    )
    late_seconds = db.session.execute(
        select(SecondBureau, Bureau.code)
        .join(Bureau, Bureau.id == SecondBureau.bureau_id)
        .where(SecondBureau.reply_due_at <= now, second_missed, ~second_round)
        .order_by(SecondBureau.id)
        .with_for_update(skip_locked=True, of=SecondBureau)
    ).all()
    parents = division_parents()
    missed_rounds = [(complaint, code) for complaint, code in late] + [
        (second.complaint, code) for second, code in late_seconds if second.complaint.duplicate_of_id is None
    ]
    for complaint, bureau_code in missed_rounds:
        open_case(
            complaint,
            track=Track.SUPERVISION,
            kind=CaseKind.INACTION,
            actor="system",
            reason=None,  # the kind says it all: the bureau did not reply by the deadline shown with the case
            accused_unit_code=bureau_code,
            body_code=rules.select_inaction_body(bureau_code, parents),
            now=now,
        )
    return len(missed_rounds)


# Cases locked, loaded and decided at a time; each batch is flushed before the next is read.
SWEEP_BATCH = 500


def _due_cases(now: datetime, after: tuple[datetime, int] | None) -> list[Case]:
    """The next batch of cases whose deadline has passed, by deadline, through the partial index
    ``ix_escalation_cases_due`` (only cases with a pending deadline are in it: answered and overdue ones have
    none). Concurrent sweeps (every worker runs one) skip the cases another is already handling."""
    query = select(Case).where(
        Case.due_at <= now, Case.escalated.is_(False), Case.state.not_in(rules.TERMINAL_STATES)
    )
    if after is not None:
        query = query.where(or_(Case.due_at > after[0], and_(Case.due_at == after[0], Case.id > after[1])))
    query = query.order_by(Case.due_at, Case.id).limit(SWEEP_BATCH)
    query = query.with_for_update(skip_locked=True, of=Case).options(*CASE_VIEW_LOADS)
    return list(db.session.scalars(query))


def sweep(now: datetime | None = None) -> SweepReport:
    """Mark overdue cases, escalate them one level up, and open inaction cases for missed reply deadlines.

    Only cases whose deadline (the one each case shows, ``due_at``) has passed are read, in batches; a case that
    is overdue at the top level has no deadline left and is never read again."""
    now = now or utcnow()
    parents = division_parents()
    inaction = _open_inaction_cases(now)
    overdue = escalated = 0
    after: tuple[datetime, int] | None = None
    while batch := _due_cases(now, after):
        last = batch[-1]
        assert last.due_at is not None  # selected by due_at
        after = (last.due_at, last.id)
        for case in batch:
            was_overdue = case.state is CaseState.OVERDUE
            above = sweep_case(case, now, parents)
            overdue += case.state is CaseState.OVERDUE and not was_overdue
            escalated += above is not None
        db.session.flush()
    asked = ask_due(now)
    return SweepReport(overdue=overdue, escalated=escalated, inaction_opened=inaction, check_ins_asked=asked)


def cases_for(
    staff: StaffUser, state: CaseState | None = None, page: PageRequest | None = None
) -> Page[Case]:
    """A page of the cases ``staff`` may see: their own body's (liaison), or all (admin), never one about
    themselves; nearest deadline first, then the ones without (index ``ix_escalation_cases_body_due``).

    The visibility rule is applied in the query, so a page is full; ``can_view`` still checks every case."""
    page = page or PageRequest()
    query = select(Case).order_by(Case.due_at.asc().nulls_last(), Case.id)
    if staff.oversight_body_id is not None:
        query = query.where(Case.body_id == staff.oversight_body_id)
    own_codes = [unit.code for unit in (staff.oversight_body, staff.bureau) if unit is not None]
    if own_codes:
        query = query.where(or_(Case.accused_unit_code.is_(None), Case.accused_unit_code.not_in(own_codes)))
    if staff.bureau_id is not None:
        about_own_bureau = select(Complaint.id).where(
            Complaint.id == Case.complaint_id, Complaint.bureau_id == staff.bureau_id
        )
        query = query.where(~about_own_bureau.exists())
    if state is not None:
        query = query.where(Case.state == state)
    query = query.offset(page.offset).limit(page.size + 1).options(*CASE_VIEW_LOADS)
    rows = db.session.scalars(query).all()
    visible = [case for case in rows[: page.size] if can_view(staff, case)]
    return Page(visible, page, has_next=len(rows) > page.size)


def latest_misconduct_case(complaint: Complaint) -> Case:
    """The misconduct case opened last for ``complaint`` (the one a referral in this transaction opened)."""
    return db.session.scalars(
        select(Case)
        .where(Case.complaint_id == complaint.id, Case.kind == CaseKind.MISCONDUCT)
        .order_by(Case.id.desc())
        .limit(1)
    ).one()


def origin_of(case: Case) -> list[Case]:
    """The cases this one was escalated from, the first (lowest) first: where an escalated case came from."""
    chain: list[Case] = []
    parent = case.parent
    while parent is not None and parent not in chain:
        chain.insert(0, parent)
        parent = parent.parent
    return chain


def case_events(case: Case) -> list[Event]:
    """The events of the case and of the cases it came from, oldest first: its whole history."""
    ids = {case.id, *(earlier.id for earlier in origin_of(case))}
    return [event for event in case.complaint.events if event.payload.get("case") in ids]


def actions_open_to(staff: StaffUser, case: Case, now: datetime | None = None) -> list[CaseAction]:
    """The actions ``staff`` may record on the case now, in the order of the workflow: none on a closed
    case, nor for anyone but the officers of the body holding it."""
    if not can_act(staff, case):
        return []
    state = rules.effective_state(snapshot(case), now or utcnow(), deadline_policy())
    return [action for action in CaseAction if action in rules.ALLOWED_ACTIONS[state]]
