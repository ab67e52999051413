"""HTTP hardening every response gets: security headers, and row ids in URLs that cannot overflow a query."""

from __future__ import annotations

from flask import Flask, Response
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


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.after_request(_security_headers)
