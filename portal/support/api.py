"""``POST /api/v1/complaints/<code>/support``: "me too", for anyone."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from portal.auth.access import public
from portal.complaints.lookup import require_complaint
from portal.features import ApiDocs
from portal.http.api import make_api_blueprint
from portal.http.limits import attempt_limit, support_limit
from portal.http.openapi import CODE_PARAMETER, TEXT, errors, json_response, ref
from portal.support.service import add_support
from portal.unit_of_work import commit

support_api = make_api_blueprint("support_api", __name__)


def client_address() -> str:
    """The address support is counted by (behind ``TRUSTED_PROXIES``, the client's, not the proxy's)."""
    return request.remote_addr or "unknown"


@support_api.post("/complaints/<code>/support")
@public
@attempt_limit
@support_limit
def support(code: str) -> tuple[Response, int]:
    complaint = require_complaint(code)
    supported = add_support(complaint, client_address())
    commit()
    body = {
        "tracking_code": complaint.tracking_code,
        "supporters": supported.supporters,
        "counted": supported.counted,
    }
    return jsonify(body), 201 if supported.counted else 200


SCHEMAS: dict[str, dict[str, Any]] = {
    "Support": {
        "type": "object",
        "required": ["tracking_code", "supporters", "counted"],
        "properties": {
            "tracking_code": TEXT,
            "supporters": {"type": "integer", "minimum": 0},
            "counted": {
                "type": "boolean",
                "description": "false: this client address already supported this complaint today",
            },
        },
    }
}

PATHS: dict[str, dict[str, Any]] = {
    "/complaints/{code}/support": {
        "post": {
            "summary": '"Me too": add your support to a complaint that is also your problem',
            "description": "No body and no identity. Each client address counts once per complaint and UTC day; "
            "the mark that remembers it is an HMAC of the address, deleted when the day is over.",
            "security": [],
            "parameters": [CODE_PARAMETER],
            "responses": {
                "201": json_response("Counted", ref("Support")),
                "200": json_response("Already counted today", ref("Support")),
                "409": json_response("The complaint is resolved", ref("Error")),
                **errors("404", "429"),
            },
        }
    }
}

API_DOCS = ApiDocs(PATHS, SCHEMAS)
