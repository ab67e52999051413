"""The words of escalation: case kinds, states, actions and outcomes, with their names for people.

Pure (no Flask): the names are message ids, translated where they are shown, so the rules can name a state in
a refusal and the pages label it with the very same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from portal.refusals import N_, Msg


class CaseKind(StrEnum):
    MISCONDUCT = "misconduct"  # an allegation against an official, confirmed by triage
    INACTION = "inaction"  # a bureau missed its reply deadline (administrative inaction)
    RETALIATION = "retaliation"  # the person who reported misconduct says they were retaliated against


class CaseState(StrEnum):
    OPEN = "open"  # opened, awaiting acknowledgement
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    ACTED = "acted"
    DECLINED = "declined"
    OVERDUE = "overdue"


class CaseAction(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    INVESTIGATE = "investigate"
    ACT = "act"
    DECLINE = "decline"


class Outcome(StrEnum):
    ADMONITION = "admonition"
    DISCIPLINARY_SANCTION = "disciplinary_sanction"
    REFERRAL_TO_PROSECUTION = "referral_to_prosecution"
    CORRECTED = "corrected"
    OTHER = "other"  # needs a text saying what was done


KIND_NAMES: Final[Mapping[CaseKind, Msg]] = MappingProxyType(
    {
        CaseKind.MISCONDUCT: N_("Alleged misconduct"),
        CaseKind.INACTION: N_("Administrative inaction: the bureau did not reply in time"),
        CaseKind.RETALIATION: N_("Retaliation against the person who reported misconduct"),
    }
)
# An inaction case opened because the citizen's follow-up visits failed twice, not for a missed deadline.
FOLLOW_UP_INACTION_NAME: Final[Msg] = N_(
    "Administrative inaction: the citizen twice found the problem not solved"
)
STATE_NAMES: Final[Mapping[CaseState, Msg]] = MappingProxyType(
    {
        CaseState.OPEN: N_("Waiting for acknowledgement"),
        CaseState.ACKNOWLEDGED: N_("Acknowledged"),
        CaseState.INVESTIGATING: N_("Under investigation"),
        CaseState.ACTED: N_("Acted"),
        CaseState.DECLINED: N_("Declined"),
        CaseState.OVERDUE: N_("Overdue: no answer in time"),
    }
)
ACTION_NAMES: Final[Mapping[CaseAction, Msg]] = MappingProxyType(
    {
        CaseAction.ACKNOWLEDGE: N_("Acknowledge receipt"),
        CaseAction.INVESTIGATE: N_("Open an investigation"),
        CaseAction.ACT: N_("Record the action taken (outcome)"),
        CaseAction.DECLINE: N_("Decline, with a reason"),
    }
)
OUTCOME_NAMES: Final[Mapping[Outcome, Msg]] = MappingProxyType(
    {
        Outcome.ADMONITION: N_("Admonition"),
        Outcome.DISCIPLINARY_SANCTION: N_("Disciplinary sanction"),
        Outcome.REFERRAL_TO_PROSECUTION: N_("Referred to prosecution"),
        Outcome.CORRECTED: N_("Corrected"),
        Outcome.OTHER: N_("Other action"),
    }
)
