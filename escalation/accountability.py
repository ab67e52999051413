"""The accountability figures: per bureau and per oversight body, did they act, and in time?

Counted in the database with one grouped query per table (medians with ``percentile_cont`` on PostgreSQL; SQLite
has no percentile aggregate, so there the medians are taken in Python from the durations). Those queries read
every complaint and case, so their cost grows with the tables: the periodic job :func:`refresh_figures` counts
them for all time and keeps one row per unit (``accountability_rows``), and the board without a date filter
reads those rows and says when they were counted. A date filter (``since``, ``until``) is counted on request;
so is everything before the first refresh.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, case, delete, func, insert, or_, select
from sqlalchemy.orm import contains_eager

from escalation.models import AccountabilityRow, Case
from escalation.proof import EMPTY, ProofFigures, proof_figures
from escalation.rules import TERMINAL_STATES
from escalation.vocabulary import CaseKind, CaseState
from portal.deadlines.workdays import SHANGHAI, end_of_local_day
from portal.extensions import db
from portal.feedback.figures import NO_ANSWERS, FeedbackFigures, feedback_by_bureau
from portal.models import Bureau, Complaint, ComplaintStatus, Division, OversightBody, SecondBureau, utcnow

DAY_SECONDS = 86400.0


@dataclass(frozen=True)
class Filters:
    division_code: str | None = None  # the division and everything under it
    since: date | None = None  # filed (complaints) or opened (cases) on or after this day
    until: date | None = None  # ... and on or before this day


@dataclass(frozen=True)
class BureauFigures:
    code: str
    name: str
    division: str
    received: int
    replied: int
    resolved: int
    overdue: int  # replied late, or not at all by the deadline
    open: int  # not resolved
    in_time: int  # replied before the deadline
    median_days_to_reply: float | None
    answered_in_time_share: float | None  # in time / (in time + overdue); None before any deadline fell due
    # The follow-up visits (回访): fixed / partly / not, satisfied / basically / unsatisfied (portal.feedback).
    feedback: FeedbackFigures = NO_ANSWERS


@dataclass(frozen=True)
class BodyFigures:
    code: str
    name: str
    division: str
    level: str
    track: str
    received: int
    acted: int
    declined: int
    overdue: int  # missed a deadline, whether or not it answered later
    open: int
    in_time: int  # acted or declined before any deadline passed
    median_days_to_answer: float | None  # opening to act/decline
    answered_in_time_share: float | None
    # Reports of retaliation against whoever reported misconduct, taken one level above (escalation.retaliation).
    retaliation: int = 0


@dataclass(frozen=True)
class Accountability:
    bureaus: list[BureauFigures]
    bodies: list[BodyFigures]
    as_of: datetime  # when the figures were counted (now, or at the last refresh)
    # Per bureau code: its fix photos and the quality of its replies (escalation.proof).
    proof: Mapping[str, ProofFigures] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "bureaus": [
                {**asdict(b), "proof": self.proof.get(b.code, EMPTY).as_dict()} for b in self.bureaus
            ],
            "oversight_bodies": [asdict(b) for b in self.bodies],
        }


def _seconds_between(later: Any, earlier: Any) -> ColumnElement[Any]:
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * DAY_SECONDS


def _subtree_ids(code: str | None) -> list[int] | None:
    if code is None:
        return None
    rows = db.session.execute(select(Division.id, Division.parent_id, Division.code)).all()
    start = next((row.id for row in rows if row.code == code), None)
    if start is None:
        return []
    children: dict[int | None, list[int]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row.id)
    found, stack = [], [start]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children[current])
    return found


def _period(column: Any, filters: Filters) -> list[ColumnElement[bool]]:
    # Days are Asia/Shanghai days, as every date the portal shows.
    conditions = []
    if filters.since:
        conditions.append(column >= datetime.combine(filters.since, time.min, tzinfo=SHANGHAI))
    if filters.until:
        conditions.append(column < end_of_local_day(filters.until))
    return conditions


def _count(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _medians(query: Select[Any], grouped: bool) -> dict[int, float | None]:
    """Median duration in days per group id, from a query of (group id, seconds)."""
    if grouped:
        return {
            row[0]: (row[1] / DAY_SECONDS if row[1] is not None else None)
            for row in db.session.execute(query)
        }
    durations: dict[int, list[float]] = defaultdict(list)
    for group_id, seconds in db.session.execute(query):
        durations[group_id].append(seconds)
    return {group_id: statistics.median(values) / DAY_SECONDS for group_id, values in durations.items()}


def _median_query(
    group: Any, seconds: ColumnElement[float], where: Sequence[ColumnElement[bool]]
) -> tuple[Select[Any], bool]:
    if db.session.get_bind().dialect.name == "postgresql":
        median = func.percentile_cont(0.5).within_group(seconds)
        return select(group, median).where(*where).group_by(group), True
    return select(group, seconds).where(*where), False


def _units_in_scope(model: type[Bureau] | type[OversightBody], division_ids: list[int] | None) -> list[Any]:
    """Every bureau (or body) of the filtered divisions, with its division loaded in the same query."""
    query = (
        select(model)
        .join(Division)
        .options(contains_eager(model.division))
        .order_by(Division.code, model.code)
    )
    if division_ids is not None:
        query = query.where(model.division_id.in_(division_ids))
    return list(db.session.scalars(query))


def _counts_of(counts: dict[int, Any], unit_id: int, size: int = 6) -> list[int]:
    """The counts of one unit's row of the grouped query; zeros for a unit that received nothing (or for a count
    its stored row, written before the count existed, lacks)."""
    found = [int(value or 0) for value in counts.get(unit_id, ())]
    return (found + [0] * size)[:size]


def _share(in_time: int, late: int) -> float | None:
    return in_time / (in_time + late) if in_time + late else None


Counted = tuple[dict[int, Any], dict[int, float | None]]  # counts and median days, by unit id


def _count_bureaus(filters: Filters, now: datetime) -> Counted:
    """Each bureau's rounds: the complaints it received as their bureau, and those it received as their second
    bureau (portal.complaints.second_bureau), each counted by that bureau's own deadline, reply and resolution.
    The median days to reply are of first bureaus' rounds only."""
    where: list[ColumnElement[bool]] = [
        Complaint.bureau_id.is_not(None),
        # A duplicate is answered through its master (portal.duplicates): its bureau may not answer it itself,
        # so its own deadline is nobody's to miss. The master counts, once.
        Complaint.duplicate_of_id.is_(None),
        *_period(Complaint.created_at, filters),
    ]
    replied_late = Complaint.first_replied_at >= Complaint.reply_due_at
    unanswered_late = and_(Complaint.first_replied_at.is_(None), Complaint.reply_due_at <= now)
    # Resolved by this bureau: a two-bureau complaint stays open until the other bureau resolves its part too.
    resolved = or_(Complaint.status == ComplaintStatus.RESOLVED, Complaint.resolved_at.is_not(None))
    rows = db.session.execute(
        select(
            Complaint.bureau_id,
            func.count(Complaint.id),
            _count(Complaint.first_replied_at.is_not(None)),
            _count(resolved),
            _count(or_(replied_late, unanswered_late)),
            _count(~resolved),
            _count(Complaint.first_replied_at < Complaint.reply_due_at),
        )
        .where(*where)
        .group_by(Complaint.bureau_id)
    ).all()
    second = SecondBureau
    second_rows = db.session.execute(
        select(
            second.bureau_id,
            func.count(second.id),
            _count(second.first_replied_at.is_not(None)),
            _count(second.resolved_at.is_not(None)),
            _count(
                or_(
                    second.first_replied_at >= second.reply_due_at,
                    and_(second.first_replied_at.is_(None), second.reply_due_at <= now),
                )
            ),
            _count(second.resolved_at.is_(None)),
            _count(second.first_replied_at < second.reply_due_at),
        )
        .join(Complaint, Complaint.id == second.complaint_id)
        .where(Complaint.duplicate_of_id.is_(None), *_period(Complaint.created_at, filters))
        .group_by(second.bureau_id)
    ).all()
    counts: dict[int, Any] = {row[0]: [int(value or 0) for value in row[1:]] for row in rows}
    for row in second_rows:
        mine = counts.setdefault(row[0], [0] * (len(row) - 1))
        counts[row[0]] = [a + int(b or 0) for a, b in zip(mine, row[1:], strict=True)]
    medians = _medians(
        *_median_query(
            Complaint.bureau_id,
            _seconds_between(Complaint.first_replied_at, Complaint.routed_at),
            [*where, Complaint.first_replied_at.is_not(None), Complaint.routed_at.is_not(None)],
        )
    )
    return counts, medians


