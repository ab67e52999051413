"""The bureau's API: its open complaints, and replies."""

from __future__ import annotations

from flask import Response, jsonify, request

from portal.auth.access import require_staff, requires_role
from portal.bureau import replies
from portal.bureau.forms import ReplyForm
from portal.complaints.lookup import require_complaint
from portal.complaints.timeline import public_complaints
from portal.domain import Role
from portal.features import ApiDocs
from portal.http.api import json_object, make_api_blueprint, validated_form
from portal.http.i18n import current_language
from portal.http.openapi import CODE_PARAMETER, errors, json_request, json_response, ref
from portal.http.paging import PAGE_PARAMETERS, PAGE_PROPERTIES, page_request
from portal.unit_of_work import commit

bureau_api = make_api_blueprint("bureau_api", __name__)


@bureau_api.get("/bureau/complaints")
@requires_role(Role.BUREAU)
def bureau_complaints() -> Response:
    staff = require_staff()
    language = current_language()
    page = replies.bureau_complaints(staff, page_request(request.args))
    return jsonify({"complaints": public_complaints(page.items, language), **page.as_json()})


@bureau_api.post("/complaints/<code>/replies")
@requires_role(Role.BUREAU)
def reply(code: str) -> tuple[Response, int]:
    complaint = require_complaint(code)
    staff = require_staff()
    form = validated_form(ReplyForm, json_object(), ("text",), flags=("resolve",))
    replies.post_reply(complaint, staff=staff, text=form.text.data, resolve=form.resolve.data)
    commit()
    return jsonify({"status": complaint.status.value}), 201


API_DOCS = ApiDocs(
    {
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
