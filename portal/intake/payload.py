"""Translate a JSON complaint into the form data :class:`ComplaintForm` validates.

JSON brings types the HTML form cannot (numbers, booleans, nested objects, and wrong ones: lists, nulls where
text belongs). Type errors are reported here, per field, in the caller's language; everything else is left to the
form so both surfaces share one set of rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from wtforms import Form

TEXT_FIELDS = ("title", "body", "division", "address")
NUMBER_FIELDS = ("lat", "lon")
CONTACT_FIELDS = ("name", "phone", "email")
MISCONDUCT_FIELDS = ("accused_name", "accused_unit", "party_member")


class PayloadError(ValueError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("invalid complaint payload")
        self.errors = errors


def _text(value: Any, path: str, errors: dict[str, list[str]]) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    errors[path] = [_("Must be text.")]
    return None


def _number(value: Any, path: str, errors: dict[str, list[str]]) -> str | None:
    if value is None:
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(value)
        return repr(float(value))
    except (TypeError, OverflowError):  # OverflowError: an integer too large for a float, e.g. 10**400
        errors[path] = [_("Must be a number.")]
        return None


def _boolean(value: Any, path: str, errors: dict[str, list[str]]) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        errors[path] = [_("Must be true or false.")]
        return False
    return value


def _object(value: Any, path: str, errors: dict[str, list[str]]) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        errors[path] = [_("Must be an object.")]
        return {}
    return value


def complaint_formdata(payload: Any) -> tuple[MultiDict[str, str], dict[str, list[str]]]:
    """Form data for :class:`ComplaintForm` from a decoded JSON body, and the type errors found on the way.

    Fields with the wrong type are left out of the form data, so validating the form afterwards reports every
    other problem too: the caller merges both and the client fixes everything in one round.
    """
    if not isinstance(payload, Mapping):
        raise PayloadError({"": [_("The request body must be a JSON object.")]})
    errors: dict[str, list[str]] = {}
    data: MultiDict[str, str] = MultiDict()

    def put(name: str, value: str | None) -> None:
        if value is not None:
            data[name] = value

    for name in TEXT_FIELDS:
        put(name, _text(payload.get(name), name, errors))
    for name in NUMBER_FIELDS:
        put(name, _number(payload.get(name), name, errors))
    if _boolean(payload.get("anonymous"), "anonymous", errors):
        data["anonymous"] = "y"

    contact = _object(payload.get("contact"), "contact", errors)
    for name in CONTACT_FIELDS:
        put(f"contact-{name}", _text(contact.get(name), f"contact.{name}", errors))

    raw_misconduct = payload.get("misconduct")
    misconduct = _object(raw_misconduct, "misconduct", errors)
    # Sending a misconduct object is the allegation; "alleged": false inside it withdraws it explicitly.
    alleged = _boolean(misconduct.get("alleged", True), "misconduct.alleged", errors)
    if raw_misconduct is not None and misconduct and alleged:
        data["misconduct-alleged"] = "y"
    for name in MISCONDUCT_FIELDS:
        put(f"misconduct-{name}", _text(misconduct.get(name), f"misconduct.{name}", errors))
    return data, errors


def flat_formdata(
    payload: Mapping[str, Any], text_fields: tuple[str, ...], flags: tuple[str, ...] = ()
) -> MultiDict[str, str]:
    """Form data for a flat form of text fields and booleans; raises :class:`PayloadError`."""
    errors: dict[str, list[str]] = {}
    data: MultiDict[str, str] = MultiDict()
    for name in text_fields:
        value = _text(payload.get(name), name, errors)
        if value is not None:
            data[name] = value
    for name in flags:
        if _boolean(payload.get(name), name, errors):
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
