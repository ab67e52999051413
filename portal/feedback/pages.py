"""The follow-up visit's page: ``/track/<code>/feedback`` (with the secret, or ``?token=`` from the mail)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.complaints.lookup import find_by_code
from portal.feedback import service
from portal.feedback.forms import FeedbackForm
from portal.feedback.rules import Fixed, Satisfaction
from portal.http.limits import intake_limit, lookup_limit
from portal.http.pages import show_refusal
from portal.models import Complaint
from portal.refusals import Refusal
from portal.unit_of_work import commit

feedback_pages = Blueprint("feedback", __name__)


@feedback_pages.route("/track/<code>/feedback", methods=["GET", "POST"])
@lookup_limit
@intake_limit  # POSTs only: an answer goes on the permanent record
def visit(code: str) -> str | Response | tuple[str, int]:
    complaint = find_by_code(code)
    if complaint is None:
        return render_template("complaints/lookup.html", code=code, not_found=True), 404
    if complaint.tracking_code != code:
        return redirect(
            url_for("feedback.visit", code=complaint.tracking_code, token=request.args.get("token"))
        )
    form = FeedbackForm()
    if not form.is_submitted():
        form.token.data = request.args.get("token", "")
    status = 200
    if form.is_submitted():
        status = _answer(form, complaint)
        if status == 201:
            return redirect(url_for("complaints.track", code=complaint.tracking_code), code=303)
    open_visit = service.open_visit_of(complaint)
    page = render_template(
        "feedback/visit.html", code=complaint.tracking_code, form=form, open_visit=open_visit
    )
    return page, status


def _answer(form: FeedbackForm, complaint: Complaint) -> int:
    if not form.validate():
        return 422
    try:
        service.give_feedback(
            complaint,
            fixed=Fixed(form.fixed.data),
            satisfaction=Satisfaction(form.satisfaction.data),
            comment=form.comment.data or None,
            secret=form.secret.data or None,
            token=form.token.data or None,
        )
    except Refusal as refusal:
        return show_refusal(form, refusal)
    commit()
    flash(_("Thank you. Your answer is on the record."))
    return 201
