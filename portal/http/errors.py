"""Error responses: JSON under the APIs, pages elsewhere, always in the user's language, never a bare 500.

Every handler rolls the session back first, so a failed request never half-stores anything.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from portal.auth.access import AuthError, Forbidden
from portal.extensions import db
from portal.features import installed
from portal.http.api import ApiError
from portal.http.pages import STAFF_PREFIX, refusal_text
from portal.refusals import Refusal

log = logging.getLogger(__name__)
MACHINE_PREFIXES = ("/api/",)


def wants_json() -> bool:
    return request.path.startswith(MACHINE_PREFIXES) or (request.accept_mimetypes.best == "application/json")


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: ("bad_request", _("The request could not be understood.")),
        401: ("unauthorised", _("Sign in first: this needs a staff account.")),
        403: ("forbidden", _("Your account may not do this.")),
        404: ("not_found", _("There is nothing at this address.")),
        405: ("method_not_allowed", _("This address does not accept that method.")),
        413: ("too_large", _("The upload is too large.")),
        415: ("unsupported_media_type", _("This kind of content is not accepted here.")),
        429: ("rate_limited", _("Too many requests. Please wait a minute and try again.")),
        500: ("internal_error", _("Something went wrong on our side. Nothing you sent was stored.")),
        503: (
            "unavailable",
            _(
                "The service is briefly unavailable. Nothing you sent was stored: please try again in a minute."
            ),
        ),
    }


def error_response(
    status: int,
    code: str | None = None,
    message: str | None = None,
    fields: dict[str, list[str]] | None = None,
) -> tuple[Response | str, int]:
    with contextlib.suppress(SQLAlchemyError):  # a database that is down cannot even roll back
        db.session.rollback()
    default_code, default_message = _messages().get(status, ("error", _("The request failed.")))
    code = code or default_code
    message = message or default_message
    for prefix, render in installed().error_formats.items():
        if request.path.startswith(prefix):  # routing errors, 413, 429 and faults too: that surface's format
            response = render(status, message)
            return (
                response,
                response.status_code,
            )  # the surface's status (Open311: 400 stands for 405 and 413)
    if wants_json():
        body: dict[str, Any] = {"error": {"status": status, "code": code, "message": message}}
        if fields:
            body["error"]["fields"] = fields
        return jsonify(body), status
    staff_page = request.path == STAFF_PREFIX or request.path.startswith(STAFF_PREFIX + "/")
    page = render_template(
        "errors/error.html", status=status, message=message, fields=fields or {}, staff_page=staff_page
    )
    return page, status


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError) -> tuple[Response | str, int]:
        return error_response(error.status, error.code, error.message, error.fields)

    @app.errorhandler(Refusal)
    def handle_refusal(refusal: Refusal) -> tuple[Response | str, int]:
        # Pages that show a refusal on a form catch it themselves (portal.http.pages.show_refusal); the API and
        # pages without a form answer here, with the same words.
        message = refusal_text(refusal)
        fields = {refusal.field: [message]} if refusal.field else None
        return error_response(refusal.status, refusal.code, message, fields)

    @app.errorhandler(AuthError)
    def handle_auth_error(_error: AuthError) -> Any:
        response, status = error_response(401)
        if isinstance(response, Response):
            response.headers["WWW-Authenticate"] = 'Bearer realm="fire-alarm"'
        return response, status

    @app.errorhandler(Forbidden)
    def handle_forbidden(_error: Forbidden) -> tuple[Response | str, int]:
        return error_response(403)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException) -> Any:
        if isinstance(error, CSRFError):
            return error_response(
                400, "csrf_failed", _("The form expired. Reload the page and send it again.")
            )
        if error.response is not None:  # a page answered for itself (the form back after a rate limit)
            return error.response
        return error_response(error.code or 500)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def handle_database_down(error: DBAPIError) -> Any:
        # The database restarting or out of reach: a passing condition, so 503 and a time to come back.
        log.warning("database unavailable on %s %s: %s", request.method, request.path, error.orig)
        response, status = error_response(503)
        if isinstance(response, Response):
            response.headers["Retry-After"] = "30"
        return response, status

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> tuple[Response | str, int]:
        log.exception("unhandled error on %s %s", request.method, request.path, exc_info=error)
        return error_response(500)
