"""Citizen endpoints of the API: file a complaint, read its public status, add information."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from portal.auth.access import public
from portal.complaints import antispam, filing, receipt_copies, similar, timeline
from portal.complaints.followup import add_follow_up
from portal.complaints.forms import ComplaintForm, FollowUpForm, draft_from_form
from portal.complaints.likeness import SAME_PROBLEM_THRESHOLD
from portal.complaints.lookup import require_complaint
from portal.complaints.payload import PayloadError, complaint_formdata
from portal.evidence.photos import EvidenceRejected, Upload, inspect_files
from portal.extensions import db
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
from portal.http.limits import attempt_limit, follow_up_limit, intake_limit, lookup_limit, read_limit
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
@attempt_limit
@intake_limit
def file_complaint() -> tuple[Response, int, dict[str, str]]:
    idempotency_key = request.headers.get("Idempotency-Key")
    digest = None
    if idempotency_key is not None:
        if not receipt_copies.valid_idempotency_key(idempotency_key):
            raise ApiError(
                400,
                "invalid_idempotency_key",
                _("Idempotency-Key must be 8 to 200 visible ASCII characters, e.g. a random UUID."),
            )
        digest = _request_digest()
        earlier = receipt_copies.earlier_answer(idempotency_key, digest)
        if earlier is not None:
            return _filed(earlier, replayed=True)
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
    form = ComplaintForm(
        formdata=formdata,
        meta={"csrf": False},
        division_choices=division_choices(language),
        explicit_allegation=True,
    )
    valid = form.validate()
    if type_errors or not valid:
        # A field with the wrong type was left out, so the form may call it missing: the type error wins.
        raise validation_failed({**form_errors(form), **type_errors})
    antispam.screen(form)
    document = filing.file_complaint(draft_from_form(form, language), uploads).to_json()
    if idempotency_key is None or digest is None:
        commit()
        return _filed(document)
    receipt_copies.remember_answer(idempotency_key, digest, document)
    try:
        commit()
    except IntegrityError as exc:
        # Two tries with one key raced: the other one's commit won, and this one filed nothing.
        db.session.rollback()
        earlier = receipt_copies.earlier_answer(idempotency_key, digest)
        if earlier is None:
            raise exc
        return _filed(earlier, replayed=True)
    return _filed(document)


def _request_digest() -> str:
    parts = [("body", request.get_data(cache=True))] if request.mimetype != "multipart/form-data" else []
    parts += [(f"form:{name}", value.encode("utf-8")) for name, value in request.form.items(multi=True)]
    for name, upload in request.files.items(multi=True):
        parts.append((f"file:{name}:{upload.filename}", upload.stream.read()))
        upload.stream.seek(0)
    return receipt_copies.request_digest(parts)


def _filed(document: dict[str, Any], *, replayed: bool = False) -> tuple[Response, int, dict[str, str]]:
    code = document["tracking_code"]
    status_url = url_for("complaints_api.complaint_status", code=code, _external=True)
    body = {
        **document,
        "status_url": status_url,
        "track_url": url_for("complaints.track", code=code, _external=True),
    }
    headers = {"Location": status_url}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return jsonify(body), 201, headers


@complaints_api.get("/complaints/challenge")
@public
@read_limit
def intake_challenge() -> Response:
    """A proof-of-work challenge to send with a complaint (``pow``), when this portal asks for one."""
    if antispam.required_bits() == 0:
        return jsonify({"required": False, "bits": 0, "challenge": None})
    challenge = antispam.new_challenge()
    return jsonify({"required": True, "bits": challenge.bits, "challenge": challenge.text})


MAX_SIMILAR_QUERY = 5000


@complaints_api.get("/complaints/similar")
@public
@lookup_limit
def similar_complaints() -> Response:
    """Open complaints of the same division that look like the same problem, before filing one."""
    language = current_language()
    division = request.args.get("division", "").strip()
    title = request.args.get("title", "").strip()
    body = request.args.get("body", "").strip()
    problems: dict[str, list[str]] = {}
    if division not in {code for code, _name in division_choices(language)}:
        problems["division"] = [_("Choose a division from the list, e.g. XD-A1.")]
    if len(title) + len(body) < 4:
        problems["title"] = [_("Give a title or a description of at least 4 characters.")]
    if len(title) > MAX_SIMILAR_QUERY or len(body) > MAX_SIMILAR_QUERY:
        problems["body"] = [_("At most 5000 characters.")]
    if problems:
        raise validation_failed(problems)
    found = similar.similar_open_complaints(division, title, body)
    return jsonify(
        {
            "division": division,
            "threshold": SAME_PROBLEM_THRESHOLD,
            "similar": [
                {
                    **similar.public_suggestion(suggestion, language),
                    "status_url": url_for(
                        "complaints_api.complaint_status",
                        code=suggestion.complaint.tracking_code,
                        _external=True,
                    ),
                    "support_url": url_for(
                        "support_api.support", code=suggestion.complaint.tracking_code, _external=True
                    ),
                }
                for suggestion in found
            ],
        }
    )


@complaints_api.get("/complaints/<code>")
@public
@lookup_limit
def complaint_status(code: str) -> Response:
    return jsonify(timeline.public_complaint(require_complaint(code), current_language()))


@complaints_api.post("/complaints/<code>/updates")
@public
@attempt_limit
@follow_up_limit
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
            "filed_text": {
                "type": "object",
                "description": "The title and body exactly as filed (what content_sha256 covers, with the salt)",
                "properties": {"title": TEXT, "body": TEXT},
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
            "second_bureau": {
                "type": ["object", "null"],
                "description": "A second bureau the triage desk gave the complaint to, with its own reply round; "
                "the complaint is resolved once both bureaus resolved it",
                "properties": {
                    "bureau": {"type": "object", "properties": {"code": TEXT, "name": TEXT}},
                    "reply_due_at": {"type": "string", "format": "date-time"},
                    "replied_at": {"type": ["string", "null"], "format": "date-time"},
                    "resolved_at": {"type": ["string", "null"], "format": "date-time"},
                    "first": {
                        "type": "object",
                        "description": "The first bureau's own reply and resolution",
                        "properties": {
                            "replied_at": {"type": ["string", "null"], "format": "date-time"},
                            "resolved_at": {"type": ["string", "null"], "format": "date-time"},
                        },
                    },
                },
            },
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
    "SimilarComplaints": {
        "type": "object",
        "required": ["division", "threshold", "similar"],
        "properties": {
            "division": TEXT,
            "threshold": {"type": "number"},
            "similar": {
                "type": "array",
                "maxItems": 5,
                "items": {
                    "type": "object",
                    "properties": {
                        "tracking_code": TEXT,
                        "title": TEXT,
                        "status": TEXT,
                        "status_label": TEXT,
                        "filed_at": {"type": "string", "format": "date-time"},
                        "score": {"type": "number"},
                        "status_url": {"type": "string", "format": "uri"},
                        "support_url": {"type": "string", "format": "uri"},
                    },
                },
            },
        },
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
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "A random key (e.g. a UUID) of 8-200 visible ASCII characters. A retry with the "
                    "same key and the same request gets the same 201 answer (header Idempotent-Replayed) and "
                    "files nothing again, for IDEMPOTENCY_HOURS (2); the same key with another request gets 422.",
                    "schema": {"type": "string", "minLength": 8, "maxLength": 200},
                }
            ],
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
    "/complaints/similar": {
        "get": {
            "summary": "Open complaints of the same division that look like the same problem",
            "description": "Before filing: up to five open complaints of exactly this division (never another) "
            "whose jieba words are alike to the title and body (TF-IDF cosine at least `threshold`), most alike "
            'first. Say "me too" on one (POST its support_url) instead of filing the same problem again.',
            "security": [],
            "parameters": [
                {"name": "division", "in": "query", "required": True, "schema": {"type": "string"}},
                {"name": "title", "in": "query", "required": False, "schema": {"type": "string"}},
                {"name": "body", "in": "query", "required": False, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": json_response("The suggestions (maybe none)", ref("SimilarComplaints")),
                **errors("422", "429"),
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
