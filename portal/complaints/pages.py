"""Thin views: parse, call the intake service, render."""

from __future__ import annotations

import json
import re

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.wrappers import Response as FlaskResponse
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from portal.complaints import antispam, filing, receipt_copies, similar, timeline
from portal.complaints.feed import atom_feed
from portal.complaints.followup import add_follow_up
from portal.complaints.forms import ComplaintForm, FollowUpForm, draft_from_form
from portal.complaints.lookup import find_by_code
from portal.evidence import held
from portal.evidence.photos import EvidenceRejected, Upload, inspect_files
from portal.http.i18n import current_language
from portal.http.limits import attempt_limit, follow_up_limit, intake_limit_answering, lookup_limit
from portal.http.pages import show_refusal
from portal.jurisdiction.service import division_choices
from portal.models import Complaint
from portal.refusals import Refusal
from portal.unit_of_work import commit

complaint_pages = Blueprint("complaints", __name__)
RECEIPT_COOKIE = "receipt_key"
# Photos held from an earlier try: the batch token (a cookie), and the form's positions still wanted.
HELD_COOKIE = "held_photos"
KEEP_FIELD = "keep_photo"
# Set once the citizen has seen the similar open complaints and chose to file anyway.
SIMILAR_SEEN_FIELD = "similar_seen"


def _form_again_when_limited(_limit: RequestLimit) -> FlaskResponse:
    """The 6th filing in a minute gets its own form back, text and held photos intact, with a word on when to
    retry (photos attached to this very try cannot be kept: holding them would be filing by another name)."""
    form = ComplaintForm(division_choices=division_choices(current_language()))
    form.validate()
    form.form_errors.append(
        _(
            "You have filed several complaints in a short time. Wait a minute, then send this one again: "
            "your text is kept here."
        )
    )
    response = _form_page(form, 429, held.still_held(request.cookies.get(HELD_COOKIE)))
    response.headers["Retry-After"] = "60"
    return response  # type: ignore[return-value]  # make_response gives Flask's Response


@complaint_pages.route("/", methods=["GET", "POST"])
@attempt_limit
@intake_limit_answering(on_breach=_form_again_when_limited)
def file_complaint() -> Response:
    language = current_language()
    form = ComplaintForm(division_choices=division_choices(language))
    if not form.is_submitted():
        return _form_page(form)
    valid = form.validate()
    token = request.cookies.get(HELD_COOKIE)
    kept = held.held(token, keep=_kept_positions())
    uploads: list[Upload] = []
    try:
        uploads = inspect_files(request.files.getlist("evidence"), kept)
    except EvidenceRejected as rejected:
        form.evidence.errors = [*form.evidence.errors, *rejected.messages]
        # Too many photos refuses them all: the ones held from before are still wanted.
        uploads = rejected.accepted or _still_acceptable(kept)
        valid = False
    if valid:
        try:
            antispam.screen(form)
        except Refusal as refusal:
            # A bot's photos are not held for it.
            return _form_page(form, show_refusal(form, refusal))
    if not valid:
        return _form_page(form, 422, _hold(uploads, token))
    if request.form.get(SIMILAR_SEEN_FIELD) != "1":
        found = similar.similar_open_complaints(form.division.data, form.title.data, form.body.data)
        if found:
            # The second step: "is one of these your problem?", with the form (and its photos) kept as typed.
            suggestions = [similar.public_suggestion(s, language) for s in found]
            return _form_page(form, 200, _hold(uploads, token), suggestions)
    receipt = filing.file_complaint(draft_from_form(form, language), uploads)
    held.release(token)
    handle, key = receipt_copies.keep_for_page(receipt.to_json())
    commit()
    # Post/redirect/get: a reload, Back or a language switch shows the receipt again and files nothing. The
    # secret travels only sealed, under a key that only this browser holds, for a short window.
    response = redirect(url_for("complaints.receipt", handle=handle), code=303)
    response.set_cookie(
        RECEIPT_COOKIE,
        key,
        max_age=int(receipt_copies.page_window().total_seconds()),
        path=url_for("complaints.receipt", handle=handle),
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Strict",
    )
    response.delete_cookie(HELD_COOKIE, path="/")
    return response


def _kept_positions() -> list[int]:
    return [int(value) for value in request.form.getlist(KEEP_FIELD) if re.fullmatch(r"[0-9]{1,2}", value)]


def _still_acceptable(kept: tuple[tuple[str, bytes], ...]) -> list[Upload]:
    try:
        return inspect_files([], kept)
    except EvidenceRejected as rejected:
        return rejected.accepted


def _hold(uploads: list[Upload], token: str | None) -> held.Held | None:
    """Keep the photos that passed for the form's next try (committed: the form's answer is an error page)."""
    kept = held.hold(
        [(upload.name, upload.data) for upload in uploads], client=get_remote_address(), token=token
    )
    commit()
    return kept


def _form_page(
    form: ComplaintForm,
    status: int = 200,
    photos: held.Held | None = None,
    suggestions: list[dict[str, object]] | None = None,
) -> Response:
    antispam.offer_challenge(form)
    if photos is None and any(upload.filename for upload in request.files.getlist("evidence")):
        form.evidence.errors = [
            *form.evidence.errors,
            _("Your photos could not be kept: please attach them again."),
        ]
    page = render_template(
        "complaints/file.html",
        form=form,
        pow_bits=antispam.required_bits(),
        held_photos=photos,
        similar=suggestions,
        similar_seen_field=SIMILAR_SEEN_FIELD,
    )
    response = make_response(page, status)
    if photos is not None and photos.token:
        # The batch is this browser's alone: its token never appears in the page.
        response.set_cookie(
            HELD_COOKIE,
            photos.token,
            max_age=int(current_app.config["HELD_PHOTOS_MINUTES"]) * 60,
            path="/",
            secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
            httponly=True,
            samesite="Lax",
        )
    return response


@complaint_pages.get("/receipt/<handle>")
def receipt(handle: str) -> Response:
    document = receipt_copies.open_for_page(handle, request.cookies.get(RECEIPT_COOKIE))
    if document is None:
        response = make_response(render_template("complaints/receipt_gone.html"), 410)
    else:
        minutes = int(receipt_copies.page_window().total_seconds() // 60)
        response = make_response(
            render_template("complaints/receipt.html", receipt=document, minutes=minutes)
        )
    # The page holds the one-time secret: no cache, no shared proxy, may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


@complaint_pages.get("/receipt/<handle>/receipt.json")
def receipt_download(handle: str) -> Response:
    document = receipt_copies.open_for_page(handle, request.cookies.get(RECEIPT_COOKIE))
    if document is None:
        return make_response(render_template("complaints/receipt_gone.html"), 410)
    body = json.dumps(
        filing.receipt_file(document, request.url_root, current_language()), ensure_ascii=False, indent=2
    )
    response = make_response(body)
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="receipt-{document["tracking_code"]}.json"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


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
@attempt_limit
@follow_up_limit  # POSTs only: a follow-up writes to the permanent record, as filing does
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
