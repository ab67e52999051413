"""Staff sign-in for API clients: username and password in, bearer token out."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_babel import gettext as _

from portal.auth.access import bearer_token, public
from portal.auth.accounts import authenticate, issue_token, revoke_token
from portal.features import ApiDocs
from portal.http.api import ApiError, json_object, make_api_blueprint, validation_failed
from portal.http.limits import login_account_limit, login_limit
from portal.http.openapi import TEXT, errors, json_request, json_response, ref
from portal.unit_of_work import commit

auth_api = make_api_blueprint("auth_api", __name__)


@auth_api.post("/auth/tokens")
@public
@login_limit
@login_account_limit
def create_token() -> tuple[Response, int]:
    payload = json_object()
    given = {
        name: value
        for name in ("username", "password")
        if isinstance(value := payload.get(name), str) and value
    }
    missing = {name: [_("This field is required.")] for name in ("username", "password") if name not in given}
    if missing:
        raise validation_failed(missing)
    user = authenticate(given["username"], given["password"])
    if user is None:
        raise ApiError(401, "invalid_credentials", _("Wrong username or password."))
    token, expires_at = issue_token(user)
    commit()
    return jsonify(
        {
            "token": token,
            "token_type": "Bearer",
            "expires_at": expires_at.isoformat(),
            "user": {"username": user.username, "role": user.role.value},
        }
    ), 201


@auth_api.delete("/auth/tokens/current")
def revoke_current_token() -> tuple[str, int]:
    """Sign this token out: it is worthless from now on (the API's logout)."""
    token = bearer_token()
    assert token is not None  # the blueprint refused the request otherwise
    revoke_token(token)
    commit()
    return "", 204


SCHEMAS: dict[str, dict[str, Any]] = {
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

PATHS: dict[str, dict[str, Any]] = {
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
}

PATHS["/auth/tokens/current"] = {
    "delete": {
        "summary": "Revoke the bearer token this request carries",
        "responses": {"204": {"description": "Revoked"}, **errors("401")},
    }
}

API_DOCS = ApiDocs(PATHS, SCHEMAS)
