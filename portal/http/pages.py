"""The staff back office under /staff: sign-in, and the shell feature desks hang their pages on.

Deny-by-default: every page needs a signed-in staff member unless its view is marked public (only sign-in is).
Feature packages build their staff blueprints with :func:`make_staff_blueprint`.
"""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.auth.access import is_public_endpoint
from portal.models import Role

STAFF_PREFIX = "/staff"
DESK_LINKS_KEY = "fire_alarm.staff_desks"


def _require_login() -> Response | None:
    if is_public_endpoint(request.endpoint) or current_user.is_authenticated:
        return None
    return redirect(url_for("staff.login", next=request.full_path if request.method == "GET" else None))


def make_staff_blueprint(name: str, import_name: str, url_prefix: str = STAFF_PREFIX) -> Blueprint:
    blueprint = Blueprint(name, import_name, url_prefix=url_prefix)
    blueprint.before_request(_require_login)
    return blueprint


def register_desk(app: Flask, endpoint: str, label: str, roles: tuple[Role, ...]) -> None:
    """Add a desk to the staff home page for staff with one of ``roles`` (admins see every desk)."""
    app.extensions.setdefault(DESK_LINKS_KEY, []).append((endpoint, label, roles))
