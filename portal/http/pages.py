"""Plumbing for the HTML pages: staff blueprints (deny-by-default) and refusals shown on their forms.

Every staff page needs a signed-in staff member unless its view is marked public (only sign-in is).
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.auth.access import is_public_endpoint
from portal.extensions import db
from portal.refusals import Refusal

STAFF_PREFIX = "/staff"


def _require_login() -> Response | None:
    if is_public_endpoint(request.endpoint) or current_user.is_authenticated:
        return None
    return redirect(url_for("staff.login", next=request.full_path if request.method == "GET" else None))


def _private(response: Response) -> Response:
    # Staff pages show contact data and unredacted text: no shared cache, no browser history copy may keep them.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def make_staff_blueprint(name: str, import_name: str, url_prefix: str = STAFF_PREFIX) -> Blueprint:
    blueprint = Blueprint(name, import_name, url_prefix=url_prefix)
    blueprint.before_request(_require_login)
    blueprint.after_request(_private)
    return blueprint


def refusal_text(refusal: Refusal) -> str:
    """A refusal's message in the reader's language: the words every surface shows for it."""
    return refusal.text(gettext)


def show_refusal(form: FlaskForm, refusal: Refusal) -> int:
    """Put ``refusal`` on its field of ``form`` (on the form as a whole if it has no such field) and return the
    HTTP status to render the page with. Nothing of the refused request is kept: the session rolls back."""
    db.session.rollback()
    message = refusal_text(refusal)
    field = form._fields.get(refusal.field) if refusal.field else None
    if field is None:
        form.form_errors.append(message)
    else:
        field.errors = [*field.errors, message]
    return refusal.status
