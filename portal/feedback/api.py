"""``POST /api/v1/complaints/<code>/feedback``: the follow-up visit, for apps."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from portal.auth.access import public
from portal.complaints.lookup import require_complaint
from portal.features import ApiDocs
from portal.feedback import service
from portal.feedback.forms import COMMENT_MAX, FeedbackForm
from portal.feedback.rules import Fixed, Satisfaction
from portal.http.api import json_object, make_api_blueprint, validated_form
from portal.http.limits import intake_limit
from portal.http.openapi import CODE_PARAMETER, TEXT, errors, json_request, json_response, ref
from portal.unit_of_work import commit

feedback_api = make_api_blueprint("feedback_api", __name__)


@feedback_api.post("/complaints/<code>/feedback")
@public
@intake_limit
def give_feedback(code: str) -> tuple[Response, int]:
    complaint = require_complaint(code)
    form = validated_form(
        FeedbackForm, json_object(), ("secret", "token", "fixed", "satisfaction", "comment")
    )
    answered = service.give_feedback(
        complaint,
        fixed=Fixed(form.fixed.data),
        satisfaction=Satisfaction(form.satisfaction.data),
        comment=form.comment.data or None,
        secret=form.secret.data or None,
        token=form.token.data or None,
    )
    commit()
    body = {
        "round": answered.visit.round,
        "status": complaint.status.value,
        "reopened": answered.reopened,
        "referred_to_supervision": answered.referred,
        "reply_due_at": complaint.reply_due_at.isoformat()
        if answered.reopened and complaint.reply_due_at
        else None,
    }
    return jsonify(body), 201


SCHEMAS: dict[str, dict[str, Any]] = {
    "Feedback": {
        "type": "object",
        "required": ["fixed", "satisfaction"],
        "properties": {
            "secret": {"type": "string", "description": "The follow-up secret (or send token)"},
            "token": {"type": "string", "description": "The token from the resolution mail's link"},
            "fixed": {"enum": [value.value for value in Fixed]},
            "satisfaction": {"enum": [value.value for value in Satisfaction]},
            "comment": {
                "type": "string",
                "maxLength": COMMENT_MAX,
                "description": "Public, like the answers",
            },
        },
    },
    "FeedbackAnswered": {
        "type": "object",
        "properties": {
            "round": {"type": "integer"},
            "status": TEXT,
            "reopened": {"type": "boolean"},
            "referred_to_supervision": {"type": "boolean"},
            "reply_due_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
}

PATHS: dict[str, dict[str, Any]] = {
    "/complaints/{code}/feedback": {
        "post": {
            "summary": "The follow-up visit (回访): was it fixed, how satisfied; a failed answer reopens",
            "security": [],
            "parameters": [CODE_PARAMETER],
            "requestBody": json_request(ref("Feedback")),
            "responses": {
                "201": json_response("Recorded", ref("FeedbackAnswered")),
                "403": json_response("Wrong secret", ref("Error")),
                "409": json_response("Not resolved, already answered or closed", ref("Error")),
                **errors("404", "422", "429"),
            },
        }
    }
}

API_DOCS = ApiDocs(PATHS, SCHEMAS)
