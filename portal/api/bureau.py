"""The bureau's API: its open complaints, and replies."""

from __future__ import annotations

from flask import Response, jsonify
from flask_babel import gettext as _

from portal import handling
from portal.api import api_bp
from portal.api.common import json_object, validated_form
from portal.api.complaints import complaint_or_404
from portal.api.openapi import CODE_PARAMETER, add_paths, errors, json_request, json_response, ref
from portal.auth import require_staff, requires_role
from portal.domain import Role
from portal.errors import ApiError
from portal.i18n import current_language
from portal.public_view import public_complaint
from portal.staff.bureau import ReplyForm
from portal.unit_of_work import commit


@api_bp.get("/bureau/complaints")
@requires_role(Role.BUREAU)
def bureau_complaints() -> Response:
    staff = require_staff()
    language = current_language()
    return jsonify({"complaints": [public_complaint(c, language) for c in handling.bureau_complaints(staff)]})


@api_bp.post("/complaints/<code>/replies")
@requires_role(Role.BUREAU)
def reply(code: str) -> tuple[Response, int]:
    complaint = complaint_or_404(code)
    staff = require_staff()
    form = validated_form(ReplyForm, json_object(), ("text",), flags=("resolve",))
    try:
        handling.post_reply(complaint, staff=staff, text=form.text.data, resolve=form.resolve.data)
    except handling.NotYourComplaint as exc:
        raise ApiError(
            403, "not_your_bureau", _("Only officers of the responsible bureau may reply.")
        ) from exc
    except handling.NotOpenForReply as exc:
        raise ApiError(
            409, "closed", _("This complaint is closed; it can be answered again if the citizen contests.")
        ) from exc
    commit()
    return jsonify({"status": complaint.status.value}), 201


add_paths(
    {
        "/bureau/complaints": {
            "get": {
                "summary": "Open complaints routed to the caller's bureau (bureau officers)",
                "responses": {
                    "200": json_response(
                        "Public views of the complaints",
                        {
                            "type": "object",
                            "properties": {"complaints": {"type": "array", "items": ref("PublicComplaint")}},
                        },
                    ),
                    **errors("401", "403"),
                },
            }
        },
        "/complaints/{code}/replies": {
            "post": {
                "summary": "Publish the bureau's reply, optionally marking the complaint resolved",
                "parameters": [CODE_PARAMETER],
                "requestBody": json_request(
                    {
                        "type": "object",
                        "required": ["text"],
                        "properties": {
                            "text": {"type": "string", "minLength": 2, "maxLength": 5000},
                            "resolve": {"type": "boolean"},
                        },
                    }
                ),
                "responses": {
                    "201": json_response(
                        "Recorded", {"type": "object", "properties": {"status": {"type": "string"}}}
                    ),
                    "409": json_response("The complaint is closed", ref("Error")),
                    **errors("401", "403", "404", "422"),
                },
            }
        },
    }
)
