"""Thin views: parse, call the intake service, render."""

from __future__ import annotations

from pathlib import Path

from flask import abort, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal import ledger, photos, public_view
from portal.i18n import current_language
from portal.intake import service
from portal.intake.followup import FollowUpForm, NotContestable, WrongSecret, add_follow_up
from portal.intake.forms import ComplaintForm, draft_from_form
from portal.limits import intake_limit, lookup_limit
from portal.models import Complaint
from portal.photos import EvidenceRejected, Upload, inspect_files
from portal.public import public_bp
from portal.record import verify_receipt
from portal.unit_of_work import commit


@public_bp.route("/", methods=["GET", "POST"])
@intake_limit
def file_complaint() -> str | Response | tuple[str, int]:
    language = current_language()
    form = ComplaintForm(division_choices=service.division_choices(language))
    if not form.is_submitted():
        return render_template("public/file.html", form=form)
    valid = form.validate()
    uploads: list[Upload] = []
    try:
        uploads = inspect_files(request.files.getlist("evidence"))
    except EvidenceRejected as rejected:
        form.evidence.errors = [*form.evidence.errors, *rejected.messages]
        valid = False
    if not valid:
        return render_template("public/file.html", form=form), 422
    receipt = service.file_complaint(draft_from_form(form, language), uploads)
    commit()
    # The receipt is the answer to the POST itself: the secret is never stored in clear, not even in the
    # session cookie, and no cache may keep the page.
    response = make_response(render_template("public/receipt.html", receipt=receipt), 201)
    response.headers["Cache-Control"] = "no-store"
    return response


@public_bp.get("/track")
@lookup_limit
def lookup() -> str | Response:
    code = request.args.get("code", "").strip()
    if not code:
        return render_template("public/lookup.html")
    complaint = service.find_by_code(code)
    if complaint is None:
        return render_template("public/lookup.html", code=code, not_found=True), 404  # type: ignore[return-value]
    return redirect(url_for("public.track", code=complaint.tracking_code))


@public_bp.route("/track/<code>", methods=["GET", "POST"])
@lookup_limit
@intake_limit  # POSTs only: a follow-up writes to the permanent record, as filing does
def track(code: str) -> str | Response | tuple[str, int]:
    complaint = service.find_by_code(code)
    if complaint is None:
        return render_template("public/lookup.html", code=code, not_found=True), 404
    if complaint.tracking_code != code:
        return redirect(url_for("public.track", code=complaint.tracking_code))
    form = FollowUpForm()
    status = 200
    if form.is_submitted():
        status = _handle_follow_up(form, complaint)
        if status == 201:
            return redirect(url_for("public.track", code=complaint.tracking_code), code=303)
    view = public_view.public_complaint(complaint, current_language())
    return render_template("public/track.html", complaint=view, form=form), status


def _handle_follow_up(form: FollowUpForm, complaint: Complaint) -> int:
    if not form.validate():
        return 422
    try:
        add_follow_up(
            complaint, secret=form.secret.data, text=form.text.data, contest=bool(form.contest.data)
        )
    except WrongSecret:
        form.secret.errors.append(_("The follow-up secret does not match this complaint."))
        return 403
    except NotContestable:
        form.contest.errors.append(_("Only a complaint the bureau replied to or resolved can be contested."))
        return 409
    commit()
    flash(_("Thank you. Your addition is on the record."))
    return 201


@public_bp.get("/about")
def about() -> str:
    return render_template("public/about.html")


@public_bp.get("/evidence/<name>")
def evidence(name: str) -> Response:
    """A published, metadata-free copy of a photo. Unpublished photos do not exist as far as the public knows."""
    photo = photos.published_photo(name)
    if photo is None:
        abort(404)
    response = send_file(photos.public_path(photo), mimetype=photo.mime, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@public_bp.get("/ledger")
def ledger_page() -> str:
    """How the record works, its current head and key, and how to check a receipt without trusting us."""
    head = ledger.latest_head()
    return render_template("public/ledger.html", head=head, public_key=ledger.public_key())


@public_bp.get("/ledger/verify_receipt.py")
def verifier_script() -> Response:
    """The stand-alone verifier (standard library only): the very module the portal itself uses."""
    return send_file(
        Path(verify_receipt.__file__),
        mimetype="text/x-python",
        as_attachment=True,
        download_name="verify_receipt.py",
    )
