"""Template filters and globals every page uses: times, deadlines, labels, and what the features added."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_date, format_datetime
from flask_login import current_user

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


def category_label(key: str) -> str:
    info = category_info(key)
    return in_language(current_language(), info.label_zh, info.label_en)


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
    )
