"""The bureau desk: complaints routed to the officer's bureau, with replies and resolutions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.auth.access import requires_role
from portal.bureau import replies
from portal.bureau.forms import ReplyForm
from portal.complaints.lookup import find_by_code
from portal.complaints.timeline import staff_history
from portal.domain import Role
from portal.evidence.photos import EvidenceRejected, inspect_files
from portal.http.pages import make_staff_blueprint, show_refusal
from portal.http.paging import page_request
from portal.models import Complaint
from portal.refusals import Refusal
from portal.unit_of_work import commit

bureau_desk = make_staff_blueprint("bureau_desk", __name__)


@bureau_desk.get("/bureau")
@requires_role(Role.BUREAU)
def queue() -> str:
    page = replies.bureau_complaints(current_user, page_request(request.args))
    return render_template("bureau/queue.html", complaints=page)


@bureau_desk.route("/bureau/<code>", methods=["GET", "POST"])
@requires_role(Role.BUREAU)
def complaint_page(code: str) -> str | Response | tuple[str, int]:
    complaint = find_by_code(code)
    if complaint is None or not replies.is_officer_of(current_user, complaint):
        abort(404)  # another bureau's complaint is none of this officer's business, not even its existence
    form = ReplyForm()
    if form.validate_on_submit():
        quality = replies.assess(complaint, staff=current_user, text=form.text.data)
        if quality.flagged and not form.publish_anyway.data:
            # The preview step: the officer sees how the reply reads before it goes on the public record.
            return render_template(
                "bureau/complaint.html", complaint=complaint, form=form, quality=quality
            ), 200
        try:
            photos = inspect_files(request.files.getlist("photos"))
        except EvidenceRejected as rejected:
            form.photos.errors = list(rejected.messages)
            return render_template("bureau/complaint.html", complaint=complaint, form=form), 422
        try:
            replies.post_reply(
                complaint, staff=current_user, text=form.text.data, resolve=form.resolve.data, photos=photos
            )
        except Refusal as refusal:
            status = show_refusal(form, refusal)
            return _page(complaint, form), status
        commit()
        flash(_("Your reply is on the public record."))
        return redirect(url_for("bureau_desk.queue"))
    status = 422 if form.is_submitted() else 200
    return _page(complaint, form), status


def _page(complaint: Complaint, form: ReplyForm) -> str:
    # The whole conversation so far: what the citizen added or contested, and what the bureau already said.
    return render_template(
        "bureau/complaint.html", complaint=complaint, form=form, history=staff_history(complaint)
    )
