"""How the photo checks read: the citizen's photos to staff, the bureau's fix photos to everyone."""

from datetime import UTC, datetime

from babel.dates import format_datetime as babel_format_datetime
from flask_babel import format_datetime, get_locale, gettext
from flask_babel import lazy_gettext as _l

from portal.evidence import PhotoCheckResult
from portal.evidence.fix_checks import FixLocation, FixTime

PHOTO_CHECK_LABELS = {
    PhotoCheckResult.CONSISTENT.value: _l("consistent with the complaint"),
    PhotoCheckResult.NO_LOCATION.value: _l("no location data"),
    PhotoCheckResult.FAR_FROM_PLACE.value: _l("far from the claimed place"),
    PhotoCheckResult.TAKEN_LONG_BEFORE.value: _l("taken long before"),
    PhotoCheckResult.TAKEN_AFTER_FILING.value: _l("dated after the complaint"),
}


def camera_time(value: str | None) -> str:
    """When a photo says it was taken, for people: in the portal's zone when the camera recorded its offset,
    else as the camera's own clock showed it (its zone unknown), never as a raw ISO string."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        return format_datetime(moment, "medium")
    # A naive camera time is the camera's wall clock: shown as it is, not shifted as if it were UTC.
    shown = babel_format_datetime(moment.replace(tzinfo=UTC), "medium", tzinfo=UTC, locale=get_locale())
    return gettext("%(time)s (camera clock, time zone unknown)", time=shown)


FIX_LOCATION_LABELS = {
    FixLocation.OK.value: _l("taken at the complaint's place"),
    FixLocation.FAR.value: _l("taken far from the complaint's place"),
    FixLocation.MISSING.value: _l("no location: where it was taken is unknown"),
}

FIX_TIME_LABELS = {
    FixTime.OK.value: _l("taken between the complaint and the reply"),
    FixTime.BEFORE_FILING.value: _l("taken before the complaint was filed"),
    FixTime.AFTER_REPLY.value: _l("dated after the reply"),
    FixTime.UNDATED.value: _l("no date: when it was taken is unknown"),
}

REUSE_LABELS = {
    "citizen_photo": _l("a copy of a photo a citizen sent"),
    "fix_photo": _l("a copy of an earlier fix photo"),
}
