"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Written by hand next to the code it describes; feature packages add their paths with :func:`add_paths`. A test
checks that every API route is described and every described path exists.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Response, jsonify

from portal.auth.access import public
from portal.http.api import make_api_blueprint

_paths: dict[str, dict[str, Any]] = {}
_schemas: dict[str, dict[str, Any]] = {}


def add_paths(paths: dict[str, dict[str, Any]], schemas: dict[str, dict[str, Any]] | None = None) -> None:
    for path, operations in paths.items():
        _paths.setdefault(path, {}).update(operations)
    _schemas.update(schemas or {})


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


STAFF = [{"bearer": []}]
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}

CORE_SCHEMAS: dict[str, dict[str, Any]] = {
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
            "contact": {
                "type": "object",
                "properties": {"name": TEXT, "phone": TEXT, "email": {"type": "string", "format": "email"}},
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
    "TokenRequest": {
        "type": "object",
        "required": ["username", "password"],
        "properties": {"username": TEXT, "password": TEXT},
    },
    "Token": {
        "type": "object",
        "required": ["token", "token_type", "expires_at"],
        "properties": {
            "token": TEXT,
            "token_type": {"const": "Bearer"},
            "expires_at": {"type": "string", "format": "date-time"},
            "user": {"type": "object", "properties": {"username": TEXT, "role": TEXT}},
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

CORE_PATHS: dict[str, dict[str, Any]] = {
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
    "/auth/tokens": {
        "post": {
            "summary": "Exchange a staff username and password for a bearer token",
            "security": [],
            "requestBody": json_request(ref("TokenRequest")),
            "responses": {
                "201": json_response("A bearer token", ref("Token")),
                **errors("401", "422", "429"),
            },
        }
    },
    "/openapi.json": {
        "get": {
            "summary": "This document",
            "security": [],
            "responses": {"200": json_response("OpenAPI 3.1", {"type": "object"})},
        }
    },
}

add_paths(CORE_PATHS, CORE_SCHEMAS)


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Fire Alarm (火警) API",
            "version": "1",
            "description": "File complaints, follow them, and see whether bureaus and oversight bodies acted.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": STAFF,
        "paths": copy.deepcopy(_paths),
        "components": {
            "schemas": copy.deepcopy(_schemas),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "From POST /auth/tokens"}
            },
        },
    }


openapi_api = make_api_blueprint("openapi_api", __name__)


@openapi_api.get("/openapi.json")
@public
def openapi_document() -> Response:
    return jsonify(document())
