"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Written by hand next to the code it describes: each feature declares its paths and schemas in
``FEATURE.api_docs``, and the document lists those of the features installed in this app. A test checks that
every API route is described and every described path exists.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Response, jsonify

from portal.auth.access import public
from portal.features import ApiDocs, installed
from portal.http.api import make_api_blueprint
from portal.http.limits import read_limit


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def json_request(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": json_response("Malformed request", ref("Error")),
    "401": json_response("Missing or invalid bearer token", ref("Error")),
    "403": json_response("Not allowed for this role or body", ref("Error")),
    "404": json_response("Not found", ref("Error")),
    "422": json_response("Validation failed; `fields` says which and why", ref("Error")),
    "429": json_response("Rate limited", ref("Error")),
}


def errors(*codes: str) -> dict[str, Any]:
    return {code: ERRORS[code] for code in codes}


STAFF: list[dict[str, list[str]]] = [{"bearer": []}]
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "code", "message"],
                "properties": {
                    "status": {"type": "integer"},
                    "code": TEXT,
                    "message": TEXT,
                    "fields": {"type": "object", "additionalProperties": {"type": "array", "items": TEXT}},
                },
            }
        },
    },
}

CODE_PARAMETER = {
    "name": "code",
    "in": "path",
    "required": True,
    "schema": TEXT,
    "description": "Tracking code, e.g. FA-7KQ2-M9XD-4TRV",
}

PATHS: dict[str, dict[str, Any]] = {
    "/openapi.json": {
        "get": {
            "summary": "This document",
            "security": [],
            "responses": {"200": json_response("OpenAPI 3.1", {"type": "object"})},
        }
    },
}


def _with_error_default(paths: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every operation may also answer with an error of the common shape (a malformed body is a 400, a body too
    large a 413, the database briefly gone a 503, ...): said once, as each operation's ``default`` response."""
    described = copy.deepcopy(paths)
    for operations in described.values():
        for operation in operations.values():
            operation["responses"].setdefault("default", json_response("An error", ref("Error")))
    return described


def document() -> dict[str, Any]:
    contributed = installed()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Fire Alarm (火警) API",
            "version": "1",
            "description": "File complaints, follow them, and see whether bureaus and oversight bodies acted.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": STAFF,
        "paths": _with_error_default(contributed.api_paths),
        "components": {
            "schemas": copy.deepcopy(contributed.api_schemas),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "From POST /auth/tokens"}
            },
        },
    }


openapi_api = make_api_blueprint("openapi_api", __name__)


@openapi_api.get("/openapi.json")
@public
@read_limit
def openapi_document() -> Response:
    return jsonify(document())


API_DOCS = ApiDocs(PATHS, SCHEMAS)
