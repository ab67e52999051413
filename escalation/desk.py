"""The liaison desk: an oversight body's cases, and the actions its officers record on them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from escalation import cases
from escalation.forms import ACTION_LABELS, CaseActionForm
from escalation.models import Case
from escalation.public import STATE_LABELS, public_case
from escalation.rules import TERMINAL_STATES
from escalation.vocabulary import CaseAction, CaseState, Outcome
from portal.auth.access import requires_role
from portal.complaints.timeline import staff_history
from portal.domain import Role
from portal.extensions import db
from portal.http.i18n import current_language
from portal.http.pages import make_staff_blueprint, show_refusal
from portal.http.paging import page_request
from portal.models import Bureau
from portal.record import seals
from portal.refusals import Refusal
from portal.unit_of_work import commit

desk = make_staff_blueprint("escalation_desk", __name__)


@desk.get("/escalations")
@requires_role(Role.LIAISON)
def case_list() -> str:
    state = request.args.get("state")
    chosen = CaseState(state) if state in {s.value for s in CaseState} else None
    found = cases.cases_for(current_user, chosen, page_request(request.args))
    language = current_language()
    return render_template(
        "escalation/desk.html",
        cases=[(case, public_case(case, language)) for case in seals.shown(found.items)],
        page=found,
        states=STATE_LABELS,
        chosen=chosen,
    )


@desk.route("/escalations/<id:case_id>", methods=["GET", "POST"])
@requires_role(Role.LIAISON)
def case_detail(case_id: int) -> str | Response | tuple[str, int]:
    case = db.session.get(Case, case_id)
    if case is None or not cases.can_view(current_user, case):
        abort(404)
    form = CaseActionForm()
    offered = cases.actions_open_to(current_user, case)
    # Only what can be done now: a closed case offers nothing, an acknowledged one no second acknowledgement.
    form.action.choices = [
        (action.value, label) for action, label in ACTION_LABELS.items() if action in offered
    ]
    status = 200
    if form.is_submitted():
        status = _act(case, form)
        if status == 201:
            flash(_("Recorded on the public record."))
            return redirect(url_for("escalation_desk.case_detail", case_id=case.id))
    language = current_language()
    origin = [
        (earlier, public_case(earlier, language), cases.can_view(current_user, earlier))
        for earlier in cases.origin_of(case)
    ]
    return render_template(
        "escalation/case.html",
        case=case,
        view=public_case(case, language),
        form=form,
        may_act=bool(offered),
        closed=case.state in TERMINAL_STATES,
        origin=origin,
        history=staff_history(case.complaint, events=cases.case_events(case)),
        accused_bureau=_bureau_name(case.accused_unit_code, language),
    ), status


def _bureau_name(code: str | None, language: str) -> str | None:
    bureau = db.session.scalar(select(Bureau).where(Bureau.code == code)) if code else None
    return bureau.name(language) if bureau else None


def _act(case: Case, form: CaseActionForm) -> int:
    if not form.validate():
        return 422
    try:
        cases.record_action(
            case,
            CaseAction(form.action.data),
            staff=current_user,
            outcome=Outcome(form.outcome.data) if form.outcome.data else None,
            text=form.text.data or None,
        )
    except Refusal as refusal:
        # The action may have recorded a missed deadline before it was refused: none of it is kept.
        return show_refusal(form, refusal)
    commit()
    return 201
