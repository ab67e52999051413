"""Staff sign-in for API clients: username and password in, bearer token out."""

from __future__ import annotations

from flask import Response, jsonify
from flask_babel import gettext as _

from portal.api import api_bp
from portal.api.common import json_object
from portal.auth import authenticate, issue_token, public
from portal.errors import ApiError, validation_failed
from portal.limits import login_limit
from portal.unit_of_work import commit


@api_bp.post("/auth/tokens")
@public
@login_limit
def create_token() -> tuple[Response, int]:
    payload = json_object()
    username, password = payload.get("username"), payload.get("password")
    missing = {
        name: [_("This field is required.")]
        for name, value in (("username", username), ("password", password))
        if not isinstance(value, str) or not value
    }
    if missing:
        raise validation_failed(missing)
    user = authenticate(username, password)
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
