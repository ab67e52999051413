"""The escalation API: triage opens cases, liaison officers act on their body's cases, anyone reads the figures."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _

from escalation import cases
from escalation.accountability import accountability
from escalation.forms import CaseActionForm, OpenCaseForm, parse_filters
from escalation.models import Case
from escalation.public import public_case
from escalation.vocabulary import CaseAction, CaseKind, CaseState, Outcome
from portal.auth.access import public, require_staff, requires_role
from portal.complaints.lookup import require_complaint
from portal.domain import Role, Track
from portal.extensions import db
from portal.features import ApiDocs
from portal.http.api import ApiError, json_object, make_api_blueprint, validated_form, validation_failed
from portal.http.i18n import current_language
from portal.http.openapi import CODE_PARAMETER, errors, json_request, json_response, ref
from portal.http.paging import PAGE_PARAMETERS, PAGE_PROPERTIES, page_request
from portal.unit_of_work import commit
from triage.decisions import Referral, refer_misconduct

escalation_api = make_api_blueprint("escalation_api", __name__)


def staff_case(case: Case, locale: str) -> dict[str, Any]:
    """What an authorised officer sees of a case: the public view plus the complaint and the accused."""
    return {
        **public_case(case, locale),
        "complaint": {"tracking_code": case.complaint.tracking_code, "title": case.complaint.title},
        "accused_name": case.accused_name,
        "accused_unit": case.accused_unit,
        "reason": case.reason,
    }


def _visible_case_or_404(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    # Another body's case is reported as missing: its existence is none of this officer's business.
    if case is None or not cases.can_view(require_staff(), case):
        raise ApiError(404, "not_found", _("There is no such case among yours."))
    return case


@escalation_api.post("/complaints/<code>/escalations")
@requires_role(Role.TRIAGE)
def open_escalation(code: str) -> tuple[Response, int]:
    complaint = require_complaint(code)
    form = validated_form(OpenCaseForm, json_object(), ("track", "reason", "division", "accused_unit_code"))
    referral = Referral(
        reason=form.reason.data,
        track=Track(form.track.data),
        division_code=form.division.data or None,
        accused_unit_code=form.accused_unit_code.data or None,
    )
    # The same path as the triage desk's confirmation: on the record, a pending flag settled, the case opened.
    refer_misconduct(complaint, staff=require_staff(), referral=referral)
    case = cases.latest_misconduct_case(complaint)
    commit()
    return jsonify(staff_case(case, current_language())), 201


@escalation_api.get("/escalations")
@requires_role(Role.LIAISON)
def list_escalations() -> Response:
    raw_state = request.args.get("state")
    if raw_state is not None and raw_state not in {s.value for s in CaseState}:
        raise validation_failed({"state": [_("Unknown state.")]})
    language = current_language()
    page = page_request(request.args)
    found = cases.cases_for(require_staff(), CaseState(raw_state) if raw_state else None, page)
    return jsonify({"escalations": [staff_case(case, language) for case in found.items], **found.as_json()})


@escalation_api.get("/escalations/<id:case_id>")
@requires_role(Role.LIAISON)
def show_escalation(case_id: int) -> Response:
    return jsonify(staff_case(_visible_case_or_404(case_id), current_language()))


@escalation_api.post("/escalations/<id:case_id>/actions")
@requires_role(Role.LIAISON)
def act_on_escalation(case_id: int) -> tuple[Response, int]:
    case = _visible_case_or_404(case_id)
    payload = json_object()
    if "reason" in payload and "text" not in payload:
        payload = {**payload, "text": payload["reason"]}  # "reason" reads naturally for a decline
    form = validated_form(CaseActionForm, payload, ("action", "outcome", "text"))
    cases.record_action(
        case,
        CaseAction(form.action.data),
        staff=require_staff(),
        outcome=Outcome(form.outcome.data) if form.outcome.data else None,
        text=form.text.data or None,
    )
    commit()
    return jsonify(staff_case(case, current_language())), 201


@escalation_api.get("/accountability")
@public
def accountability_figures() -> Response:
    filters = parse_filters(request.args)
    figures = accountability(filters, current_language())
    return jsonify(
        {
            "filters": {
                "division": filters.division_code,
                "since": filters.since.isoformat() if filters.since else None,
                "until": filters.until.isoformat() if filters.until else None,
            },
            **figures.as_dict(),
        }
    )


CASE_SCHEMA = {
    "type": "object",
    "required": ["id", "body", "level", "state", "track"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"enum": [k.value for k in CaseKind]},
        "track": {"enum": [t.value for t in Track]},
        "body": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}},
        "level": {"enum": ["province", "city", "county"]},
        "state": {"enum": [s.value for s in CaseState]},
        "due_at": {"type": ["string", "null"], "format": "date-time"},
        "outcome": {"type": ["string", "null"], "enum": [*(o.value for o in Outcome), None]},
        "answer": {"type": ["string", "null"]},
        "late": {"type": "boolean"},
        "escalated": {"type": "boolean"},
        "unanswered": {
            "type": "boolean",
            "description": "Overdue at the province: nobody above to escalate to",
        },
    },
}
FIGURES = {
    "type": "object",
    "additionalProperties": True,
    "properties": {
        "as_of": {
            "type": "string",
            "format": "date-time",
            "description": "When the figures were counted: at the last periodic refresh, or now for a date filter",
        }
    },
}
CASE_ID = {"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}

API_DOCS = ApiDocs(
    {
        "/complaints/{code}/escalations": {
            "post": {
                "summary": "Open a misconduct case with the right oversight body (triage officers)",
                "parameters": [CODE_PARAMETER],
                "requestBody": json_request(
                    {
                        "type": "object",
                        "required": ["track", "reason"],
                        "properties": {
                            "track": {"enum": [t.value for t in Track]},
                            "reason": {"type": "string"},
                            "division": {"type": "string", "description": "Division of the accused unit"},
                            "accused_unit_code": {"type": "string", "description": "e.g. XD-A1:supervision"},
                        },
                    }
                ),
                "responses": {
                    "201": json_response("The new case", ref("Case")),
                    **errors("401", "403", "404", "422"),
                },
            }
        },
        "/escalations": {
            "get": {
                "summary": "Cases of the caller's oversight body (liaison officers)",
                "parameters": [
                    {"name": "state", "in": "query", "schema": {"enum": [s.value for s in CaseState]}},
                    *PAGE_PARAMETERS,
                ],
                "responses": {
                    "200": json_response(
                        "A page of cases, nearest deadline first",
                        {
                            "type": "object",
                            "properties": {
                                "escalations": {"type": "array", "items": ref("Case")},
                                **PAGE_PROPERTIES,
                            },
                        },
                    ),
                    **errors("400", "401", "403", "422"),
                },
            }
        },
        "/escalations/{case_id}": {
            "get": {
                "summary": "One case of the caller's body",
                "parameters": [CASE_ID],
                "responses": {"200": json_response("The case", ref("Case")), **errors("401", "403", "404")},
            }
        },
        "/escalations/{case_id}/actions": {
            "post": {
                "summary": "Acknowledge, investigate, act (with an outcome) or decline (with a reason)",
                "parameters": [CASE_ID],
                "requestBody": json_request(
                    {
                        "type": "object",
                        "required": ["action"],
                        "properties": {
                            "action": {"enum": [a.value for a in CaseAction]},
                            "outcome": {"enum": [o.value for o in Outcome]},
                            "text": {
                                "type": "string",
                                "description": "Reason (decline) or details (outcome 'other')",
                            },
                            "reason": {"type": "string", "description": "Alias of text"},
                        },
                    }
                ),
                "responses": {
                    "201": json_response("The case after the action", ref("Case")),
                    "409": json_response("Not allowed in the case's state", ref("Error")),
                    **errors("401", "403", "404", "422"),
                },
            }
        },
        "/accountability": {
            "get": {
                "summary": "Per bureau and per oversight body: received, acted, declined, overdue, open, median days; "
                "per bureau the follow-up visits (feedback: fixed / satisfied counts and shares)",
                "description": "Each bureau also has `proof`: `fix_photos` (all checked), `fix_photos_without_location`, "
                "`fix_photos_far`, `fix_photos_reused`, `fix_photos_passed`, `replies` (assessed), `replies_boilerplate`, "
                "`replies_deflection`, `replies_flagged` and `median_reply_quality` (0-100).",
                "security": [],
                "parameters": [
                    {
                        "name": "division",
                        "in": "query",
                        "schema": {"type": "string"},
                        "description": "A division code: it and everything under it",
                    },
                    {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}},
                    {"name": "until", "in": "query", "schema": {"type": "string", "format": "date"}},
                ],
                "responses": {"200": json_response("The figures", FIGURES), **errors("422")},
            }
        },
    },
    {"Case": CASE_SCHEMA},
)
