"""The privacy pages: staff redaction, staff reveals of contact details, and the citizen's view of those reveals.

Redaction hides names of private persons (and other passages) from every public view of a complaint; the stored
text is never changed, so authorised staff keep reading the original. Contact details are shown to staff only
as the answer to a reveal (with a reason, logged); the citizen sees on the status page when and by which role.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import Length

from portal.auth.access import requires_role
from portal.complaints import timeline
from portal.complaints.forms import FollowUpForm
from portal.complaints.lookup import find_by_code
from portal.domain import Role
from portal.http.i18n import current_language
from portal.http.limits import lookup_limit
from portal.http.pages import STAFF_PREFIX, make_staff_blueprint, show_refusal
from portal.privacy import reveals
from portal.privacy.forms import HISTORY_PREFIX, REVEAL_PREFIX, RevealForm, RevealHistoryForm
from portal.privacy.public_text import public_text
from portal.privacy.redaction import find_personal_data
from portal.record import events
from portal.refusals import Refusal
from portal.unit_of_work import commit

privacy_desk = make_staff_blueprint("privacy", __name__)
privacy_public = Blueprint("privacy_public", __name__)
MAX_TERMS = 50


class RedactionForm(FlaskForm):
    terms = TextAreaField(
        _l("Names of private persons and other text to hide, one per line"),
        validators=[Length(max=4000, message=_l("At most %(max)d characters."))],
    )


def parse_terms(text: str) -> list[str]:
    """Distinct non-blank lines, in order; one-character terms would blank out ordinary words, so they are
    refused by the redaction engine and dropped here."""
    seen: list[str] = []
    for line in text.splitlines():
        term = line.strip()
        if len(term) >= 2 and term not in seen:
            seen.append(term)
    return seen[:MAX_TERMS]


@privacy_desk.route("/complaints/<code>/redactions", methods=["GET", "POST"])
@requires_role(Role.TRIAGE)
def redactions(code: str) -> str | Response | tuple[str, int]:
    complaint = find_by_code(code)
    if complaint is None:
        abort(404)
    form = RedactionForm()
    if form.validate_on_submit():
        complaint.redactions = parse_terms(form.terms.data or "")
        # Only the count goes on the record: the names themselves are what is being protected.
        events.record(
            "redactions_updated",
            complaint=complaint,
            actor=current_user.actor,
            public=False,
            payload={"terms": len(complaint.redactions)},
        )
        commit()
        flash(_("The public views now hide what you listed."))
        return redirect(url_for("privacy.redactions", code=complaint.tracking_code))
    if request.method == "GET":
        form.terms.data = "\n".join(complaint.redactions or [])
    language = current_language()
    preview = {
        "title": public_text(complaint, complaint.title, language),
        "body": public_text(complaint, complaint.body, language),
    }
    found = find_personal_data(complaint.body, private_names=complaint.redactions or ())
    status = 422 if form.is_submitted() else 200
    return render_template(
        "privacy/redactions.html", complaint=complaint, form=form, preview=preview, found=len(found)
    ), status


def _back_to(target: str | None) -> str:
    """Where the contact page links back to: the staff page the reveal was asked from, or the staff home."""
    if (
        target
        and target.startswith(f"{STAFF_PREFIX}/")
        and "//" not in target
        and "\\" not in target
        and not urlsplit(target).netloc
        and len(target) <= 200
    ):
        return target
    return url_for("staff.home")


@privacy_desk.post("/complaints/<code>/contact")
def reveal_contact(code: str) -> str | tuple[str, int]:
    """Show the contact details, once, as the answer to this request; the reveal is logged with its reason.

    Staff pages are never cached (``private, no-store``), so nothing of the answer outlives it."""
    complaint = find_by_code(code)
    if complaint is None:
        abort(404)
    form = RevealForm(prefix=REVEAL_PREFIX)
    back = _back_to(form.back.data)
    permitted = reveals.may_reveal(current_user, complaint)
    page = {"complaint": complaint, "form": form, "back": back, "permitted": permitted}
    if not form.validate():
        return render_template("privacy/contact.html", **page), 422
    try:
        revealed = reveals.reveal(complaint, staff=current_user, reason=form.reason.data or "")
    except Refusal as refusal:
        status = show_refusal(form, refusal)
        return render_template("privacy/contact.html", **page), status
    commit()
    return render_template("privacy/contact.html", **page, revealed=revealed)


@privacy_public.post("/track/<code>/contact-reveals")
@lookup_limit
def reveal_history(code: str) -> Response | tuple[str, int]:
    """The status page again, with when and by which role the contact details were shown (secret required)."""
    complaint = find_by_code(code)
    if complaint is None:
        return render_template("complaints/lookup.html", code=code, not_found=True), 404
    form = RevealHistoryForm(prefix=HISTORY_PREFIX)
    history = None
    status = 200
    if not form.validate():
        status = 422
    else:
        try:
            history = reveals.history_for_citizen(complaint, secret=form.secret.data or "")
        except Refusal as refusal:
            status = show_refusal(form, refusal)
    page = render_template(
        "complaints/track.html",
        complaint=timeline.public_complaint(complaint, current_language()),
        form=FollowUpForm(formdata=None),
        history_form=form,
        history=history,
    )
    response = make_response(page, status)
    # Answered for the holder of the secret only: no cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response
