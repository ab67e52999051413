"""The bureau desk: complaints routed to the officer's bureau, with replies and resolutions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField

from portal import handling
from portal.auth import requires_role
from portal.domain import Role
from portal.fields import free_text
from portal.intake import service
from portal.staff import staff_bp
from portal.unit_of_work import commit


class ReplyForm(FlaskForm):
    text = free_text(_l("Reply to the citizen (published)"), maximum=5000)
    resolve = BooleanField(_l("The problem is solved: mark the complaint resolved"))


@staff_bp.get("/bureau")
@requires_role(Role.BUREAU)
def bureau_queue() -> str:
    return render_template("staff/bureau_queue.html", complaints=handling.bureau_complaints(current_user))


@staff_bp.route("/bureau/<code>", methods=["GET", "POST"])
@requires_role(Role.BUREAU)
def bureau_complaint(code: str) -> str | Response | tuple[str, int]:
    complaint = service.find_by_code(code)
    if complaint is None or not handling.is_officer_of(current_user, complaint):
        abort(404)  # another bureau's complaint is none of this officer's business, not even its existence
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            handling.post_reply(complaint, staff=current_user, text=form.text.data, resolve=form.resolve.data)
        except handling.NotOpenForReply:
            form.text.errors.append(
                _("This complaint is closed; it can be answered again if the citizen contests.")
            )
            return render_template("staff/bureau_complaint.html", complaint=complaint, form=form), 409
        commit()
        flash(_("Your reply is on the public record."))
        return redirect(url_for("staff.bureau_queue"))
    status = 422 if form.is_submitted() else 200
    return render_template("staff/bureau_complaint.html", complaint=complaint, form=form), status
