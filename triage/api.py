"""The triage API: the queue, routing decisions and misconduct reviews (triage officers)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from portal.auth.access import require_staff, requires_role
from portal.complaints.lookup import require_complaint
from portal.complaints.timeline import public_complaint, public_complaints
from portal.domain import Role, Track
from portal.duplicates import service as duplicates
from portal.features import ApiDocs
from portal.http.api import json_object, make_api_blueprint, validated_form
from portal.http.i18n import current_language
from portal.http.openapi import CODE_PARAMETER, errors, json_request, json_response, ref
from portal.http.paging import PAGE_PARAMETERS, PAGE_PROPERTIES, page_request
from portal.record import seals
from portal.unit_of_work import commit
from triage import decisions
from triage.forms import LinkDuplicateForm, MisconductReviewForm, RoutingForm, UnlinkDuplicateForm
from triage.models import Assessment

triage_api = make_api_blueprint("triage_api", __name__)


def assessment_json(assessment: Assessment | None) -> dict[str, Any] | None:
    if assessment is None:
        return None
    return {
        "model_version": assessment.model_version,
        "category": assessment.category_key,
        "confidence": assessment.confidence,
        "threshold": assessment.threshold,
        "top": [{"category": key, "probability": probability} for key, probability in assessment.top],
        "auto_routed": assessment.auto_routed,
        "misconduct": {
            "flag": assessment.misconduct_flag,
            "track": assessment.misconduct_track.value if assessment.misconduct_track else None,
            "score": assessment.misconduct_score,
            "evidence": assessment.misconduct_evidence,
            "review": assessment.misconduct_review.value if assessment.misconduct_review else None,
        },
    }


@triage_api.get("/triage/queue")
@requires_role(Role.TRIAGE)
def triage_queue() -> Response:
    language = current_language()
    page = decisions.queue(page_request(request.args))
    intact = {id(complaint) for complaint in seals.shown([item.complaint for item in page.items])}
    items = [item for item in page.items if id(item.complaint) in intact]
    views = public_complaints([item.complaint for item in items], language)
    return jsonify(
        {
            "queue": [
                {
                    "complaint": view,
                    "needs_routing": item.needs_routing,
                    "needs_misconduct_review": item.needs_misconduct_review,
                    "assessment": assessment_json(item.assessment),
                }
                for item, view in zip(items, views, strict=True)
            ],
            **page.as_json(),
        }
    )


@triage_api.post("/complaints/<code>/routing")
@requires_role(Role.TRIAGE)
def set_routing(code: str) -> tuple[Response, int]:
    complaint = require_complaint(code)
    form = validated_form(
        RoutingForm,
        json_object(),
        ("category", "division", "reason", "second_bureau"),
        locale=current_language(),
    )
    decisions.decide_routing(
        complaint,
        category_key=form.category.data,
        staff=require_staff(),
        division_code=form.division.data or None,
        reason=form.reason.data or None,
        second_bureau_code=form.second_bureau.data or None,
    )
    commit()
    return jsonify(public_complaint(complaint, current_language())), 201


@triage_api.post("/complaints/<code>/misconduct-review")
@requires_role(Role.TRIAGE)
def misconduct_review(code: str) -> tuple[Response, int]:
    complaint = require_complaint(code)
    form = validated_form(
        MisconductReviewForm, json_object(), ("decision", "track", "division", "accused_unit_code", "reason")
    )
    decisions.review_misconduct(
        complaint, confirm=form.decision.data == "confirm", staff=require_staff(), referral=form.referral()
    )
    commit()
    return jsonify(public_complaint(complaint, current_language())), 201


@triage_api.post("/triage/complaints/<code>/link")
@requires_role(Role.TRIAGE)
def link_duplicate(code: str) -> tuple[Response, int]:
    complaint = require_complaint(code)
    form = validated_form(LinkDuplicateForm, json_object(), ("master", "reason"))
    duplicates.link(complaint, form.master.data, reason=form.reason.data, actor=require_staff().actor)
    commit()
    return jsonify(public_complaint(complaint, current_language())), 201


@triage_api.post("/triage/complaints/<code>/unlink")
@requires_role(Role.TRIAGE)
def unlink_duplicate(code: str) -> tuple[Response, int]:
    complaint = require_complaint(code)
    form = validated_form(UnlinkDuplicateForm, json_object(), ("reason",))
    duplicates.unlink(complaint, reason=form.reason.data, actor=require_staff().actor)
    commit()
    return jsonify(public_complaint(complaint, current_language())), 201


ASSESSMENT = {
    "type": ["object", "null"],
    "properties": {
        "model_version": {"type": ["string", "null"]},
        "category": {"type": ["string", "null"]},
        "confidence": {"type": ["number", "null"]},
        "threshold": {"type": ["number", "null"]},
        "top": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"category": {"type": "string"}, "probability": {"type": "number"}},
            },
        },
        "auto_routed": {"type": "boolean"},
        "misconduct": {"type": "object"},
    },
}

API_DOCS = ApiDocs(
    {
        "/triage/queue": {
            "get": {
                "summary": "Complaints waiting for a human: unrouted, or flagged misconduct to confirm",
                "parameters": PAGE_PARAMETERS,
                "responses": {
                    "200": json_response(
                        "The queue, urgent first, then oldest first",
                        {
                            "type": "object",
                            "properties": {
                                "queue": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "complaint": ref("PublicComplaint"),
                                            "needs_routing": {"type": "boolean"},
                                            "needs_misconduct_review": {"type": "boolean"},
                                            "assessment": ASSESSMENT,
                                        },
                                    },
                                },
                                **PAGE_PROPERTIES,
                            },
                        },
                    ),
                    **errors("400", "401", "403"),
                },
            }
        },
        "/complaints/{code}/routing": {
            "post": {
                "summary": "Confirm or correct the category (and bureau); kept as a training example",
                "parameters": [CODE_PARAMETER],
                "requestBody": json_request(
                    {
                        "type": "object",
                        "required": ["category"],
                        "properties": {
                            "category": {"type": "string", "description": "Category key, e.g. environment"},
                            "division": {
                                "type": "string",
                                "description": "Route to this division's bureau instead",
                            },
                            "reason": {
                                "type": "string",
                                "description": "Required when correcting the model or re-routing",
                            },
                            "second_bureau": {
                                "type": "string",
                                "description": "A second bureau (code, e.g. XD-A1:transport) of the same division, "
                                "other than the first, with its own reply round; omitted, a second bureau the "
                                "complaint had is withdrawn",
                            },
                        },
                    }
                ),
                "responses": {
                    "201": json_response("The complaint", ref("PublicComplaint")),
                    **errors("401", "403", "404", "422"),
                },
            }
        },
        "/triage/complaints/{code}/link": {
            "post": {
                "summary": "Link the complaint to a master (the same problem in the same division): it follows "
                "the master's routing, replies and resolution, keeping its own code; on both records",
                "parameters": [CODE_PARAMETER],
                "requestBody": json_request(
                    {
                        "type": "object",
                        "required": ["master", "reason"],
                        "properties": {
                            "master": {"type": "string", "description": "Tracking code of the master"},
                            "reason": {"type": "string", "minLength": 2, "maxLength": 1000},
                        },
                    }
                ),
                "responses": {
                    "201": json_response("The linked complaint", ref("PublicComplaint")),
                    "409": json_response(
                        "Already linked, the master is a duplicate or resolved, or this one is a master",
                        ref("Error"),
                    ),
                    **errors("400", "401", "403", "404", "422"),
                },
            }
        },
        "/triage/complaints/{code}/unlink": {
            "post": {
                "summary": "Unlink the complaint from its master: it is handled on its own again; on both records",
                "parameters": [CODE_PARAMETER],
                "requestBody": json_request(
                    {
                        "type": "object",
                        "required": ["reason"],
                        "properties": {"reason": {"type": "string", "minLength": 2, "maxLength": 1000}},
                    }
                ),
                "responses": {
                    "201": json_response("The unlinked complaint", ref("PublicComplaint")),
                    "409": json_response("The complaint is not linked", ref("Error")),
                    **errors("400", "401", "403", "404", "422"),
                },
            }
        },
        "/complaints/{code}/misconduct-review": {
            "post": {
                "summary": "Confirm (opens an oversight case) or dismiss a misconduct flag",
                "parameters": [CODE_PARAMETER],
                "requestBody": json_request(
                    {
                        "type": "object",
                        "required": ["decision", "reason"],
                        "properties": {
                            "decision": {"enum": ["confirm", "dismiss"]},
                            "track": {"enum": [t.value for t in Track]},
                            "division": {"type": "string"},
                            "accused_unit_code": {"type": "string"},
                            "reason": {"type": "string"},
                        },
                    }
                ),
                "responses": {
                    "201": json_response("The complaint", ref("PublicComplaint")),
                    **errors("401", "403", "404", "422"),
                },
            }
        },
    }
)
