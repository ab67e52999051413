"""Misconduct referred to oversight: the case opens with the body the rules select for the accused unit.

Triage announces a referral (``portal.signals.misconduct_referred``), whether its desk confirmed a flag or a
case was opened directly through the API; this receiver is the only place a misconduct case is opened from it.
"""

from __future__ import annotations

from escalation import rules
from escalation.cases import division_parents, open_case
from escalation.models import Case
from escalation.vocabulary import CaseKind
from portal.domain import Track
from portal.extensions import db
from portal.models import Complaint
from portal.refusals import UnknownTarget
from portal.signals import InactionReferral, MisconductReferral


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


def open_inaction_case(referral: InactionReferral) -> Case:
    """The citizen's follow-up visits failed twice: the bureau's handling goes to the supervision body the rules
    select for it, as administrative inaction (never to the bureau itself)."""
    complaint = db.session.get_one(Complaint, referral.complaint_id)
    if complaint.bureau is None:
        raise UnknownTarget(f"{complaint.tracking_code} has no bureau")
    bureau_code = complaint.bureau.code
    return open_case(
        complaint,
        track=Track.SUPERVISION,
        kind=CaseKind.INACTION,
        actor=referral.actor,
        reason=referral.reason,
        accused_unit_code=bureau_code,
        body_code=rules.select_inaction_body(bureau_code, division_parents()),
    )
