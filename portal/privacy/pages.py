"""Staff redaction: hide names of private persons (and other passages) from every public view of a complaint.

The stored text is never changed: authorised staff keep reading the original.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import Length

from portal.auth.access import requires_role
from portal.complaints.lookup import find_by_code
from portal.domain import Role
from portal.http.i18n import current_language
from portal.http.pages import make_staff_blueprint
from portal.privacy.public_text import public_text
from portal.privacy.redaction import find_personal_data
from portal.record import events
from portal.unit_of_work import commit

privacy_desk = make_staff_blueprint("privacy", __name__)
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
