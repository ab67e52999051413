"""The "me too" button of the status page: a plain form, so it works without JavaScript."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.complaints.lookup import find_by_code
from portal.http.limits import attempt_limit, support_limit
from portal.http.pages import refusal_text
from portal.refusals import Refusal
from portal.support.api import client_address
from portal.support.service import add_support
from portal.unit_of_work import commit

support_pages = Blueprint("support", __name__)


@support_pages.post("/track/<code>/support")
@attempt_limit
@support_limit
def support(code: str) -> Response | tuple[str, int]:
    complaint = find_by_code(code)
    if complaint is None:
        return render_template("complaints/lookup.html", code=code, not_found=True), 404
    try:
        supported = add_support(complaint, client_address())
    except Refusal as refusal:
        flash(refusal_text(refusal))
    else:
        commit()
        if supported.counted:
            flash(
                _(
                    "Thank you: your support is counted. This complaint now has %(num)d supporters.",
                    num=supported.supporters,
                )
            )
        else:
            flash(_("Your support for this complaint is already counted today."))
    return redirect(url_for("complaints.track", code=complaint.tracking_code), code=303)
