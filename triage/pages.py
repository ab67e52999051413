"""The triage desk: the queue of complaints waiting for a human, and the decision page."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal import jobs
from portal.auth.access import requires_role
from portal.complaints.lookup import find_by_code
from portal.domain import Role
from portal.http.i18n import current_language
from portal.http.pages import make_staff_blueprint, show_refusal
from portal.http.paging import page_request
from portal.models import Complaint
from portal.refusals import Refusal
from portal.unit_of_work import commit
from triage import decisions
from triage.forms import REASON_HINT, MisconductReviewForm, RoutingForm
from triage.training import RETRAIN_JOB

desk = make_staff_blueprint("triage_desk", __name__, url_prefix="/staff/triage")


@desk.get("/")
@requires_role(Role.TRIAGE)
def queue() -> str:
    return render_template("triage/queue.html", page=decisions.queue(page_request(request.args)))


def _complaint_or_404(code: str) -> Complaint:
    complaint = find_by_code(code)
    if complaint is None:
        abort(404)
    return complaint


@desk.get("/<code>")
@requires_role(Role.TRIAGE)
def item(code: str) -> str:
    complaint = _complaint_or_404(code)
    return _render(
        complaint,
        RoutingForm(locale=current_language(), prefix="route"),
        MisconductReviewForm(prefix="misconduct"),
    )


def _render(complaint: Complaint, routing: RoutingForm, review: MisconductReviewForm) -> str:
    assessment = decisions.assessment_of(complaint)
    if not routing.category.data and assessment and assessment.category_key:
        routing.category.data = assessment.category_key
    return render_template(
        "triage/item.html",
        complaint=complaint,
        assessment=assessment,
        routing=routing,
        review=review,
        reason_hint=REASON_HINT,
    )


@desk.post("/<code>/routing")
@requires_role(Role.TRIAGE)
def decide(code: str) -> str | Response | tuple[str, int]:
    complaint = _complaint_or_404(code)
    routing = RoutingForm(locale=current_language(), prefix="route")
    if routing.validate_on_submit():
        try:
            decisions.decide_routing(
                complaint,
                category_key=routing.category.data,
                staff=current_user,
                division_code=routing.division.data or None,
                reason=routing.reason.data,
            )
        except Refusal as refusal:
            status = show_refusal(routing, refusal)  # before rendering: it rolls back
            return _render(complaint, routing, MisconductReviewForm(prefix="misconduct")), status
        commit()
        flash(_("Routed. The decision is on the record and kept as a training example."))
        return redirect(url_for("triage_desk.queue"))
    return _render(complaint, routing, MisconductReviewForm(prefix="misconduct")), 422


@desk.post("/<code>/misconduct")
@requires_role(Role.TRIAGE)
def review(code: str) -> str | Response | tuple[str, int]:
    complaint = _complaint_or_404(code)
    form = MisconductReviewForm(prefix="misconduct")
    if form.validate_on_submit():
        try:
            decisions.review_misconduct(
                complaint,
                confirm=form.decision.data == "confirm",
                staff=current_user,
                referral=form.referral(),
            )
        except Refusal as refusal:  # the desk's own, or the oversight rules refusing the target
            status = show_refusal(form, refusal)
            return _render(complaint, RoutingForm(locale=current_language(), prefix="route"), form), status
        commit()
        flash(_("Misconduct review recorded."))
        return redirect(url_for("triage_desk.queue"))
    return _render(complaint, RoutingForm(locale=current_language(), prefix="route"), form), 422


@desk.post("/retrain")
@requires_role(Role.TRIAGE)
def retrain() -> Response:
    jobs.enqueue(RETRAIN_JOB)
    commit()  # with a worker, this only queues the job; without one (the embedded setup) it trains right here
    if current_app.config["REDIS_URL"]:
        flash(_("Retraining started in the background. The new model becomes active when it is ready."))
    else:
        flash(_("Retrained. The new model is active."))
    return redirect(url_for("triage_desk.queue"))
