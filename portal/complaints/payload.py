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

from portal.http.api import PayloadError, boolean_value, number_value, object_value, text_value

TEXT_FIELDS = ("title", "body", "division", "address", "website")
NUMBER_FIELDS = ("lat", "lon")
CONTACT_FIELDS = ("name", "phone", "email")
MISCONDUCT_FIELDS = ("accused_name", "accused_unit", "party_member")


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
        put(name, text_value(payload.get(name), name, errors))
    for name in NUMBER_FIELDS:
        put(name, number_value(payload.get(name), name, errors))
    if boolean_value(payload.get("anonymous"), "anonymous", errors):
        data["anonymous"] = "y"
    if boolean_value(payload.get("notify"), "notify", errors):
        data["notify"] = "y"

    contact = object_value(payload.get("contact"), "contact", errors)
    for name in CONTACT_FIELDS:
        put(f"contact-{name}", text_value(contact.get(name), f"contact.{name}", errors))

    raw_misconduct = payload.get("misconduct")
    misconduct = object_value(raw_misconduct, "misconduct", errors)
    # Sending a misconduct object is the allegation; "alleged": false inside it withdraws it explicitly.
    alleged = boolean_value(misconduct.get("alleged", True), "misconduct.alleged", errors)
    if raw_misconduct is not None and misconduct and alleged:
        data["misconduct-alleged"] = "y"
    for name in MISCONDUCT_FIELDS:
        put(f"misconduct-{name}", text_value(misconduct.get(name), f"misconduct.{name}", errors))
    proof = object_value(payload.get("pow"), "pow", errors)
    put("pow_challenge", text_value(proof.get("challenge"), "pow.challenge", errors))
    put("pow_nonce", text_value(proof.get("nonce"), "pow.nonce", errors))
    return data, errors
