"""``GET /api/v1/hot-issues``: the ranked groups of a window, for anyone."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from portal.auth.access import public
from portal.features import ApiDocs
from portal.hot.service import DEFAULT_DAYS, MAX_DAYS, hot_issues, public_issue, window_days
from portal.http.api import make_api_blueprint
from portal.http.i18n import current_language
from portal.http.limits import lookup_limit
from portal.http.openapi import TEXT, errors, json_response, ref
from portal.jurisdiction.service import division_choices
from portal.refusals import UnknownTarget

hot_api = make_api_blueprint("hot_api", __name__)


def ranked(
    days_text: str | None, division_text: str | None
) -> tuple[int, str | None, list[dict[str, object]]]:
    """The window, the division and the ranked issues as the API and the page both show them."""
    language = current_language()
    days = window_days(days_text)
    division = (division_text or "").strip() or None
    if division is not None and division not in {code for code, _name in division_choices(language)}:
        raise UnknownTarget(division[:32])
    issues = hot_issues(days, division)
    return days, division, [public_issue(issue, rank, language) for rank, issue in enumerate(issues, 1)]


@hot_api.get("/hot-issues")
@public
@lookup_limit
def hot_issues_api() -> Response:
    days, division, issues = ranked(request.args.get("days"), request.args.get("division"))
    return jsonify({"days": days, "division": division, "issues": issues})


SCHEMAS: dict[str, dict[str, Any]] = {
    "HotIssues": {
        "type": "object",
        "required": ["days", "division", "issues"],
        "properties": {
            "days": {"type": "integer"},
            "division": {"type": ["string", "null"]},
            "issues": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": TEXT,
                        "rank": {"type": "integer"},
                        "heat": {"type": "number"},
                        "size": {"type": "integer"},
                        "supporters": {"type": "integer"},
                        "place": {"type": "object", "properties": {"code": TEXT, "name": TEXT}},
                        "first_at": {"type": "string", "format": "date-time"},
                        "last_at": {"type": "string", "format": "date-time"},
                        "span_days": {"type": "number"},
                        "title": TEXT,
                        "representative": TEXT,
                        "keywords": {"type": "array", "items": TEXT},
                        "members": {"type": "array", "items": TEXT},
                    },
                },
            },
        },
    }
}

PATHS: dict[str, dict[str, Any]] = {
    "/hot-issues": {
        "get": {
            "summary": "Hot issues: complaints of a window grouped by problem and place, hottest first",
            "description": "Groups of at least two complaints of one division whose words are alike (jieba, "
            "TF-IDF, mutual nearest links). Heat = (size + supporters / 2) x pace, where pace is 2 for "
            "complaints filed at once and near 1 for complaints spread over the whole window.",
            "security": [],
            "parameters": [
                {
                    "name": "days",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_DAYS, "default": DEFAULT_DAYS},
                },
                {"name": "division", "in": "query", "required": False, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": json_response("The ranked issues", ref("HotIssues")),
                **errors("422", "429"),
            },
        }
    }
}

API_DOCS = ApiDocs(PATHS, SCHEMAS)
