"""The public accountability board: per bureau and per oversight body, whether they acted, with charts."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from escalation.accountability import Accountability, BureauFigures, Filters, accountability, active
from escalation.charts import Bar, LegendItem, Segment, stacked_bars
from escalation.forms import parse_filters
from escalation.proof import EMPTY, proof_charts
from portal.http.api import ApiError
from portal.http.i18n import current_language
from portal.http.limits import lookup_limit
from portal.jurisdiction.service import division_choices

public_pages = Blueprint("escalation_public", __name__)

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
            # As for bureaus, each case is in exactly one part, so the overdue cases the table counts show too.
            Bar(
                row.name,
                [
                    Segment(row.in_time, GREEN, _("Answered by the deadline")),
                    Segment(row.overdue, RED, _("Overdue: late or no answer")),
                    Segment(row.received - row.in_time - row.overdue, GREY, _("Waiting, still in time")),
                ],
            )
            for row in bodies
        ],
        [
            LegendItem(GREEN, _("Answered by the deadline")),
            LegendItem(RED, _("Overdue: late or no answer")),
            LegendItem(GREY, _("Waiting, still in time")),
        ],
        title=_("Oversight bodies: cases"),
    )
    return {
        "bureaus": Markup(bureau_chart),  # noqa: S704 - built from escaped parts
        "bodies": Markup(body_chart),  # noqa: S704 - built from escaped parts
        "feedback": Markup(_feedback_chart(bureaus)),  # noqa: S704 - built from escaped parts
    }


def _feedback_chart(bureaus: list[BureauFigures]) -> str:
    """The follow-up visits' satisfaction, for the bureaus with enough answers to show a share."""
    shown = [row for row in bureaus if row.feedback.shown]
    if not shown:
        return ""
    return stacked_bars(
        [
            Bar(
                row.name,
                [
                    Segment(row.feedback.satisfied, GREEN, _("Satisfied")),
                    Segment(row.feedback.basically_satisfied, AMBER, _("Basically satisfied")),
                    Segment(row.feedback.unsatisfied, RED, _("Unsatisfied")),
                ],
            )
            for row in shown
        ],
        [
            LegendItem(GREEN, _("Satisfied")),
            LegendItem(AMBER, _("Basically satisfied")),
            LegendItem(RED, _("Unsatisfied")),
        ],
        title=_("Bureaus: satisfaction at the follow-up visit"),
    )


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
    proof_rows = [
        (row.name, figures.proof.get(row.code, EMPTY))
        for row in active(figures.bureaus)
        if figures.proof.get(row.code, EMPTY) != EMPTY
    ]
    page = render_template(
        "escalation/accountability.html",
        figures=figures,
        bureaus=active(figures.bureaus),
        bodies=active(figures.bodies),
        charts=_charts(figures),
        proof_rows=proof_rows,
        proof_charts=proof_charts(proof_rows),
        filters=filters,
        divisions=division_choices(language),
        feedback_minimum=current_app.config["FEEDBACK_MIN_ANSWERS"],
        problem=problem,
        json_url=url_for(
            "escalation_api.accountability_figures",
            division=filters.division_code,
            since=filters.since.isoformat() if filters.since else None,
            until=filters.until.isoformat() if filters.until else None,
        ),
    )
    return (page, 422) if problem else page
