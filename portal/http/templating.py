"""Template filters and globals every page uses: times, deadlines, labels, and what the features added."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import format_date, format_datetime
from flask_login import current_user
from wtforms import Form

from portal.categories import category_info
from portal.deadlines.workdays import last_day_of
from portal.domain import in_language
from portal.features import Desk, NavLink, installed
from portal.http.i18n import current_language
from portal.labels import PARTY_LABELS, ROLE_LABELS, STATUS_LABELS, TRACK_LABELS


def localtime(value: str | datetime | None) -> str:
    """A timestamp in the portal's time zone and the reader's language."""
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(moment, "medium")


def due_date(value: str | datetime | None) -> str:
    """A deadline as the last day still in time ("by 18 December"), not as the midnight that ends it."""
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_date(last_day_of(moment), "long")


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def text_language(text: str | None) -> str:
    """The language of a text people wrote (a complaint, a reply), for its ``lang`` attribute: screen readers
    then read it in its own language, whatever the page's. Chinese if it has Chinese characters, else English."""
    return "zh" if text and _CJK.search(text) else "en"


def category_label(key: str) -> str:
    info = category_info(key)
    return in_language(current_language(), info.label_zh, info.label_en)


@dataclass(frozen=True)
class FieldError:
    id: str
    label: str
    message: str


def field_errors(form: Form) -> list[FieldError]:
    """Each field's errors with the field's id and label, subforms included, in the order of the form."""
    found: list[FieldError] = []
    for field in form:
        if field.type == "FormField":
            found.extend(field_errors(field.form))
        elif field.type != "CSRFTokenField":
            found.extend(
                FieldError(field.id, str(field.label.text), str(message)) for message in field.errors
            )
    return found


def language_switch_url(language: str) -> str:
    """This page in ``language``, with every other query parameter (filters, codes) kept."""
    # Built from this request's own path and parameters, never through url_for: a parameter named like one of
    # url_for's own (endpoint, _external, _anchor) must not change where the link points.
    kept = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return f"{request.path}?{urlencode([*kept, ('lang', language)])}"


def _staff_desks() -> list[Desk]:
    if not current_user.is_authenticated:
        return []
    return [desk for desk in installed().desks if current_user.has_role(*desk.roles)]


def _public_nav() -> list[NavLink]:
    return installed().public_nav


def _track_partials() -> list[str]:
    return installed().track_partials


def init_app(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["due_date"] = due_date
    app.jinja_env.globals.update(
        status_labels=STATUS_LABELS,
        category_label=category_label,
        role_labels=ROLE_LABELS,
        party_labels=PARTY_LABELS,
        track_labels=TRACK_LABELS,
        public_nav=_public_nav,
        track_partials=_track_partials,
        staff_nav=_staff_desks,
        field_errors=field_errors,
        language_switch_url=language_switch_url,
        text_language=text_language,
    )
