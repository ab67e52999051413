"""Citizen endpoints of the API: file a complaint, read its public status, add information."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _

from portal.auth.access import public
from portal.complaints import antispam, filing, timeline
from portal.complaints.followup import add_follow_up
from portal.complaints.forms import ComplaintForm, FollowUpForm, draft_from_form
from portal.complaints.lookup import require_complaint
from portal.complaints.payload import PayloadError, complaint_formdata
from portal.evidence.photos import EvidenceRejected, Upload, inspect_files
from portal.features import ApiDocs
from portal.http.api import (
    ApiError,
    form_errors,
    json_body,
    json_object,
    make_api_blueprint,
    parse_json,
    validated_form,
    validation_failed,
)
from portal.http.i18n import current_language
from portal.http.limits import intake_limit, lookup_limit, read_limit
from portal.http.openapi import CODE_PARAMETER, NULLABLE_TEXT, TEXT, errors, json_request, json_response, ref
from portal.jurisdiction.service import division_choices
from portal.unit_of_work import commit

complaints_api = make_api_blueprint("complaints_api", __name__)


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
    antispam.screen(form)
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
        "record": receipt.record.to_json(),
        "content_salt": receipt.content_salt,
    }
    return jsonify(body), 201, {"Location": status_url}


@complaints_api.get("/complaints/challenge")
@public
@read_limit
def intake_challenge() -> Response:
    """A proof-of-work challenge to send with a complaint (``pow``), when this portal asks for one."""
    if antispam.required_bits() == 0:
        return jsonify({"required": False, "bits": 0, "challenge": None})
    challenge = antispam.new_challenge()
    return jsonify({"required": True, "bits": challenge.bits, "challenge": challenge.text})


@complaints_api.get("/complaints/<code>")
@public
@lookup_limit
def complaint_status(code: str) -> Response:
    return jsonify(timeline.public_complaint(require_complaint(code), current_language()))


@complaints_api.post("/complaints/<code>/updates")
@public
@intake_limit
def add_update(code: str) -> tuple[Response, int]:
    complaint = require_complaint(code)
    form = validated_form(FollowUpForm, json_object(), ("secret", "text"), flags=("contest",))
    event = add_follow_up(
        complaint, secret=form.secret.data, text=form.text.data, contest=bool(form.contest.data)
    )
    commit()
    return jsonify({"kind": event.kind, "status": complaint.status.value}), 201


SCHEMAS: dict[str, dict[str, Any]] = {
    "NewComplaint": {
        "type": "object",
        "required": ["title", "body", "division"],
        "properties": {
            "title": {"type": "string", "minLength": 4, "maxLength": 100},
            "body": {"type": "string", "minLength": 10, "maxLength": 5000},
            "division": {"type": "string", "description": "Division code, e.g. XD-A1", "examples": ["XD-A1"]},
            "address": {"type": "string", "maxLength": 200},
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
            "anonymous": {"type": "boolean", "description": "If true, no contact data is stored at all"},
            "notify": {
                "type": "boolean",
                "description": "Mail contact.email (and text contact.phone) at every public change; needs "
                "contact.email, refused with anonymous",
            },
            "contact": {
                "type": "object",
                "properties": {"name": TEXT, "phone": TEXT, "email": {"type": "string", "format": "email"}},
            },
            "website": {"type": "string", "description": "Leave out or empty (a trap for form-filling bots)"},
            "pow": {
                "type": "object",
                "description": "The proof of work, when GET /complaints/challenge says one is required",
                "properties": {"challenge": TEXT, "nonce": TEXT},
            },
            "misconduct": {
                "type": "object",
                "description": "An allegation of official misconduct; sending it makes the allegation",
                "properties": {
                    "alleged": {
                        "type": "boolean",
                        "description": "false withdraws the allegation; default true",
                    },
                    "accused_name": TEXT,
                    "accused_unit": TEXT,
                    "party_member": {"enum": ["yes", "no", "unknown"]},
                },
            },
        },
    },
    "Receipt": {
        "type": "object",
        "required": ["tracking_code", "follow_up_secret", "status"],
        "properties": {
            "tracking_code": {
                "type": "string",
                "pattern": "^FA-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2}$",
            },
            "follow_up_secret": {"type": "string", "description": "Shown once; keep it to follow up"},
            "status": TEXT,
            "status_url": {"type": "string", "format": "uri"},
            "track_url": {"type": "string", "format": "uri"},
            "anonymous": {"type": "boolean"},
            "record": {
                "type": "object",
                "description": "The receipt for verify_receipt.py: entry, index, head, path",
            },
            "content_salt": {
                "type": "string",
                "description": "Shown once: with the title and body it recomputes the entry's content_sha256",
            },
        },
    },
    "PublicComplaint": {
        "type": "object",
        "required": ["tracking_code", "status", "division", "timeline"],
        "properties": {
            "tracking_code": TEXT,
            "title": TEXT,
            "body": TEXT,
            "status": {"enum": ["received", "triage", "routed", "replied", "resolved", "reopened"]},
            "status_label": TEXT,
            "division": {"type": "object", "properties": {"code": TEXT, "name": TEXT}},
            "address": NULLABLE_TEXT,
            "category": {"type": ["object", "null"], "properties": {"key": TEXT, "label": TEXT}},
            "bureau": {"type": ["object", "null"], "properties": {"code": TEXT, "name": TEXT}},
            "reply_due_at": {"type": ["string", "null"], "format": "date-time"},
            "misconduct_alleged": {"type": "boolean"},
            "filed_at": {"type": "string", "format": "date-time"},
            "timeline": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "at": {"type": "string", "format": "date-time"},
                        "kind": TEXT,
                        "text": TEXT,
                    },
                },
            },
        },
        "additionalProperties": True,
    },
    "FollowUp": {
        "type": "object",
        "required": ["secret", "text"],
        "properties": {
            "secret": TEXT,
            "text": {"type": "string", "minLength": 2, "maxLength": 5000},
            "contest": {"type": "boolean", "description": "Contest a resolution: reopens the complaint"},
        },
    },
}

PATHS: dict[str, dict[str, Any]] = {
    "/complaints": {
        "post": {
            "summary": "File a complaint (no account needed)",
            "security": [],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": ref("NewComplaint")},
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["complaint"],
                            "properties": {
                                "complaint": {
                                    "type": "string",
                                    "description": "The NewComplaint object as JSON",
                                },
                                "evidence": {
                                    "type": "array",
                                    "maxItems": 5,
                                    "items": {"type": "string", "format": "binary"},
                                    "description": "Up to 5 JPEG, PNG or WebP photos of at most 10 MB",
                                },
                            },
                        }
                    },
                },
            },
            "responses": {
                "201": json_response("Filed; keep the receipt", ref("Receipt")),
                "413": json_response("The upload is larger than the photos allow", ref("Error")),
                "415": json_response("Neither JSON nor multipart", ref("Error")),
                **errors("400", "422", "429"),
            },
        }
    },
    "/complaints/challenge": {
        "get": {
            "summary": "A proof-of-work challenge for filing, when this portal asks for one",
            "description": "Find a nonce such that SHA-256(challenge + ':' + nonce) starts with `bits` zero bits "
            "and send both as `pow` with the complaint. Each challenge is accepted once, within an hour.",
            "security": [],
            "responses": {
                "200": json_response(
                    "The challenge (null when none is required)",
                    {
                        "type": "object",
                        "properties": {
                            "required": {"type": "boolean"},
                            "bits": {"type": "integer"},
                            "challenge": NULLABLE_TEXT,
                        },
                    },
                ),
                **errors("429"),
            },
        }
    },
    "/complaints/{code}": {
        "get": {
            "summary": "Public, redacted status of a complaint",
            "security": [],
            "parameters": [CODE_PARAMETER],
            "responses": {
                "200": json_response("The public view", ref("PublicComplaint")),
                **errors("404", "429"),
            },
        }
    },
    "/complaints/{code}/updates": {
        "post": {
            "summary": "Add information or contest a resolution, with the follow-up secret",
            "security": [],
            "parameters": [CODE_PARAMETER],
            "requestBody": json_request(ref("FollowUp")),
            "responses": {
                "201": json_response("Recorded", {"type": "object"}),
                "403": json_response("Wrong secret", ref("Error")),
                "409": json_response("Not in a state that can be contested", ref("Error")),
                **errors("404", "422", "429"),
            },
        }
    },
}


API_DOCS = ApiDocs(PATHS, SCHEMAS)
