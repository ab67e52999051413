"""Template globals and filters, and the registries features use to add links and page sections."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app
from flask_babel import format_datetime
from flask_login import current_user

from portal.staff import DESK_LINKS_KEY

PUBLIC_NAV_KEY = "fire_alarm.public_nav"
TRACK_PARTIALS_KEY = "fire_alarm.track_partials"


def add_public_nav(app: Flask, endpoint: str, label: object) -> None:
    app.extensions.setdefault(PUBLIC_NAV_KEY, []).append((endpoint, label))


def add_track_partial(app: Flask, template: str) -> None:
    """A template included on the public status page; it sees ``complaint`` (the public view dict)."""
    app.extensions.setdefault(TRACK_PARTIALS_KEY, []).append(template)


def localtime(value: str | datetime | None) -> str:
    """A timestamp in the portal's time zone and the reader's language."""
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(moment, "medium")


def _staff_nav() -> list[tuple[str, object]]:
    if not current_user.is_authenticated:
        return []
    return [
        (endpoint, label)
        for endpoint, label, roles in current_app.extensions.get(DESK_LINKS_KEY, [])
        if current_user.has_role(*roles)
    ]


def init_app(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.globals.update(
        public_nav=lambda: current_app.extensions.get(PUBLIC_NAV_KEY, []),
        track_partials=lambda: current_app.extensions.get(TRACK_PARTIALS_KEY, []),
        staff_nav=_staff_nav,
    )
