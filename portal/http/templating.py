"""Template globals and filters, and the registries features use to add links and page sections."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.categories import category_info
from portal.complaints.timeline import STATUS_LABELS
from portal.deadlines.workdays import last_day_of
from portal.evidence import PhotoCheckResult, photos
from portal.http.i18n import current_language
from portal.http.pages import DESK_LINKS_KEY
from portal.labels import PARTY_LABELS, ROLE_LABELS, TRACK_LABELS
from portal.models import Complaint

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


def due_date(value: str | datetime | None) -> str:
    """A deadline as the last day still in time ("by 18 December"), not as the midnight that ends it."""
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_date(last_day_of(moment), "long")


def category_label(key: str) -> str:
    info = category_info(key)
    return info.label_en if current_language() == "en" else info.label_zh


def _staff_nav() -> list[tuple[str, object]]:
    if not current_user.is_authenticated:
        return []
    return [
        (endpoint, label)
        for endpoint, label, roles in current_app.extensions.get(DESK_LINKS_KEY, [])
        if current_user.has_role(*roles)
    ]


PHOTO_CHECK_LABELS = {
    PhotoCheckResult.CONSISTENT.value: _l("consistent with the complaint"),
    PhotoCheckResult.NO_LOCATION.value: _l("no location data"),
    PhotoCheckResult.FAR_FROM_PLACE.value: _l("far from the claimed place"),
    PhotoCheckResult.TAKEN_LONG_BEFORE.value: _l("taken long before"),
    PhotoCheckResult.TAKEN_AFTER_FILING.value: _l("dated after the complaint"),
}


def _may_see_originals(complaint: Complaint) -> bool:
    return current_user.is_authenticated and photos.may_see_originals(current_user, complaint)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["due_date"] = due_date
    app.jinja_env.globals.update(
        evidence_for=photos.photos_of,
        may_see_originals=_may_see_originals,
        photo_check_labels=PHOTO_CHECK_LABELS,
        status_labels=STATUS_LABELS,
        category_label=category_label,
        role_labels=ROLE_LABELS,
        party_labels=PARTY_LABELS,
        track_labels=TRACK_LABELS,
        public_nav=lambda: current_app.extensions.get(PUBLIC_NAV_KEY, []),
        track_partials=lambda: current_app.extensions.get(TRACK_PARTIALS_KEY, []),
        staff_nav=_staff_nav,
    )
