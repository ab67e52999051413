"""The id of the request being served: the caller's ``X-Request-ID`` when it is a sane token, else a new one.

Kept in the WSGI environ, which belongs to one request (``g`` belongs to the app context, which a test or a
job may share between requests). Logs carry it, and the response echoes it, so one request can be followed
from the proxy through the portal's log lines.
"""

from __future__ import annotations

import re
import uuid

from flask import has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
# What proxies and tracing systems send (UUIDs, hex, "Root=1-5e1b...;Parent=..." shortened to its token
# characters): anything else, or anything longer, is replaced rather than written into the logs.
_SANE_ID = re.compile(r"[A-Za-z0-9._:=+/-]{1,128}")
_ENVIRON_KEY = "fire_alarm.request_id"


def request_id() -> str:
    """This request's id (inside a request context), chosen once per request."""
    found: str | None = request.environ.get(_ENVIRON_KEY)
    if found is None:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        found = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
        request.environ[_ENVIRON_KEY] = found
    return found


def current_request_id() -> str | None:
    """The id of the request being served, or None outside a request (a job, a command)."""
    return request_id() if has_request_context() else None
