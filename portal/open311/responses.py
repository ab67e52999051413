"""Open311 answers as HTTP responses: the format comes from the URL suffix, never from Accept headers."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response, request

from portal.open311.serialize import Document, to_json, to_xml

PREFIX = "/open311/"
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# The statuses the spec's error list uses; everything else, server faults included, is a "general service
# error" 400 (spec, Errors). 429 is ours: the spec predates rate limits.
ERROR_STATUSES = frozenset({400, 403, 404, 429})


def document_response(root: str, document: Document, fmt: str, status: int = 200) -> Response:
    body = to_json(document) if fmt == "json" else to_xml(root, document)
    return Response(body, status=status, content_type=CONTENT_TYPES[fmt])


def requested_format() -> str:
    """``json`` for a ``.json`` URL; XML, the spec's required format, for everything else."""
    return "json" if request.path.endswith(".json") else "xml"


def error_response(status: int, descriptions: Sequence[str]) -> Response:
    # Client errors the spec has no status for (405, 413, ...) are its 400; our own faults stay 5xx.
    spec_status = status if status in ERROR_STATUSES or status >= 500 else 400
    errors = [{"code": spec_status, "description": text} for text in descriptions]
    return document_response("errors", errors, requested_format(), spec_status)


def error_in_spec_format(status: int, message: str) -> Response:
    """Any error under /open311 (routing errors, 413, 429, faults too) as the spec's error list."""
    return error_response(status, [message])
