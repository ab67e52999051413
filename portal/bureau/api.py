"""The bureau's API: its open complaints, and replies."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _

from portal.auth.access import require_staff, requires_role
from portal.bureau import replies
from portal.bureau.forms import ReplyForm
from portal.complaints.lookup import require_complaint
from portal.complaints.timeline import public_complaints
from portal.domain import Role
from portal.evidence.photos import EvidenceRejected, inspect_files
from portal.features import ApiDocs
from portal.http.api import (
    ApiError,
    json_object,
    make_api_blueprint,
    parse_json,
    validated_form,
    validation_failed,
)
from portal.http.i18n import current_language
from portal.http.openapi import CODE_PARAMETER, errors, json_request, json_response, ref
from portal.http.paging import PAGE_PARAMETERS, PAGE_PROPERTIES, page_request
from portal.record import seals
from portal.unit_of_work import commit

bureau_api = make_api_blueprint("bureau_api", __name__)


@bureau_api.get("/bureau/complaints")
@requires_role(Role.BUREAU)
def bureau_complaints() -> Response:
    staff = require_staff()
    language = current_language()
    page = replies.bureau_complaints(staff, page_request(request.args))
    return jsonify({"complaints": public_complaints(seals.shown(page.items), language), **page.as_json()})


def _reply_document() -> dict[str, Any]:
    """The reply as JSON: the body itself, or with photos, the ``reply`` part of a multipart body."""
    if request.mimetype != "multipart/form-data":
        return json_object()
    part = request.form.get("reply")
    if part is None:
        raise ApiError(400, "missing_part", _('Send the reply as JSON in a part named "reply".'))
    document = parse_json(part)
    if not isinstance(document, dict):
        raise ApiError(422, "validation_failed", _("The request body must be a JSON object."))
    return document


@bureau_api.post("/complaints/<code>/replies")
@requires_role(Role.BUREAU)
def reply(code: str) -> tuple[Response, int]:
    complaint = require_complaint(code)
    staff = require_staff()
    form = validated_form(ReplyForm, _reply_document(), ("text",), flags=("resolve",))
    try:
        photos = inspect_files(request.files.getlist("photos"))
    except EvidenceRejected as rejected:
        raise validation_failed({"photos": rejected.messages}) from rejected
    event = replies.post_reply(
        complaint, staff=staff, text=form.text.data, resolve=form.resolve.data, photos=photos
    )
    commit()
    return jsonify({"status": complaint.status.value, "quality": event.payload["quality"]}), 201


@bureau_api.post("/complaints/<code>/replies/preview")
@requires_role(Role.BUREAU)
def preview(code: str) -> Response:
    """How a reply would read, before it is published: nothing is stored."""
    complaint = require_complaint(code)
    staff = require_staff()
    if not replies.is_officer_of(staff, complaint):
        raise replies.NotYourComplaint
    form = validated_form(ReplyForm, json_object(), ("text",), flags=("resolve",))
    return jsonify(replies.assess(complaint, staff=staff, text=form.text.data).as_json())


REPLY_SCHEMA = {
    "type": "object",
    "required": ["text"],
    "properties": {
        "text": {"type": "string", "minLength": 2, "maxLength": 5000},
        "resolve": {"type": "boolean"},
    },
}

QUALITY_SCHEMA = {
    "type": "object",
    "properties": {
        "score": {"type": "integer", "minimum": 0, "maximum": 100},
        "relevance": {"type": "number"},
        "specificity": {"type": "number"},
        "responsiveness": {"type": "number"},
        "timeliness": {"type": "number"},
        "boilerplate": {"type": "boolean", "description": "A near copy of the bureau's replies to others"},
        "deflection": {"type": "boolean", "description": "Passes the matter on, nothing done or answered"},
    },
}

API_DOCS = ApiDocs(
    {
        "/complaints/{code}/replies/preview": {
            "post": {
                "summary": "How a reply would read (the preview step): its assessment, nothing stored",
                "parameters": [CODE_PARAMETER],
                "requestBody": json_request(REPLY_SCHEMA),
                "responses": {
                    "200": json_response("The assessment", ref("ReplyQuality")),
                    **errors("401", "403", "404", "422"),
                },
            }
        },
        "/bureau/complaints": {
            "get": {
                "summary": "Open complaints routed to the caller's bureau, earliest deadline first (bureau officers)",
                "parameters": PAGE_PARAMETERS,
                "responses": {
                    "200": json_response(
                        "Public views of the complaints",
                        {
                            "type": "object",
                            "properties": {
                                "complaints": {"type": "array", "items": ref("PublicComplaint")},
                                **PAGE_PROPERTIES,
                            },
                        },
                    ),
                    **errors("400", "401", "403"),
                },
            }
        },
        "/complaints/{code}/replies": {
            "post": {
                "summary": "Publish the bureau's reply, optionally marking the complaint resolved",
                "parameters": [CODE_PARAMETER],
                "description": "JSON, or multipart/form-data with the JSON in a part named `reply` and up to 5 "
                "fix photos in parts named `photos` (the intake's upload checks). Each photo's location, time and "
                "originality are checked and shown publicly beside the reply (`fix_photos` of the public view). "
                "Categories in FIX_PHOTO_REQUIRED_CATEGORIES resolve only with a located photo "
                "(422 `fix_photo_required`).",
                "requestBody": {
                    "required": True,
                    "content": {
                        **json_request(REPLY_SCHEMA)["content"],
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["reply"],
                                "properties": {
                                    "reply": {"type": "string", "description": "The reply as JSON"},
                                    "photos": {
                                        "type": "array",
                                        "maxItems": 5,
                                        "items": {"type": "string", "format": "binary"},
                                    },
                                },
                            }
                        },
                    },
                },
                "responses": {
                    "201": json_response(
                        "Recorded, with the reply's public assessment",
                        {
                            "type": "object",
                            "properties": {"status": {"type": "string"}, "quality": ref("ReplyQuality")},
                        },
                    ),
                    "409": json_response("The complaint is closed", ref("Error")),
                    **errors("401", "403", "404", "422"),
                },
            }
        },
    },
    schemas={"ReplyQuality": QUALITY_SCHEMA},
)
