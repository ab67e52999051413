"""Citizen endpoints of the API: file a complaint, read its public status, add information."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _

from portal.auth.access import public
from portal.complaints import filing, timeline
from portal.complaints.followup import FollowUpForm, NotContestable, WrongSecret, add_follow_up
from portal.complaints.forms import ComplaintForm, draft_from_form
from portal.complaints.lookup import find_by_code
from portal.complaints.payload import PayloadError, complaint_formdata
from portal.evidence.photos import EvidenceRejected, Upload, inspect_files
from portal.http.api import (
    form_errors,
    json_body,
    json_object,
    make_api_blueprint,
    parse_json,
    validated_form,
    validation_failed,
)
from portal.http.errors import ApiError
from portal.http.i18n import current_language
from portal.http.limits import intake_limit, lookup_limit
from portal.jurisdiction.service import division_choices
from portal.unit_of_work import commit

complaints_api = make_api_blueprint("complaints_api", __name__)


def complaint_or_404(code: str) -> Any:
    complaint = find_by_code(code)
    if complaint is None:
        raise ApiError(404, "not_found", _("No complaint has this tracking code. Check it and try again."))
    return complaint


def _complaint_document() -> Any:
    """The complaint as JSON: the body itself, or with photos, the ``complaint`` part of a multipart body."""
    if request.mimetype != "multipart/form-data":
        return json_body()
    part = request.form.get("complaint")
    if part is None:
        raise ApiError(400, "missing_part", _('Send the complaint as JSON in a part named "complaint".'))
    return parse_json(part)


@complaints_api.post("/complaints")
@public
@intake_limit
def file_complaint() -> tuple[Response, int, dict[str, str]]:
    try:
        formdata, type_errors = complaint_formdata(_complaint_document())
    except PayloadError as exc:
        raise validation_failed(exc.errors) from exc
    uploads: list[Upload] = []
    try:
        uploads = inspect_files(request.files.getlist("evidence"))
    except EvidenceRejected as rejected:
        type_errors["evidence"] = rejected.messages
    language = current_language()
    form = ComplaintForm(formdata=formdata, meta={"csrf": False}, division_choices=division_choices(language))
    valid = form.validate()
    if type_errors or not valid:
        # A field with the wrong type was left out, so the form may call it missing: the type error wins.
        raise validation_failed({**form_errors(form), **type_errors})
    receipt = filing.file_complaint(draft_from_form(form, language), uploads)
    commit()
    status_url = url_for("complaints_api.complaint_status", code=receipt.tracking_code, _external=True)
    body = {
        "tracking_code": receipt.tracking_code,
        "follow_up_secret": receipt.follow_up_secret,
        "status": receipt.status.value,
        "status_url": status_url,
        "track_url": url_for("complaints.track", code=receipt.tracking_code, _external=True),
        "anonymous": receipt.anonymous,
        "record": receipt.record,
        "content_salt": receipt.content_salt,
    }
    return jsonify(body), 201, {"Location": status_url}


@complaints_api.get("/complaints/<code>")
@public
@lookup_limit
def complaint_status(code: str) -> Response:
    return jsonify(timeline.public_complaint(complaint_or_404(code), current_language()))


@complaints_api.post("/complaints/<code>/updates")
@public
@intake_limit
def add_update(code: str) -> tuple[Response, int]:
    complaint = complaint_or_404(code)
    form = validated_form(FollowUpForm, json_object(), ("secret", "text"), flags=("contest",))
    try:
        event = add_follow_up(
            complaint, secret=form.secret.data, text=form.text.data, contest=bool(form.contest.data)
        )
    except WrongSecret as exc:
        raise ApiError(403, "wrong_secret", _("The follow-up secret does not match this complaint.")) from exc
    except NotContestable as exc:
        raise ApiError(
            409, "not_contestable", _("Only a complaint the bureau replied to or resolved can be contested.")
        ) from exc
    commit()
    return jsonify({"kind": event.kind, "status": complaint.status.value}), 201
