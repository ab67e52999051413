"""Request parsing shared by the API endpoints."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from portal.errors import ApiError


def json_body() -> Any:
    """The request's JSON, or a 4xx in the caller's language when it is missing or malformed."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", _("Send the request body as application/json."))
    try:
        # Not silent: `null` is valid JSON (None) and must be told apart from a body that does not parse.
        return request.get_json()
    except BadRequest as exc:
        raise ApiError(400, "malformed_json", _("The request body is not valid JSON.")) from exc


def json_object() -> dict[str, Any]:
    payload = json_body()
    if not isinstance(payload, dict):
        raise ApiError(422, "validation_failed", _("The request body must be a JSON object."))
    return payload
