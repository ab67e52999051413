"""Thin views: parse, call the intake service, render."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.complaints import antispam, filing, timeline
from portal.complaints.feed import atom_feed
from portal.complaints.followup import add_follow_up
from portal.complaints.forms import ComplaintForm, FollowUpForm, draft_from_form
from portal.complaints.lookup import find_by_code
from portal.evidence.photos import EvidenceRejected, Upload, inspect_files
from portal.http.i18n import current_language
from portal.http.limits import intake_limit, lookup_limit
from portal.http.pages import show_refusal
from portal.jurisdiction.service import division_choices
from portal.models import Complaint
from portal.refusals import Refusal
from portal.unit_of_work import commit

complaint_pages = Blueprint("complaints", __name__)


@complaint_pages.route("/", methods=["GET", "POST"])
@intake_limit
def file_complaint() -> str | Response | tuple[str, int]:
    language = current_language()
    form = ComplaintForm(division_choices=division_choices(language))
    if not form.is_submitted():
        return _form_page(form)
    valid = form.validate()
    uploads: list[Upload] = []
    try:
        uploads = inspect_files(request.files.getlist("evidence"))
    except EvidenceRejected as rejected:
        form.evidence.errors = [*form.evidence.errors, *rejected.messages]
        valid = False
    if not valid:
        return _form_page(form, 422)
    try:
        antispam.screen(form)
    except Refusal as refusal:
        return _form_page(form, show_refusal(form, refusal))
    receipt = filing.file_complaint(draft_from_form(form, language), uploads)
    commit()
    # The receipt is the answer to the POST itself: the secret is never stored in clear, not even in the
    # session cookie, and no cache may keep the page.
    response = make_response(render_template("complaints/receipt.html", receipt=receipt), 201)
    response.headers["Cache-Control"] = "no-store"
    return response


def _form_page(form: ComplaintForm, status: int = 200) -> tuple[str, int]:
    antispam.offer_challenge(form)
    return render_template("complaints/file.html", form=form, pow_bits=antispam.required_bits()), status


@complaint_pages.get("/track")
@lookup_limit
def lookup() -> str | Response:
    code = request.args.get("code", "").strip()
    if not code:
        return render_template("complaints/lookup.html")
    complaint = find_by_code(code)
    if complaint is None:
        return render_template("complaints/lookup.html", code=code, not_found=True), 404  # type: ignore[return-value]
    return redirect(url_for("complaints.track", code=complaint.tracking_code))


@complaint_pages.route("/track/<code>", methods=["GET", "POST"])
@lookup_limit
@intake_limit  # POSTs only: a follow-up writes to the permanent record, as filing does
def track(code: str) -> str | Response | tuple[str, int]:
    complaint = find_by_code(code)
    if complaint is None:
        return render_template("complaints/lookup.html", code=code, not_found=True), 404
    if complaint.tracking_code != code:
        return redirect(url_for("complaints.track", code=complaint.tracking_code))
    form = FollowUpForm()
    status = 200
    if form.is_submitted():
        status = _handle_follow_up(form, complaint)
        if status == 201:
            return redirect(url_for("complaints.track", code=complaint.tracking_code), code=303)
    view = timeline.public_complaint(complaint, current_language())
    return render_template("complaints/track.html", complaint=view, form=form), status


@complaint_pages.get("/track/<code>/feed.atom")
@lookup_limit
def track_feed(code: str) -> Response:
    """The public timeline as Atom: follow a complaint in any feed reader, without giving anyone an address."""
    complaint = find_by_code(code)
    if complaint is None:
        return make_response(render_template("complaints/lookup.html", code=code, not_found=True), 404)
    if complaint.tracking_code != code:
        return redirect(url_for("complaints.track_feed", code=complaint.tracking_code))
    language = current_language()
    view = timeline.public_complaint(complaint, language)
    body = atom_feed(
        view,
        track_url=url_for("complaints.track", code=complaint.tracking_code, _external=True),
        self_url=url_for("complaints.track_feed", code=complaint.tracking_code, _external=True),
        host=request.host.split(":")[0],
        language=language,
        author=_("Fire Alarm"),
        subtitle=_("The public record of this complaint"),
    )
    response = make_response(body)
    response.mimetype = "application/atom+xml"
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


def _handle_follow_up(form: FollowUpForm, complaint: Complaint) -> int:
    if not form.validate():
        return 422
    try:
        add_follow_up(
            complaint, secret=form.secret.data, text=form.text.data, contest=bool(form.contest.data)
        )
    except Refusal as refusal:
        return show_refusal(form, refusal)
    commit()
    flash(_("Thank you. Your addition is on the record."))
    return 201


@complaint_pages.get("/about")
def about() -> str:
    return render_template("complaints/about.html")
