"""The privacy API: staff reveal a complainant's contact details (with a reason, logged); the citizen, with the
follow-up secret, reads when and by which role they were revealed."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from portal.auth.access import public, require_staff
from portal.complaints.lookup import require_complaint
from portal.features import ApiDocs
from portal.http.api import json_object, make_api_blueprint, validated_form
from portal.http.limits import lookup_limit
from portal.http.openapi import (
    CODE_PARAMETER,
    NULLABLE_TEXT,
    STAFF,
    TEXT,
    errors,
    json_request,
    json_response,
    ref,
)
from portal.privacy import reveals
from portal.privacy.forms import RevealForm, RevealHistoryForm
from portal.unit_of_work import commit

privacy_api = make_api_blueprint("privacy_api", __name__)
NOT_STORED = {"Cache-Control": "no-store"}


@privacy_api.post("/complaints/<code>/contact")
def reveal_contact(code: str) -> tuple[Response, int, dict[str, str]]:
    staff = require_staff()
    complaint = require_complaint(code)
    form = validated_form(RevealForm, json_object(), ("reason",))
    revealed = reveals.reveal(complaint, staff=staff, reason=form.reason.data or "")
    commit()
    contact = revealed.contact
    body = {
        "tracking_code": complaint.tracking_code,
        "contact": {"name": contact.name, "phone": contact.phone, "email": contact.email},
        "revealed_at": revealed.at.isoformat(),
    }
    return jsonify(body), 200, NOT_STORED


@privacy_api.post("/complaints/<code>/contact-reveals")
@public
@lookup_limit
def reveal_history(code: str) -> tuple[Response, int, dict[str, str]]:
    complaint = require_complaint(code)
    form = validated_form(RevealHistoryForm, json_object(), ("secret",))
    history = reveals.history_for_citizen(complaint, secret=form.secret.data or "")
    body = {
        "contact_stored": history.contact_stored,
        "reveals": [{"at": seen.at.isoformat(), "role": seen.role.value} for seen in history.reveals],
    }
    return jsonify(body), 200, NOT_STORED


SCHEMAS: dict[str, dict[str, Any]] = {
    "ContactRevealRequest": {
        "type": "object",
        "required": ["reason"],
        "properties": {
            "reason": {
                "type": "string",
                "minLength": 1,
                "maxLength": reveals.REASON_MAX,
                "description": "Why you need the details: logged with your account and put on the private record",
            }
        },
    },
    "RevealedContact": {
        "type": "object",
        "required": ["tracking_code", "contact", "revealed_at"],
        "properties": {
            "tracking_code": TEXT,
            "contact": {
                "type": "object",
                "properties": {"name": NULLABLE_TEXT, "phone": NULLABLE_TEXT, "email": NULLABLE_TEXT},
            },
            "revealed_at": {"type": "string", "format": "date-time"},
        },
    },
    "ContactRevealsRequest": {
        "type": "object",
        "required": ["secret"],
        "properties": {"secret": {"type": "string", "description": "The follow-up secret from the receipt"}},
    },
    "ContactReveals": {
        "type": "object",
        "required": ["contact_stored", "reveals"],
        "properties": {
            "contact_stored": {
                "type": "boolean",
                "description": "false: filed anonymously or without contact details, so there is nothing to reveal",
            },
            "reveals": {
                "type": "array",
                "description": "Every time staff were shown the contact details, oldest first",
                "items": {
                    "type": "object",
                    "required": ["at", "role"],
                    "properties": {
                        "at": {"type": "string", "format": "date-time"},
                        "role": {"enum": ["triage", "liaison", "bureau", "admin"]},
                    },
                },
            },
        },
    },
}

PATHS: dict[str, dict[str, Any]] = {
    "/complaints/{code}/contact": {
        "post": {
            "summary": "Reveal the complainant's contact details (staff; every reveal is logged with its reason)",
            "description": (
                "Triage officers and administrators may; officers of the complaint's bureau unless misconduct is "
                "alleged; liaison officers of a body holding a misconduct case on it. The citizen can see when "
                "and by which role the details were revealed."
            ),
            "security": STAFF,
            "parameters": [CODE_PARAMETER],
            "requestBody": json_request(ref("ContactRevealRequest")),
            "responses": {
                "200": json_response("The contact details (never cached)", ref("RevealedContact")),
                "403": json_response("This account may not see them", ref("Error")),
                "409": json_response("No contact details are stored (filed anonymously)", ref("Error")),
                "422": json_response("No reason given (field `reason`)", ref("Error")),
                **errors("401", "404"),
            },
        }
    },
    "/complaints/{code}/contact-reveals": {
        "post": {
            "summary": "When, and by which role, the contact details were revealed, with the follow-up secret",
            "security": [],
            "parameters": [CODE_PARAMETER],
            "requestBody": json_request(ref("ContactRevealsRequest")),
            "responses": {
                "200": json_response("The reveals (never cached)", ref("ContactReveals")),
                "403": json_response("Wrong secret", ref("Error")),
                **errors("404", "422", "429"),
            },
        }
    },
}

API_DOCS = ApiDocs(PATHS, SCHEMAS)