def bureau_figures(
    filters: Filters, locale: str, now: datetime, counted: Counted | None = None
) -> list[BureauFigures]:
    division_ids = _subtree_ids(filters.division_code)
    counts, medians = counted if counted is not None else _count_bureaus(filters, now)
    # The follow-up visits' figures are few rows per bureau: counted on request, for the period asked.
    feedback = feedback_by_bureau(
        [Complaint.bureau_id.is_not(None), *_period(Complaint.created_at, filters)],
        current_app.config["FEEDBACK_MIN_ANSWERS"],
    )
    figures = []
    for bureau in _units_in_scope(Bureau, division_ids):
        received, replied, resolved, overdue, still_open, in_time = _counts_of(counts, bureau.id)
        figures.append(
            BureauFigures(
                bureau.code,
                bureau.name(locale),
                bureau.division.code,
                received,
                replied,
                resolved,
                overdue,
                still_open,
                in_time,
                medians.get(bureau.id),
                _share(in_time, overdue),
                feedback.get(bureau.id, NO_ANSWERS),
            )
        )
    return figures


def _count_bodies(filters: Filters) -> Counted:
    where = _period(Case.opened_at, filters)
    closed = Case.state.in_(TERMINAL_STATES)
    rows = db.session.execute(
        select(
            Case.body_id,
            func.count(Case.id),
            _count(Case.state == CaseState.ACTED),
            _count(Case.state == CaseState.DECLINED),
            _count(Case.overdue_at.is_not(None)),
            _count(~closed),
            _count(and_(closed, Case.late.is_(False))),
            _count(Case.kind == CaseKind.RETALIATION),
        )
        .where(*where)
        .group_by(Case.body_id)
    ).all()
    medians = _medians(
        *_median_query(Case.body_id, _seconds_between(Case.closed_at, Case.opened_at), [*where, closed])
    )
    return {row[0]: row[1:] for row in rows}, medians


