"""The accountability figures: per bureau and per oversight body, did they act, and in time?

Counted in the database with one grouped query per table (medians with ``percentile_cont`` on PostgreSQL), so the
page stays fast with hundreds of thousands of complaints. SQLite has no percentile aggregate, so there the medians
are taken in Python from the durations.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import contains_eager

from escalation.models import Case
from escalation.proof import EMPTY, ProofFigures, proof_figures
from escalation.retaliation import retaliation_by_body
from escalation.rules import TERMINAL_STATES
from escalation.vocabulary import CaseState
from portal.deadlines.workdays import SHANGHAI, end_of_local_day
from portal.extensions import db
from portal.feedback.figures import NO_ANSWERS, FeedbackFigures, feedback_by_bureau
from portal.models import Bureau, Complaint, ComplaintStatus, Division, OversightBody, utcnow

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
    # Per bureau code: its fix photos and the quality of its replies (escalation.proof).
    proof: Mapping[str, ProofFigures] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
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


def _counts_of(counts: dict[int, Any], unit_id: int) -> list[int]:
    """The six counts of one unit's row of the grouped query; zeros for a unit that received nothing."""
    return [int(value or 0) for value in counts.get(unit_id, (0,) * 6)]


def _share(in_time: int, late: int) -> float | None:
    return in_time / (in_time + late) if in_time + late else None


def bureau_figures(filters: Filters, locale: str, now: datetime) -> list[BureauFigures]:
    division_ids = _subtree_ids(filters.division_code)
    where: list[ColumnElement[bool]] = [
        Complaint.bureau_id.is_not(None),
        *_period(Complaint.created_at, filters),
    ]
    replied_late = Complaint.first_replied_at >= Complaint.reply_due_at
    unanswered_late = and_(Complaint.first_replied_at.is_(None), Complaint.reply_due_at <= now)
    rows = db.session.execute(
        select(
            Complaint.bureau_id,
            func.count(Complaint.id),
            _count(Complaint.first_replied_at.is_not(None)),
            _count(Complaint.status == ComplaintStatus.RESOLVED),
            _count(or_(replied_late, unanswered_late)),
            _count(Complaint.status != ComplaintStatus.RESOLVED),
            _count(Complaint.first_replied_at < Complaint.reply_due_at),
        )
        .where(*where)
        .group_by(Complaint.bureau_id)
    ).all()
    counts = {row[0]: row[1:] for row in rows}
    medians = _medians(
        *_median_query(
            Complaint.bureau_id,
            _seconds_between(Complaint.first_replied_at, Complaint.routed_at),
            [*where, Complaint.first_replied_at.is_not(None), Complaint.routed_at.is_not(None)],
        )
    )
    feedback = feedback_by_bureau(where, current_app.config["FEEDBACK_MIN_ANSWERS"])
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


def body_figures(filters: Filters, locale: str) -> list[BodyFigures]:
    division_ids = _subtree_ids(filters.division_code)
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
        )
        .where(*where)
        .group_by(Case.body_id)
    ).all()
    counts = {row[0]: row[1:] for row in rows}
    medians = _medians(
        *_median_query(Case.body_id, _seconds_between(Case.closed_at, Case.opened_at), [*where, closed])
    )
    retaliation = retaliation_by_body(where)
    figures = []
    for body in _units_in_scope(OversightBody, division_ids):
        received, acted, declined, overdue, still_open, in_time = _counts_of(counts, body.id)
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
                retaliation.get(body.id, 0),
            )
        )
    return figures


def bureau_proof(filters: Filters) -> dict[str, ProofFigures]:
    """Fix photos and reply quality per bureau code, over the complaints the filters select."""
    per_id = proof_figures(_period(Complaint.created_at, filters))
    units = _units_in_scope(Bureau, _subtree_ids(filters.division_code))
    return {bureau.code: per_id.get(bureau.id, EMPTY) for bureau in units}


def accountability(filters: Filters, locale: str, now: datetime | None = None) -> Accountability:
    return Accountability(
        bureau_figures(filters, locale, now or utcnow()), body_figures(filters, locale), bureau_proof(filters)
    )


def active(rows: Iterable[BureauFigures | BodyFigures]) -> list[Any]:
    """Rows with anything to show, busiest first (the page lists these; the API returns every row)."""
    return sorted((row for row in rows if row.received), key=lambda row: (-row.received, row.code))
