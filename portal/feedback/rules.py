"""The follow-up visit's vocabulary and rules. Pure: no Flask, no database."""

from __future__ import annotations

import enum
from dataclasses import dataclass

# Failed rounds after which the supervision body gets an inaction case (the second "not fixed").
INACTION_AFTER_FAILED_ROUNDS = 2


class Fixed(enum.StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"


class Satisfaction(enum.StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"


class VisitState(enum.StrEnum):
    OPEN = "open"  # the bureau resolved; waiting for the citizen's answer
    ANSWERED = "answered"
    CLOSED = "closed"  # unanswered in time, or superseded by a later round


def failed(fixed: Fixed, satisfaction: Satisfaction) -> bool:
    """A round fails when the problem was not fixed or the citizen is unsatisfied."""
    return fixed is Fixed.NO or satisfaction is Satisfaction.UNSATISFIED


@dataclass(frozen=True)
class Consequence:
    reopen: bool  # a new reply round for the same bureau
    refer_inaction: bool  # an inaction case with the supervision body
    limit_reached: bool  # failed, but no reopening is left


def consequence(*, failed_rounds: int, reopen_limit: int, this_round_failed: bool) -> Consequence:
    """What a just-given answer leads to; ``failed_rounds`` counts this answer's round when it failed."""
    if not this_round_failed:
        return Consequence(reopen=False, refer_inaction=False, limit_reached=False)
    reopen = failed_rounds <= reopen_limit
    return Consequence(
        reopen=reopen,
        refer_inaction=failed_rounds == INACTION_AFTER_FAILED_ROUNDS,
        limit_reached=not reopen,
    )
