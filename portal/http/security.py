"""HTTP hardening every response gets: security headers, and row ids in URLs that cannot overflow a query."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

# Everything the pages use is served from this site: no inline script or style, no third party.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


class IdConverter(IntegerConverter):
    """Row ids in URLs: positive and within the 32-bit integer columns, so no id can overflow a query."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


def _refuse_nul() -> None:
    """A NUL character in a query parameter or form field is never meaningful; PostgreSQL cannot even store or
    compare it, so it is refused before any view sees it."""
    values = [*request.args.values(), *(request.form.values() if request.mimetype in _FORM_TYPES else ())]
    if any("\x00" in value for value in values):
        raise BadRequest("NUL character in a parameter")


_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.before_request(_refuse_nul)
    app.after_request(_security_headers)
