"""The follow-up visits' figures per bureau, for the accountability board: how often the problem was fixed and
how satisfied the citizens were.

One grouped query over the answered visits. A share is only given from ``minimum`` answers on
(``FEEDBACK_MIN_ANSWERS``), so that one or two answers do not rank a bureau; the counts are always given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, select

from portal.extensions import db
from portal.feedback.models import Visit
from portal.feedback.rules import Fixed, Satisfaction, VisitState
from portal.models import Complaint


@dataclass(frozen=True)
class FeedbackFigures:
    answers: int = 0
    fixed: int = 0
    partly_fixed: int = 0
    not_fixed: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    unsatisfied: int = 0
    # Shares of the answers, or None below the minimum number of answers.
    fixed_share: float | None = None
    partly_fixed_share: float | None = None
    not_fixed_share: float | None = None
    satisfied_share: float | None = None
    basically_satisfied_share: float | None = None
    unsatisfied_share: float | None = None

    @property
    def shown(self) -> bool:
        return self.fixed_share is not None


NO_ANSWERS = FeedbackFigures()


def _count(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def figures_from_counts(counts: Sequence[int], minimum: int) -> FeedbackFigures:
    """Figures from (answers, fixed, partly, not fixed, satisfied, basically, unsatisfied)."""
    answers, *parts = (int(value or 0) for value in counts)
    if answers == 0 or answers < max(minimum, 1):
        return FeedbackFigures(answers, *parts)
    return FeedbackFigures(answers, *parts, *(part / answers for part in parts))


def feedback_by_bureau(
    complaint_conditions: Sequence[ColumnElement[bool]], minimum: int
) -> dict[int, FeedbackFigures]:
    """Per bureau id, the answered visits of the complaints matching ``complaint_conditions``."""
    rows = db.session.execute(
        select(
            Visit.bureau_id,
            func.count(Visit.id),
            _count(Visit.fixed == Fixed.YES),
            _count(Visit.fixed == Fixed.PARTLY),
            _count(Visit.fixed == Fixed.NO),
            _count(Visit.satisfaction == Satisfaction.SATISFIED),
            _count(Visit.satisfaction == Satisfaction.BASICALLY_SATISFIED),
            _count(Visit.satisfaction == Satisfaction.UNSATISFIED),
        )
        .join(Complaint, Visit.complaint_id == Complaint.id)
        .where(Visit.state == VisitState.ANSWERED, *complaint_conditions)
        .group_by(Visit.bureau_id)
    ).all()
    return {row[0]: figures_from_counts(row[1:], minimum) for row in rows}
