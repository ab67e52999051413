"""How cases read to people: their labels, the public projection of a case, and its timeline texts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from escalation.models import Case
from escalation.vocabulary import (
    FOLLOW_UP_INACTION_NAME,
    KIND_NAMES,
    OUTCOME_NAMES,
    STATE_NAMES,
    CaseKind,
    CaseState,
    Outcome,
)
from portal.extensions import db
from portal.features import EventText
from portal.http.i18n import current_language
from portal.labels import LEVEL_LABELS, STATUS_LABELS, lazy_labels
from portal.models import Complaint, ComplaintStatus, Division, Event, OversightBody
from portal.privacy.public_text import public_text
from portal.record import seals
from portal.signals import FOLLOW_UP_FAILED

STATE_LABELS = lazy_labels(STATE_NAMES)
OUTCOME_LABELS = lazy_labels(OUTCOME_NAMES)
KIND_LABELS = lazy_labels(KIND_NAMES)


def kind_label(case: Case) -> str:
    if case.kind is CaseKind.INACTION and case.reason == FOLLOW_UP_FAILED:
        return str(_l(FOLLOW_UP_INACTION_NAME))
    return str(KIND_LABELS[case.kind])


def public_case(case: Case, locale: str) -> dict[str, Any]:
    """A case as the public sees it: who holds it, at what level, whether they acted and in time."""
    seals.require_intact(case)  # a state or outcome rewritten in the database is refused, not shown
    unanswered_at_top = (
        case.state is CaseState.OVERDUE and not case.escalated and case.body.division.parent is None
    )
    return {
        "id": case.id,
        "kind": case.kind.value,
        "kind_label": kind_label(case),
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


TIMELINE = {
    "case_opened": EventText(_describe, notify=True),
    "case_acknowledged": EventText(_describe, notify=True),
    "case_investigating": EventText(_describe, notify=True),
    "case_acted": EventText(_describe, detail_key="text", notify=True),
    "case_declined": EventText(_describe, detail_key="text", notify=True),
    "case_overdue": EventText(_describe, notify=True),
}


def oversight_status(complaint: Complaint) -> str | None:
    """A complaint no bureau holds yet reads with its latest oversight case too, so an allegation the body acted on
    never reads as merely waiting. Both parts are said: the complaint may still wait to be routed for the rest."""
    if not complaint.misconduct_alleged or complaint.bureau_id is not None:
        return None
    if complaint.status not in (ComplaintStatus.RECEIVED, ComplaintStatus.TRIAGE):
        return None
    case = db.session.scalars(
        select(Case).where(Case.complaint_id == complaint.id).order_by(Case.id.desc()).limit(1)
    ).first()
    if case is None:
        return None
    return _(
        "%(status)s · %(body)s: %(state)s",
        status=str(STATUS_LABELS[complaint.status]),
        body=case.body.name(current_language()),
        state=str(STATE_LABELS[case.state]),
    )


# What public_case reads of the body, loaded with the cases in bulk.
# (One query: bodies with their division and its parent joined in, the few rows a list's cases name.)
_BODY_LOADS = (selectinload(Case.body).joinedload(OversightBody.division).joinedload(Division.parent),)
# ... and of the complaint, for lists of cases (the liaison desk, the sweep).
CASE_VIEW_LOADS = (selectinload(Case.complaint).selectinload(Complaint.bureau), *_BODY_LOADS)
_KEPT = "escalation.cases_of_lists"


def public_cases(complaint: Complaint, locale: str) -> list[dict[str, Any]]:
    """The status page's section: every case about the complaint, oldest first."""
    found = db.session.scalars(select(Case).where(Case.complaint_id == complaint.id).order_by(Case.id))
    return [public_case(case, locale) for case in found]


def public_cases_many(complaints: Sequence[Complaint], locale: str) -> dict[int, list[dict[str, Any]]]:
    """The cases sections of a list of complaints, in a fixed number of queries whatever the list's length."""
    by_complaint: dict[int, list[dict[str, Any]]] = {complaint.id: [] for complaint in complaints}
    if not by_complaint:
        return by_complaint
    query = select(Case).where(Case.complaint_id.in_(list(by_complaint))).order_by(Case.id)
    # The complaints are the caller's, already in the session: each case finds its own there, without a query.
    found = db.session.scalars(query.options(*_BODY_LOADS)).all()
    # Held for the rest of the session, so the timeline's texts of these cases' events (``_body_name``) find
    # them in the identity map instead of loading each one.
    db.session.info.setdefault(_KEPT, []).extend(found)
    for case in seals.shown(
        found
    ):  # a list leaves out a case changed outside the portal; its page refuses it
        by_complaint[case.complaint_id].append(public_case(case, locale))
    return by_complaint
