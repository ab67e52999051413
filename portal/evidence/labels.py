"""How the photo checks read to staff."""

from flask_babel import lazy_gettext as _l

from portal.evidence import PhotoCheckResult

PHOTO_CHECK_LABELS = {
    PhotoCheckResult.CONSISTENT.value: _l("consistent with the complaint"),
    PhotoCheckResult.NO_LOCATION.value: _l("no location data"),
    PhotoCheckResult.FAR_FROM_PLACE.value: _l("far from the claimed place"),
    PhotoCheckResult.TAKEN_LONG_BEFORE.value: _l("taken long before"),
    PhotoCheckResult.TAKEN_AFTER_FILING.value: _l("dated after the complaint"),
}