def body_figures(filters: Filters, locale: str, counted: Counted | None = None) -> list[BodyFigures]:
    division_ids = _subtree_ids(filters.division_code)
    counts, medians = counted if counted is not None else _count_bodies(filters)
    figures = []
    for body in _units_in_scope(OversightBody, division_ids):
        received, acted, declined, overdue, still_open, in_time, retaliation = _counts_of(counts, body.id, 7)
        figures.append(
            BodyFigures(
                body.code,
                body.name(locale),
                body.division.code,
                body.division.level.value,
                body.track.value,
                received,
                acted,
                declined,
                overdue,
                still_open,
                in_time,
                medians.get(body.id),
                _share(in_time, overdue),
                retaliation,
            )
        )
    return figures


BUREAU, BODY = "bureau", "body"
REFRESH_JOB = "escalation_refresh_figures"


def refresh_figures(now: datetime | None = None) -> datetime:
    """Count every unit's figures for all time and keep them (the periodic job; ``flask escalation figures``).
    Replaces the previous rows in the job's transaction: readers see the old figures or the new, whole."""
    now = now or utcnow()
    db.session.execute(delete(AccountabilityRow))
    rows = []
    for kind, (counts, medians) in (
        (BUREAU, _count_bureaus(Filters(), now)),
        (BODY, _count_bodies(Filters())),
    ):
        for unit_id, values in counts.items():
            rows.append(
                {
                    "unit_kind": kind,
                    "unit_id": unit_id,
                    "counts": [int(value or 0) for value in values],
                    "median_days": medians.get(unit_id),
                    "computed_at": now,
                }
            )
    if rows:
        db.session.execute(insert(AccountabilityRow), rows)
    else:  # nothing filed yet: one empty row still says when it was counted
        db.session.add(AccountabilityRow(unit_kind=BUREAU, unit_id=0, counts=[0] * 6, computed_at=now))
    db.session.flush()
    return now


def _stored() -> tuple[Counted, Counted, datetime] | None:
    """The figures the last refresh kept, and when it counted them; None before the first refresh."""
    stored = db.session.scalars(select(AccountabilityRow)).all()
    if not stored:
        return None
    by_kind: dict[str, Counted] = {BUREAU: ({}, {}), BODY: ({}, {})}
    for row in stored:
        counts, medians = by_kind[row.unit_kind]
        counts[row.unit_id] = tuple(row.counts)
        medians[row.unit_id] = row.median_days
    return by_kind[BUREAU], by_kind[BODY], min(row.computed_at for row in stored)


def bureau_proof(filters: Filters) -> dict[str, ProofFigures]:
    """Fix photos and reply quality per bureau code, over the complaints the filters select."""
    per_id = proof_figures(_period(Complaint.created_at, filters))
    units = _units_in_scope(Bureau, _subtree_ids(filters.division_code))
    return {bureau.code: per_id.get(bureau.id, EMPTY) for bureau in units}


def accountability(filters: Filters, locale: str, now: datetime | None = None) -> Accountability:
    """The board's figures: the last refresh's for all time, or counted now for a date filter (or before any
    refresh). The division filter only chooses which units are shown, so it never needs a count of its own."""
    stored = _stored() if filters.since is None and filters.until is None else None
    if stored is not None:
        bureaus, bodies, as_of = stored
        return Accountability(
            bureau_figures(filters, locale, as_of, bureaus),
            body_figures(filters, locale, bodies),
            as_of,
            bureau_proof(filters),
        )
    now = now or utcnow()
    return Accountability(
        bureau_figures(filters, locale, now), body_figures(filters, locale), now, bureau_proof(filters)
    )


def active(rows: Iterable[BureauFigures | BodyFigures]) -> list[Any]:
    """Rows with anything to show, busiest first (the page lists these; the API returns every row)."""
    return sorted((row for row in rows if row.received), key=lambda row: (-row.received, row.code))
