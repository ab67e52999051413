"""How cases read to people: labels for states, outcomes and tracks, and the public projection of a case."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from escalation.models import Case, CaseKind
from escalation.rules import CaseState, Outcome
from portal.complaints.timeline import public_text
from portal.extensions import db
from portal.http.i18n import current_language
from portal.models import DivisionLevel, Event
from portal.record import events

STATE_LABELS = {
    CaseState.OPEN: _l("Waiting for acknowledgement"),
    CaseState.ACKNOWLEDGED: _l("Acknowledged"),
    CaseState.INVESTIGATING: _l("Under investigation"),
    CaseState.ACTED: _l("Acted"),
    CaseState.DECLINED: _l("Declined"),
    CaseState.OVERDUE: _l("Overdue: no answer in time"),
}
OUTCOME_LABELS = {
    Outcome.ADMONITION: _l("Admonition"),
    Outcome.DISCIPLINARY_SANCTION: _l("Disciplinary sanction"),
    Outcome.REFERRAL_TO_PROSECUTION: _l("Referred to prosecution"),
    Outcome.CORRECTED: _l("Corrected"),
    Outcome.OTHER: _l("Other action"),
}
KIND_LABELS = {
    CaseKind.MISCONDUCT: _l("Alleged misconduct"),
    CaseKind.INACTION: _l("Administrative inaction: the bureau did not reply in time"),
}
LEVEL_LABELS = {
    DivisionLevel.PROVINCE: _l("province"),
    DivisionLevel.CITY: _l("city"),
    DivisionLevel.COUNTY: _l("county"),
}


def public_case(case: Case, locale: str) -> dict[str, Any]:
    """A case as the public sees it: who holds it, at what level, whether they acted and in time."""
    unanswered_at_top = (
        case.state is CaseState.OVERDUE and not case.escalated and case.body.division.parent is None
    )
    return {
        "id": case.id,
        "kind": case.kind.value,
        "kind_label": str(KIND_LABELS[case.kind]),
        "track": case.track.value,
        "body": {"code": case.body.code, "name": case.body.name(locale)},
        "level": case.body.division.level.value,
        "level_label": str(LEVEL_LABELS[case.body.division.level]),
        "state": case.state.value,
        "state_label": str(STATE_LABELS[case.state]),
        "opened_at": case.opened_at.isoformat(),
        "due_at": case.due_at.isoformat() if case.due_at else None,
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "outcome": case.outcome.value if case.outcome else None,
        "outcome_label": str(OUTCOME_LABELS[case.outcome]) if case.outcome else None,
        "answer": public_text(case.complaint, case.answer, locale) if case.answer else None,
        "late": case.late,
        "escalated": case.escalated,
        "escalated_from": case.parent_id,
        "unanswered": unanswered_at_top,
    }


def _body_name(event: Event) -> str:
    case = db.session.get(Case, event.payload.get("case"))
    return case.body.name(current_language()) if case else str(event.payload.get("body", ""))


def _describe(event: Event) -> str:
    body = _body_name(event)
    kind = event.kind
    if kind == "case_opened":
        if event.payload.get("parent_case"):
            return _("Escalated to %(body)s after a missed deadline", body=body)
        return _("Case opened with %(body)s", body=body)
    if kind == "case_acknowledged":
        return _("%(body)s acknowledged the case", body=body)
    if kind == "case_investigating":
        return _("%(body)s is investigating", body=body)
    if kind == "case_acted":
        outcome = event.payload.get("outcome")
        label = str(OUTCOME_LABELS[Outcome(outcome)]) if outcome else ""
        return _("%(body)s acted: %(outcome)s", body=body, outcome=label)
    if kind == "case_declined":
        return _("%(body)s declined to act", body=body)
    if event.payload.get("unanswered_at_top"):
        return _(
            "%(body)s missed its deadline; there is no higher level: the case stays unanswered", body=body
        )
    return _("%(body)s missed its deadline", body=body)


for _kind, _detail in (
    ("case_opened", None),
    ("case_acknowledged", None),
    ("case_investigating", None),
    ("case_acted", "text"),
    ("case_declined", "text"),
    ("case_overdue", None),
):
    events.register_describer(_kind, _describe, detail_key=_detail)
