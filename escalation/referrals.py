"""Misconduct referred to oversight: the case opens with the body the rules select for the accused unit.

Triage announces a referral (``portal.signals.misconduct_referred``), whether its desk confirmed a flag or a
case was opened directly through the API; this receiver is the only place a misconduct case is opened from it.
"""

from __future__ import annotations

from escalation.cases import open_case
from escalation.models import Case
from escalation.vocabulary import CaseKind
from portal.extensions import db
from portal.models import Complaint
from portal.signals import MisconductReferral


def open_referred_case(referral: MisconductReferral) -> Case:
    complaint = db.session.get_one(Complaint, referral.complaint_id)
    return open_case(
        complaint,
        track=referral.track,
        kind=CaseKind.MISCONDUCT,
        actor=referral.actor,
        reason=referral.reason,
        accused_division_code=referral.division_code,
        accused_unit_code=referral.accused_unit_code,
    )
