"""POST Service Request: Open311 parameters in, the same :class:`ComplaintForm` as the web form and the API.

The parameters become the form's data, so limits and messages stay those of every other surface; the form's
errors are then named back by their Open311 parameter (``body`` -> ``description``, ``division`` ->
``attribute[division]``), and every problem is reported at once, one ``<error>`` each.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage, MultiDict

from portal.complaints.forms import TITLE_MAX, TITLE_MIN, ComplaintForm
from portal.evidence.photos import EvidenceRejected, Upload, inspect_files
from portal.http.api import form_errors
from portal.open311.catalogue import (
    ACCUSED_NAME,
    ACCUSED_UNIT,
    DIVISION,
    LIST_DATATYPES,
    MISCONDUCT,
    PARTY_MEMBER,
    Service,
)
from portal.open311.errors import Open311Error, not_provided, problem
from portal.open311.jurisdiction import Jurisdiction
from portal.open311.mapping import DESCRIPTION_MAX

_ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\]]*)\](\[\])?$")
CONTACT_PARAMETERS = ("first_name", "last_name", "phone", "email")
MEDIA_URL_MAX = 500
# Form field paths (as portal.http.api.form_errors names them) -> Open311 parameters.
FIELD_PARAMETERS: Mapping[str, str] = {
    "title": "description",  # the title is derived from the description
    "body": "description",
    "division": f"attribute[{DIVISION}]",
    "address": "address_string",
    "lat": "lat",
    "lon": "long",
    "contact.phone": "phone",
    "contact.email": "email",
    "misconduct.accused_name": f"attribute[{ACCUSED_NAME}]",
    "misconduct.accused_unit": f"attribute[{ACCUSED_UNIT}]",
    "misconduct.party_member": f"attribute[{PARTY_MEMBER}]",
}
# Attribute code -> the form field it fills.
ATTRIBUTE_FIELDS: Mapping[str, str] = {
    DIVISION: "division",
    ACCUSED_NAME: "misconduct-accused_name",
    ACCUSED_UNIT: "misconduct-accused_unit",
    PARTY_MEMBER: "misconduct-party_member",
}


@dataclass(frozen=True)
class Submission:
    form: ComplaintForm  # validated
    uploads: list[Upload]
    # A photo the client keeps elsewhere: recorded as a reference, never fetched (fetching would skip the
    # evidence checks and let any caller make us fetch anything).
    media_url: str | None = None


class _Problems:
    """Problems by parameter, in the order found; the first finding about a parameter wins."""

    def __init__(self) -> None:
        self.by_parameter: dict[str, list[str]] = {}

    def add(self, parameter: str, description: str) -> None:
        self.by_parameter.setdefault(parameter, []).append(description)

    def add_if_new(self, parameter: str, descriptions: list[str]) -> None:
        if parameter not in self.by_parameter:
            self.by_parameter[parameter] = list(descriptions)

    def descriptions(self) -> list[str]:
        return [text for texts in self.by_parameter.values() for text in dict.fromkeys(texts)]


def _is_web_address(text: str) -> bool:
    parts = urlsplit(text)
    return len(text) <= MEDIA_URL_MAX and parts.scheme in {"http", "https"} and bool(parts.netloc)


def derive_title(description: str) -> str:
    """The complaint's title: the first line if it is long enough, else the whole text on one line."""
    first_line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    title = first_line if len(first_line) >= TITLE_MIN else " ".join(description.split())
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def _has_cjk(text: str) -> bool:
    return any(unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH") for char in text)


def contact_name(first_name: str, last_name: str) -> str:
    """Chinese names put the family name first (王 + 小明); others are written ``first last``."""
    if _has_cjk(first_name + last_name):
        return last_name + first_name
    return " ".join(part for part in (first_name, last_name) if part)


def _attributes(values: MultiDict[str, str], service: Service, problems: _Problems) -> dict[str, str]:
    """The attributes sent, checked against the service definition."""
    given: dict[str, str] = {}
    for key in values:
        match = _ATTRIBUTE_KEY.match(key)
        if match is None:
            continue
        code, as_list = match.group(1)[:64], bool(match.group(2))
        parameter = f"attribute[{code}]"
        attribute = service.attribute(code)
        sent = [value.strip() for value in values.getlist(key) if value.strip()]
        if attribute is None:
            problems.add(
                parameter,
                _(
                    "%(parameter)s is not an attribute of service %(service)s",
                    parameter=parameter,
                    service=service.code,
                ),
            )
        elif as_list or len(sent) > 1:  # no attribute of ours is a multivaluelist
            problems.add(parameter, problem(parameter, _("takes a single value")))
        elif sent and attribute.datatype in LIST_DATATYPES and sent[0] not in attribute.keys:
            problems.add(
                parameter,
                problem(parameter, _("must be one of %(keys)s", keys=", ".join(attribute.keys))),
            )
        elif sent:
            given[code] = sent[0]
    for attribute in service.attributes:
        parameter = f"attribute[{attribute.code}]"
        if attribute.required and attribute.code not in given and parameter not in problems.by_parameter:
            problems.add(parameter, not_provided(parameter))
    return given


def _formdata(
    values: MultiDict[str, str], service: Service, attributes: dict[str, str]
) -> MultiDict[str, str]:
    description = values.get("description", "")
    first_name, last_name = values.get("first_name", "").strip(), values.get("last_name", "").strip()
    data: MultiDict[str, str] = MultiDict(
        {
            "title": derive_title(description),
            "body": description,
            "address": values.get("address_string", ""),
            "lat": values.get("lat", ""),
            "lon": values.get("long", ""),
            "contact-name": contact_name(first_name, last_name),
            "contact-phone": values.get("phone", ""),
            "contact-email": values.get("email", ""),
        }
    )
    # Open311 has no anonymity flag: sending no contact details at all is filing anonymously.
    if not any(values.get(name, "").strip() for name in CONTACT_PARAMETERS):
        data["anonymous"] = "y"
    if service.code == MISCONDUCT:
        data["misconduct-alleged"] = "y"
    for code, value in attributes.items():
        data[ATTRIBUTE_FIELDS[code]] = value
    return data


def _form_parameter(path: str, values: MultiDict[str, str]) -> str:
    if path == "contact.name":  # one form field from two parameters: name the one that was sent
        return "first_name" if values.get("first_name", "").strip() else "last_name"
    return FIELD_PARAMETERS.get(path, path)


def check_submission(
    values: MultiDict[str, str],
    files: list[FileStorage],
    service: Service,
    jurisdiction: Jurisdiction,
) -> Submission:
    """Validate a POST's parameters and ``media`` files; raise :class:`Open311Error` 400 listing every problem."""
    problems = _Problems()
    media_url = values.get("media_url", "").strip() or None
    if media_url is not None and not _is_web_address(media_url):
        problems.add(
            "media_url", problem("media_url", _("must be an http or https address of at most 500 characters"))
        )
    attributes = _attributes(values, service, problems)
    description = values.get("description", "").strip()
    if not description:
        problems.add("description", not_provided("description"))
    elif len(description) > DESCRIPTION_MAX:
        problems.add(
            "description", problem("description", _("At most %(max)d characters.", max=DESCRIPTION_MAX))
        )
    has_point = bool(values.get("lat", "").strip() and values.get("long", "").strip())
    if not has_point and not values.get("address_string", "").strip():
        problems.add("location", _("A location is required: lat and long, or address_string."))
    uploads: list[Upload] = []
    try:
        uploads = inspect_files(files)
    except EvidenceRejected as rejected:
        for message in rejected.messages:
            problems.add("media", problem("media", message))
    form = ComplaintForm(
        formdata=_formdata(values, service, attributes),
        meta={"csrf": False},
        division_choices=list(jurisdiction.division_choices),
        explicit_allegation=True,  # the service chosen says whether it is an allegation
    )
    if not form.validate():
        # Body before title: a title too short is a description too short, and the body's message says so.
        for path, messages in sorted(form_errors(form).items(), key=lambda item: item[0] == "title"):
            parameter = _form_parameter(path, values)
            problems.add_if_new(parameter, [problem(parameter, message) for message in messages])
    if problems.by_parameter:
        raise Open311Error(400, problems.descriptions())
    return Submission(form, uploads, media_url)
