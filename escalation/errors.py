"""Domain exceptions of the escalation rules.

Every rule violation a caller can provoke with bad input derives from ``EscalationRuleError``, so
the API layer can map the whole family to a 4xx answer. Programming errors (naive datetimes, a
malformed policy) stay plain ``ValueError``: they are bugs to fix, not answers to give a user.
"""

from __future__ import annotations


class EscalationRuleError(ValueError):
    """Base of every escalation rule violation."""


class UnknownDivision(EscalationRuleError):
    """A division code that is not in the jurisdiction's parent mapping."""

    def __init__(self, division_code: str) -> None:
        super().__init__(f"unknown division {division_code!r}")
        self.division_code = division_code


class InvalidUnitCode(EscalationRuleError):
    """A bureau or oversight-body code that is not of the form ``DIVISION:suffix`` (or of the wrong kind)."""

    def __init__(self, code: str, expected: str) -> None:
        super().__init__(f"{code!r} is not {expected}")
        self.code = code


class TransitionNotAllowed(EscalationRuleError):
    """The action cannot be taken on a case in this state (e.g. acknowledging an acted-on case)."""

    def __init__(self, state: str, action: str) -> None:
        super().__init__(f"cannot {action} a case that is {state}")
        self.state = state
        self.action = action


class ActionDetailsError(EscalationRuleError):
    """The action is allowed but its outcome or text is missing or does not belong to it."""


class OutcomeRequired(ActionDetailsError):
    """``act`` needs an outcome, and the outcome ``other`` needs a text saying what was done."""


class ReasonRequired(ActionDetailsError):
    """``decline`` needs a non-blank reason."""


class UnexpectedOutcome(ActionDetailsError):
    """An outcome was given with an action other than ``act``."""
