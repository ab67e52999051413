"""Does a bureau's fix photo show the fix? The public checks beside a reply. Pure: no Flask, no database.

Three independent checks, each with its own finding (all are shown, none hides another):
- location: ``ok`` within ``max_metres`` of the complaint's coordinates; ``far`` beyond; ``missing`` when the
  photo has no GPS. When the complaint has no coordinates, its division's centre and radius stand in
  (``ok``/``far`` against that radius), since a fix photo from another city is still worth flagging.
- time: ``ok`` taken after the complaint was filed and before the reply (each with ``clock_skew`` of slack);
  ``before_filing`` (a picture of the problem, or of some other day), ``after_reply`` (impossible, a wrong clock
  or a forged date), ``undated`` when the photo carries no time.
- reuse: the nearest earlier photo (the citizen's, another complaint's, another fix photo) within
  ``portal.evidence.phash.REUSE_DISTANCE`` bits, or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from portal.evidence.exif import GeoPoint
from portal.evidence.inspection import InspectedPhoto
from portal.evidence.plausibility import CHINA_STANDARD_TIME, DEFAULT_CLOCK_SKEW, haversine_km


class FixLocation(StrEnum):
    OK = "ok"
    FAR = "far"
    MISSING = "missing"


class FixTime(StrEnum):
    OK = "ok"
    BEFORE_FILING = "before_filing"
    AFTER_REPLY = "after_reply"
    UNDATED = "undated"


@dataclass(frozen=True, slots=True)
class Place:
    """Where the complaint says the problem is: a point, and how far from it a fix photo may be."""

    point: GeoPoint
    max_metres: float


@dataclass(frozen=True, slots=True)
class FixCheck:
    location: FixLocation
    distance_m: float | None
    time: FixTime

    @property
    def has_location(self) -> bool:
        return self.location is not FixLocation.MISSING


def check_fix_photo(
    photo: InspectedPhoto,
    *,
    place: Place | None,
    filed_at: datetime,
    replied_at: datetime,
    clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
) -> FixCheck:
    """Check a fix photo's GPS against ``place`` (None: nothing to compare with, the place reads as far unless
    the photo has no GPS) and its time against the filing and the reply (both timezone-aware)."""
    if filed_at.utcoffset() is None or replied_at.utcoffset() is None:
        raise ValueError("filed_at and replied_at must be timezone-aware")
    distance_m = None
    if photo.gps is None:
        location = FixLocation.MISSING
    elif place is None:
        location = FixLocation.FAR
    else:
        distance_m = haversine_km(photo.gps, place.point) * 1000
        location = FixLocation.OK if distance_m <= place.max_metres else FixLocation.FAR
    if photo.taken_at is None:
        time = FixTime.UNDATED
    else:
        taken = photo.taken_at
        if taken.utcoffset() is None:
            taken = taken.replace(tzinfo=CHINA_STANDARD_TIME)
        if taken < filed_at - clock_skew:
            time = FixTime.BEFORE_FILING
        elif taken > replied_at + clock_skew:
            time = FixTime.AFTER_REPLY
        else:
            time = FixTime.OK
    return FixCheck(location=location, distance_m=distance_m, time=time)
