"""The retaliation check-in's surfaces: ``/track/<code>/retaliation`` and
``POST /api/v1/complaints/<code>/retaliation`` (the reporter, with the follow-up secret)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import Field, RadioField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from escalation import retaliation
from escalation.public import public_case
from portal.auth.access import public
from portal.complaints.lookup import find_by_code, require_complaint
from portal.features import ApiDocs
from portal.http.api import json_object, make_api_blueprint, validated_form
from portal.http.forms import free_text
from portal.http.i18n import current_language
from portal.http.limits import intake_limit, lookup_limit
from portal.http.openapi import CODE_PARAMETER, errors, json_request, json_response, ref
from portal.http.pages import show_refusal
from portal.models import Complaint
from portal.refusals import Refusal
from portal.unit_of_work import commit

DESCRIPTION_MAX = 5000


class CheckInForm(FlaskForm):
    secret = StringField(
        _l("Follow-up secret from your receipt"),
        validators=[InputRequired(message=_l("This field is required."))],
    )
    retaliation = RadioField(
        _l("Since the case closed, have you faced retaliation for reporting it?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validate_choice=False,
    )
    description = free_text(
        _l("What happened (optional, public; leave out names)"), maximum=DESCRIPTION_MAX, required=False
    )

    def validate_retaliation(self, field: Field) -> None:
        if field.data not in ("yes", "no"):
            raise ValidationError(_l("Choose yes or no."))


def _answer(complaint: Complaint, form: CheckInForm) -> Any:
    return retaliation.answer(
        complaint,
        secret=form.secret.data,
        retaliated=form.retaliation.data == "yes",
        description=form.description.data or None,
    )


checkin_pages = Blueprint("retaliation", __name__)


@checkin_pages.route("/track/<code>/retaliation", methods=["GET", "POST"])
@lookup_limit
@intake_limit  # POSTs only
def check_in(code: str) -> str | WerkzeugResponse | tuple[str, int]:
    complaint = find_by_code(code)
    if complaint is None:
        return render_template("complaints/lookup.html", code=code, not_found=True), 404
    if complaint.tracking_code != code:
        return redirect(url_for("retaliation.check_in", code=complaint.tracking_code))
    form = CheckInForm()
    status = 200
    if form.is_submitted():
        if not form.validate():
            status = 422
        else:
            try:
                _answer(complaint, form)
            except Refusal as refusal:
                status = show_refusal(form, refusal)
            else:
                commit()
                flash(_("Thank you. Your answer is on the record."))
                return redirect(url_for("complaints.track", code=complaint.tracking_code), code=303)
    waiting = retaliation.waiting(complaint) is not None
    page = render_template(
        "escalation/check_in.html", code=complaint.tracking_code, form=form, waiting=waiting
    )
    return page, status


checkin_api = make_api_blueprint("retaliation_api", __name__)


@checkin_api.post("/complaints/<code>/retaliation")
@public
@intake_limit
def answer_check_in(code: str) -> tuple[Response, int]:
    complaint = require_complaint(code)
    form = validated_form(CheckInForm, json_object(), ("secret", "retaliation", "description"))
    case = _answer(complaint, form)
    commit()
    return jsonify(
        {
            "retaliation": form.retaliation.data == "yes",
            "case": public_case(case, current_language()) if case else None,
        }
    ), 201


def public_check_in(complaint: Complaint, _locale: str) -> dict[str, Any] | None:
    """The status page's section: the question waiting for the reporter, if any."""
    check_in = retaliation.waiting(complaint)
    if check_in is None:
        return None
    return {
        "days_after": check_in.days_after,
        "url": url_for("retaliation.check_in", code=complaint.tracking_code),
    }


def public_check_ins_many(complaints: Sequence[Complaint], _locale: str) -> dict[int, dict[str, Any] | None]:
    """The same section for a list of complaints, in one query."""
    waiting = retaliation.waiting_for([complaint.id for complaint in complaints])
    return {
        complaint.id: (
            {
                "days_after": waiting[complaint.id].days_after,
                "url": url_for("retaliation.check_in", code=complaint.tracking_code),
            }
            if complaint.id in waiting
            else None
        )
        for complaint in complaints
    }


API_DOCS = ApiDocs(
    {
        "/complaints/{code}/retaliation": {
            "post": {
                "summary": "The reporter's answer to a retaliation check-in; yes opens a case one level up",
                "security": [],
                "parameters": [CODE_PARAMETER],
                "requestBody": json_request(
                    {
                        "type": "object",
                        "required": ["secret", "retaliation"],
                        "properties": {
                            "secret": {"type": "string"},
                            "retaliation": {"enum": ["yes", "no"]},
                            "description": {"type": "string", "maxLength": DESCRIPTION_MAX},
                        },
                    }
                ),
                "responses": {
                    "201": json_response(
                        "Recorded",
                        {
                            "type": "object",
                            "properties": {
                                "retaliation": {"type": "boolean"},
                                "case": {"oneOf": [ref("Case"), {"type": "null"}]},
                            },
                        },
                    ),
                    "403": json_response("Wrong secret", ref("Error")),
                    "409": json_response("No check-in is waiting", ref("Error")),
                    **errors("404", "422", "429"),
                },
            }
        }
    }
)
