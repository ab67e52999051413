"""Request parsing shared by the API endpoints."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from flask import request
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portal.errors import ApiError, validation_failed
from portal.intake.payload import PayloadError, flat_formdata, form_errors


def parse_json(text: str | bytes) -> Any:
    """Decoded JSON, or a 400: also for what parses but cannot be stored or hashed (lone UTF-16 surrogates,
    which cannot be encoded as UTF-8) and for nesting deep enough to exhaust the parser's recursion."""
    try:
        value = json.loads(text)
        json.dumps(value, ensure_ascii=False).encode()
    except (ValueError, RecursionError, UnicodeEncodeError) as exc:
        raise ApiError(400, "malformed_json", _("The request body is not valid JSON.")) from exc
    return value


def json_body() -> Any:
    """The request's JSON, or a 4xx in the caller's language when it is missing or malformed."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", _("Send the request body as application/json."))
    return parse_json(request.get_data())


def json_object() -> dict[str, Any]:
    payload = json_body()
    if not isinstance(payload, dict):
        raise ApiError(422, "validation_failed", _("The request body must be a JSON object."))
    return payload


FormT = TypeVar("FormT", bound=FlaskForm)


def validated_form(
    form_class: type[FormT],
    payload: Mapping[str, Any],
    text_fields: tuple[str, ...],
    flags: tuple[str, ...] = (),
    **form_options: Any,
) -> FormT:
    """Validate a flat JSON object with the same form class the staff pages use, or raise a 422 naming every
    bad field."""
    try:
        formdata = flat_formdata(payload, text_fields, flags)
    except PayloadError as exc:
        raise validation_failed(exc.errors) from exc
    form = form_class(formdata=formdata, meta={"csrf": False}, **form_options)
    if not form.validate():
        raise validation_failed(form_errors(form))
    return form
