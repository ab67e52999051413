"""Staff sign-in for API clients: username and password in, bearer token out."""

from __future__ import annotations

from flask import Response, jsonify
from flask_babel import gettext as _

from portal.auth.access import public
from portal.auth.accounts import authenticate, issue_token
from portal.http.api import json_object, make_api_blueprint, validation_failed
from portal.http.errors import ApiError
from portal.http.limits import login_limit
from portal.unit_of_work import commit

auth_api = make_api_blueprint("auth_api", __name__)


@auth_api.post("/auth/tokens")
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
