"""Web pages: the public accountability board and the liaison desk."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from escalation import cases
from escalation.accountability import Accountability, Filters, accountability, active
from escalation.charts import Bar, LegendItem, Segment, stacked_bars
from escalation.forms import CaseActionForm, parse_filters
from escalation.models import Case
from escalation.public import STATE_LABELS, public_case
from escalation.vocabulary import CaseAction, CaseState, Outcome
from portal.auth.access import requires_role
from portal.domain import Role
from portal.extensions import db
from portal.http.api import ApiError
from portal.http.i18n import current_language
from portal.http.limits import lookup_limit
from portal.http.pages import make_staff_blueprint, show_refusal
from portal.jurisdiction.service import division_choices
from portal.refusals import Refusal
from portal.unit_of_work import commit

public_pages = Blueprint("escalation_public", __name__)
desk = make_staff_blueprint("escalation_desk", __name__)

GREEN, RED, AMBER, GREY = "#1e6b3a", "#b3261e", "#a15c00", "#b8b8c2"


def _charts(figures: Accountability) -> dict[str, Markup]:
    bureaus = active(figures.bureaus)
    bodies = active(figures.bodies)
    bureau_chart = stacked_bars(
        [
            # Each complaint is in exactly one part: replied in time, late or unanswered past the deadline,
            # or unanswered with time left.
            Bar(
                row.name,
                [
                    Segment(row.in_time, GREEN, _("Replied in time")),
                    Segment(row.overdue, RED, _("Late or no reply")),
                    Segment(row.received - row.in_time - row.overdue, GREY, _("Waiting, still in time")),
                ],
            )
            for row in bureaus
        ],
        [
            LegendItem(GREEN, _("Replied in time")),
            LegendItem(RED, _("Late or no reply")),
            LegendItem(GREY, _("Waiting, still in time")),
        ],
        title=_("Bureaus: replies to complaints"),
    )
    body_chart = stacked_bars(
        [
            Bar(
                row.name,
                [
                    Segment(row.acted, GREEN, _("Acted")),
                    Segment(row.declined, AMBER, _("Declined")),
                    Segment(row.open, GREY, _("Still open")),
                ],
            )
            for row in bodies
        ],
        [LegendItem(GREEN, _("Acted")), LegendItem(AMBER, _("Declined")), LegendItem(GREY, _("Still open"))],
        title=_("Oversight bodies: cases"),
    )
    return {"bureaus": Markup(bureau_chart), "bodies": Markup(body_chart)}  # noqa: S704 - built from escaped parts


@public_pages.get("/accountability")
@lookup_limit
def accountability_page() -> str | tuple[str, int]:
    problem: ApiError | None = None
    try:
        filters = parse_filters(request.args)
    except ApiError as error:
        filters, problem = Filters(division_code=request.args.get("division") or None), error
    language = current_language()
    figures = accountability(filters, language)
    page = render_template(
        "escalation/accountability.html",
        figures=figures,
        bureaus=active(figures.bureaus),
        bodies=active(figures.bodies),
        charts=_charts(figures),
        filters=filters,
        divisions=division_choices(language),
        problem=problem,
        json_url=url_for(
            "escalation_api.accountability_figures",
            division=filters.division_code,
            since=filters.since.isoformat() if filters.since else None,
            until=filters.until.isoformat() if filters.until else None,
        ),
    )
    return (page, 422) if problem else page


@desk.get("/escalations")
@requires_role(Role.LIAISON)
def case_list() -> str:
    state = request.args.get("state")
    chosen = CaseState(state) if state in {s.value for s in CaseState} else None
    found = cases.cases_for(current_user, chosen)
    language = current_language()
    return render_template(
        "escalation/desk.html",
        cases=[(case, public_case(case, language)) for case in found],
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
    status = 200
    if form.is_submitted():
        status = _act(case, form)
        if status == 201:
            flash(_("Recorded on the public record."))
            return redirect(url_for("escalation_desk.case_detail", case_id=case.id))
    return render_template(
        "escalation/case.html",
        case=case,
        view=public_case(case, current_language()),
        form=form,
        may_act=cases.can_act(current_user, case),
    ), status


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
