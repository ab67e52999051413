"""The JSON API's plumbing: blueprints under /api/v1, JSON errors, and JSON bodies read into the page forms.

API blueprints are token-authenticated and deny-by-default; views marked :func:`portal.auth.access.public` are
open. A JSON body is turned into form data and validated with the same form classes the pages use, so both
surfaces share one set of limits and messages.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, g, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Form

from portal.auth.access import AuthError, bearer_user, is_public_endpoint

API_PREFIX = "/api/v1"


class ApiError(Exception):
    """An error with a status, a stable machine code and a message for people."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


def validation_failed(fields: dict[str, list[str]]) -> ApiError:
    return ApiError(422, "validation_failed", _("Some fields need correcting."), fields)


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def refuse_cross_site_writes() -> None:
    """Refuse a write that a browser sends on behalf of another site.

    Machine surfaces take no cookies, so CSRF tokens do not apply; but a plain HTML form on any site can still
    post ``multipart/form-data`` here from a visitor's browser (no preflight is needed for that), filing in the
    visitor's name. Browsers say where a request comes from (``Sec-Fetch-Site``, ``Origin``); other clients
    (curl, apps, partner servers) send neither and are not affected.
    """
    if request.method not in UNSAFE_METHODS:
        return
    fetch_site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    foreign_origin = origin is not None and urlsplit(origin).netloc != request.host
    if fetch_site in {"cross-site", "same-site"} or (fetch_site is None and foreign_origin):
        raise ApiError(403, "cross_site", _("Requests from other sites' pages are refused here."))


def _authenticate_api_request() -> None:
    if request.method == "OPTIONS" or is_public_endpoint(request.endpoint):
        return
    user = bearer_user()
    if user is None:
        raise AuthError
    g.api_user = user


def make_api_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint under /api/v1 whose routes need a bearer token unless marked public.

    The factory exempts API blueprints from CSRF: bearer tokens, not cookies, authenticate here, so there is no
    ambient credential for a forged request to abuse.
    """
    blueprint = Blueprint(name, import_name, url_prefix=API_PREFIX)
    blueprint.before_request(refuse_cross_site_writes)
    blueprint.before_request(_authenticate_api_request)
    return blueprint


# --- JSON values -------------------------------------------------------------------------------------------
# JSON brings types an HTML form cannot (numbers, booleans, nested objects, and wrong ones: lists, nulls where
# text belongs). Type errors are collected per field path in the caller's language; everything else is left to
# the form.


class PayloadError(ValueError):
    """JSON values of the wrong type, by field path, each with a message in the caller's language."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("invalid JSON payload")
        self.errors = errors


def text_value(value: Any, path: str, errors: dict[str, list[str]]) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    errors[path] = [_("Must be text.")]
    return None


def number_value(value: Any, path: str, errors: dict[str, list[str]]) -> str | None:
    if value is None:
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(value)
        return repr(float(value))
    except (TypeError, OverflowError):  # OverflowError: an integer too large for a float, e.g. 10**400
        errors[path] = [_("Must be a number.")]
        return None


def boolean_value(value: Any, path: str, errors: dict[str, list[str]]) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        errors[path] = [_("Must be true or false.")]
        return False
    return value


def object_value(value: Any, path: str, errors: dict[str, list[str]]) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        errors[path] = [_("Must be an object.")]
        return {}
    return value


def flat_formdata(
    payload: Mapping[str, Any], text_fields: tuple[str, ...], flags: tuple[str, ...] = ()
) -> MultiDict[str, str]:
    """Form data for a flat form of text fields and booleans; raises :class:`PayloadError`."""
    errors: dict[str, list[str]] = {}
    data: MultiDict[str, str] = MultiDict()
    for name in text_fields:
        value = text_value(payload.get(name), name, errors)
        if value is not None:
            data[name] = value
    for name in flags:
        if boolean_value(payload.get(name), name, errors):
            data[name] = "y"
    if errors:
        raise PayloadError(errors)
    return data


def form_errors(form: Form) -> dict[str, list[str]]:
    """A form's errors keyed by field path (``contact.phone``), as plain strings for JSON and templates."""
    flat: dict[str, list[str]] = {}
    for name, errors in form.errors.items():
        if isinstance(errors, dict):
            for sub, messages in errors.items():
                flat[f"{name}.{sub}"] = [str(m) for m in messages]
        else:
            flat["" if name is None else name] = [str(m) for m in errors]
    return flat


# --- Request bodies ----------------------------------------------------------------------------------------


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
