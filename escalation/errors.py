"""The refusals of the escalation rules (pure: no Flask).

Every rule violation a caller can provoke with bad input is a :class:`portal.refusals.Refusal` under
``EscalationRuleError``, so the pages and the API answer it with its own message, status and field.
Programming errors (naive datetimes, a malformed policy) stay plain ``ValueError``: they are bugs to fix,
not answers to give a user.
"""

from __future__ import annotations

from escalation.vocabulary import STATE_NAMES, CaseAction, CaseState
from portal.refusals import N_, Conflict, ReasonRequired, Refusal, UnknownTarget


class EscalationRuleError(Refusal):
    """Base of every escalation rule violation."""


class UnknownDivision(UnknownTarget, EscalationRuleError):
    """A division code that is not in the jurisdiction's parent mapping."""

    def __init__(self, division_code: str) -> None:
        super().__init__(f"unknown division {division_code!r}")
        self.division_code = division_code


class InvalidUnitCode(UnknownTarget, EscalationRuleError):
    """A bureau or oversight-body code that is not of the form ``DIVISION:suffix`` (or of the wrong kind)."""

    def __init__(self, code: str, expected: str) -> None:
        super().__init__(f"{code!r} is not {expected}")
        self.code_given = code


class TransitionNotAllowed(Conflict, EscalationRuleError):
    """The action cannot be taken on a case in this state (e.g. acknowledging an acted-on case)."""

    code = "not_allowed_now"
    message = N_("A case that is %(state)s cannot be given this action.")
    default_field = "action"

    def __init__(self, state: CaseState, action: CaseAction) -> None:
        super().__init__(f"cannot {action} a case that is {state}", state=STATE_NAMES[CaseState(state)])
        self.state = state
        self.action = action


class ActionDetailsError(EscalationRuleError):
    """The action is allowed but its outcome or text is missing or does not belong to it."""


class OutcomeRequired(ActionDetailsError):
    """``act`` needs an outcome, and the outcome ``other`` needs a text saying what was done."""

    code = "outcome_required"
    message = N_("Acting needs an outcome (and details for 'other').")
    default_field = "outcome"


class DeclineNeedsReason(ReasonRequired, ActionDetailsError):
    """``decline`` needs a non-blank reason."""

    message = N_("Declining needs a reason.")
    default_field = "text"


class UnexpectedOutcome(ActionDetailsError):
    """An outcome was given with an action other than ``act``."""

    code = "unexpected_outcome"
    message = N_("Only 'act' takes an outcome.")
    default_field = "outcome"
