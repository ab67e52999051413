"""The JSON API under /api/v1: token-authenticated, deny-by-default, JSON errors, no CSRF.

Feature packages build their API blueprints with :func:`make_api_blueprint` so the same rules apply to them.
"""

from __future__ import annotations

from flask import Blueprint, g, request

from portal.auth import AuthError, bearer_user, is_public_endpoint
from portal.extensions import csrf

API_PREFIX = "/api/v1"


def _authenticate_api_request() -> None:
    if request.method == "OPTIONS" or is_public_endpoint(request.endpoint):
        return
    user = bearer_user()
    if user is None:
        raise AuthError
    g.api_user = user


def make_api_blueprint(name: str, import_name: str) -> Blueprint:
    blueprint = Blueprint(name, import_name, url_prefix=API_PREFIX)
    blueprint.before_request(_authenticate_api_request)
    # Bearer tokens, not cookies, authenticate here: there is no ambient credential for CSRF to abuse.
    csrf.exempt(blueprint)
    return blueprint


api_bp = make_api_blueprint("api", __name__)

from portal.api import bureau, complaints, ledger, openapi, tokens  # noqa: E402,F401  - routes register on api_bp
